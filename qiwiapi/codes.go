package qiwiapi

import "fmt"

// codeText is one row of the errorCode table: English from the EN docs,
// Russian from the RU docs where they have the row.
type codeText struct{ en, ru string }

// paymentErrorCodes is the errorCode table of the Wallet API docs (history
// items, transaction details, webhook payments).
var paymentErrorCodes = map[int]codeText{
	0:    {"OK", "OK"},
	3:    {"Technical error. Repeat the request later", "Техническая ошибка, нельзя отправить запрос провайдеру"},
	4:    {"Incorrect format of phone or account number. Check the data", "Неверный формат счета/телефона"},
	5:    {"No such number. Check the data and try again", "Номер не принадлежит оператору"},
	8:    {"Technical problem on the recipient's bank side. Try again later", "Прием платежа запрещен по техническим причинам"},
	57:   {"Recipient's wallet status not allowing the money transfer. Ask them to enter passport data in QIWI Wallet to increase status level.", ""},
	131:  {"Payment type unavailable for your country", "Платежи на выбранного провайдера запрещено проводить из данной страны."},
	166:  {"Your wallet status not allowing the money transfer. Enter passport data in QIWI Wallet to increase status level.", ""},
	167:  {"Recipient's wallet status not allowing the money transfer. Ask them to enter passport data in QIWI Wallet to increase status level.", ""},
	202:  {"Technical error. Repeat the payment later", "Ошибка в параметрах запроса"},
	204:  {"Your wallet status not allowing the cash topup. Enter passport data in QIWI Wallet to increase status level.", ""},
	220:  {"Not enough funds. Replenish your wallet", "Недостаточно средств"},
	241:  {"Payment amount must be larger than 1 ruble", "Сумма платежа меньше минимальной"},
	242:  {"Payment amount larger than maximum allowed", "Сумма платежа больше максимальной"},
	254:  {"Payment amount must be larger than 1 ruble", ""},
	271:  {"Technical issue on the recipient's bank side. Try again later", ""},
	300:  {"Technical error. Repeat the payment later", ""},
	303:  {"Wrong phone number - enter 10 digits", ""},
	319:  {"Your wallet status not allowing the money transfer. Enter passport data in QIWI Wallet to increase status level.", "Платеж невозможен"},
	407:  {"Not enough funds on your card", ""},
	408:  {"You already have the same payment - pay or cancel it", ""},
	455:  {"Payment is not possible due to limit on minimum balance", ""},
	461:  {"Time to confirm operation is expired. Try again later", ""},
	472:  {"Not enough funds on your wallet - replenish it", ""},
	500:  {"Technical error on the recipient's bank side. Contact the bank's Support service", "По техническим причинам этот платеж не может быть выполнен. Для совершения платежа обратитесь, пожалуйста, в свой обслуживающий банк"},
	522:  {"Recipient's card wrong number or expiration date. Check data and try again", "Неверный номер или срок действия карты получателя"},
	547:  {"Recipient's card wrong expiration date. Check data and try again", "Ошибка в сроке действия карты получателя"},
	548:  {"Recipient's card expired", "Истек срок действия карты получателя"},
	558:  {"Payment amount larger than maximum allowed", ""},
	561:  {"Bank where the money is transferring does not accept the payment. Contact the bank's Support service", "Платеж отвергнут оператором банка получателя"},
	700:  {"Limit for your wallet current status is exceeded. Increase your status level or check your current limit in Profile section", ""},
	702:  {"Payment is not possible due to recipient's limit. Its balance's limit is exceeded. Recipient has to contact with our Support", "Платеж не проведен из-за ограничений у получателя. Подробности по телефону: 8-800-707-77-59"},
	704:  {"The monthly limit on your wallet has been exceeded. To remove the restrictions, increase your wallet status in Profile section", ""},
	705:  {"The monthly limit on your wallet has been exceeded. To remove the restrictions, increase your wallet status in Profile section", "Ежемесячный лимит платежей и переводов для статуса Стандарт - 200 000 р. Для увеличения лимита пройдите идентификацию."},
	710:  {"Transfer is not possible - the weekly limit of payments for the same recipient have been exceeded", ""},
	711:  {"Transfer is not possible. You have exceeded the monthly payment limit for such transactions", ""},
	716:  {"You have exceeded the monthly limit on withdrawals from the card. To remove the restrictions, increase your wallet status in Profile section", ""},
	717:  {"You have exceeded the daily limit on withdrawals from the card. To remove the restrictions, increase your wallet status in Profile section", ""},
	746:  {"Transfer is impossible - the limit for the same recipient has been exceeded", "Превышен лимит по платежам в пользу провайдера"},
	747:  {"Transfer is not possible. The number of operations for the same recipient has been exceeded", ""},
	749:  {"Technical error. Contact our Support", ""},
	750:  {"Technical error. Repeat the payment later", ""},
	757:  {"The limit on the number of payments has been exceeded. To remove the restrictions, increase your wallet status in Profile section", ""},
	797:  {"Payment has been cancelled, the money is returned to your wallet", ""},
	852:  {"Transfer is impossible - the limit for the same recipient has been exceeded", "Превышен лимит по платежам в пользу провайдера"},
	866:  {"Payment not processed. Limit on outgoing transfers has been exceeded - 5 000 RUB from RUB, USD, EUR accounts to KZT monthly. Increase your wallet status in Profile section and pay without limits", ""},
	867:  {"Payment not processed. Limit on incoming transfers has been exceeded - 5 000 RUB from RUB, USD, EUR accounts to KZT monthly. Increase your wallet status in Profile section and pay without limits", ""},
	893:  {"Transfer rejected. Date is expired", "Срок действия перевода истек"},
	901:  {"The code to confirm the payment has expired. Repeat the payment", ""},
	943:  {"The limit on transfers per month is exceeded. Increase your wallet status in Profile section and transfer without restrictions", ""},
	1050: {"The limit on such operations is exceeded. Increase your wallet status in Profile section and expand your options", "Превышен лимит на операции, либо превышен дневной лимит на переводы на карты Visa/MasterCard"},
	7000: {"Payment rejected. Check card's details and repeat the payment", ""},
	7600: {"Payment rejected. Contact the bank that issued the card", ""},
}

// PaymentErrorText explains an errorCode from history or a webhook in English.
// Unknown codes get a generic sentence that still names the code.
func PaymentErrorText(code int) string {
	if t, ok := paymentErrorCodes[code]; ok {
		return t.en
	}
	return fmt.Sprintf("Unknown error code %d. Contact QIWI support", code)
}

// PaymentErrorTextRU is the Russian wording where the RU docs give one,
// otherwise the English text.
func PaymentErrorTextRU(code int) string {
	if t, ok := paymentErrorCodes[code]; ok && t.ru != "" {
		return t.ru
	}
	return PaymentErrorText(code)
}

// KnownPaymentErrorCodes lists every documented errorCode (for tests and help screens).
func KnownPaymentErrorCodes() []int {
	out := make([]int, 0, len(paymentErrorCodes))
	for c := range paymentErrorCodes {
		out = append(out, c)
	}
	return out
}

// httpStatusText is the docs' HTTP code table, keyed by status and API area.
var httpStatusText = map[int]string{
	400: "Wrong data format of request",
	401: "Wrong API token or token expired. Log in again with a valid token",
	403: "Not enough rights of API token for the request. Issue a token with the needed scope at qiwi.com/api",
	404: "Not found",
	422: "Wrong domain/subnet/host in the webhook URL, wrong webhook or transaction type, or a webhook is already active",
	423: "Too many requests, service temporarily unavailable. Wait and retry",
	500: "Internal service error (webhook URL too long, maintenance, a resource unavailable)",
}

// Missing is what a 404 did not find, by the documented meanings.
type Missing int

// The four documented meanings of 404, by API area, and any other.
const (
	MissingOther       Missing = iota
	MissingTransaction         // history: transaction not found, or no payments with such data
	MissingWallet
	MissingWebhook
	MissingInvoice
)

// Missing is what a 404 of e's request did not find, by the API area of its path.
func (e *Error) Missing() Missing {
	switch p := e.Path; {
	case hasAnyPrefix(p, "/payment-history/"):
		return MissingTransaction
	case hasAnyPrefix(p, "/funding-sources/", "/person-profile/", "/identification/", "/qw-limits/", "/qw-nicknames/"):
		return MissingWallet
	case hasAnyPrefix(p, "/payment-notifier/"):
		return MissingWebhook
	case hasAnyPrefix(p, "/checkout-api/"):
		return MissingInvoice
	}
	return MissingOther
}

// notFoundText is the docs' wording of each 404.
var notFoundText = map[Missing]string{
	MissingTransaction: "Transaction not found or no payments with such data",
	MissingWallet:      "Wallet not found",
	MissingWebhook:     "Active webhook not found",
	MissingInvoice:     "Invoice not found",
	MissingOther:       "Not found",
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if len(s) >= len(p) && s[:len(p)] == p {
			return true
		}
	}
	return false
}
