package explain

import (
	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/topup"
)

// The message of each thing qiwiapi and its protocols name by data: the
// ids are written out (TestCatalogue finds each one as a literal).

// subjectIDs words qiwiapi.Subject.
var subjectIDs = map[qiwiapi.Subject]string{
	qiwiapi.SubjectBalances:       "explain.subject.balances",
	qiwiapi.SubjectBankTransfer:   "explain.subject.bank_transfer",
	qiwiapi.SubjectCard:           "explain.subject.card",
	qiwiapi.SubjectCardTransfer:   "explain.subject.card_transfer",
	qiwiapi.SubjectCommission:     "explain.subject.commission",
	qiwiapi.SubjectConversion:     "explain.subject.conversion",
	qiwiapi.SubjectForeignCard:    "explain.subject.foreign_card_transfer",
	qiwiapi.SubjectHistory:        "explain.subject.history",
	qiwiapi.SubjectIdentification: "explain.subject.identification",
	qiwiapi.SubjectInvoices:       "explain.subject.invoices",
	qiwiapi.SubjectLimits:         "explain.subject.limits",
	qiwiapi.SubjectMobile:         "explain.subject.mobile",
	qiwiapi.SubjectMobileTopUp:    "explain.subject.mobile_top_up",
	qiwiapi.SubjectP2PKeys:        "explain.subject.p2p_keys",
	qiwiapi.SubjectPayment:        "explain.subject.payment",
	qiwiapi.SubjectPhone:          "explain.subject.phone",
	qiwiapi.SubjectReceipt:        "explain.subject.receipt",
	qiwiapi.SubjectRequisites:     "explain.subject.requisites",
	qiwiapi.SubjectSearch:         "explain.subject.search",
	qiwiapi.SubjectWalletTransfer: "explain.subject.wallet_transfer",
	qiwiapi.SubjectWebhook:        "explain.subject.webhook",
}

// ruleIDs words qiwiapi.Rule.
var ruleIDs = map[qiwiapi.Rule]string{
	qiwiapi.RuleAmountEmpty:          "explain.rule.amount_empty",
	qiwiapi.RuleAmountSpaceAfterDot:  "explain.rule.amount_space_after_point",
	qiwiapi.RuleAmountGroups:         "explain.rule.amount_groups",
	qiwiapi.RuleAmountTwoPoints:      "explain.rule.amount_two_points",
	qiwiapi.RuleAmountSpaceBeforeDot: "explain.rule.amount_space_before_point",
	qiwiapi.RuleAmountDigitFirst:     "explain.rule.amount_digit_before_point",
	qiwiapi.RuleAmountSign:           "explain.rule.amount_sign",
	qiwiapi.RuleAmountExponent:       "explain.rule.amount_exponent",
	qiwiapi.RuleAmountNotAmount:      "explain.rule.amount_not_amount",
	qiwiapi.RuleAmountNoFraction:     "explain.rule.amount_no_fraction",
	qiwiapi.RuleAmountWholeUnits:     "explain.rule.amount_whole_units",
	qiwiapi.RuleAmountTooPrecise:     "explain.rule.amount_too_precise",
	qiwiapi.RuleAmountTooLarge:       "explain.rule.amount_too_large",
	qiwiapi.RuleAmountZero:           "explain.rule.amount_zero",
	qiwiapi.RuleAmountPositive:       "explain.rule.amount_positive",
	qiwiapi.RuleAmountNoCurrency:     "explain.rule.amount_no_currency",
	qiwiapi.RulePhoneChars:           "explain.rule.phone_chars",
	qiwiapi.RulePhoneRU10:            "explain.rule.phone_ru10",
	qiwiapi.RulePhone11:              "explain.rule.phone_eleven_digits",
	qiwiapi.RuleWalletNumber:         "explain.rule.wallet_number",
	qiwiapi.RuleWalletIntl:           "explain.rule.wallet_international",
	qiwiapi.RuleRoublesOnly:          "explain.rule.wallet_roubles_only",
	qiwiapi.RuleConversionTarget:     "explain.rule.conversion_target",
	qiwiapi.RuleOperatorUnknown:      "explain.rule.mobile_operator_unknown",
	qiwiapi.RuleCardDigitsOnly:       "explain.rule.card_digits_only",
	qiwiapi.RuleCardLength:           "explain.rule.card_length",
	qiwiapi.RuleCardLuhn:             "explain.rule.card_luhn",
	qiwiapi.RuleCardNetwork:          "explain.rule.card_network",
	qiwiapi.RuleCardProvider:         "explain.rule.card_provider",
	qiwiapi.RuleForeignProvider:      "explain.rule.card_foreign_provider",
	qiwiapi.RuleBankNoCard:           "explain.rule.bank_no_card",
	qiwiapi.RuleBankNoAccount:        "explain.rule.bank_no_account",
	qiwiapi.RuleBankExpiry:           "explain.rule.bank_expiry",
	qiwiapi.RuleBankName:             "explain.rule.bank_name",
	qiwiapi.RuleBankAccount:          "explain.rule.bank_account",
	qiwiapi.RuleBankBIK:              "explain.rule.bank_bik",
	qiwiapi.RuleBankAgreement:        "explain.rule.bank_agreement",
	qiwiapi.RuleAccountRequired:      "explain.rule.payment_account",
	qiwiapi.RuleRecipientRequired:    "explain.rule.payment_recipient",
	qiwiapi.RuleNoProvider:           "explain.rule.payment_no_provider",
	qiwiapi.RuleClientID:             "explain.rule.payment_client_id",
	qiwiapi.RuleFieldRequired:        "explain.rule.payment_field_required",
	qiwiapi.RuleReqBIK:               "explain.rule.requisites_bik",
	qiwiapi.RuleReqAccount:           "explain.rule.requisites_account",
	qiwiapi.RuleReqINN:               "explain.rule.requisites_inn",
	qiwiapi.RuleReqKPP:               "explain.rule.requisites_kpp",
	qiwiapi.RuleRows:                 "explain.rule.history_rows",
	qiwiapi.RuleRangeHalf:            "explain.rule.history_range_half",
	qiwiapi.RuleRangeRequired:        "explain.rule.history_range_required",
	qiwiapi.RuleRangeReversed:        "explain.rule.history_range_reversed",
	qiwiapi.RuleRangeTooLong:         "explain.rule.history_range_too_long",
	qiwiapi.RuleTxnID:                "explain.rule.history_txn_id",
	qiwiapi.RuleReceiptTypeFmt:       "explain.rule.receipt_type_and_format",
	qiwiapi.RuleReceiptType:          "explain.rule.receipt_type",
	qiwiapi.RuleReceiptEmail:         "explain.rule.receipt_email",
	qiwiapi.RuleInvoiceID:            "explain.rule.invoices_id",
	qiwiapi.RuleKeysName:             "explain.rule.p2p_name",
	qiwiapi.RuleLimitTypes:           "explain.rule.limits_types",
	qiwiapi.RuleAliasEUR:             "explain.rule.balances_alias_eur",
	qiwiapi.RuleAliasRUB:             "explain.rule.balances_alias_rub",
	qiwiapi.RuleSearchEmpty:          "explain.rule.search_empty",
	qiwiapi.RuleUnknownProvider:      "explain.rule.commission_provider",
	qiwiapi.RuleHookURLLength:        "explain.rule.webhook_url_length",
	qiwiapi.RuleHookURL:              "explain.rule.webhook_url",
	qiwiapi.RuleHookTxnType:          "explain.rule.webhook_txn_type",
	qiwiapi.RuleHookID:               "explain.rule.webhook_id",
	qiwiapi.RuleIdentFirstName:       "explain.rule.ident_first_name",
	qiwiapi.RuleIdentLastName:        "explain.rule.ident_last_name",
	qiwiapi.RuleIdentBirthDate:       "explain.rule.ident_birth_date",
	qiwiapi.RuleIdentPassport:        "explain.rule.ident_passport",
	qiwiapi.RuleIdentINNDigits:       "explain.rule.ident_inn",
	qiwiapi.RuleIdentSNILSDigits:     "explain.rule.ident_snils",
	qiwiapi.RuleIdentOMSDigits:       "explain.rule.ident_oms",
}

// httpIDs words the HTTP statuses of the docs' table.
var httpIDs = map[int]string{
	400: "explain.http.400",
	401: "explain.http.401",
	403: "explain.http.403",
	404: "explain.http.404",
	422: "explain.http.422",
	423: "explain.http.423",
	500: "explain.http.500",
}

// missingIDs words what a 404 did not find.
var missingIDs = map[qiwiapi.Missing]string{
	qiwiapi.MissingTransaction: "explain.missing.transaction",
	qiwiapi.MissingWallet:      "explain.missing.wallet",
	qiwiapi.MissingWebhook:     "explain.missing.webhook",
	qiwiapi.MissingInvoice:     "explain.missing.invoice",
	qiwiapi.MissingOther:       "explain.http.404",
}

// codeIDs words QIWI's errorCode table.
var codeIDs = map[int]string{
	0:    "explain.code.0",
	3:    "explain.code.3",
	4:    "explain.code.4",
	5:    "explain.code.5",
	8:    "explain.code.8",
	57:   "explain.code.57",
	131:  "explain.code.131",
	166:  "explain.code.166",
	167:  "explain.code.167",
	202:  "explain.code.202",
	204:  "explain.code.204",
	220:  "explain.code.220",
	241:  "explain.code.241",
	242:  "explain.code.242",
	254:  "explain.code.254",
	271:  "explain.code.271",
	300:  "explain.code.300",
	303:  "explain.code.303",
	319:  "explain.code.319",
	407:  "explain.code.407",
	408:  "explain.code.408",
	455:  "explain.code.455",
	461:  "explain.code.461",
	472:  "explain.code.472",
	500:  "explain.code.500",
	522:  "explain.code.522",
	547:  "explain.code.547",
	548:  "explain.code.548",
	558:  "explain.code.558",
	561:  "explain.code.561",
	700:  "explain.code.700",
	702:  "explain.code.702",
	704:  "explain.code.704",
	705:  "explain.code.705",
	710:  "explain.code.710",
	711:  "explain.code.711",
	716:  "explain.code.716",
	717:  "explain.code.717",
	746:  "explain.code.746",
	747:  "explain.code.747",
	749:  "explain.code.749",
	750:  "explain.code.750",
	757:  "explain.code.757",
	797:  "explain.code.797",
	852:  "explain.code.852",
	866:  "explain.code.866",
	867:  "explain.code.867",
	893:  "explain.code.893",
	901:  "explain.code.901",
	943:  "explain.code.943",
	1050: "explain.code.1050",
	7000: "explain.code.7000",
	7600: "explain.code.7600",
}

// PaymentCode is the meaning of a QIWI errorCode (history items,
// transactions, webhooks) in tr's language: the screens' version of
// qiwiapi.PaymentErrorText. An undocumented code still names itself.
func PaymentCode(tr *i18n.Tr, code int) string {
	if id, ok := codeIDs[code]; ok {
		return tr.T(id, nil)
	}
	return tr.T("explain.call.unknown_code", i18n.Args{"Code": code})
}

// topUpResultIDs words the Top-Up API's payment result codes.
var topUpResultIDs = map[topup.ResultCode]string{
	topup.ResultCode(0):   "explain.topup.result.0",
	topup.ResultCode(155): "explain.topup.result.155",
	topup.ResultCode(204): "explain.topup.result.204",
	topup.ResultCode(215): "explain.topup.result.215",
	topup.ResultCode(220): "explain.topup.result.220",
	topup.ResultCode(241): "explain.topup.result.241",
	topup.ResultCode(242): "explain.topup.result.242",
	topup.ResultCode(298): "explain.topup.result.298",
	topup.ResultCode(300): "explain.topup.result.300",
	topup.ResultCode(316): "explain.topup.result.316",
	topup.ResultCode(319): "explain.topup.result.319",
	topup.ResultCode(700): "explain.topup.result.700",
	topup.ResultCode(702): "explain.topup.result.702",
}

// topUpRequestIDs words the Top-Up API's request processing codes.
var topUpRequestIDs = map[topup.RequestCode]string{
	topup.RequestCode(0):   "explain.topup.request.0",
	topup.RequestCode(13):  "explain.topup.request.13",
	topup.RequestCode(150): "explain.topup.request.150",
	topup.RequestCode(300): "explain.topup.request.300",
	topup.RequestCode(339): "explain.topup.request.339",
}

// TopUpResult is a Top-Up payment result code in words, in tr's language
// (topup.ResultCode.Text in English).
func TopUpResult(tr *i18n.Tr, c topup.ResultCode) string {
	if id, ok := topUpResultIDs[c]; ok {
		return tr.T(id, nil)
	}
	return tr.T("explain.topup.result.undocumented", nil)
}

// TopUpRequest is a Top-Up request processing code in words, in tr's
// language (topup.RequestCode.Text in English): codes outside the request
// table read as payment result codes, as the docs send them.
func TopUpRequest(tr *i18n.Tr, c topup.RequestCode) string {
	if id, ok := topUpRequestIDs[c]; ok {
		return tr.T(id, nil)
	}
	return TopUpResult(tr, topup.ResultCode(c))
}

// TopUpStatus is a Top-Up payment status in words, in tr's language
// (topup.Status.Text in English).
func TopUpStatus(tr *i18n.Tr, s topup.Status) string {
	id := "explain.topup.status.undocumented"
	switch {
	case s == topup.StatusNotRegistered:
		id = "explain.topup.status.not_registered"
	case s == topup.StatusAccepted:
		id = "explain.topup.status.accepted"
	case s == topup.StatusCrediting:
		id = "explain.topup.status.crediting"
	case s.Pending() && !s.Debited():
		id = "explain.topup.status.waiting"
	case s.Debited():
		id = "explain.topup.status.processing"
	case s == topup.StatusSuccess:
		id = "explain.topup.status.success"
	case s == topup.StatusDeclined:
		id = "explain.topup.status.declined"
	case s == topup.StatusAuthError:
		id = "explain.topup.status.auth_error"
	case s == topup.StatusCancelled:
		id = "explain.topup.status.cancelled"
	case s.Failed():
		id = "explain.topup.status.failed"
	}
	return tr.T(id, nil)
}

// pullCodeIDs words the Pull REST API's result codes.
var pullCodeIDs = map[pull.ResultCode]string{
	pull.ResultCode(0):    "explain.pull.code.0",
	pull.ResultCode(5):    "explain.pull.code.5",
	pull.ResultCode(13):   "explain.pull.code.13",
	pull.ResultCode(78):   "explain.pull.code.78",
	pull.ResultCode(150):  "explain.pull.code.150",
	pull.ResultCode(152):  "explain.pull.code.152",
	pull.ResultCode(155):  "explain.pull.code.155",
	pull.ResultCode(210):  "explain.pull.code.210",
	pull.ResultCode(215):  "explain.pull.code.215",
	pull.ResultCode(241):  "explain.pull.code.241",
	pull.ResultCode(242):  "explain.pull.code.242",
	pull.ResultCode(298):  "explain.pull.code.298",
	pull.ResultCode(300):  "explain.pull.code.300",
	pull.ResultCode(303):  "explain.pull.code.303",
	pull.ResultCode(316):  "explain.pull.code.316",
	pull.ResultCode(319):  "explain.pull.code.319",
	pull.ResultCode(339):  "explain.pull.code.339",
	pull.ResultCode(341):  "explain.pull.code.341",
	pull.ResultCode(700):  "explain.pull.code.700",
	pull.ResultCode(774):  "explain.pull.code.774",
	pull.ResultCode(934):  "explain.pull.code.934",
	pull.ResultCode(1001): "explain.pull.code.1001",
	pull.ResultCode(1003): "explain.pull.code.1003",
	pull.ResultCode(1018): "explain.pull.code.1018",
	pull.ResultCode(1019): "explain.pull.code.1019",
	pull.ResultCode(1419): "explain.pull.code.1419",
}

// PullCode is a Pull REST API result code in words, in tr's language
// (pull.ResultCode.Meaning in English).
func PullCode(tr *i18n.Tr, c pull.ResultCode) string {
	if id, ok := pullCodeIDs[c]; ok {
		return tr.T(id, nil)
	}
	return tr.T("explain.pull.code.unknown", nil)
}

// PullBillStatus is an invoice status of the Pull REST API in words, in
// tr's language (pull.BillStatus.Meaning in English). The status itself is
// QIWI's value and is shown as sent.
func PullBillStatus(tr *i18n.Tr, s pull.BillStatus) string {
	id := "explain.pull.status.unknown"
	switch s {
	case pull.BillWaiting:
		id = "explain.pull.status.waiting"
	case pull.BillPaid:
		id = "explain.pull.status.paid"
	case pull.BillRejected:
		id = "explain.pull.status.rejected"
	case pull.BillUnpaid:
		id = "explain.pull.status.unpaid"
	case pull.BillExpired:
		id = "explain.pull.status.expired"
	}
	return tr.T(id, nil)
}
