package notify

import "strconv"

// Why is the kind of a refusal: what was wrong with a notification, or
// why a verified one was not applied.
type Why string

// The kinds of refusal, with the values each one names.
const (
	WhyMethod                Why = "method"                  // Got: the method
	WhySource                Why = "source"                  // Got: the caller's address
	WhyNoContentType         Why = "no_content_type"         // Want: the media type QIWI sends
	WhyContentTypeUnreadable Why = "content_type_unreadable" // Got (quoted), Want
	WhyContentType           Why = "content_type"            // Got (quoted), Want
	WhyCharset               Why = "charset"                 // Got (quoted)
	WhyTooLarge              Why = "too_large"
	WhyReading               Why = "reading"   // Err
	WhyMalformed             Why = "malformed" // Err: ErrMalformed with what was wrong
	WhySignature             Why = "signature" // Err: why the check failed
	WhyNoKey                 Why = "no_key"
	WhyPaymentBusy           Why = "payment_busy"
	WhyBillBusy              Why = "bill_busy"
	WhySink                  Why = "sink" // Err: the sink's failure
	WhyNoPassword            Why = "no_password"
	WhyNoSignatureHeader     Why = "no_signature_header"
	WhySignatureMismatch     Why = "signature_mismatch"
	WhyPipe                  Why = "pipe" // Got: the parameter (quoted)
	WhyNoBasic               Why = "no_basic"
	WhyWrongBasic            Why = "wrong_basic" // Got: the user name (quoted)
)

// Refusal is why a notification was rejected or failed, as data, so a
// screen words it in the reader's language (i18n/explain); Error is the
// English of Notice.Reason.
type Refusal struct {
	Why       Why
	Got, Want string
	Err       error
}

func (r *Refusal) Error() string {
	switch r.Why {
	case WhyMethod:
		return "method " + r.Got + " is not POST"
	case WhySource:
		return "source " + r.Got + " is outside the QIWI networks"
	case WhyNoContentType:
		return "no Content-Type: QIWI sends " + r.Want
	case WhyContentTypeUnreadable:
		return "Content-Type " + r.Got + " cannot be read: QIWI sends " + r.Want
	case WhyContentType:
		return "Content-Type " + r.Got + " is not " + r.Want + ", which QIWI sends"
	case WhyCharset:
		return "charset " + r.Got + " is not UTF-8"
	case WhyTooLarge:
		return errTooLarge.Error()
	case WhyReading:
		return "reading body: " + r.cause()
	case WhyMalformed:
		return r.cause()
	case WhySignature:
		return "signature check failed: " + r.cause()
	case WhyNoKey:
		return "no webhook key configured"
	case WhyPaymentBusy:
		return "the same payment is being processed"
	case WhyBillBusy:
		return "the same bill status is being processed"
	case WhySink:
		return "sink: " + r.cause()
	case WhyNoPassword:
		return "no notification password configured"
	case WhyNoSignatureHeader:
		return "no X-Api-Signature"
	case WhySignatureMismatch:
		return "X-Api-Signature mismatch"
	case WhyPipe:
		return "parameter " + r.Got + " contains |, the separator of the signed text: the signature cannot tell the values apart"
	case WhyNoBasic:
		return "no Basic authorization"
	case WhyWrongBasic:
		return "wrong Basic credentials for user " + r.Got
	}
	return string(r.Why)
}

func (r *Refusal) Unwrap() error { return r.Err }

func (r *Refusal) cause() string {
	if r.Err == nil {
		return ""
	}
	return r.Err.Error()
}

// refuse is a refusal of kind why naming got (quoted when q).
func refuse(why Why, got string, q bool) *Refusal {
	if q {
		got = strconv.Quote(got)
	}
	return &Refusal{Why: why, Got: got}
}

// because is a refusal of kind why for cause err.
func because(why Why, err error) *Refusal { return &Refusal{Why: why, Err: err} }
