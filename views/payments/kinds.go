package payments

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

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

// kinds is the menu, in order.
var kinds = []struct {
	id          kindID
	title, desc string
}{
	{kindWallet, "Wallet transfer", "to another QIWI wallet (provider 99)"},
	{kindMobile, "Mobile top-up", "pay a phone; the operator is found from the number"},
	{kindCard, "Card transfer", "Visa 1963 · MasterCard 21013 · MIR 31652 · QIWI Virtual Card 22351"},
	{kindBank, "Bank transfer", "to a bank by card number or by account number"},
	{kindService, "Other services", "find a provider by name and pay an account there"},
	{kindRequisites, "Payment by requisites", "pay a company by its bank details (provider 1717)"},
	{kindConversion, "Conversion", "buy USD, EUR or KZT with roubles (provider 1099)"},
}

func kindTitle(k kindID) string {
	if k == kindInvoice {
		return "Invoice payment"
	}
	for _, x := range kinds {
		if x.id == k {
			return x.title
		}
	}
	return "Payment"
}

// bankNames are the banks of the docs' tables, by provider id.
var bankNames = map[int]string{
	313: "Home Credit", 464: "Alfa-Bank", 804: "OTP Bank", 810: "Rosselkhozbank", 815: "Russian Standard",
	816: "VTB", 819: "UniCredit", 821: "Promsvyazbank", 868: "QIWI Bank", 870: "Sberbank",
	881: "Renaissance Credit", 1134: "MKB", 27324: "Raiffeisenbank",
}

// banksNeedingExpiry take a transfer by card number only with the card's
// expiry (MMYY); the docs name 464 and 821.
var banksNeedingExpiry = map[int]bool{464: true, 821: true}

func bankName(id int) string {
	if n, ok := bankNames[id]; ok {
		return n
	}
	return "bank " + strconv.Itoa(id)
}

func bankOptions(ids []int) []option {
	out := make([]option, len(ids))
	for i, id := range ids {
		out[i] = option{Label: fmt.Sprintf("%s (%d)", bankName(id), id), Value: strconv.Itoa(id)}
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

// sentence turns a library error ("card: the number has a typo") into a
// sentence for the form ("The number has a typo").
func sentence(err error) string {
	s := err.Error()
	for _, prefix := range []string{"card: ", "phone: ", "wallet transfer: ", "bank transfer: ", "mobile top-up: ", "payment: ", "requisites: ", "conversion: "} {
		s = strings.TrimPrefix(s, prefix)
	}
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
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
	text, choice, toggle := formkit.NewText, formkit.NewChoice, formkit.NewToggle
	amount := formkit.NewAmount("amount", "Amount, ₽", qiwiapi.RUB)
	var fields []*formkit.Field
	switch k {
	case kindWallet:
		fields = []*formkit.Field{
			text("to", "Recipient wallet", "+79161112233"),
			amount,
			text("comment", "Comment", "for the recipient").AsOptional().WithLimit(140),
		}
	case kindMobile:
		fields = []*formkit.Field{text("phone", "Phone number", "+7 912 345-67-89"), amount}
	case kindCard:
		fields = []*formkit.Field{
			text("card", "Card number", "4111 1111 1111 1111"),
			choice("cardtype", "Card kind",
				option{Label: "bank card: Visa, MasterCard or MIR (from the number)", Value: "auto"},
				option{Label: "QIWI Virtual Card (22351)", Value: strconv.Itoa(qiwiapi.ProviderQVC)}),
			amount,
		}
	case kindBank:
		fields = []*formkit.Field{
			choice("method", "Transfer", option{Label: "by card number", Value: "card"}, option{Label: "by account number", Value: "account"}),
			choice("bank", "Bank", bankOptions(qiwiapi.BankCardBanks())...),
			text("card", "Card number", "16 to 19 digits"),
			text("expiry", "Card expiry (MMYY)", "0927"),
			text("account", "Account number", "20 digits"),
			text("bik", "Bank BIK", "9 digits"),
			text("lname", "Recipient last name", "Иванов").WithLimit(60),
			text("fname", "Recipient first name", "Иван").WithLimit(60),
			text("mname", "Recipient middle name", "Иванович").WithLimit(60).AsOptional(),
			text("agrnum", "Agreement number", "Home Credit only").WithLimit(40),
			toggle("urgent", "Urgent transfer"),
			amount,
		}
	case kindService:
		fields = []*formkit.Field{
			text("query", "Find provider", "name or keywords, e.g. интернет"),
			choice("provider", "Provider"),
			text("account", "Account at the provider", "contract, phone or account").WithLimit(40),
			amount,
		}
	case kindRequisites:
		fields = []*formkit.Field{
			text("bankname", "Bank name", "ПАО АКБ «АВАНГАРД»").WithLimit(100),
			text("bik", "Bank BIK", "9 digits"),
			text("city", "Bank city", "МОСКВА").WithLimit(60),
			text("account", "Company account", "20 digits"),
			text("company", "Company name", "ООО «Технический Центр»").WithLimit(100),
			text("inn", "Company INN", "10 or 12 digits"),
			text("kpp", "Company KPP", "9 digits"),
			toggle("vat", "VAT included"),
			text("goal", "Purpose of payment", "Оплата по счёту №…").WithLimit(140),
			toggle("urgent", "Urgent transfer"),
			text("from_last", "Your last name", "Михайлов").WithLimit(60),
			text("from_first", "Your first name", "Иван").WithLimit(60),
			text("from_middle", "Your middle name", "patronymic; leave empty if you have none").WithLimit(60).AsOptional(),
			amount,
		}
	case kindConversion:
		fields = []*formkit.Field{
			choice("currency", "Buy currency",
				option{Label: "USD", Value: strconv.Itoa(int(qiwiapi.USD))}, option{Label: "EUR", Value: strconv.Itoa(int(qiwiapi.EUR))},
				option{Label: "KZT", Value: strconv.Itoa(int(qiwiapi.KZT))}),
			formkit.NewAmount("amount", "Amount to receive", qiwiapi.USD),
			text("comment", "Comment", "").AsOptional().WithLimit(140),
		}
	}
	f := &form{Form: formkit.New(fields...), kind: k, title: kindTitle(k)}
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

func required(fl *formkit.Field, what string) {
	if fl.Value() == "" && !fl.Optional {
		fl.Problem = what + " is required"
	}
}

// validate checks every field of the form as it stands, setting each
// field's problem and note, and which fields apply.
func (m *Model) validate(f *form) {
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
			to.Problem = "Enter the recipient's wallet number"
		} else if err != nil {
			to.Problem = "A wallet number is + and the country code, like +79161112233"
		} else if v == "+"+m.c.Wallet {
			to.Problem = "This is your own wallet; choose another recipient"
		}
	case kindMobile:
		ph := f.Get("phone")
		p10, err := qiwiapi.NormalizeRUPhone10(ph.Value())
		switch {
		case ph.Value() == "":
			ph.Problem = "Enter the phone number"
		case err != nil:
			ph.Problem = sentence(err)
		case m.lk.opFor != p10:
			ph.Note = "Looking up the operator…"
		case m.lk.opErr != "":
			ph.Problem = "The operator could not be found: " + m.lk.opErr
		case m.lk.op == nil:
			ph.Problem = "No mobile operator serves this number"
		default:
			ph.Note = fmt.Sprintf("Operator: %s (provider %d)", m.lk.op.ShortName, m.lk.op.ID)
		}
	case kindCard:
		card, typ := f.Get("card"), f.Get("cardtype")
		n, err := qiwiapi.NormalizeCard(card.Value())
		switch {
		case card.Value() == "":
			card.Problem = "Enter the card number"
		case err != nil:
			card.Problem = sentence(err)
		case typ.Value() == "auto":
			if p, err := qiwiapi.CardProvider(n); err != nil {
				card.Problem = sentence(err)
			} else {
				card.Note = cardProviderName(p)
			}
		default:
			card.Note = cardProviderName(qiwiapi.ProviderQVC)
		}
	case kindBank:
		m.validateBank(f)
	case kindService:
		q, prov, acct := f.Get("query"), f.Get("provider"), f.Get("account")
		query := strings.TrimSpace(q.Value())
		switch {
		case len([]rune(query)) < 2:
			q.Problem = "Type at least 2 letters of the provider's name"
		case m.lk.searchFor != query:
			q.Note = "Searching…"
		case m.lk.searchErr != "":
			q.Problem = "The search failed: " + m.lk.searchErr
		case len(prov.Options) == 0:
			q.Problem = fmt.Sprintf("Nothing found for «%s» (cards, banks and transfers have their own forms)", query)
		default:
			q.Note = fmt.Sprintf("%d found; choose with ←/→ below", len(prov.Options))
		}
		if len(prov.Options) == 0 {
			prov.Problem = "Find a provider first"
		} else if it, ok := m.selectedProvider(prov); ok {
			prov.Note = strings.TrimSpace(it.Data.Category.Name + " · provider " + strconv.Itoa(int(it.Data.ID)))
		}
		required(acct, "The account at the provider")
	case kindRequisites:
		for _, fl := range f.Fields {
			if fl.Kind == formkit.Text {
				required(fl, fl.Label)
			}
		}
		check := func(key string, ok bool, msg string) {
			if fl := f.Get(key); fl.Problem == "" && !ok {
				fl.Problem = msg
			}
		}
		check("bik", nDigits(f.Value("bik"), 9), "A BIK has 9 digits")
		check("account", nDigits(f.Value("account"), 20), "An account number has 20 digits")
		check("inn", nDigits(f.Value("inn"), 10, 12), "An INN has 10 or 12 digits")
		check("kpp", nDigits(f.Value("kpp"), 9), "A KPP has 9 digits")
	case kindConversion:
		cur := f.currency()
		cf := f.Get("currency")
		if r, ok := m.rate(cur); ok {
			cf.Note = fmt.Sprintf("QIWI cross rate: 1 %s = %s ₽", cur.Code(), r)
		} else if m.lk.ratesErr != "" {
			cf.Note = "The cross rate could not be read: " + m.lk.ratesErr
		} else {
			cf.Note = "Reading the cross rate…"
		}
		amt := f.Get("amount")
		amt.Label = "Amount to receive, " + cur.Code()
		if a, ok := amt.Amount(); ok {
			if rub, ok := moves.ConversionCost(m.lk.rates, a); ok {
				amt.Note = "≈ " + m.c.Money(rub) + " will be taken from your RUB account"
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
	f.Get("bank").SetOptions(bankOptions(ids))
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
	byCard := f.Value("method") == "card"
	if byCard {
		card := f.Get("card")
		if _, err := qiwiapi.NormalizeCard(card.Value()); card.Value() == "" {
			card.Problem = "Enter the card number"
		} else if err != nil {
			card.Problem = sentence(err)
		}
		if exp := f.Get("expiry"); !exp.Hidden && !expiryRe.MatchString(exp.Value()) {
			exp.Problem = "This bank needs the card expiry as MMYY, like 0927"
		}
	} else {
		if a := f.Get("account"); !nDigits(a.Value(), 20) {
			a.Problem = "An account number has 20 digits"
		}
		if b := f.Get("bik"); !nDigits(b.Value(), 9) {
			b.Problem = "A BIK has 9 digits"
		}
		if ag := f.Get("agrnum"); !ag.Hidden {
			required(ag, "Home Credit needs the agreement number; it")
		}
	}
	required(f.Get("lname"), "The recipient's last name")
	required(f.Get("fname"), "The recipient's first name")
}

func cardProviderName(p int) string {
	switch p {
	case qiwiapi.ProviderVisaRU:
		return "Visa card → provider 1963"
	case qiwiapi.ProviderMasterCardRU:
		return "MasterCard → provider 21013"
	case qiwiapi.ProviderMIR:
		return "MIR card → provider 31652"
	case qiwiapi.ProviderQVC:
		return "QIWI Virtual Card → provider 22351"
	}
	return "provider " + strconv.Itoa(p)
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

// build makes the payment from a valid form; its ID is set at sending.
func (m *Model) build(f *form) (qiwiapi.Payment, string, error) {
	sum, _ := f.Get("amount").Amount()
	who := qiwiapi.BankRecipient{FirstName: f.Value("fname"), MiddleName: f.Value("mname"), LastName: f.Value("lname")}
	switch f.kind {
	case kindWallet:
		to := normalizeWallet(f.Value("to"))
		p, err := qiwiapi.WalletTransfer("", to, sum, f.Value("comment"))
		return p, "QIWI wallet " + to, err
	case kindMobile:
		if m.lk.op == nil {
			return qiwiapi.Payment{}, "", errors.New("the operator is not known yet")
		}
		p, err := qiwiapi.MobileTopUp("", int(m.lk.op.ID), f.Value("phone"), sum)
		return p, fmt.Sprintf("phone +7%s (%s)", p.Fields["account"], m.lk.op.ShortName), err
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
		return p, "card " + n + " (" + cardProviderName(prov) + ")", err
	case kindBank:
		id, _ := strconv.Atoi(f.Value("bank"))
		name := strings.TrimSpace(who.LastName + " " + who.FirstName + " " + who.MiddleName)
		if f.Value("method") == "card" {
			n, _ := qiwiapi.NormalizeCard(f.Value("card"))
			p, err := qiwiapi.BankCardTransfer("", id, n, f.Value("expiry"), who, sum)
			return p, fmt.Sprintf("%s, card %s at %s", name, n, bankName(id)), err
		}
		p, err := qiwiapi.BankAccountTransfer("", id, f.Value("account"), f.Value("bik"), f.Value("urgent") == "1", who, f.Value("agrnum"), sum)
		return p, fmt.Sprintf("%s, account %s at %s (BIK %s)", name, f.Value("account"), bankName(id), f.Value("bik")), err
	case kindService:
		it, ok := m.selectedProvider(f.Get("provider"))
		if !ok {
			return qiwiapi.Payment{}, "", errors.New("choose a provider")
		}
		p, err := qiwiapi.ServicePayment("", int(it.Data.ID), f.Value("account"), sum)
		return p, fmt.Sprintf("%s (%d), account %s", it.Name, it.Data.ID, f.Value("account")), err
	case kindRequisites:
		r := qiwiapi.Requisites{
			BankName: f.Value("bankname"), BIK: f.Value("bik"), City: f.Value("city"), Account: f.Value("account"),
			CompanyName: f.Value("company"), INN: f.Value("inn"), KPP: f.Value("kpp"), VATIncluded: f.Value("vat") == "1",
			Purpose: f.Value("goal"), Urgent: f.Value("urgent") == "1",
			SenderFirst: f.Value("from_first"), SenderMiddle: f.Value("from_middle"), SenderLast: f.Value("from_last"),
		}
		p, err := qiwiapi.RequisitesPayment("", r, sum)
		return p, fmt.Sprintf("%s (INN %s), account %s at %s", r.CompanyName, r.INN, r.Account, r.BankName), err
	case kindConversion:
		p, err := qiwiapi.Conversion("", m.c.Wallet, sum, f.Value("comment"))
		return p, "your " + sum.Currency.Code() + " account", err
	}
	return qiwiapi.Payment{}, "", errors.New("unknown payment kind")
}
