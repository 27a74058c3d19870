package qiwiapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// HistoryService reads payment history, totals, details and receipts.
// All its calls pass the client's Gate: QIWI allows 100 a minute per wallet.
type HistoryService service

// Operation filters history by direction.
type Operation string

// History operations.
const (
	OperationAll      Operation = "ALL"
	OperationIn       Operation = "IN"
	OperationOut      Operation = "OUT"
	OperationQIWICard Operation = "QIWI_CARD"
)

// Source filters history by funding source.
type Source string

// History sources.
const (
	SourceRUB  Source = "QW_RUB"
	SourceUSD  Source = "QW_USD"
	SourceEUR  Source = "QW_EUR"
	SourceCard Source = "CARD"
	SourceMK   Source = "MK"
)

// TxnStatus is a transaction's state.
type TxnStatus string

// Transaction states. WAITING is not final.
const (
	StatusWaiting TxnStatus = "WAITING"
	StatusSuccess TxnStatus = "SUCCESS"
	StatusError   TxnStatus = "ERROR"
)

// Final reports whether the status will not change any more.
func (s TxnStatus) Final() bool { return s == StatusSuccess || s == StatusError }

// TxnType is a transaction's direction.
type TxnType string

// Transaction directions.
const (
	TypeIn       TxnType = "IN"
	TypeOut      TxnType = "OUT"
	TypeQIWICard TxnType = "QIWI_CARD"
)

// MaxHistoryWindow is the fixed span of the windows the engine pages history
// in; every such window lies within QIWI's 90 calendar days (MaxHistoryDays).
const MaxHistoryWindow = 90 * 24 * time.Hour

// MaxHistoryDays is how many calendar days one history request may span,
// read as the docs' own example does: 2019-04-12T00:00:00 to
// 2019-07-11T23:59:59 is 90 days.
const MaxHistoryDays = 90

// CalendarDays counts the dates from start's to end's, in start's zone.
func CalendarDays(start, end time.Time) int {
	sy, sm, sd := start.Date()
	ey, em, ed := end.In(start.Location()).Date()
	return int(time.Date(ey, em, ed, 0, 0, 0, 0, time.UTC).Sub(time.Date(sy, sm, sd, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// Provider is the payee or payer service of a transaction.
type Provider struct {
	ID          FlexInt         `json:"id"`
	ShortName   string          `json:"shortName"`
	LongName    string          `json:"longName"`
	LogoURL     string          `json:"logoUrl"`
	Description string          `json:"description"`
	Keys        string          `json:"keys"`
	SiteURL     string          `json:"siteUrl"`
	Extras      json.RawMessage `json:"extras,omitempty"`
}

// Features are the transaction's flags.
type Features struct {
	ChequeReady            bool `json:"chequeReady"`
	BankDocumentReady      bool `json:"bankDocumentReady"`
	RegularPaymentEnabled  bool `json:"regularPaymentEnabled"`
	BankDocumentAvailable  bool `json:"bankDocumentAvailable"`
	RepeatPaymentEnabled   bool `json:"repeatPaymentEnabled"`
	FavoritePaymentEnabled bool `json:"favoritePaymentEnabled"`
	ChatAvailable          bool `json:"chatAvailable"`
	GreetingCardAttached   bool `json:"greetingCardAttached"`
}

// Transaction is one history item (and the answer of the details call).
// Raw keeps the JSON exactly as received, for support staff.
type Transaction struct {
	TxnID         FlexInt         `json:"txnId"`
	PersonID      FlexInt         `json:"personId"`
	Date          time.Time       `json:"date"`
	ErrorCode     FlexInt         `json:"errorCode"`
	Error         *string         `json:"error"`
	Status        TxnStatus       `json:"status"`
	Type          TxnType         `json:"type"`
	StatusText    string          `json:"statusText"`
	TrmTxnID      FlexString      `json:"trmTxnId"`
	Account       string          `json:"account"`
	Sum           Amount          `json:"sum"`
	Commission    Amount          `json:"commission"`
	Total         Amount          `json:"total"`
	Provider      *Provider       `json:"provider"`
	Source        *Provider       `json:"source"`
	Comment       string          `json:"comment"`
	CurrencyRate  Decimal         `json:"currencyRate"`
	PaymentExtras json.RawMessage `json:"paymentExtras,omitempty"`
	Features      *Features       `json:"features,omitempty"`
	ServiceExtras json.RawMessage `json:"serviceExtras,omitempty"`
	View          *struct {
		Title   string `json:"title"`
		Account string `json:"account"`
	} `json:"view,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// ErrorText explains the transaction's errorCode in words ("" when 0).
func (t Transaction) ErrorText() string {
	if t.ErrorCode == 0 {
		return ""
	}
	return PaymentErrorText(int(t.ErrorCode))
}

// Signed is the sum with the sign of its direction: incoming +, outgoing -.
func (t Transaction) Signed() Amount {
	if t.Type == TypeIn {
		return t.Sum
	}
	return t.Sum.Neg()
}

// UnmarshalJSON decodes a transaction and keeps its raw JSON.
func (t *Transaction) UnmarshalJSON(b []byte) error {
	type plain Transaction
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*t = Transaction(p)
	t.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// HistoryOptions filters a history request. Rows is 1..50 (0 means 50).
// Start and End go together and may be at most 90 days apart for one
// request; the engine's history reader (store/reader) splits longer ranges.
type HistoryOptions struct {
	Rows      int
	Operation Operation
	Sources   []Source
	Start     time.Time
	End       time.Time
	Cursor    *Cursor
}

// Cursor points at the next page of history.
type Cursor struct {
	TxnID   int64
	TxnDate time.Time
}

// HistoryPage is one page and the cursor to the next one (nil at the end).
type HistoryPage struct {
	Transactions []Transaction
	Next         *Cursor
}

type historyWire struct {
	Data        []Transaction `json:"data"`
	NextTxnID   *FlexInt      `json:"nextTxnId"`
	NextTxnDate *time.Time    `json:"nextTxnDate"`
}

func (o HistoryOptions) query() (url.Values, error) {
	rows := o.Rows
	if rows == 0 {
		rows = 50
	}
	if rows < 1 || rows > 50 {
		return nil, invalid(SubjectHistory, RuleRows, map[string]any{"Got": rows})
	}
	q := url.Values{}
	q.Set("rows", strconv.Itoa(rows))
	if o.Operation != "" {
		q.Set("operation", string(o.Operation))
	}
	for i, s := range o.Sources {
		q.Set(fmt.Sprintf("sources[%d]", i), string(s))
	}
	if err := setDateRange(q, o.Start, o.End, false); err != nil {
		return nil, err
	}
	if o.Cursor != nil {
		q.Set("nextTxnId", strconv.FormatInt(o.Cursor.TxnID, 10))
		q.Set("nextTxnDate", qiwiTime(o.Cursor.TxnDate))
	}
	return q, nil
}

// setDateRange writes startDate/endDate in one shared offset (the start's).
func setDateRange(q url.Values, start, end time.Time, required bool) error {
	if start.IsZero() != end.IsZero() {
		return invalid(SubjectHistory, RuleRangeHalf, nil)
	}
	if start.IsZero() {
		if required {
			return invalid(SubjectHistory, RuleRangeRequired, nil)
		}
		return nil
	}
	if end.Before(start) {
		return invalid(SubjectHistory, RuleRangeReversed, nil)
	}
	if d := CalendarDays(start, end); d > MaxHistoryDays {
		return invalid(SubjectHistory, RuleRangeTooLong, map[string]any{"Max": MaxHistoryDays, "Days": d})
	}
	q.Set("startDate", qiwiTime(start))
	q.Set("endDate", qiwiTime(end.In(start.Location())))
	return nil
}

// List fetches one page. "No payments" (an empty list, or QIWI's 404
// "transaction not found or no payments with such data") is an empty page;
// any other 404, wallet.not.found above all, is an error: a wrong wallet
// number must not look like a wallet without payments.
func (s *HistoryService) List(ctx context.Context, wallet string, opts HistoryOptions) (*HistoryPage, *Response, error) {
	path, err := walletPath("/payment-history/v2/persons/%s/payments", wallet)
	if err != nil {
		return nil, nil, err
	}
	q, err := opts.query()
	if err != nil {
		return nil, nil, err
	}
	r, _ := s.client.newRequest(http.MethodGet, path, q, nil)
	r.history = true
	var w historyWire
	resp, err := s.client.do(ctx, r, &w)
	if qe := (*Error)(nil); errors.As(err, &qe) && qe.noPayments() {
		return &HistoryPage{}, resp, nil
	}
	if err != nil {
		return nil, resp, err
	}
	page := &HistoryPage{Transactions: w.Data}
	if w.NextTxnID != nil && w.NextTxnDate != nil {
		page.Next = &Cursor{TxnID: int64(*w.NextTxnID), TxnDate: *w.NextTxnDate}
	}
	return page, resp, nil
}

// Windows splits [start, end] into back-to-back ranges of at most 90 days,
// newest first, the order history comes in. Windows never overlap.
func Windows(start, end time.Time) [][2]time.Time {
	if start.IsZero() || end.Before(start) {
		return nil
	}
	var out [][2]time.Time
	hi := end
	for {
		lo := hi.Add(-MaxHistoryWindow)
		if !lo.After(start) {
			out = append(out, [2]time.Time{start, hi})
			return out
		}
		out = append(out, [2]time.Time{lo, hi})
		hi = lo.Add(-time.Second) // dates have second precision
	}
}

// Totals is the sum of incoming and outgoing payments per currency.
type Totals struct {
	Incoming []Amount `json:"incomingTotal"`
	Outgoing []Amount `json:"outgoingTotal"`
}

// TotalsOptions filters the totals; Start and End are required (at most 90 days).
type TotalsOptions struct {
	Start, End time.Time
	Operation  Operation
	Sources    []Source
}

// Totals sums the payments in a date range.
func (s *HistoryService) Totals(ctx context.Context, wallet string, opts TotalsOptions) (*Totals, *Response, error) {
	path, err := walletPath("/payment-history/v2/persons/%s/payments/total", wallet)
	if err != nil {
		return nil, nil, err
	}
	q := url.Values{}
	if err := setDateRange(q, opts.Start, opts.End, true); err != nil {
		return nil, nil, err
	}
	if opts.Operation != "" {
		q.Set("operation", string(opts.Operation))
	}
	for i, src := range opts.Sources {
		q.Set(fmt.Sprintf("sources[%d]", i), string(src))
	}
	r, _ := s.client.newRequest(http.MethodGet, path, q, nil)
	r.history = true
	out := new(Totals)
	resp, err := s.client.do(ctx, r, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// Transaction fetches one transaction's details. typ may be "" (optional).
func (s *HistoryService) Transaction(ctx context.Context, id int64, typ TxnType) (*Transaction, *Response, error) {
	if id <= 0 {
		return nil, nil, invalid(SubjectHistory, RuleTxnID, nil)
	}
	q := url.Values{}
	if typ != "" {
		q.Set("type", string(typ))
	}
	r, _ := s.client.newRequest(http.MethodGet, fmtPath("/payment-history/v2/transactions/%s", strconv.FormatInt(id, 10)), q, nil)
	r.history = true
	out := new(Transaction)
	resp, err := s.client.do(ctx, r, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// ChequeFormat is the receipt file format.
type ChequeFormat string

// Receipt formats.
const (
	ChequePDF  ChequeFormat = "PDF"
	ChequeJPEG ChequeFormat = "JPEG"
)

// Cheque is a receipt file.
type Cheque struct {
	ContentType string
	Data        []byte
}

// Extension is the file extension for the receipt's format.
func (c *Cheque) Extension() string {
	if c.ContentType == "image/jpeg" {
		return ".jpg"
	}
	return ".pdf"
}

// ChequeFile downloads a transaction's receipt. The type (IN/OUT) is required.
func (s *HistoryService) ChequeFile(ctx context.Context, id int64, typ TxnType, format ChequeFormat) (*Cheque, *Response, error) {
	if typ == "" || format == "" {
		return nil, nil, invalid(SubjectReceipt, RuleReceiptTypeFmt, nil)
	}
	q := url.Values{"type": {string(typ)}, "format": {string(format)}}
	r, _ := s.client.newRequest(http.MethodGet, fmtPath("/payment-history/v1/transactions/%s/cheque/file", strconv.FormatInt(id, 10)), q, nil)
	r.history = true
	r.accept = "*/*"
	body, resp, err := s.client.send(ctx, r, maxFileBytes)
	if err != nil {
		return nil, resp, err
	}
	ct := resp.Header.Get("Content-Type")
	switch {
	case len(body) >= 4 && string(body[:4]) == "%PDF":
		ct = "application/pdf"
	case len(body) >= 3 && body[0] == 0xFF && body[1] == 0xD8 && body[2] == 0xFF:
		ct = "image/jpeg"
	default:
		return nil, resp, &DecodeError{Method: r.method, Path: r.path, Err: fmt.Errorf("the receipt is neither a PDF nor a JPEG (Content-Type %q)", ct)}
	}
	return &Cheque{ContentType: ct, Data: body}, resp, nil
}

// SendCheque asks QIWI to e-mail a transaction's receipt.
func (s *HistoryService) SendCheque(ctx context.Context, id int64, typ TxnType, email string) (*Response, error) {
	if typ == "" {
		return nil, invalid(SubjectReceipt, RuleReceiptType, nil)
	}
	if !emailRe.MatchString(email) {
		return nil, invalid(SubjectReceipt, RuleReceiptEmail, map[string]any{"Email": strconv.Quote(email)})
	}
	q := url.Values{"type": {string(typ)}}
	r, err := s.client.newRequest(http.MethodPost, fmtPath("/payment-history/v1/transactions/%s/cheque/send", strconv.FormatInt(id, 10)), q, map[string]string{"email": email})
	if err != nil {
		return nil, err
	}
	r.history = true
	r.retry = retryBlockedOnly
	return s.client.do(ctx, r, nil)
}
