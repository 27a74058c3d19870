package qiwiapi

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file builds the Payment for each kind of transfer the docs describe,
// checking the provider's required fields before anything is sent.

var (
	intlPhoneRe = regexp.MustCompile(`^\+[1-9][0-9]{9,14}$`)
	phone10Re   = regexp.MustCompile(`^9[0-9]{9}$`)
	expDateRe   = regexp.MustCompile(`^(0[1-9]|1[0-2])[0-9]{2}$`)
	bikRe       = regexp.MustCompile(`^[0-9]{9}$`)
	innRe       = regexp.MustCompile(`^([0-9]{10}|[0-9]{12})$`)
	kppRe       = regexp.MustCompile(`^[0-9]{9}$`)
	bankAcctRe  = regexp.MustCompile(`^[0-9]{20}$`)
	emailRe     = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// WalletTransfer pays another QIWI wallet (provider 99). to is "+7...".
func WalletTransfer(id, to string, sum Amount, comment string) (Payment, error) {
	to = strings.ReplaceAll(strings.TrimSpace(to), " ", "")
	if !strings.HasPrefix(to, "+") {
		to = "+" + to
	}
	if !intlPhoneRe.MatchString(to) || !walletRe.MatchString(to[1:]) {
		return Payment{}, invalid(SubjectWalletTransfer, RuleWalletIntl, nil)
	}
	if sum.Currency != RUB {
		return Payment{}, invalid(SubjectWalletTransfer, RuleRoublesOnly, nil)
	}
	return Payment{Provider: ProviderWalletTransfer, ID: id, Sum: sum, Comment: comment, Fields: map[string]string{"account": to}}, nil
}

// Conversion moves money between the wallet's own currency accounts
// (provider 1099): target is the amount to receive, in the target currency.
func Conversion(id, ownWallet string, target Amount, comment string) (Payment, error) {
	w, err := NormalizeWallet(ownWallet)
	if err != nil {
		return Payment{}, &InvalidError{Subject: SubjectConversion, Rules: []Rule{RuleWalletNumber}, Kind: err}
	}
	if target.Currency == RUB {
		return Payment{}, invalid(SubjectConversion, RuleConversionTarget, nil)
	}
	return Payment{Provider: ProviderConversion, ID: id, Sum: target, Comment: comment, Fields: map[string]string{"account": "+" + w}}, nil
}

// NormalizeRUPhone10 turns "+7 912 345-67-89" or "89123456789" into the
// 10 digits mobile top-ups want ("9123456789").
func NormalizeRUPhone10(s string) (string, error) {
	var d strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			d.WriteRune(r)
		} else if !strings.ContainsRune("+ -()", r) {
			return "", invalid(SubjectPhone, RulePhoneChars, nil)
		}
	}
	p := d.String()
	if len(p) == 11 && (p[0] == '7' || p[0] == '8') {
		p = p[1:]
	}
	if !phone10Re.MatchString(p) {
		return "", invalid(SubjectPhone, RulePhoneRU10, nil)
	}
	return p, nil
}

// MobileTopUp pays a phone bill to the operator's provider id.
func MobileTopUp(id string, operatorID int, phone string, sum Amount) (Payment, error) {
	p, err := NormalizeRUPhone10(phone)
	if err != nil {
		return Payment{}, err
	}
	if operatorID <= 0 {
		return Payment{}, invalid(SubjectMobileTopUp, RuleOperatorUnknown, nil)
	}
	return Payment{Provider: operatorID, ID: id, Sum: sum, Fields: map[string]string{"account": p}}, nil
}

// NormalizeCard strips spaces and dashes and checks length and the Luhn digit.
func NormalizeCard(s string) (string, error) {
	var d strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			return "", invalid(SubjectCard, RuleCardDigitsOnly, nil)
		}
	}
	n := d.String()
	if len(n) < 13 || len(n) > 19 {
		return "", invalid(SubjectCard, RuleCardLength, nil)
	}
	if !Luhn(n) {
		return "", invalid(SubjectCard, RuleCardLuhn, nil)
	}
	return n, nil
}

// Luhn reports whether a digit string passes the Luhn check.
func Luhn(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		c := digits[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return len(digits) > 0 && sum%10 == 0
}

// CardProvider picks the RU card provider from the number's first digits:
// Visa 1963, MasterCard 21013, MIR 31652.
func CardProvider(card string) (int, error) {
	switch {
	case strings.HasPrefix(card, "4"):
		return ProviderVisaRU, nil
	case strings.HasPrefix(card, "2"):
		if strings.HasPrefix(card, "220") {
			return ProviderMIR, nil
		}
		return ProviderMasterCardRU, nil
	case strings.HasPrefix(card, "5"):
		return ProviderMasterCardRU, nil
	}
	return 0, invalid(SubjectCard, RuleCardNetwork, nil)
}

// CardTransfer sends money to a card issued by a Russian bank
// (1963 Visa, 21013 MasterCard, 31652 MIR, 22351 QIWI Virtual Card).
func CardTransfer(id string, providerID int, card string, sum Amount) (Payment, error) {
	switch providerID {
	case ProviderVisaRU, ProviderMasterCardRU, ProviderMIR, ProviderQVC:
	default:
		return Payment{}, invalid(SubjectCardTransfer, RuleCardProvider, map[string]any{"Provider": providerID})
	}
	n, err := NormalizeCard(card)
	if err != nil {
		return Payment{}, err
	}
	return Payment{Provider: providerID, ID: id, Sum: sum, Fields: map[string]string{"account": n}}, nil
}

// ForeignCardFields are the sender and recipient details foreign card
// transfers (1960 Visa, 21012 MasterCard) require. The docs' field names
// are not what they look like: rem_* and rec_* describe the SENDER, reg_*
// the RECIPIENT (wallet API docs, "For ID 1960, 21012").
type ForeignCardFields struct {
	Card               string
	SenderFirstName    string // rem_name
	SenderLastName     string // rem_name_f
	SenderAddress      string // rec_address
	SenderCity         string // rec_city
	SenderCountry      string // rec_country
	RecipientFirstName string // reg_name
	RecipientLastName  string // reg_name_f
}

// ForeignCardTransfer sends money to a card issued abroad. QIWI has suspended
// these transfers; the request is still built as documented.
func ForeignCardTransfer(id string, providerID int, f ForeignCardFields, sum Amount) (Payment, error) {
	if providerID != ProviderVisaForeign && providerID != ProviderMCForeign {
		return Payment{}, invalid(SubjectForeignCard, RuleForeignProvider, map[string]any{"Provider": providerID})
	}
	n, err := NormalizeCard(f.Card)
	if err != nil {
		return Payment{}, err
	}
	fields := map[string]string{
		"account": n, "rem_name": f.SenderFirstName, "rem_name_f": f.SenderLastName,
		"rec_address": f.SenderAddress, "rec_city": f.SenderCity, "rec_country": f.SenderCountry,
		"reg_name": f.RecipientFirstName, "reg_name_f": f.RecipientLastName,
	}
	if err := requireFields(SubjectForeignCard, fields); err != nil {
		return Payment{}, err
	}
	return Payment{Provider: providerID, ID: id, Sum: sum, Fields: fields}, nil
}

// Bank ids for transfers by card number and by account number.
var (
	bankByCardAccountType = map[int]string{464: "1", 804: "1", 815: "1", 810: "5", 816: "5", 821: "7", 870: "5", 1134: "5", 881: "1"}
	// The docs list 816 twice (->2 and ->5) in this table; we follow the
	// first, main list (->2), which matches the other by-account banks.
	bankByAccountAccountType = map[int]string{464: "2", 804: "2", 810: "2", 815: "2", 816: "2", 819: "2", 868: "2", 870: "2", 1134: "2", 27324: "2", 881: "2", 821: "9", 313: "6"}
	// Banks that need the card's expiry (MMYY) for a transfer by card number.
	bankNeedsExpiry = map[int]bool{464: true, 821: true}
)

// BankCardBanks lists the bank ids that accept transfers by card number.
func BankCardBanks() []int { return sortedKeys(bankByCardAccountType) }

// BankAccountBanks lists the bank ids that accept transfers by account number.
func BankAccountBanks() []int { return sortedKeys(bankByAccountAccountType) }

// BankRecipient is who receives a bank transfer.
type BankRecipient struct {
	FirstName, MiddleName, LastName string
}

// BankCardTransfer pays to a bank by card number. expiry (MMYY) is required
// for banks 464 and 821.
func BankCardTransfer(id string, bankID int, card, expiry string, who BankRecipient, sum Amount) (Payment, error) {
	accountType, ok := bankByCardAccountType[bankID]
	if !ok {
		return Payment{}, invalid(SubjectBankTransfer, RuleBankNoCard, map[string]any{"Bank": bankID})
	}
	n, err := NormalizeCard(card)
	if err != nil {
		return Payment{}, err
	}
	fields := map[string]string{"account": n, "account_type": accountType, "lname": who.LastName, "fname": who.FirstName, "mname": who.MiddleName}
	if bankNeedsExpiry[bankID] {
		if !expDateRe.MatchString(expiry) {
			return Payment{}, invalid(SubjectBankTransfer, RuleBankExpiry, nil)
		}
		fields["exp_date"] = expiry
	}
	if who.FirstName == "" || who.LastName == "" {
		return Payment{}, invalid(SubjectBankTransfer, RuleBankName, nil)
	}
	return Payment{Provider: bankID, ID: id, Sum: sum, Fields: fields}, nil
}

// BankAccountTransfer pays to a bank account (20 digits) with the bank's BIK.
// agreement is the contract number, required by bank 313 only.
func BankAccountTransfer(id string, bankID int, account, bik string, urgent bool, who BankRecipient, agreement string, sum Amount) (Payment, error) {
	accountType, ok := bankByAccountAccountType[bankID]
	if !ok {
		return Payment{}, invalid(SubjectBankTransfer, RuleBankNoAccount, map[string]any{"Bank": bankID})
	}
	if !bankAcctRe.MatchString(account) {
		return Payment{}, invalid(SubjectBankTransfer, RuleBankAccount, nil)
	}
	if !bikRe.MatchString(bik) {
		return Payment{}, invalid(SubjectBankTransfer, RuleBankBIK, nil)
	}
	if who.FirstName == "" || who.LastName == "" {
		return Payment{}, invalid(SubjectBankTransfer, RuleBankName, nil)
	}
	fields := map[string]string{"account": account, "account_type": accountType, "mfo": bik, "urgent": boolDigit(urgent), "lname": who.LastName, "fname": who.FirstName, "mname": who.MiddleName}
	if bankID == 313 {
		if agreement == "" {
			return Payment{}, invalid(SubjectBankTransfer, RuleBankAgreement, nil)
		}
		fields["agrnum"] = agreement
	}
	return Payment{Provider: bankID, ID: id, Sum: sum, Fields: fields}, nil
}

// ServicePayment pays any provider whose only requisite is the account.
func ServicePayment(id string, providerID int, account string, sum Amount) (Payment, error) {
	account = strings.TrimSpace(account)
	if account == "" {
		return Payment{}, invalid(SubjectPayment, RuleAccountRequired, nil)
	}
	return Payment{Provider: providerID, ID: id, Sum: sum, Fields: map[string]string{"account": account}}, nil
}

// Requisites are a company's bank details for payment by requisites (1717).
type Requisites struct {
	BankName     string // name
	BIK          string // to_bik / extra_to_bik
	City         string
	Account      string // 20 digits
	CompanyName  string // to_name
	INN          string // to_inn
	KPP          string // to_kpp
	VATIncluded  bool   // nds
	Purpose      string // goal
	Urgent       bool
	SenderFirst  string // from_name
	SenderMiddle string // from_name_p
	SenderLast   string // from_name_f
}

// RequisitesPayment pays a company by its bank requisites (provider 1717).
func RequisitesPayment(id string, r Requisites, sum Amount) (Payment, error) {
	var broken []Rule
	if !bikRe.MatchString(r.BIK) {
		broken = append(broken, RuleReqBIK)
	}
	if !bankAcctRe.MatchString(r.Account) {
		broken = append(broken, RuleReqAccount)
	}
	if !innRe.MatchString(r.INN) {
		broken = append(broken, RuleReqINN)
	}
	if !kppRe.MatchString(r.KPP) {
		broken = append(broken, RuleReqKPP)
	}
	if len(broken) > 0 {
		return Payment{}, &InvalidError{Subject: SubjectRequisites, Rules: broken}
	}
	nds := "НДС не облагается"
	if r.VATIncluded {
		nds = "В т.ч. НДС"
	}
	fields := map[string]string{
		"name": r.BankName, "extra_to_bik": r.BIK, "to_bik": r.BIK, "city": r.City,
		"info": "Коммерческие организации", "is_commercial": "1",
		"to_name": r.CompanyName, "to_inn": r.INN, "to_kpp": r.KPP, "nds": nds, "goal": r.Purpose,
		"urgent": boolDigit(r.Urgent), "account": r.Account,
		"from_name": r.SenderFirst, "from_name_p": r.SenderMiddle, "from_name_f": r.SenderLast,
		"requestProtocol": "qw1", "toServiceId": strconv.Itoa(ProviderRequisites),
	}
	optional := map[string]bool{"from_name_p": true}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if strings.TrimSpace(fields[k]) == "" && !optional[k] {
			return Payment{}, &InvalidError{Subject: SubjectRequisites, Rules: []Rule{RuleFieldRequired}, Field: k}
		}
	}
	return Payment{Provider: ProviderRequisites, ID: id, Sum: sum, Fields: fields}, nil
}

func requireFields(what Subject, fields map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if strings.TrimSpace(fields[k]) == "" {
			return &InvalidError{Subject: what, Rules: []Rule{RuleFieldRequired}, Field: k}
		}
	}
	return nil
}

func boolDigit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func sortedKeys(m map[int]string) []int { return slices.Sorted(maps.Keys(m)) }
