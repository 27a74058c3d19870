package payments

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"qiwidash/qiwiapi"
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
		out[i] = option{label: fmt.Sprintf("%s (%d)", bankName(id), id), value: strconv.Itoa(id)}
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

// parseSum reads an amount as people type it: spaces between thousands and
// a decimal comma are fine; more than 2 decimals are refused, not rounded.
func parseSum(s string, cur qiwiapi.Currency) (qiwiapi.Amount, string) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", ",", ".").Replace(strings.TrimSpace(s))
	if s == "" {
		return qiwiapi.Amount{}, "Enter the amount"
	}
	a, err := qiwiapi.ParseAmount(s, cur)
	switch {
	case errors.Is(err, qiwiapi.ErrTooPrecise):
		return qiwiapi.Amount{}, fmt.Sprintf("At most %d digits after the point", cur.Digits())
	case err != nil:
		return qiwiapi.Amount{}, "Not an amount: use digits and a point, like 1500.50"
	case a.Minor <= 0:
		return qiwiapi.Amount{}, "The amount must be more than zero"
	}
	return a, ""
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

// newForm builds the empty form for a kind.
func (m *Model) newForm(k kindID) *form {
	f := &form{kind: k, title: kindTitle(k)}
	amount := newText("amount", "Amount, ₽", "e.g. 1500.00", 16)
	switch k {
	case kindWallet:
		f.fields = []*field{
			newText("to", "Recipient wallet", "e.g. +79161112233", 20),
			amount,
			newText("comment", "Comment", "for the recipient", 140),
		}
		f.fields[2].optional = true
	case kindMobile:
		f.fields = []*field{newText("phone", "Phone number", "e.g. +7 912 345-67-89", 20), amount}
	case kindCard:
		f.fields = []*field{
			newText("card", "Card number", "e.g. 4111 1111 1111 1111", 23),
			newChoice("cardtype", "Card kind",
				option{"bank card: Visa, MasterCard or MIR (from the number)", "auto"},
				option{"QIWI Virtual Card (22351)", strconv.Itoa(qiwiapi.ProviderQVC)}),
			amount,
		}
	case kindBank:
		f.fields = []*field{
			newChoice("method", "Transfer", option{"by card number", "card"}, option{"by account number", "account"}),
			newChoice("bank", "Bank", bankOptions(qiwiapi.BankCardBanks())...),
			newText("card", "Card number", "16 to 19 digits", 23),
			newText("expiry", "Card expiry (MMYY)", "e.g. 0927", 4),
			newText("account", "Account number", "20 digits", 20),
			newText("bik", "Bank BIK", "9 digits", 9),
			newText("lname", "Recipient last name", "e.g. Иванов", 60),
			newText("fname", "Recipient first name", "e.g. Иван", 60),
			newText("mname", "Recipient middle name", "e.g. Иванович", 60),
			newText("agrnum", "Agreement number", "Home Credit only", 40),
			newToggle("urgent", "Urgent transfer"),
			amount,
		}
		f.get("mname").optional = true
	case kindService:
		f.fields = []*field{
			newText("query", "Find provider", "name or keywords, e.g. интернет", 60),
			newChoice("provider", "Provider"),
			newText("account", "Account at the provider", "contract, phone or account", 40),
			amount,
		}
	case kindRequisites:
		f.fields = []*field{
			newText("bankname", "Bank name", "e.g. ПАО АКБ «АВАНГАРД»", 100),
			newText("bik", "Bank BIK", "9 digits", 9),
			newText("city", "Bank city", "e.g. МОСКВА", 60),
			newText("account", "Company account", "20 digits", 20),
			newText("company", "Company name", "e.g. ООО «Технический Центр»", 100),
			newText("inn", "Company INN", "10 or 12 digits", 12),
			newText("kpp", "Company KPP", "9 digits", 9),
			newToggle("vat", "VAT included"),
			newText("goal", "Purpose of payment", "e.g. Оплата по счёту №…", 140),
			newToggle("urgent", "Urgent transfer"),
			newText("from_last", "Your last name", "e.g. Михайлов", 60),
			newText("from_first", "Your first name", "e.g. Иван", 60),
			newText("from_middle", "Your middle name", "e.g. Николаевич", 60),
			amount,
		}
		f.get("from_middle").optional = true
	case kindConversion:
		f.fields = []*field{
			newChoice("currency", "Buy currency",
				option{"USD", strconv.Itoa(int(qiwiapi.USD))}, option{"EUR", strconv.Itoa(int(qiwiapi.EUR))}, option{"KZT", strconv.Itoa(int(qiwiapi.KZT))}),
			newText("amount", "Amount to receive", "e.g. 100.00", 16),
			newText("comment", "Comment", "", 140),
		}
		f.get("comment").optional = true
	}
	f.setFocus(0)
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
		if n, err := strconv.Atoi(f.val("currency")); err == nil {
			return qiwiapi.Currency(n)
		}
	}
	return qiwiapi.RUB
}

func required(fl *field, what string) {
	if fl.value() == "" && !fl.optional {
		fl.problem = what + " is required"
	}
}

// validate checks every field of the form as it stands, setting each
// field's problem and note, and which fields apply.
func (m *Model) validate(f *form) {
	for _, fl := range f.fields {
		fl.problem, fl.note = "", ""
	}
	f.banner = ""
	if amt := f.get("amount"); amt != nil {
		_, amt.problem = parseSum(amt.value(), f.currency())
	}
	switch f.kind {
	case kindWallet:
		to := f.get("to")
		v := normalizeWallet(to.value())
		if _, err := qiwiapi.WalletTransfer("", v, qiwiapi.Amount{Minor: 1, Currency: qiwiapi.RUB}, ""); to.value() == "" {
			to.problem = "Enter the recipient's wallet number"
		} else if err != nil {
			to.problem = "A wallet number is + and the country code, like +79161112233"
		} else if v == "+"+m.c.Wallet {
			to.problem = "This is your own wallet; choose another recipient"
		}
	case kindMobile:
		ph := f.get("phone")
		p10, err := qiwiapi.NormalizeRUPhone10(ph.value())
		switch {
		case ph.value() == "":
			ph.problem = "Enter the phone number"
		case err != nil:
			ph.problem = sentence(err)
		case m.lk.opFor != p10:
			ph.note = "Looking up the operator…"
		case m.lk.opErr != "":
			ph.problem = "The operator could not be found: " + m.lk.opErr
		case m.lk.op == nil:
			ph.problem = "No mobile operator serves this number"
		default:
			ph.note = fmt.Sprintf("Operator: %s (provider %d)", m.lk.op.ShortName, m.lk.op.ID)
		}
	case kindCard:
		card, typ := f.get("card"), f.get("cardtype")
		n, err := qiwiapi.NormalizeCard(card.value())
		switch {
		case card.value() == "":
			card.problem = "Enter the card number"
		case err != nil:
			card.problem = sentence(err)
		case typ.value() == "auto":
			if p, err := qiwiapi.CardProvider(n); err != nil {
				card.problem = sentence(err)
			} else {
				card.note = cardProviderName(p)
			}
		default:
			card.note = cardProviderName(qiwiapi.ProviderQVC)
		}
	case kindBank:
		m.validateBank(f)
	case kindService:
		q, prov, acct := f.get("query"), f.get("provider"), f.get("account")
		query := strings.TrimSpace(q.value())
		switch {
		case len([]rune(query)) < 2:
			q.problem = "Type at least 2 letters of the provider's name"
		case m.lk.searchFor != query:
			q.note = "Searching…"
		case m.lk.searchErr != "":
			q.problem = "The search failed: " + m.lk.searchErr
		case len(prov.options) == 0:
			q.problem = fmt.Sprintf("Nothing found for «%s» (cards, banks and transfers have their own forms)", query)
		default:
			q.note = fmt.Sprintf("%d found; choose with ←/→ below", len(prov.options))
		}
		if len(prov.options) == 0 {
			prov.problem = "Find a provider first"
		} else if it, ok := m.selectedProvider(prov); ok {
			prov.note = strings.TrimSpace(it.Data.Category.Name + " · provider " + strconv.Itoa(int(it.Data.ID)))
		}
		required(acct, "The account at the provider")
	case kindRequisites:
		for _, fl := range f.fields {
			if fl.typ == textField && fl.key != "amount" {
				required(fl, fl.label)
			}
		}
		check := func(key string, ok bool, msg string) {
			if fl := f.get(key); fl.problem == "" && !ok {
				fl.problem = msg
			}
		}
		check("bik", nDigits(f.val("bik"), 9), "A BIK has 9 digits")
		check("account", nDigits(f.val("account"), 20), "An account number has 20 digits")
		check("inn", nDigits(f.val("inn"), 10, 12), "An INN has 10 or 12 digits")
		check("kpp", nDigits(f.val("kpp"), 9), "A KPP has 9 digits")
	case kindConversion:
		cur := f.currency()
		cf := f.get("currency")
		if r, ok := m.rate(cur); ok {
			cf.note = fmt.Sprintf("QIWI cross rate: 1 %s = %s ₽", cur.Code(), r)
		} else if m.lk.ratesErr != "" {
			cf.note = "The cross rate could not be read: " + m.lk.ratesErr
		} else {
			cf.note = "Reading the cross rate…"
		}
		amt := f.get("amount")
		amt.label = "Amount to receive, " + cur.Code()
		if a, p := parseSum(amt.value(), cur); p == "" {
			if rub, ok := m.rubCost(a); ok {
				amt.note = "≈ " + m.c.Money(rub) + " will be taken from your RUB account"
			}
		}
	}
}

func (m *Model) validateBank(f *form) {
	byCard := f.val("method") == "card"
	bank := f.get("bank")
	ids := qiwiapi.BankAccountBanks()
	if byCard {
		ids = qiwiapi.BankCardBanks()
	}
	// Keep the chosen bank when switching method, if the other list has it.
	prev := bank.value()
	bank.options = bankOptions(ids)
	bank.choice = 0
	for i, o := range bank.options {
		if o.value == prev {
			bank.choice = i
		}
	}
	bankID, _ := strconv.Atoi(bank.value())
	for _, fl := range f.fields {
		switch fl.key {
		case "card":
			fl.hidden = !byCard
		case "expiry":
			fl.hidden = !byCard || !banksNeedingExpiry[bankID]
		case "account", "bik", "urgent":
			fl.hidden = byCard
		case "agrnum":
			fl.hidden = byCard || bankID != 313
		}
	}
	if byCard {
		card := f.get("card")
		if _, err := qiwiapi.NormalizeCard(card.value()); card.value() == "" {
			card.problem = "Enter the card number"
		} else if err != nil {
			card.problem = sentence(err)
		}
		if exp := f.get("expiry"); !exp.hidden && !expiryRe.MatchString(exp.value()) {
			exp.problem = "This bank needs the card expiry as MMYY, like 0927"
		}
	} else {
		if a := f.get("account"); !nDigits(a.value(), 20) {
			a.problem = "An account number has 20 digits"
		}
		if b := f.get("bik"); !nDigits(b.value(), 9) {
			b.problem = "A BIK has 9 digits"
		}
		if ag := f.get("agrnum"); !ag.hidden {
			required(ag, "Home Credit needs the agreement number; it")
		}
	}
	required(f.get("lname"), "The recipient's last name")
	required(f.get("fname"), "The recipient's first name")
	f.fixFocus()
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

func (m *Model) selectedProvider(prov *field) (qiwiapi.SearchItem, bool) {
	id, err := strconv.Atoi(prov.value())
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

// rubCost estimates the roubles a conversion takes: the amount times the
// rate, rounded up to the kopeck, in exact arithmetic.
func (m *Model) rubCost(target qiwiapi.Amount) (qiwiapi.Amount, bool) {
	r, ok := m.rate(target.Currency)
	if !ok {
		return qiwiapi.Amount{}, false
	}
	rate, ok := new(big.Rat).SetString(string(r))
	if !ok {
		return qiwiapi.Amount{}, false
	}
	// Both sides have 2 minor digits, so minor units convert directly.
	scale := new(big.Rat).SetFrac64(1, 1)
	if d := qiwiapi.RUB.Digits() - target.Currency.Digits(); d != 0 {
		scale.SetFrac(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(d, 0))), nil),
			new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(-d, 0))), nil))
	}
	v := new(big.Rat).Mul(new(big.Rat).SetInt64(target.Minor), rate)
	v.Mul(v, scale)
	q, rem := new(big.Int).QuoRem(v.Num(), v.Denom(), new(big.Int))
	if rem.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return qiwiapi.Amount{}, false
	}
	return qiwiapi.Amount{Minor: q.Int64(), Currency: qiwiapi.RUB}, true
}

// quoteOf is the commission question for the form, once the provider,
// account and amount are all valid.
func (m *Model) quoteOf(f *form) (quote, bool) {
	if amt := f.get("amount"); amt == nil || amt.problem != "" {
		return quote{}, false
	}
	sum, _ := parseSum(f.val("amount"), f.currency())
	bad := func(keys ...string) bool {
		for _, k := range keys {
			if fl := f.get(k); fl != nil && !fl.hidden && fl.problem != "" {
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
		return quote{qiwiapi.ProviderWalletTransfer, normalizeWallet(f.val("to")), sum}, true
	case kindMobile:
		p10, err := qiwiapi.NormalizeRUPhone10(f.val("phone"))
		if err != nil || m.lk.op == nil || m.lk.opFor != p10 {
			return quote{}, false
		}
		return quote{int(m.lk.op.ID), p10, sum}, true
	case kindCard:
		if bad("card") {
			return quote{}, false
		}
		n, _ := qiwiapi.NormalizeCard(f.val("card"))
		p, err := m.cardProvider(f, n)
		if err != nil {
			return quote{}, false
		}
		return quote{p, n, sum}, true
	case kindBank:
		acct := f.val("account")
		if f.val("method") == "card" {
			if bad("card") {
				return quote{}, false
			}
			acct, _ = qiwiapi.NormalizeCard(f.val("card"))
		} else if bad("account") {
			return quote{}, false
		}
		id, _ := strconv.Atoi(f.val("bank"))
		return quote{id, acct, sum}, true
	case kindService:
		id, err := strconv.Atoi(f.val("provider"))
		if err != nil || bad("account") {
			return quote{}, false
		}
		return quote{id, f.val("account"), sum}, true
	case kindRequisites:
		if bad("account") {
			return quote{}, false
		}
		return quote{qiwiapi.ProviderRequisites, f.val("account"), sum}, true
	case kindConversion:
		return quote{qiwiapi.ProviderConversion, "+" + m.c.Wallet, sum}, true
	}
	return quote{}, false
}

func (m *Model) cardProvider(f *form, n string) (int, error) {
	if v := f.val("cardtype"); v != "auto" {
		return strconv.Atoi(v)
	}
	return qiwiapi.CardProvider(n)
}

// build makes the payment from a valid form; its ID is set at sending.
func (m *Model) build(f *form) (qiwiapi.Payment, string, error) {
	sum, _ := parseSum(f.val("amount"), f.currency())
	who := qiwiapi.BankRecipient{FirstName: f.val("fname"), MiddleName: f.val("mname"), LastName: f.val("lname")}
	switch f.kind {
	case kindWallet:
		to := normalizeWallet(f.val("to"))
		p, err := qiwiapi.WalletTransfer("", to, sum, f.val("comment"))
		return p, "QIWI wallet " + to, err
	case kindMobile:
		if m.lk.op == nil {
			return qiwiapi.Payment{}, "", errors.New("the operator is not known yet")
		}
		p, err := qiwiapi.MobileTopUp("", int(m.lk.op.ID), f.val("phone"), sum)
		return p, fmt.Sprintf("phone +7%s (%s)", p.Fields["account"], m.lk.op.ShortName), err
	case kindCard:
		n, err := qiwiapi.NormalizeCard(f.val("card"))
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
		id, _ := strconv.Atoi(f.val("bank"))
		name := strings.TrimSpace(who.LastName + " " + who.FirstName + " " + who.MiddleName)
		if f.val("method") == "card" {
			n, _ := qiwiapi.NormalizeCard(f.val("card"))
			p, err := qiwiapi.BankCardTransfer("", id, n, f.val("expiry"), who, sum)
			return p, fmt.Sprintf("%s, card %s at %s", name, n, bankName(id)), err
		}
		p, err := qiwiapi.BankAccountTransfer("", id, f.val("account"), f.val("bik"), f.val("urgent") == "1", who, f.val("agrnum"), sum)
		return p, fmt.Sprintf("%s, account %s at %s (BIK %s)", name, f.val("account"), bankName(id), f.val("bik")), err
	case kindService:
		it, ok := m.selectedProvider(f.get("provider"))
		if !ok {
			return qiwiapi.Payment{}, "", errors.New("choose a provider")
		}
		p, err := qiwiapi.ServicePayment("", int(it.Data.ID), f.val("account"), sum)
		return p, fmt.Sprintf("%s (%d), account %s", it.Name, it.Data.ID, f.val("account")), err
	case kindRequisites:
		r := qiwiapi.Requisites{
			BankName: f.val("bankname"), BIK: f.val("bik"), City: f.val("city"), Account: f.val("account"),
			CompanyName: f.val("company"), INN: f.val("inn"), KPP: f.val("kpp"), VATIncluded: f.val("vat") == "1",
			Purpose: f.val("goal"), Urgent: f.val("urgent") == "1",
			SenderFirst: f.val("from_first"), SenderMiddle: f.val("from_middle"), SenderLast: f.val("from_last"),
		}
		p, err := qiwiapi.RequisitesPayment("", r, sum)
		return p, fmt.Sprintf("%s (INN %s), account %s at %s", r.CompanyName, r.INN, r.Account, r.BankName), err
	case kindConversion:
		p, err := qiwiapi.Conversion("", m.c.Wallet, sum, f.val("comment"))
		return p, "your " + sum.Currency.Code() + " account", err
	}
	return qiwiapi.Payment{}, "", errors.New("unknown payment kind")
}
