package pull

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/internal/transport"
)

// Moscow is the fixed UTC+3 zone the API wants lifetimes in (Moscow has had
// no daylight saving since 2014; a fixed zone needs no tzdata).
var Moscow = transport.Moscow

// MaxLifetime is the hard cap after which QIWI expires any invoice.
const MaxLifetime = 45 * 24 * time.Hour

// LifetimeLayout is the wire form of `lifetime` (Moscow time, no zone).
const LifetimeLayout = "2006-01-02T15:04:05"

// PaySource selects how the payer pays.
type PaySource string

// Pay sources. Create accepts PayQW and PayMobile; checkout accepts all.
const (
	PayQW     PaySource = "qw"
	PayMobile PaySource = "mobile"
	PayCard   PaySource = "card"
	PayWM     PaySource = "wm"
	PaySSK    PaySource = "ssk"
)

// ErrInvalid wraps every request refused before sending.
var ErrInvalid = errors.New("pull: invalid request")

var (
	refundIDRe = regexp.MustCompile(`^[0-9A-Za-z]{1,9}$`)
	phoneRe    = regexp.MustCompile(`^\+[0-9]{10,15}$`)
)

// CreateBill is the body of an invoice.
type CreateBill struct {
	// User is the payer's wallet: "+79161234567" or "tel:+79161234567".
	User string
	// Amount is rounded down to 2 decimals on the wire. Use
	// qiwiapi.ParseAmountFloor for user text.
	Amount qiwiapi.Amount
	// Comment is required by the API (up to 255 characters); it may be empty.
	Comment string
	// Lifetime is the pay-by deadline, in any zone; it is sent in Moscow
	// time. Zero means the 45-day cap from now.
	Lifetime time.Time
	// PaySource is "" (any wallet source), PayQW or PayMobile.
	PaySource PaySource
	// PrvName is the merchant name shown to the payer (up to 100 characters).
	PrvName string
}

// NormalizeUser turns "+7916...", "7916..." or "tel:+7916..." into "tel:+7916...".
func NormalizeUser(s string) (string, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "tel:")
	if !strings.HasPrefix(s, "+") {
		s = "+" + s
	}
	if !phoneRe.MatchString(s) {
		return "", &InvalidError{Check: InvalidUser, Got: s}
	}
	return "tel:" + s, nil
}

// FormatAmount renders a sum the way the API wants it: two decimals,
// rounded down.
func FormatAmount(a qiwiapi.Amount) string {
	d := a.Currency.Digits()
	minor := a.Minor
	for ; d > 2; d-- {
		minor /= 10 // towards zero: rounded down for positive sums
	}
	for ; d < 2; d++ {
		minor *= 10
	}
	return qiwiapi.Amount{Minor: minor, Currency: qiwiapi.RUB}.Decimal()
}

func checkAmount(a qiwiapi.Amount) (string, error) {
	s := FormatAmount(a)
	if a.Minor <= 0 || strings.HasPrefix(s, "0.00") {
		return "", &InvalidError{Check: InvalidAmount, Got: s}
	}
	if intPart, _, _ := strings.Cut(s, "."); len(intPart) > 6 {
		return "", &InvalidError{Check: InvalidAmountDigits, Got: s}
	}
	return s, nil
}

func currencyCode(c qiwiapi.Currency) (string, error) {
	code := c.Code()
	if len(code) != 3 || code[0] < 'A' || code[0] > 'Z' {
		return "", &InvalidError{Check: InvalidCurrency, Got: strconv.Itoa(int(c))}
	}
	return code, nil
}

// Form builds the url.Values of a create request; now fills a zero Lifetime.
func (b *CreateBill) Form(now time.Time) (url.Values, error) {
	if b == nil {
		return nil, &InvalidError{Check: InvalidNilBill}
	}
	user, err := NormalizeUser(b.User)
	if err != nil {
		return nil, err
	}
	amount, err := checkAmount(b.Amount)
	if err != nil {
		return nil, err
	}
	ccy, err := currencyCode(b.Amount.Currency)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(b.Comment) > 255 {
		return nil, &InvalidError{Check: InvalidComment}
	}
	if utf8.RuneCountInString(b.PrvName) > 100 {
		return nil, &InvalidError{Check: InvalidPrvName}
	}
	switch b.PaySource {
	case "", PayQW, PayMobile:
	default:
		return nil, &InvalidError{Check: InvalidPaySource, Got: string(b.PaySource)}
	}
	life := b.Lifetime
	if life.IsZero() {
		life = now.Add(MaxLifetime)
	}
	f := url.Values{}
	f.Set("user", user)
	f.Set("amount", amount)
	f.Set("ccy", ccy)
	f.Set("comment", b.Comment)
	f.Set("lifetime", life.In(Moscow).Format(LifetimeLayout))
	if b.PaySource != "" {
		f.Set("pay_source", string(b.PaySource))
	}
	if b.PrvName != "" {
		f.Set("prv_name", b.PrvName)
	}
	return f, nil
}

func checkBillID(id string) error {
	if id == "" || utf8.RuneCountInString(id) > 200 {
		return &InvalidError{Check: InvalidBillID}
	}
	return nil
}

// CheckRefundID reports whether id is 1-9 characters of [0-9A-Za-z].
func CheckRefundID(id string) error {
	if !refundIDRe.MatchString(id) {
		return &InvalidError{Check: InvalidRefundID, Got: id}
	}
	return nil
}

// segment escapes one path segment; "." and ".." are escaped too so that no
// proxy or server cleans them away.
func segment(s string) string {
	e := url.PathEscape(s)
	if strings.Trim(e, ".") == "" {
		e = strings.ReplaceAll(e, ".", "%2E")
	}
	return e
}

func (c *Client) billPath(billID string) string {
	return "api/v2/prv/" + c.shopID + "/bills/" + segment(billID)
}

// Create issues an invoice: PUT /api/v2/prv/{prv_id}/bills/{bill_id}.
// Repeating it with the same bill_id and amount is safe (QIWI answers as the
// first time), so the client retries it like a read. Generate the bill_id
// once per intent and store it before calling.
func (s *BillsService) Create(ctx context.Context, billID string, b *CreateBill) (*Bill, *Response, error) {
	if err := checkBillID(billID); err != nil {
		return nil, nil, err
	}
	form, err := b.Form(s.client.now())
	if err != nil {
		return nil, nil, err
	}
	env, resp, err := s.client.do(ctx, request{method: "PUT", path: s.client.billPath(billID), form: form, retryable: true})
	return billOf(env, resp, err)
}

// Get reads an invoice: GET /api/v2/prv/{prv_id}/bills/{bill_id}.
func (s *BillsService) Get(ctx context.Context, billID string) (*Bill, *Response, error) {
	if err := checkBillID(billID); err != nil {
		return nil, nil, err
	}
	env, resp, err := s.client.do(ctx, request{method: "GET", path: s.client.billPath(billID), retryable: true})
	return billOf(env, resp, err)
}

// Cancel rejects an unpaid invoice: PATCH .../bills/{bill_id} status=rejected.
// It is not retried automatically; calling it again is harmless.
func (s *BillsService) Cancel(ctx context.Context, billID string) (*Bill, *Response, error) {
	if err := checkBillID(billID); err != nil {
		return nil, nil, err
	}
	form := url.Values{"status": {"rejected"}}
	env, resp, err := s.client.do(ctx, request{method: "PATCH", path: s.client.billPath(billID), form: form})
	return billOf(env, resp, err)
}

func billOf(env *Envelope, resp *Response, err error) (*Bill, *Response, error) {
	if err != nil {
		return nil, resp, err
	}
	if env.Bill == nil {
		return nil, resp, fmt.Errorf("%w: no bill in the response", ErrDecode)
	}
	return env.Bill, resp, nil
}

// Create refunds part or all of a paid invoice, in the invoice currency:
// PUT .../bills/{bill_id}/refund/{refund_id}. The sum of all refunds may not
// exceed the invoice (result code 242). It is not retried automatically
// (the docs do not promise idempotency per refund_id); after a lost answer,
// ask Get with the same refund_id before trying again.
func (s *RefundsService) Create(ctx context.Context, billID, refundID string, amount qiwiapi.Amount) (*Refund, *Response, error) {
	if err := checkBillID(billID); err != nil {
		return nil, nil, err
	}
	if err := CheckRefundID(refundID); err != nil {
		return nil, nil, err
	}
	a, err := checkAmount(amount)
	if err != nil {
		return nil, nil, err
	}
	form := url.Values{"amount": {a}}
	path := s.client.billPath(billID) + "/refund/" + refundID
	env, resp, err := s.client.do(ctx, request{method: "PUT", path: path, form: form, refundCcy: amount.Currency})
	return refundOf(env, resp, err)
}

// Get reads a refund. ccy is the invoice currency (the refund object has
// none): GET .../bills/{bill_id}/refund/{refund_id}.
func (s *RefundsService) Get(ctx context.Context, billID, refundID string, ccy qiwiapi.Currency) (*Refund, *Response, error) {
	if err := checkBillID(billID); err != nil {
		return nil, nil, err
	}
	if err := CheckRefundID(refundID); err != nil {
		return nil, nil, err
	}
	path := s.client.billPath(billID) + "/refund/" + refundID
	env, resp, err := s.client.do(ctx, request{method: "GET", path: path, retryable: true, refundCcy: ccy})
	return refundOf(env, resp, err)
}

// refundOf returns the refund object even with an error: a refund refused
// with 242 still says what was actually refunded (refund.amount) and why
// (refund.error).
func refundOf(env *Envelope, resp *Response, err error) (*Refund, *Response, error) {
	if err != nil {
		if env != nil && env.Refund != nil {
			return env.Refund, resp, err
		}
		return nil, resp, err
	}
	if env.Refund == nil {
		return nil, resp, fmt.Errorf("%w: no refund in the response", ErrDecode)
	}
	return env.Refund, resp, nil
}
