package pull

import "strconv"

// Check names what a request failed before it was sent.
type Check string

// The checks; Got is the value refused where the sentence names it.
const (
	InvalidNilBill      Check = "nil_bill"
	InvalidUser         Check = "user"          // Got
	InvalidAmount       Check = "amount"        // Got
	InvalidAmountDigits Check = "amount_digits" // Got
	InvalidCurrency     Check = "currency"      // Got
	InvalidComment      Check = "comment"
	InvalidPrvName      Check = "prv_name"
	InvalidPaySource    Check = "pay_source" // Got
	InvalidBillID       Check = "bill_id"
	InvalidRefundID     Check = "refund_id" // Got
)

// InvalidError is a request refused before it was sent, as data, so a
// screen words it in the reader's language (i18n/explain). It is
// ErrInvalid for errors.Is; Error is the English.
type InvalidError struct {
	Check Check
	Got   string
}

func (e *InvalidError) Error() string {
	var text string
	switch e.Check {
	case InvalidNilBill:
		text = "nil bill"
	case InvalidUser:
		text = "user must be a phone in international format, got " + strconv.Quote(e.Got)
	case InvalidAmount:
		text = "amount must be positive, got " + e.Got
	case InvalidAmountDigits:
		text = "amount " + e.Got + " does not fit Number(6.2)"
	case InvalidCurrency:
		text = "currency " + e.Got + " has no alphabetic code"
	case InvalidComment:
		text = "comment longer than 255 characters"
	case InvalidPrvName:
		text = "prv_name longer than 100 characters"
	case InvalidPaySource:
		text = "pay_source " + strconv.Quote(e.Got) + " (want qw or mobile)"
	case InvalidBillID:
		text = "bill_id must be 1-200 characters"
	case InvalidRefundID:
		text = "refund_id must be 1-9 characters of [0-9A-Za-z], got " + strconv.Quote(e.Got)
	default:
		text = string(e.Check)
	}
	return ErrInvalid.Error() + ": " + text
}

func (e *InvalidError) Unwrap() error { return ErrInvalid }
