package qiwiapi

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Subject is what a refused request was about: the start of its error
// ("card: …", "bank transfer: …").
type Subject string

// The subjects of refused requests. A typed amount has none: its error is
// the sentence alone.
const (
	SubjectAmount         Subject = ""
	SubjectBalances       Subject = "balances"
	SubjectBankTransfer   Subject = "bank transfer"
	SubjectCard           Subject = "card"
	SubjectCardTransfer   Subject = "card transfer"
	SubjectCommission     Subject = "commission"
	SubjectConversion     Subject = "conversion"
	SubjectForeignCard    Subject = "foreign card transfer"
	SubjectHistory        Subject = "history"
	SubjectIdentification Subject = "identification"
	SubjectInvoices       Subject = "invoices"
	SubjectLimits         Subject = "limits"
	SubjectMobile         Subject = "mobile"
	SubjectMobileTopUp    Subject = "mobile top-up"
	SubjectP2PKeys        Subject = "p2p keys"
	SubjectPayment        Subject = "payment"
	SubjectPhone          Subject = "phone"
	SubjectReceipt        Subject = "receipt"
	SubjectRequisites     Subject = "requisites"
	SubjectSearch         Subject = "search"
	SubjectWalletTransfer Subject = "wallet transfer"
	SubjectWebhook        Subject = "webhook"
)

// Rule names one check a request failed before it was sent.
type Rule string

// The checks, by family. The values each one shows are named in ruleText.
const (
	// A typed amount (ParseAmountInput).
	RuleAmountEmpty          Rule = "amount.empty"
	RuleAmountSpaceAfterDot  Rule = "amount.space_after_point"
	RuleAmountGroups         Rule = "amount.groups"
	RuleAmountTwoPoints      Rule = "amount.two_points"
	RuleAmountSpaceBeforeDot Rule = "amount.space_before_point"
	RuleAmountDigitFirst     Rule = "amount.digit_before_point"
	RuleAmountSign           Rule = "amount.sign"
	RuleAmountExponent       Rule = "amount.exponent"
	RuleAmountNotAmount      Rule = "amount.not_amount"
	RuleAmountNoFraction     Rule = "amount.no_fraction"
	RuleAmountWholeUnits     Rule = "amount.whole_units" // {{.Currency}}
	RuleAmountTooPrecise     Rule = "amount.too_precise" // {{.Digits}} {{.Currency}}
	RuleAmountTooLarge       Rule = "amount.too_large"   // {{.Max}}
	RuleAmountZero           Rule = "amount.zero"
	RuleAmountPositive       Rule = "amount.positive" // a payment's or commission's amount
	RuleAmountNoCurrency     Rule = "amount.no_currency"

	// Phones, wallets and cards.
	RulePhoneChars        Rule = "phone.chars"
	RulePhoneRU10         Rule = "phone.ru10"
	RulePhone11           Rule = "phone.eleven_digits"
	RuleWalletNumber      Rule = "wallet.number"
	RuleWalletIntl        Rule = "wallet.international"
	RuleRoublesOnly       Rule = "wallet.roubles_only"
	RuleConversionTarget  Rule = "conversion.target"
	RuleOperatorUnknown   Rule = "mobile.operator_unknown"
	RuleCardDigitsOnly    Rule = "card.digits_only"
	RuleCardLength        Rule = "card.length"
	RuleCardLuhn          Rule = "card.luhn"
	RuleCardNetwork       Rule = "card.network"
	RuleCardProvider      Rule = "card.provider"         // {{.Provider}}
	RuleForeignProvider   Rule = "card.foreign_provider" // {{.Provider}}
	RuleBankNoCard        Rule = "bank.no_card"          // {{.Bank}}
	RuleBankNoAccount     Rule = "bank.no_account"       // {{.Bank}}
	RuleBankExpiry        Rule = "bank.expiry"
	RuleBankName          Rule = "bank.name"
	RuleBankAccount       Rule = "bank.account"
	RuleBankBIK           Rule = "bank.bik"
	RuleBankAgreement     Rule = "bank.agreement"
	RuleAccountRequired   Rule = "payment.account"
	RuleRecipientRequired Rule = "payment.recipient"
	RuleNoProvider        Rule = "payment.no_provider"
	RuleClientID          Rule = "payment.client_id"
	RuleFieldRequired     Rule = "payment.field_required" // {{.Field}}
	RuleReqBIK            Rule = "requisites.bik"
	RuleReqAccount        Rule = "requisites.account"
	RuleReqINN            Rule = "requisites.inn"
	RuleReqKPP            Rule = "requisites.kpp"

	// History, receipts, invoices, limits, balances, search.
	RuleRows             Rule = "history.rows" // {{.Got}}
	RuleRangeHalf        Rule = "history.range_half"
	RuleRangeRequired    Rule = "history.range_required"
	RuleRangeReversed    Rule = "history.range_reversed"
	RuleRangeTooLong     Rule = "history.range_too_long" // {{.Max}} {{.Days}}
	RuleTxnID            Rule = "history.txn_id"
	RuleReceiptTypeFmt   Rule = "receipt.type_and_format"
	RuleReceiptType      Rule = "receipt.type"
	RuleReceiptEmail     Rule = "receipt.email" // {{.Email}}
	RuleInvoiceID        Rule = "invoices.id"
	RuleKeysName         Rule = "p2p.name"
	RuleLimitTypes       Rule = "limits.types"
	RuleAliasEUR         Rule = "balances.alias_eur"
	RuleAliasRUB         Rule = "balances.alias_rub"
	RuleSearchEmpty      Rule = "search.empty"
	RuleUnknownProvider  Rule = "commission.provider"
	RuleHookURLLength    Rule = "webhook.url_length" // {{.Len}} {{.Max}}
	RuleHookURL          Rule = "webhook.url"        // {{.URL}}
	RuleHookTxnType      Rule = "webhook.txn_type"
	RuleHookID           Rule = "webhook.id"
	RuleIdentFirstName   Rule = "ident.first_name"
	RuleIdentLastName    Rule = "ident.last_name"
	RuleIdentBirthDate   Rule = "ident.birth_date"
	RuleIdentPassport    Rule = "ident.passport"
	RuleIdentINNDigits   Rule = "ident.inn"
	RuleIdentSNILSDigits Rule = "ident.snils"
	RuleIdentOMSDigits   Rule = "ident.oms"
)

// ruleText is each rule in English, with its values as {{.Name}}: the
// error's text (i18n/explain words the same rules in the reader's language).
var ruleText = map[Rule]string{
	RuleAmountEmpty:          "Enter the amount, e.g. 1 500.50",
	RuleAmountSpaceAfterDot:  "No spaces after the decimal point",
	RuleAmountGroups:         "Spaces go only between groups of three digits, e.g. 1 500 000",
	RuleAmountTwoPoints:      "Only one decimal point or comma; separate thousands with spaces, e.g. 1 500.50",
	RuleAmountSpaceBeforeDot: "No space before the decimal point",
	RuleAmountDigitFirst:     "Write a digit before the point, e.g. 0.50",
	RuleAmountSign:           "Enter the amount without a sign",
	RuleAmountExponent:       "Digits only: write 1000, not 1e3",
	RuleAmountNotAmount:      "Not an amount: digits, spaces between thousands and one point or comma, e.g. 1 500.50",
	RuleAmountNoFraction:     "Write the digits after the point, or leave the point out",
	RuleAmountWholeUnits:     "{{.Currency}} has no fractions: whole units only",
	RuleAmountTooPrecise:     "At most {{.Digits}} digits after the point for {{.Currency}}",
	RuleAmountTooLarge:       "Too large: at most {{.Max}} digits before the point",
	RuleAmountZero:           "The amount must be more than zero",
	RuleAmountPositive:       "the amount must be positive",
	RuleAmountNoCurrency:     "the amount has no currency",

	RulePhoneChars:        "only digits, spaces, +, - and brackets",
	RulePhoneRU10:         "a Russian mobile number has 10 digits after +7 and starts with 9",
	RulePhone11:           "the phone must be 11 digits starting with 7",
	RuleWalletNumber:      "a wallet number is a phone in international format: +7 and 10 digits, or another country code and 9-14 digits",
	RuleWalletIntl:        "the recipient is a wallet number in international format, like +79991234567 (+7 and 10 digits)",
	RuleRoublesOnly:       "transfers are sent in roubles",
	RuleConversionTarget:  "choose the currency to convert into (USD, EUR, KZT)",
	RuleOperatorUnknown:   "the operator is unknown; resolve it from the number first",
	RuleCardDigitsOnly:    "the number has only digits",
	RuleCardLength:        "a card number has 13 to 19 digits",
	RuleCardLuhn:          "the number has a typo (check digit does not match)",
	RuleCardNetwork:       "only Visa, MasterCard and MIR cards can be paid to",
	RuleCardProvider:      "{{.Provider}} is not a card provider",
	RuleForeignProvider:   "{{.Provider}} is not 1960 or 21012",
	RuleBankNoCard:        "bank {{.Bank}} does not take transfers by card number",
	RuleBankNoAccount:     "bank {{.Bank}} does not take transfers by account number",
	RuleBankExpiry:        "this bank needs the card expiry as MMYY",
	RuleBankName:          "the recipient's first and last name are required",
	RuleBankAccount:       "an account number has 20 digits",
	RuleBankBIK:           "a BIK has 9 digits",
	RuleBankAgreement:     "Home Credit needs the agreement number",
	RuleAccountRequired:   "the account at the provider is required",
	RuleRecipientRequired: "the recipient account is required",
	RuleNoProvider:        "no provider",
	RuleClientID:          "the client id must be 1 to 20 digits",
	RuleFieldRequired:     "{{.Field}} is required",
	RuleReqBIK:            "BIK has 9 digits",
	RuleReqAccount:        "account has 20 digits",
	RuleReqINN:            "INN has 10 or 12 digits",
	RuleReqKPP:            "KPP has 9 digits",

	RuleRows:             "rows must be 1..50, got {{.Got}}",
	RuleRangeHalf:        "start and end dates go together",
	RuleRangeRequired:    "a start and an end date are required",
	RuleRangeReversed:    "the end date is before the start date",
	RuleRangeTooLong:     "a range may span at most {{.Max}} calendar days, this one spans {{.Days}}",
	RuleTxnID:            "a transaction id is a positive number",
	RuleReceiptTypeFmt:   "the transaction type and the file format are required",
	RuleReceiptType:      "the transaction type is required",
	RuleReceiptEmail:     "{{.Email}} is not an e-mail address",
	RuleInvoiceID:        "no invoice id",
	RuleKeysName:         "give the key pair a name",
	RuleLimitTypes:       "name at least one limit type",
	RuleAliasEUR:         "an account alias looks like qw_wallet_eur",
	RuleAliasRUB:         "an account alias looks like qw_wallet_rub",
	RuleSearchEmpty:      "type what to look for",
	RuleUnknownProvider:  "unknown provider",
	RuleHookURLLength:    "the URL is {{.Len}} characters long, QIWI accepts at most {{.Max}}",
	RuleHookURL:          "{{.URL}} is not an http(s) URL",
	RuleHookTxnType:      "the transaction type is 0 (in), 1 (out) or 2 (both)",
	RuleHookID:           "no hook id",
	RuleIdentFirstName:   "first name is required",
	RuleIdentLastName:    "last name is required",
	RuleIdentBirthDate:   "birth date must be YYYY-MM-DD",
	RuleIdentPassport:    "passport must be series and number, digits only",
	RuleIdentINNDigits:   "INN must be digits only",
	RuleIdentSNILSDigits: "SNILS must be digits only",
	RuleIdentOMSDigits:   "OMS must be digits only",
}

// Rules lists every rule (tests: each one is worded in every language).
func Rules() []Rule { return slices.Sorted(maps.Keys(ruleText)) }

// InvalidError is a request refused before it was sent, because of what a
// person typed or chose, as data: what it was about, the rules it broke and
// the values its sentence shows. Error is English; i18n/explain words it in
// the reader's language (explain.Problem gives the sentence for a form
// field, without the subject).
type InvalidError struct {
	Subject Subject
	Rules   []Rule         // the broken rules in the order found; usually one
	Field   string         // the request field at fault, when a rule names one ("to_inn")
	Values  map[string]any // the values in the sentence, by name ({{.Max}}); Field is {{.Field}}
	Kind    error          // a sentinel for errors.Is (ErrBadAmount, ErrTooPrecise, ErrBadWallet), or nil
}

// Args are the values of e's sentence, Field included.
func (e *InvalidError) Args() map[string]any {
	args := map[string]any{}
	maps.Copy(args, e.Values)
	if e.Field != "" {
		args["Field"] = e.Field
	}
	return args
}

func (e *InvalidError) Error() string {
	var pairs []string
	for k, v := range e.Args() {
		pairs = append(pairs, "{{."+k+"}}", fmt.Sprint(v))
	}
	fill := strings.NewReplacer(pairs...)
	texts := make([]string, len(e.Rules))
	for i, r := range e.Rules {
		texts[i] = fill.Replace(ruleText[r])
	}
	problem := strings.Join(texts, "; ")
	if e.Subject == SubjectAmount {
		return problem
	}
	return string(e.Subject) + ": " + problem
}

func (e *InvalidError) Unwrap() error { return e.Kind }

// invalid is an *InvalidError of one rule.
func invalid(subject Subject, rule Rule, values map[string]any) error {
	return &InvalidError{Subject: subject, Rules: []Rule{rule}, Values: values}
}
