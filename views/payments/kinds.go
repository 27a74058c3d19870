package payments

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi"
	"qiwidash/store/moves"
	"qiwidash/ui/formkit"
)

// kindID is one kind of payment the screen can send.
type kindID int

const (
	kindWallet kindID = iota
	kindMobile
	kindCard
	kindBank
	kindService
	kindRequisites
	kindConversion
	kindInvoice // paying an invoice: listed from the journal, never in the menu
)

// kinds is the menu, in order: each kind's title and description as
// message ids.
var kinds = []struct {
	id          kindID
	title, desc string
}{
	{kindWallet, "payments.kind.wallet", "payments.kind.wallet_desc"},
	{kindMobile, "payments.kind.mobile", "payments.kind.mobile_desc"},
	{kindCard, "payments.kind.card", "payments.kind.card_desc"},
	{kindBank, "payments.kind.bank", "payments.kind.bank_desc"},
	{kindService, "payments.kind.service", "payments.kind.service_desc"},
	{kindRequisites, "payments.kind.requisites", "payments.kind.requisites_desc"},
	{kindConversion, "payments.kind.conversion", "payments.kind.conversion_desc"},
}

func kindTitle(tr *i18n.Tr, k kindID) string {
	if k == kindInvoice {
		return tr.T("payments.kind.invoice", nil)
	}
	for _, x := range kinds {
		if x.id == k {
			return tr.T(x.title, nil)
		}
	}
	return tr.T("payments.kind.payment", nil)
}

// bankNames are the banks of the docs' tables, by provider id: their
// names' message ids.
var bankNames = map[int]string{
	313: "payments.bank_name.home_credit", 464: "payments.bank_name.alfa", 804: "payments.bank_name.otp",
	810: "payments.bank_name.rosselkhoz", 815: "payments.bank_name.russian_standard", 816: "payments.bank_name.vtb",
	819: "payments.bank_name.unicredit", 821: "payments.bank_name.psb", 868: "payments.bank_name.qiwi",
	870: "payments.bank_name.sber", 881: "payments.bank_name.renaissance", 1134: "payments.bank_name.mkb",
	27324: "payments.bank_name.raiffeisen",
}

// banksNeedingExpiry take a transfer by card number only with the card's
// expiry (MMYY); the docs name 464 and 821.
var banksNeedingExpiry = map[int]bool{464: true, 821: true}

func bankName(tr *i18n.Tr, id int) string {
	if n, ok := bankNames[id]; ok {
		return tr.T(n, nil)
	}
	return tr.T("payments.bank.numbered", i18n.Args{"ID": id})
}

func bankOptions(tr *i18n.Tr, ids []int) []option {
	out := make([]option, len(ids))
	for i, id := range ids {
		out[i] = option{Label: fmt.Sprintf("%s (%d)", bankName(tr, id), id), Value: strconv.Itoa(id)}
	}
	return out
}

// dedicated are providers with their own form (they need more than an
// account), kept out of the "Other services" search.
func dedicated(id int) bool {
	switch id {
	case qiwiapi.ProviderWalletTransfer, qiwiapi.ProviderNickname, qiwiapi.ProviderConversion, qiwiapi.ProviderRequisites,
		qiwiapi.ProviderVisaRU, qiwiapi.ProviderMasterCardRU, qiwiapi.ProviderMIR, qiwiapi.ProviderQVC,
		qiwiapi.ProviderVisaForeign, qiwiapi.ProviderMCForeign:
		return true
	}
	_, bank := bankNames[id]
	return bank
}

var (
	digitsRe = regexp.MustCompile(`^[0-9]+$`)
	expiryRe = regexp.MustCompile(`^(0[1-9]|1[0-2])[0-9]{2}$`)
)

func nDigits(s string, n ...int) bool {
	if !digitsRe.MatchString(s) {
		return false
	}
	for _, k := range n {
		if len(s) == k {
			return true
		}
	}
	return false
}

// normalizeWallet accepts "+7 916 111-22-33", "79161112233" and the
// domestic "89161112233" and returns "+79161112233".
func normalizeWallet(s string) string {
	s = strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(strings.TrimSpace(s))
	if len(s) == 11 && strings.HasPrefix(s, "8") {
		s = "7" + s[1:]
	}
	if s != "" && !strings.HasPrefix(s, "+") {
		s = "+" + s
	}
	return s
}

// newForm builds the empty form for a kind. Free text QIWI caps is
// counted (never cut); the amount is the kit's one amount field.
func (m *Model) newForm(k kindID) *form {
	tr := m.c.Tr
	t := func(id string) string { return tr.T(id, nil) }
	text, choice, toggle := formkit.NewText, formkit.NewChoice, formkit.NewToggle
	amount := formkit.NewAmount("amount", t("payments.form.amount"), qiwiapi.RUB)
	digits9 := t("payments.bank.bik_example") // a rule, not an example: a hint
	var fields []*formkit.Field
	switch k {
	case kindWallet:
		fields = []*formkit.Field{
			text("to", t("payments.wallet.to"), "+79161112233"),
			amount,
			text("comment", t("payments.form.comment"), t("payments.wallet.comment_example")).AsOptional().WithLimit(140),
		}
	case kindMobile:
		fields = []*formkit.Field{text("phone", t("payments.mobile.phone"), "+7 912 345-67-89"), amount}
	case kindCard:
		fields = []*formkit.Field{
			text("card", t("payments.card.number"), "4111 1111 1111 1111"),
			choice("cardtype", t("payments.card.kind"),
				option{Label: t("payments.card.kind_auto"), Value: "auto"},
				option{Label: t("payments.card.kind_qvc"), Value: strconv.Itoa(qiwiapi.ProviderQVC)}),
			amount,
		}
	case kindBank:
		fields = []*formkit.Field{
			choice("method", t("payments.bank.method"), option{Label: t("payments.bank.by_card"), Value: "card"}, option{Label: t("payments.bank.by_account"), Value: "account"}),
			choice("bank", t("payments.bank.bank"), bankOptions(tr, qiwiapi.BankCardBanks())...),
			text("card", t("payments.card.number"), "").WithHint(t("payments.bank.card_example")),
			text("expiry", t("payments.bank.expiry"), "0927"),
			text("account", t("payments.bank.account"), "").WithHint(t("payments.bank.account_example")),
			text("bik", t("payments.bank.bik"), "").WithHint(digits9),
			text("lname", t("payments.bank.last_name"), "Иванов").WithLimit(60),
			text("fname", t("payments.bank.first_name"), "Иван").WithLimit(60),
			text("mname", t("payments.bank.middle_name"), "Иванович").WithLimit(60).AsOptional(),
			text("agrnum", t("payments.bank.agreement"), "").WithHint(t("payments.bank.agreement_example")).WithLimit(40),
			toggle("urgent", t("payments.bank.urgent")),
			amount,
		}
	case kindService:
		fields = []*formkit.Field{
			text("query", t("payments.service.query"), "").WithHint(t("payments.service.query_example")),
			choice("provider", t("payments.service.provider")),
			text("account", t("payments.service.account"), "").WithHint(t("payments.service.account_example")).WithLimit(40),
			amount,
		}
	case kindRequisites:
		fields = []*formkit.Field{
			text("bankname", t("payments.requisites.bank_name"), "ПАО АКБ «АВАНГАРД»").WithLimit(100),
			text("bik", t("payments.bank.bik"), "").WithHint(digits9),
			text("city", t("payments.requisites.city"), "МОСКВА").WithLimit(60),
			text("account", t("payments.requisites.account"), "").WithHint(t("payments.bank.account_example")),
			text("company", t("payments.requisites.company"), "ООО «Технический Центр»").WithLimit(100),
			text("inn", t("payments.requisites.inn"), "").WithHint(t("payments.requisites.inn_example")),
			text("kpp", t("payments.requisites.kpp"), "").WithHint(digits9),
			toggle("vat", t("payments.requisites.vat")),
			text("goal", t("payments.requisites.goal"), "Оплата по счёту №…").WithLimit(140),
			toggle("urgent", t("payments.bank.urgent")),
			text("from_last", t("payments.requisites.last_name"), "Михайлов").WithLimit(60),
			text("from_first", t("payments.requisites.first_name"), "Иван").WithLimit(60),
			text("from_middle", t("payments.requisites.middle_name"), "").WithHint(t("payments.requisites.middle_name_example")).WithLimit(60).AsOptional(),
			amount,
		}
	case kindConversion:
		fields = []*formkit.Field{
			choice("currency", t("payments.conversion.currency"),
				option{Label: "USD", Value: strconv.Itoa(int(qiwiapi.USD))}, option{Label: "EUR", Value: strconv.Itoa(int(qiwiapi.EUR))},
				option{Label: "KZT", Value: strconv.Itoa(int(qiwiapi.KZT))}),
			formkit.NewAmount("amount", t("payments.conversion.amount"), qiwiapi.USD),
			text("comment", t("payments.form.comment"), "").AsOptional().WithLimit(140),
		}
	}
	f := &form{Form: formkit.New(fields...).WithTr(tr), kind: k, title: kindTitle(tr, k)}
	m.validate(f)
	return f
}

// quote is what a commission preview is asked for; comparable, so a
// preview can be matched to the form state it belongs to.
type quote struct {
	provider int
	account  string
	sum      qiwiapi.Amount
}

// currency is the amount's currency for the form.
func (f *form) currency() qiwiapi.Currency {
	if f.kind == kindConversion {
		if n, err := strconv.Atoi(f.Value("currency")); err == nil {
			return qiwiapi.Currency(n)
		}
	}
	return qiwiapi.RUB
}

// required sets problem, a whole sentence, on an empty field that is not
// optional.
func required(fl *formkit.Field, problem string) {
	if fl.Value() == "" && !fl.Optional {
		fl.Problem = problem
	}
}

// validate checks every field of the form as it stands, setting each
// field's problem and note, and which fields apply.
func (m *Model) validate(f *form) {
	tr := m.c.Tr
	t := func(id string) string { return tr.T(id, nil) }
	for _, fl := range f.Fields {
		fl.Note = ""
	}
	if f.kind == kindBank {
		m.bankLayout(f)
	}
	if amt := f.Get("amount"); amt != nil {
		amt.SetCurrency(f.currency())
	}
	f.Check() // the kit's own checks: required, caps, the amount rule
	switch f.kind {
	case kindWallet:
		to := f.Get("to")
		v := normalizeWallet(to.Value())
		if _, err := qiwiapi.WalletTransfer("", v, qiwiapi.Amount{Minor: 1, Currency: qiwiapi.RUB}, ""); to.Value() == "" {
			to.Problem = t("payments.wallet.enter")
		} else if err != nil {
			to.Problem = t("payments.wallet.bad")
		} else if v == "+"+m.c.Wallet {
			to.Problem = t("payments.wallet.own")
		}
	case kindMobile:
		ph := f.Get("phone")
		p10, err := qiwiapi.NormalizeRUPhone10(ph.Value())
		switch {
		case ph.Value() == "":
			ph.Problem = t("payments.mobile.enter")
		case err != nil:
			ph.Problem = explain.Problem(m.c.Tr, err)
		case m.lk.opFor != p10:
			ph.Note = t("payments.mobile.looking_up")
		case m.lk.opErr != "":
			ph.Problem = tr.T("payments.mobile.lookup_failed", i18n.Args{"Why": m.lk.opErr})
		case m.lk.op == nil:
			ph.Problem = t("payments.mobile.no_operator")
		default:
			ph.Note = tr.T("payments.mobile.operator", i18n.Args{"Name": m.lk.op.ShortName, "ID": m.lk.op.ID})
		}
	case kindCard:
		card, typ := f.Get("card"), f.Get("cardtype")
		n, err := qiwiapi.NormalizeCard(card.Value())
		switch {
		case card.Value() == "":
			card.Problem = t("payments.card.enter")
		case err != nil:
			card.Problem = explain.Problem(m.c.Tr, err)
		case typ.Value() == "auto":
			if p, err := qiwiapi.CardProvider(n); err != nil {
				card.Problem = explain.Problem(m.c.Tr, err)
			} else {
				card.Note = cardProviderName(tr, p)
			}
		default:
			card.Note = cardProviderName(tr, qiwiapi.ProviderQVC)
		}
	case kindBank:
		m.validateBank(f)
	case kindService:
		q, prov, acct := f.Get("query"), f.Get("provider"), f.Get("account")
		query := strings.TrimSpace(q.Value())
		switch {
		case len([]rune(query)) < 2:
			q.Problem = t("payments.service.too_short")
		case m.lk.searchFor != query:
			q.Note = t("payments.service.searching")
		case m.lk.searchErr != "":
			q.Problem = tr.T("payments.service.search_failed", i18n.Args{"Why": m.lk.searchErr})
		case len(prov.Options) == 0:
			q.Problem = tr.T("payments.service.nothing", i18n.Args{"Query": query})
		default:
			q.Note = tr.N("payments.service.found", len(prov.Options), nil)
		}
		if len(prov.Options) == 0 {
			prov.Problem = t("payments.service.first")
		} else if it, ok := m.selectedProvider(prov); ok {
			prov.Note = strings.TrimSpace(tr.T("payments.service.provider_note", i18n.Args{"Category": it.Data.Category.Name, "ID": int(it.Data.ID)}))
		}
		required(acct, t("payments.service.account_required"))
	case kindRequisites:
		for _, fl := range f.Fields {
			if fl.Kind == formkit.Text {
				required(fl, tr.T("payments.form.field_required", i18n.Args{"Field": fl.Label}))
			}
		}
		check := func(key string, ok bool, msg string) {
			if fl := f.Get(key); fl.Problem == "" && !ok {
				fl.Problem = msg
			}
		}
		check("bik", nDigits(f.Value("bik"), 9), t("payments.bank.bik_digits"))
		check("account", nDigits(f.Value("account"), 20), t("payments.bank.account_digits"))
		check("inn", nDigits(f.Value("inn"), 10, 12), t("payments.requisites.inn_digits"))
		check("kpp", nDigits(f.Value("kpp"), 9), t("payments.requisites.kpp_digits"))
	case kindConversion:
		cur := f.currency()
		cf := f.Get("currency")
		if r, ok := m.rate(cur); ok {
			cf.Note = tr.T("payments.conversion.rate", i18n.Args{"Currency": cur.Code(), "Rate": m.rateText(r)})
		} else if m.lk.ratesErr != "" {
			cf.Note = tr.T("payments.conversion.rate_failed", i18n.Args{"Why": m.lk.ratesErr})
		} else {
			cf.Note = t("payments.conversion.rate_reading")
		}
		amt := f.Get("amount")
		amt.Label = tr.T("payments.conversion.amount_in", i18n.Args{"Currency": cur.Code()})
		if a, ok := amt.Amount(); ok {
			if rub, ok := moves.ConversionCost(m.lk.rates, a); ok {
				amt.Note = tr.T("payments.conversion.cost", i18n.Args{"Amount": m.c.Money(rub)})
			}
		}
	}
}

// bankLayout picks the banks and the fields of the chosen method.
func (m *Model) bankLayout(f *form) {
	byCard := f.Value("method") == "card"
	ids := qiwiapi.BankAccountBanks()
	if byCard {
		ids = qiwiapi.BankCardBanks()
	}
	// Keep the chosen bank when switching method, if the other list has it.
	f.Get("bank").SetOptions(bankOptions(m.c.Tr, ids))
	bankID, _ := strconv.Atoi(f.Value("bank"))
	for _, fl := range f.Fields {
		switch fl.Key {
		case "card":
			fl.Hidden = !byCard
		case "expiry":
			fl.Hidden = !byCard || !banksNeedingExpiry[bankID]
		case "account", "bik", "urgent":
			fl.Hidden = byCard
		case "agrnum":
			fl.Hidden = byCard || bankID != 313
		}
	}
}

func (m *Model) validateBank(f *form) {
	t := func(id string) string { return m.c.Tr.T(id, nil) }
	byCard := f.Value("method") == "card"
	if byCard {
		card := f.Get("card")
		if _, err := qiwiapi.NormalizeCard(card.Value()); card.Value() == "" {
			card.Problem = t("payments.card.enter")
		} else if err != nil {
			card.Problem = explain.Problem(m.c.Tr, err)
		}
		if exp := f.Get("expiry"); !exp.Hidden && !expiryRe.MatchString(exp.Value()) {
			exp.Problem = t("payments.bank.expiry_needed")
		}
	} else {
		if a := f.Get("account"); !nDigits(a.Value(), 20) {
			a.Problem = t("payments.bank.account_digits")
		}
		if b := f.Get("bik"); !nDigits(b.Value(), 9) {
			b.Problem = t("payments.bank.bik_digits")
		}
		if ag := f.Get("agrnum"); !ag.Hidden {
			required(ag, t("payments.bank.agreement_required"))
		}
	}
	required(f.Get("lname"), t("payments.bank.last_name_required"))
	required(f.Get("fname"), t("payments.bank.first_name_required"))
}

func cardProviderName(tr *i18n.Tr, p int) string {
	switch p {
	case qiwiapi.ProviderVisaRU:
		return tr.T("payments.card.visa", nil)
	case qiwiapi.ProviderMasterCardRU:
		return tr.T("payments.card.mastercard", nil)
	case qiwiapi.ProviderMIR:
		return tr.T("payments.card.mir", nil)
	case qiwiapi.ProviderQVC:
		return tr.T("payments.card.qvc", nil)
	}
	return tr.T("payments.card.provider", i18n.Args{"ID": p})
}

func (m *Model) selectedProvider(prov *formkit.Field) (qiwiapi.SearchItem, bool) {
	id, err := strconv.Atoi(prov.Value())
	if err != nil {
		return qiwiapi.SearchItem{}, false
	}
	for _, it := range m.lk.found {
		if int(it.Data.ID) == id {
			return it, true
		}
	}
	return qiwiapi.SearchItem{}, false
}

// rate is the price of one unit of cur in roubles, as QIWI's crossRates
// give it for from=RUB, to=cur (the price of one "to" unit in "from" units).
func (m *Model) rate(cur qiwiapi.Currency) (qiwiapi.Decimal, bool) {
	for _, r := range m.lk.rates {
		if r.From == qiwiapi.RUB && r.To == cur && r.Rate != "" {
			return r.Rate, true
		}
	}
	return "", false
}

// rateText is a QIWI rate as the reader writes a decimal ("93.45",
// "93,45").
func (m *Model) rateText(r qiwiapi.Decimal) string {
	_, point := m.c.Tr.Separators()
	return strings.Replace(string(r), ".", point, 1)
}

// quoteOf is the commission question for the form, once the provider,
// account and amount are all valid.
func (m *Model) quoteOf(f *form) (quote, bool) {
	sum, ok := f.Get("amount").Amount()
	if !ok {
		return quote{}, false
	}
	bad := func(keys ...string) bool {
		for _, k := range keys {
			if fl := f.Get(k); fl != nil && !fl.Hidden && fl.Problem != "" {
				return true
			}
		}
		return false
	}
	switch f.kind {
	case kindWallet:
		if bad("to") {
			return quote{}, false
		}
		return quote{qiwiapi.ProviderWalletTransfer, normalizeWallet(f.Value("to")), sum}, true
	case kindMobile:
		p10, err := qiwiapi.NormalizeRUPhone10(f.Value("phone"))
		if err != nil || m.lk.op == nil || m.lk.opFor != p10 {
			return quote{}, false
		}
		return quote{int(m.lk.op.ID), p10, sum}, true
	case kindCard:
		if bad("card") {
			return quote{}, false
		}
		n, _ := qiwiapi.NormalizeCard(f.Value("card"))
		p, err := m.cardProvider(f, n)
		if err != nil {
			return quote{}, false
		}
		return quote{p, n, sum}, true
	case kindBank:
		acct := f.Value("account")
		if f.Value("method") == "card" {
			if bad("card") {
				return quote{}, false
			}
			acct, _ = qiwiapi.NormalizeCard(f.Value("card"))
		} else if bad("account") {
			return quote{}, false
		}
		id, _ := strconv.Atoi(f.Value("bank"))
		return quote{id, acct, sum}, true
	case kindService:
		id, err := strconv.Atoi(f.Value("provider"))
		if err != nil || bad("account") {
			return quote{}, false
		}
		return quote{id, f.Value("account"), sum}, true
	case kindRequisites:
		if bad("account") {
			return quote{}, false
		}
		return quote{qiwiapi.ProviderRequisites, f.Value("account"), sum}, true
	case kindConversion:
		return quote{qiwiapi.ProviderConversion, "+" + m.c.Wallet, sum}, true
	}
	return quote{}, false
}

func (m *Model) cardProvider(f *form, n string) (int, error) {
	if v := f.Value("cardtype"); v != "auto" {
		return strconv.Atoi(v)
	}
	return qiwiapi.CardProvider(n)
}

// build makes the payment from a valid form, and its recipient in words
// (journaled with it as written now); its ID is set at sending.
func (m *Model) build(f *form) (qiwiapi.Payment, string, error) {
	tr := m.c.Tr
	sum, _ := f.Get("amount").Amount()
	who := qiwiapi.BankRecipient{FirstName: f.Value("fname"), MiddleName: f.Value("mname"), LastName: f.Value("lname")}
	switch f.kind {
	case kindWallet:
		to := normalizeWallet(f.Value("to"))
		p, err := qiwiapi.WalletTransfer("", to, sum, f.Value("comment"))
		return p, tr.T("payments.recipient.wallet", i18n.Args{"Wallet": to}), err
	case kindMobile:
		if m.lk.op == nil {
			return qiwiapi.Payment{}, "", i18n.Errorf("payments.mobile.operator_unknown", nil, nil)
		}
		p, err := qiwiapi.MobileTopUp("", int(m.lk.op.ID), f.Value("phone"), sum)
		return p, tr.T("payments.recipient.phone", i18n.Args{"Phone": p.Fields["account"], "Operator": m.lk.op.ShortName}), err
	case kindCard:
		n, err := qiwiapi.NormalizeCard(f.Value("card"))
		if err != nil {
			return qiwiapi.Payment{}, "", err
		}
		prov, err := m.cardProvider(f, n)
		if err != nil {
			return qiwiapi.Payment{}, "", err
		}
		p, err := qiwiapi.CardTransfer("", prov, n, sum)
		return p, tr.T("payments.recipient.card", i18n.Args{"Number": n, "Provider": cardProviderName(tr, prov)}), err
	case kindBank:
		id, _ := strconv.Atoi(f.Value("bank"))
		name := strings.TrimSpace(who.LastName + " " + who.FirstName + " " + who.MiddleName)
		if f.Value("method") == "card" {
			n, _ := qiwiapi.NormalizeCard(f.Value("card"))
			p, err := qiwiapi.BankCardTransfer("", id, n, f.Value("expiry"), who, sum)
			return p, tr.T("payments.recipient.bank_card", i18n.Args{"Name": name, "Number": n, "Bank": bankName(tr, id)}), err
		}
		p, err := qiwiapi.BankAccountTransfer("", id, f.Value("account"), f.Value("bik"), f.Value("urgent") == "1", who, f.Value("agrnum"), sum)
		return p, tr.T("payments.recipient.bank_account", i18n.Args{"Name": name, "Account": f.Value("account"), "Bank": bankName(tr, id), "BIK": f.Value("bik")}), err
	case kindService:
		it, ok := m.selectedProvider(f.Get("provider"))
		if !ok {
			return qiwiapi.Payment{}, "", i18n.Errorf("payments.service.choose", nil, nil)
		}
		p, err := qiwiapi.ServicePayment("", int(it.Data.ID), f.Value("account"), sum)
		return p, tr.T("payments.recipient.service", i18n.Args{"Provider": it.Name, "ID": int(it.Data.ID), "Account": f.Value("account")}), err
	case kindRequisites:
		r := qiwiapi.Requisites{
			BankName: f.Value("bankname"), BIK: f.Value("bik"), City: f.Value("city"), Account: f.Value("account"),
			CompanyName: f.Value("company"), INN: f.Value("inn"), KPP: f.Value("kpp"), VATIncluded: f.Value("vat") == "1",
			Purpose: f.Value("goal"), Urgent: f.Value("urgent") == "1",
			SenderFirst: f.Value("from_first"), SenderMiddle: f.Value("from_middle"), SenderLast: f.Value("from_last"),
		}
		p, err := qiwiapi.RequisitesPayment("", r, sum)
		return p, tr.T("payments.recipient.requisites", i18n.Args{"Company": r.CompanyName, "INN": r.INN, "Account": r.Account, "Bank": r.BankName}), err
	case kindConversion:
		p, err := qiwiapi.Conversion("", m.c.Wallet, sum, f.Value("comment"))
		return p, tr.T("payments.recipient.conversion", i18n.Args{"Currency": sum.Currency.Code()}), err
	}
	return qiwiapi.Payment{}, "", errors.New("unknown payment kind")
}
