// Package topup is a client for the QIWI Wallet Top-Up API: the XML API that
// payment agents use to top up wallets, follow each top-up to its final
// status, check users and watch the agent balance.
//
// The client decodes leniently, as the docs require (unknown tags ignored,
// both result-code spellings, an optional request-level <result-code>), keeps
// money exact (qiwiapi.Amount) and implements the documented client
// algorithm as a pure state machine (Start, Next, Resume) that a UI can drive
// with its own timers, plus Client.Follow for code that can block.
package topup

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/internal/transport"
)

// Endpoints of the real service.
const (
	// DefaultURL takes terminal id + password or signed requests.
	DefaultURL = "https://api.qiwi.com/xml/topup.jsp"
	// PrivateURL takes requests authenticated by a client certificate.
	PrivateURL = "https://private-api.qiwi.com/xml/topup.jsp"
	// EndpointPath is appended to a base URL that does not name a .jsp.
	EndpointPath = "/xml/topup.jsp"
)

// MinStatusInterval is the documented minimum time between two status
// requests for the same payment against the real service.
const MinStatusInterval = 10 * time.Minute

// Location is the time zone of txn-date. The docs give none; the service
// runs on Moscow time, UTC+3 (the zone the other QIWI APIs write).
func Location() *time.Location { return transport.Moscow }

// Password is the agent's password. It prints as [redacted] with every fmt
// verb, in JSON/XML/text marshalling and in slog, and holds the text behind a
// pointer so that even reflection-based printing of an enclosing struct shows
// only an address.
type Password struct{ p *string }

// NewPassword wraps a password.
func NewPassword(s string) Password {
	if s == "" {
		return Password{}
	}
	return Password{p: &s}
}

// IsZero reports an empty password.
func (p Password) IsZero() bool { return p.p == nil || *p.p == "" }

func (p Password) reveal() string {
	if p.p == nil {
		return ""
	}
	return *p.p
}

const redacted = "[redacted]"

func (p Password) String() string               { return redacted }
func (p Password) GoString() string             { return "topup.Password{" + redacted + "}" }
func (p Password) Format(f fmt.State, _ rune)   { io.WriteString(f, redacted) }
func (p Password) MarshalText() ([]byte, error) { return []byte(redacted), nil }
func (p Password) LogValue() slog.Value         { return slog.StringValue(redacted) }
func (p Password) redact(s string) string {
	if pw := p.reveal(); pw != "" {
		return strings.ReplaceAll(s, pw, redacted)
	}
	return s
}

// Client talks to the Top-Up XML API for one agent terminal.
type Client struct {
	terminalID string
	password   Password
	signer     *Signer
	endpoint   *url.URL
	tr         *transport.Transport
	loc        *time.Location
	now        func() time.Time
	sandboxGap time.Duration
}

// Option configures a Client.
type Option func(*Client) error

// WithPassword authenticates by terminal id + password (<extra name="password">).
func WithPassword(p Password) Option {
	return func(c *Client) error { c.password = p; return nil }
}

// WithSigner signs every request body (X-Digital-Sign, X-Digital-Sign-Alg).
// The password element is then left out, as the docs allow.
func WithSigner(s *Signer) Option {
	return func(c *Client) error {
		if s == nil {
			return errors.New("topup: nil signer")
		}
		c.signer = s
		return nil
	}
}

// WithHTTPClient sets the HTTP client (timeouts, proxies, mTLS transports).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("topup: nil http client")
		}
		c.tr.HTTP = hc
		return nil
	}
}

// WithTLSConfig authenticates by client certificate (mutual TLS): cfg should
// carry Certificates (and RootCAs for QIWI's CA). Use it with PrivateURL. The
// terminal id and password still travel in the XML.
func WithTLSConfig(cfg *tls.Config) Option {
	return func(c *Client) error {
		if cfg == nil {
			return errors.New("topup: nil tls config")
		}
		c.tr.HTTP = &http.Client{Transport: tlsTransport(cfg), Timeout: 60 * time.Second}
		return nil
	}
}

// tlsTransport is the default transport presenting cfg's client certificate.
func tlsTransport(cfg *tls.Config) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg.Clone()
	return tr
}

// WithBaseURL sets the endpoint: a URL that ends in .jsp is used as is, any
// other gets EndpointPath appended (so the sandbox's root URL works).
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return fmt.Errorf("topup: base URL %q is not an http(s) URL", raw)
		}
		if !strings.HasSuffix(u.Path, ".jsp") {
			u.Path = strings.TrimSuffix(u.Path, "/") + EndpointPath
		}
		c.endpoint = u
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error { c.tr.UserAgent = ua; return nil }
}

// WithRetry sets how many times a read-only request (ping, check-user,
// check-deposit-possible) is retried after a connection error, 429 or 5xx
// (default 2). Pay and status are never retried here: the state machine
// decides when to ask again.
func WithRetry(max int) Option {
	return func(c *Client) error {
		if max < 0 {
			return errors.New("topup: negative retry count")
		}
		c.tr.Retry.MaxRetries = max
		return nil
	}
}

// WithLocation sets the time zone of txn-date (default Location()).
func WithLocation(loc *time.Location) Option {
	return func(c *Client) error {
		if loc == nil {
			return errors.New("topup: nil location")
		}
		c.loc = loc
		return nil
	}
}

// WithClock injects the clock used by Follow.
func WithClock(now func() time.Time) Option {
	return func(c *Client) error { c.now = now; return nil }
}

// WithSleep injects the sleep used by Follow and retries; it must return
// ctx.Err() when ctx ends first.
func WithSleep(sleep func(context.Context, time.Duration) error) Option {
	return func(c *Client) error {
		if sleep == nil {
			return errors.New("topup: nil sleep")
		}
		c.tr.Sleep = sleep
		return nil
	}
}

// WithSandboxPolling allows a status interval shorter than
// MinStatusInterval. It is honoured only when the endpoint is a loopback
// address (the sandbox); against any other host the documented 10 minutes
// stay in force.
func WithSandboxPolling(every time.Duration) Option {
	return func(c *Client) error {
		if every <= 0 {
			return errors.New("topup: sandbox polling interval must be positive")
		}
		c.sandboxGap = every
		return nil
	}
}

// NewClient makes a client for the agent terminal terminalID (a positive
// integer). Give WithPassword, WithSigner or WithTLSConfig for authentication.
func NewClient(terminalID string, opts ...Option) (*Client, error) {
	if _, err := strconv.ParseUint(terminalID, 10, 64); err != nil || terminalID == "0" || strings.HasPrefix(terminalID, "+") {
		return nil, problem(ProblemTerminalID, terminalID)
	}
	u, _ := url.Parse(DefaultURL)
	c := &Client{
		terminalID: terminalID,
		endpoint:   u,
		tr:         transport.New("qiwidash-topup/1", 60*time.Second, transport.RetryPolicy{MaxRetries: 2, BaseDelay: 250 * time.Millisecond}),
		loc:        Location(),
		now:        time.Now,
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if c.password.IsZero() && c.signer == nil {
		return nil, problem(ProblemNoCredentials, "")
	}
	return c, nil
}

// TerminalID is the agent id the client sends.
func (c *Client) TerminalID() string { return c.terminalID }

// Endpoint is the URL requests go to.
func (c *Client) Endpoint() string { return c.endpoint.String() }

// String describes the client without its secrets.
func (c *Client) String() string {
	auth := "password"
	if c.signer != nil {
		auth = c.signer.String()
	}
	return "topup.Client{terminal " + c.terminalID + ", " + auth + ", " + c.endpoint.String() + "}"
}

// GoString is String, so %#v shows no secrets either.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb.
func (c *Client) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }

// Loopback reports an endpoint on a loopback address (the sandbox).
func (c *Client) Loopback() bool {
	host := c.endpoint.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Policy is the polling policy of this client: the documented 10 minutes, or
// the WithSandboxPolling interval when the endpoint is loopback.
func (c *Client) Policy() Policy {
	p := DefaultPolicy()
	if c.sandboxGap > 0 && c.Loopback() {
		p.statusEvery = c.sandboxGap
		p.resendEvery = c.sandboxGap
		p.retryEvery = c.sandboxGap
		p.sandbox = true
	}
	return p
}

// Response is the HTTP response of a call with its raw body kept for the
// support screen.
type Response struct {
	*http.Response
	Raw []byte
}

// NetworkError is a failed exchange (connection, timeout, dropped response):
// the outcome of the request is unknown.
type NetworkError struct{ Err error }

func (e *NetworkError) Error() string { return "topup: network error: " + e.Err.Error() }
func (e *NetworkError) Unwrap() error { return e.Err }

// HTTPError is an answer other than HTTP 200 with a body: the outcome is unknown.
type HTTPError struct {
	StatusCode int
	Body       []byte // at most 4 KiB
}

func (e *HTTPError) Error() string {
	if e.StatusCode == http.StatusOK {
		return "topup: empty response"
	}
	return fmt.Sprintf("topup: HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
}

// RequestError is a request-level <result-code> other than 0: the request
// was not processed. For a pay or status request the outcome is unknown.
type RequestError struct {
	RequestResult
}

func (e *RequestError) Error() string {
	s := "topup: request error " + e.Code.String()
	if e.Fatal {
		s += " (fatal: repeating will fail the same way until the configuration is fixed)"
	}
	if e.Message != "" && e.Message != e.Code.Text() {
		s += ": " + e.Message
	}
	return s
}

// IsUnknown reports an error after which the outcome of a pay is unknown:
// network, HTTP, broken XML or request-level errors. None of them means the
// top-up failed.
func IsUnknown(err error) bool {
	var ne *NetworkError
	var he *HTTPError
	var de *DecodeError
	var re *RequestError
	return errors.As(err, &ne) || errors.As(err, &he) || errors.As(err, &de) || errors.As(err, &re)
}

// IsFatal reports a request-level error flagged fatal: repeating fails the
// same way until a person fixes the configuration.
func IsFatal(err error) bool {
	var re *RequestError
	return errors.As(err, &re) && re.Fatal
}

// IsAuth reports an authorisation error (150): re-enter the credentials.
func IsAuth(err error) bool {
	var re *RequestError
	return errors.As(err, &re) && re.Code == RequestAuthError
}

// do sends one request and decodes the answer. A non-zero request-level code
// comes back as *RequestError together with the decoded document.
func (c *Client) do(ctx context.Context, req *xmlRequest, retry bool) (*Document, *Response, error) {
	req.TerminalID = c.terminalID
	if c.signer == nil {
		req.Extras = append([]xmlExtra{{Name: "password", Value: c.password.reveal()}}, req.Extras...)
	}
	body, err := encodeRequest(req)
	if err != nil {
		return nil, nil, fmt.Errorf("topup: encode request: %w", err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/xml")
	h.Set("Accept", "application/xml")
	if c.signer != nil {
		sig, err := c.signer.Sign(body)
		if err != nil {
			return nil, nil, err
		}
		h.Set(HeaderSign, sig)
		h.Set(HeaderSignAlg, string(c.signer.alg))
	}
	var (
		doc  *Document
		resp *Response
	)
	res := c.tr.Do(ctx, &transport.Request{Method: http.MethodPost, URL: c.endpoint.String(), Header: h, Body: body},
		func(a *transport.Answer) transport.Verdict {
			doc, resp, err = c.judge(a)
			return transport.Verdict{Err: err, Again: retry && retryable(err)}
		})
	switch {
	case res.Stopped != nil:
		return nil, resp, res.Stopped
	case res.Attempts == 0:
		err = fmt.Errorf("topup: %w", res.Err)
	}
	if err != nil {
		// Belt and braces: no error text may carry the password.
		err = redactErr(err, c.password)
	}
	return doc, resp, err
}

func retryable(err error) bool {
	var ne *NetworkError
	var he *HTTPError
	if errors.As(err, &ne) {
		return true
	}
	return errors.As(err, &he) && (he.StatusCode == http.StatusTooManyRequests || he.StatusCode >= 500)
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redactErr(err error, p Password) error {
	if msg := err.Error(); p.redact(msg) != msg {
		return &redactedError{msg: p.redact(msg), err: err}
	}
	return err
}

// judge reads one answer: the document, and an error for anything but a
// complete HTTP 200 with a request-level code 0.
func (c *Client) judge(a *transport.Answer) (*Document, *Response, error) {
	if a.Response == nil {
		return nil, nil, &NetworkError{Err: a.Err}
	}
	hresp, raw := a.Response, a.Body
	resp := &Response{Response: hresp, Raw: raw}
	if transport.IsTooLarge(a.Err) {
		return nil, resp, &DecodeError{Err: errors.New("response larger than 1 MiB"), Body: raw[:4096]}
	}
	if a.Err != nil {
		return nil, resp, &NetworkError{Err: a.Err}
	}
	if hresp.StatusCode != http.StatusOK || len(bytes.TrimSpace(raw)) == 0 {
		b := raw
		if len(b) > 4096 {
			b = b[:4096]
		}
		return nil, resp, &HTTPError{StatusCode: hresp.StatusCode, Body: b}
	}
	doc, err := Decode(raw, c.loc)
	if err != nil {
		return nil, resp, err
	}
	if doc.Result != nil && doc.Result.Code != RequestOK {
		return doc, resp, &RequestError{RequestResult: *doc.Result}
	}
	return doc, resp, nil
}

// Topup is one wallet top-up: what the agent sends in pay.
type Topup struct {
	Number  TxnNumber        // the agent's transaction number (TxnGen)
	Account string           // wallet phone, international format, no '+'
	Amount  qiwiapi.Amount   // credited to the wallet: to/amount, to/ccy
	From    qiwiapi.Currency // agent balance to debit (from/ccy); 0 means Amount.Currency
	Funds   Funds            // cash or non-cash (income_wire_transfer)
	Comment string           // optional, up to 1000 characters
	Source  string           // optional from/service-id, a positive integer
}

// Validate checks the top-up against the documented value formats.
func (t Topup) Validate() error {
	if _, err := ParseTxnNumber(string(t.Number)); err != nil {
		return err
	}
	if err := validPhone(t.Account); err != nil {
		return err
	}
	if t.Amount.Minor <= 0 {
		return problem(ProblemAmount, t.Amount.String())
	}
	if _, err := formatAmount(t.Amount); err != nil {
		return err
	}
	if t.Funds != Cash && t.Funds != NonCash {
		return problem(ProblemFunds, "")
	}
	if n := len([]rune(t.Comment)); n > 1000 {
		return &ProblemError{Problem: ProblemComment, N: n}
	}
	if t.Source != "" {
		if n, err := strconv.ParseUint(t.Source, 10, 63); err != nil || n == 0 || t.Source[0] == '0' {
			return problem(ProblemSource, t.Source)
		}
	}
	return nil
}

func (t Topup) from() qiwiapi.Currency {
	if t.From != 0 {
		return t.From
	}
	return t.Amount.Currency
}

func validPhone(s string) error {
	if len(s) < 10 || len(s) > 15 || s[0] == '0' {
		return problem(ProblemAccount, s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return problem(ProblemAccount, s)
		}
	}
	return nil
}

// PayResult is the answer to pay.
type PayResult struct {
	Payment  Payment
	Result   *RequestResult // the request-level element, when present (RU docs)
	Balances []qiwiapi.Amount
}

// Pay sends the top-up. It is safe to repeat with the same Topup: QIWI keys
// the payment by (terminal, transaction number). Any error means the outcome
// is unknown (see IsUnknown), never that the top-up failed.
func (c *Client) Pay(ctx context.Context, t Topup) (*PayResult, *Response, error) {
	if err := t.Validate(); err != nil {
		return nil, nil, err
	}
	amount, _ := formatAmount(t.Amount)
	p := xmlReqPayment{
		TransactionNumber: string(t.Number),
		From:              &xmlReqFrom{Ccy: strconv.Itoa(int(t.from())), ServiceID: t.Source},
		To: xmlReqTo{
			Amount:    amount,
			Ccy:       strconv.Itoa(int(t.Amount.Currency)),
			ServiceID: strconv.Itoa(ServiceWallet),
			Account:   t.Account,
		},
	}
	if t.Comment != "" {
		p.To.Extras = []xmlExtra{{Name: "comment", Value: t.Comment}}
	}
	req := &xmlRequest{
		RequestType: "pay",
		Extras:      []xmlExtra{{Name: "income_wire_transfer", Value: strconv.Itoa(int(t.Funds))}},
		Auth:        &xmlPayList{Payments: []xmlReqPayment{p}},
	}
	doc, resp, err := c.do(ctx, req, false)
	if doc == nil {
		return nil, resp, err
	}
	pay, ok := doc.Payment(t.Number)
	if !ok {
		if err != nil {
			return nil, resp, err
		}
		if len(doc.Payments) > 0 {
			return nil, resp, &DecodeError{Err: fmt.Errorf("payment for another transaction number %q", doc.Payments[0].Number), Body: resp.Raw}
		}
		return nil, resp, &DecodeError{Err: errors.New("no <payment> in the pay response"), Body: resp.Raw}
	}
	return &PayResult{Payment: *pay, Result: doc.Result, Balances: doc.Balances}, resp, nil
}

// StatusQuery names one payment whose status is asked.
type StatusQuery struct {
	Number  TxnNumber
	Account string
}

// StatusResult is the answer to a status request. A payment QIWI cannot
// find is absent: its outcome is unknown, ask again later.
type StatusResult struct {
	Payments []Payment
	Result   *RequestResult
	Balances []qiwiapi.Amount
}

// Find returns the payment with the given number.
func (r *StatusResult) Find(n TxnNumber) (*Payment, bool) {
	for i := range r.Payments {
		if r.Payments[i].Number == n {
			return &r.Payments[i], true
		}
	}
	return nil, false
}

// Status asks the status of one or more payments (pay with a <status>
// block). Against the real service ask no more than once per 10 minutes per
// payment; the state machine keeps that rule.
func (c *Client) Status(ctx context.Context, qs ...StatusQuery) (*StatusResult, *Response, error) {
	if len(qs) == 0 {
		return nil, nil, errors.New("topup: status needs at least one payment")
	}
	list := &xmlPayList{}
	for _, q := range qs {
		if _, err := ParseTxnNumber(string(q.Number)); err != nil {
			return nil, nil, err
		}
		if err := validPhone(q.Account); err != nil {
			return nil, nil, err
		}
		list.Payments = append(list.Payments, xmlReqPayment{TransactionNumber: string(q.Number), To: xmlReqTo{Account: q.Account}})
	}
	doc, resp, err := c.do(ctx, &xmlRequest{RequestType: "pay", Status: list}, false)
	if err != nil {
		return nil, resp, err
	}
	return &StatusResult{Payments: doc.Payments, Result: doc.Result, Balances: doc.Balances}, resp, nil
}

// DepositCheck is the answer to check-deposit-possible.
type DepositCheck struct {
	Exist    bool // the wallet exists (with a currency: has a balance in it)
	Possible bool // it can take this kind of funds; false means pay will be rejected
	Result   RequestResult
}

// CheckDepositPossible asks whether the wallet can be topped up with this
// kind of funds; cur is optional (0 leaves it out). A "no" can come with a
// non-zero code (204, fatal): it is still an answer, not an error.
func (c *Client) CheckDepositPossible(ctx context.Context, phone string, funds Funds, cur qiwiapi.Currency) (*DepositCheck, *Response, error) {
	if err := validPhone(phone); err != nil {
		return nil, nil, err
	}
	ex := []xmlExtra{{Name: "phone", Value: phone}, {Name: "income_wire_transfer", Value: strconv.Itoa(int(funds))}}
	if cur != 0 {
		ex = append(ex, xmlExtra{Name: "ccy", Value: strconv.Itoa(int(cur))})
	}
	doc, resp, err := c.do(ctx, &xmlRequest{RequestType: "check-deposit-possible", Extras: ex}, true)
	if doc == nil {
		return nil, resp, err
	}
	if doc.DepositPossible == nil {
		if err != nil {
			return nil, resp, err
		}
		return nil, resp, &DecodeError{Err: errors.New("no <deposit-possible> in the answer"), Body: resp.Raw}
	}
	dc := &DepositCheck{Possible: *doc.DepositPossible}
	if doc.Exist != nil {
		dc.Exist = *doc.Exist
	}
	if doc.Result != nil {
		dc.Result = *doc.Result
	}
	if dc.Possible && err != nil {
		// "possible" next to an error code is contradictory: report the error.
		return nil, resp, err
	}
	return dc, resp, nil
}

// CheckUser reports whether the wallet exists (with cur != 0: whether it has
// a balance in that currency). A missing wallet is created by pay.
func (c *Client) CheckUser(ctx context.Context, phone string, cur qiwiapi.Currency) (bool, *Response, error) {
	if err := validPhone(phone); err != nil {
		return false, nil, err
	}
	ex := []xmlExtra{{Name: "phone", Value: phone}}
	if cur != 0 {
		ex = append(ex, xmlExtra{Name: "ccy", Value: strconv.Itoa(int(cur))})
	}
	doc, resp, err := c.do(ctx, &xmlRequest{RequestType: "check-user", Extras: ex}, true)
	if err != nil {
		return false, resp, err
	}
	if doc.Exist == nil {
		return false, resp, &DecodeError{Err: errors.New("no <exist> in the answer"), Body: resp.Raw}
	}
	return *doc.Exist, resp, nil
}

// Ping returns the agent's balances, one per active agent account.
func (c *Client) Ping(ctx context.Context) ([]qiwiapi.Amount, *Response, error) {
	doc, resp, err := c.do(ctx, &xmlRequest{RequestType: "ping"}, true)
	if err != nil {
		return nil, resp, err
	}
	if doc.Result == nil && doc.Balances == nil {
		return nil, resp, &DecodeError{Err: errors.New("neither <result-code> nor <balances> in the answer"), Body: resp.Raw}
	}
	return doc.Balances, resp, nil
}
