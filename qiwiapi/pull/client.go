// Package pull is a client for the QIWI Wallet Pull REST API 2.1: the
// merchant side that issues invoices (bills), follows their status, cancels
// them and refunds paid ones.
//
// Requests are form-encoded, answers are JSON ({"response": {...}}) with
// amounts as strings; both pass through qiwiapi.Amount, never float64.
// The API password is kept out of every error, log line and String().
package pull

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/internal/transport"
)

// DefaultBaseURL is the production API root.
const DefaultBaseURL = "https://api.qiwi.com/"

const (
	defaultUserAgent = "qiwidash-pull/1"
	formContentType  = "application/x-www-form-urlencoded; charset=utf-8"
)

// Credentials are the merchant's REST protocol details from kassa.qiwi.com.
type Credentials struct {
	APIID       string // API_ID (digits)
	APIPassword string // API_PASSWORD; never printed
	ShopID      string // Shop ID = prv_id (digits)
}

// String masks the password.
func (c Credentials) String() string {
	return fmt.Sprintf("pull.Credentials{APIID:%s ShopID:%s APIPassword:%s}", c.APIID, c.ShopID, mask(c.APIPassword))
}

// GoString masks the password for %#v too.
func (c Credentials) GoString() string { return c.String() }

func mask(s string) string {
	if s == "" {
		return `""`
	}
	return "***"
}

type service struct{ client *Client }

// BillsService creates, reads and cancels invoices.
type BillsService service

// RefundsService refunds paid invoices and reads refund status.
type RefundsService service

// Client talks to one shop (prv_id) with one API_ID.
type Client struct {
	apiID    string
	shopID   string
	auth     string // the Authorization header value; secret
	baseURL  *url.URL
	checkout string
	tr       *transport.Transport
	now      func() time.Time

	common  service
	Bills   *BillsService
	Refunds *RefundsService
}

// Option configures a Client.
type Option func(*Client) error

// WithBaseURL points the client at another API root (the sandbox).
// The path prefix is kept: "http://127.0.0.1:8080/merchant/" requests
// "/merchant/api/v2/prv/...".
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("pull: invalid base URL %q", raw)
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		c.baseURL = u
		return nil
	}
}

// WithCheckoutURL changes the payer checkout page (DefaultCheckoutURL).
func WithCheckoutURL(raw string) Option {
	return func(c *Client) error {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("pull: invalid checkout URL %q", raw)
		}
		c.checkout = raw
		return nil
	}
}

// WithHTTPClient replaces the HTTP client (default: 30 s timeout).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("pull: nil http.Client")
		}
		c.tr.HTTP = hc
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error { c.tr.UserAgent = ua; return nil }
}

// WithRetry sets how many times a safe request (GET, and PUT create, which
// QIWI makes idempotent per bill_id) is repeated after a connection error,
// a 5xx/423/429 answer, a broken body or result code 13/300, and the base
// backoff (doubled per attempt, with jitter). Zero backoff never sleeps.
// The default is 2 retries, 500ms.
func WithRetry(max int, backoff time.Duration) Option {
	return func(c *Client) error {
		if max < 0 || backoff < 0 {
			return errors.New("pull: negative retry settings")
		}
		c.tr.Retry = transport.RetryPolicy{MaxRetries: max, BaseDelay: backoff}
		return nil
	}
}

// WithClock replaces time.Now (used for the default invoice lifetime).
func WithClock(now func() time.Time) Option {
	return func(c *Client) error {
		if now == nil {
			return errors.New("pull: nil clock")
		}
		c.now = now
		return nil
	}
}

// NewClient builds a client for one shop.
func NewClient(creds Credentials, opts ...Option) (*Client, error) {
	if !isDigits(creds.APIID) {
		return nil, errors.New("pull: API_ID must be digits")
	}
	if !isDigits(creds.ShopID) {
		return nil, errors.New("pull: Shop ID must be digits")
	}
	if creds.APIPassword == "" {
		return nil, errors.New("pull: empty API_PASSWORD")
	}
	base, _ := url.Parse(DefaultBaseURL)
	c := &Client{
		apiID:    creds.APIID,
		shopID:   creds.ShopID,
		auth:     "Basic " + base64.StdEncoding.EncodeToString([]byte(creds.APIID+":"+creds.APIPassword)),
		baseURL:  base,
		checkout: DefaultCheckoutURL,
		tr:       transport.New(defaultUserAgent, 30*time.Second, transport.RetryPolicy{MaxRetries: 2, BaseDelay: 500 * time.Millisecond}),
		now:      time.Now,
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	c.common.client = c
	c.Bills = (*BillsService)(&c.common)
	c.Refunds = (*RefundsService)(&c.common)
	return c, nil
}

// ShopID is the prv_id the client works for.
func (c *Client) ShopID() string { return c.shopID }

// String never shows the password.
func (c *Client) String() string {
	return fmt.Sprintf("pull.Client{APIID:%s ShopID:%s BaseURL:%s}", c.apiID, c.shopID, c.baseURL)
}

// GoString never shows the password.
func (c *Client) GoString() string { return c.String() }

// Response is the HTTP answer plus what the envelope said.
type Response struct {
	*http.Response
	ResultCode ResultCode
	// Body is the raw body (at most 1 MiB), for the support screen.
	Body []byte
	// Attempts is how many times the request was sent.
	Attempts int
}

// ErrorResponse is a non-zero result_code or an unexpected HTTP status.
type ErrorResponse struct {
	Response *http.Response `json:"-"`
	Method   string
	Path     string
	Code     ResultCode
	Message  string // description from QIWI
}

func (e *ErrorResponse) Error() string {
	status := 0
	if e.Response != nil {
		status = e.Response.StatusCode
	}
	msg := fmt.Sprintf("pull: %s %s: HTTP %d, result_code %d: %s", e.Method, e.Path, status, int(e.Code), e.Code.Meaning())
	if e.Message != "" {
		msg += " (" + e.Message + ")"
	}
	return msg
}

// Fatal reports that repeating the request cannot help.
func (e *ErrorResponse) Fatal() bool { return e.Code.Fatal() }

// AuthError is an authorisation failure (HTTP 401, or codes 150, 155, 316,
// 319, 339): the user must fix credentials, rights or the IP whitelist.
type AuthError struct{ *ErrorResponse }

func (e *AuthError) Unwrap() error { return e.ErrorResponse }

// RateLimitError is HTTP 423/429 after the retries ran out.
type RateLimitError struct {
	*ErrorResponse
	RetryAfter time.Duration
}

func (e *RateLimitError) Unwrap() error { return e.ErrorResponse }

func isAuthCode(c ResultCode) bool {
	switch c {
	case CodeAuthFailed, CodeAPIIDBlocked, CodeMerchantBlocked, CodeNoRights, CodeIPBlocked:
		return true
	}
	return false
}

type request struct {
	method    string
	path      string // relative to the base, no leading slash
	form      url.Values
	retryable bool
	refundCcy qiwiapi.Currency
}

type outcome struct {
	env  *Envelope
	resp *Response
	err  error
	// again marks a failure worth repeating for a safe request.
	again bool
}

// do sends r (repeating a safe request per the retry policy) and returns
// the last answer's envelope.
func (c *Client) do(ctx context.Context, r request) (*Envelope, *Response, error) {
	h := http.Header{}
	h.Set("Accept", "application/json")
	h.Set("Authorization", c.auth)
	var body []byte
	if r.form != nil {
		body = []byte(r.form.Encode())
		h.Set("Content-Type", formContentType)
	}
	// r.path is already escaped segment by segment; no path cleaning, so a
	// bill_id such as "a/b" stays one segment.
	tr := &transport.Request{Method: r.method, URL: c.baseURL.String() + r.path, Header: h, Body: body}
	var last outcome
	res := c.tr.Do(ctx, tr, func(a *transport.Answer) transport.Verdict {
		last = c.judge(ctx, r, a)
		return transport.Verdict{Err: last.err, Again: last.again && r.retryable}
	})
	if last.resp != nil {
		last.resp.Attempts = res.Attempts
	}
	if res.Stopped != nil {
		return nil, last.resp, res.Stopped
	}
	if res.Attempts == 0 {
		return nil, nil, fmt.Errorf("pull: %s /%s: %w", r.method, r.path, redact(res.Err))
	}
	return last.env, last.resp, last.err
}

// judge reads one answer: the envelope, the error and whether a safe
// request is worth repeating.
func (c *Client) judge(ctx context.Context, r request, a *transport.Answer) outcome {
	if a.Response == nil {
		if ctx.Err() != nil {
			return outcome{err: ctx.Err()}
		}
		return outcome{err: fmt.Errorf("pull: %s /%s: %w", r.method, r.path, redact(a.Err)), again: true}
	}
	resp, raw := a.Response, a.Body
	out := &Response{Response: resp, Body: raw}
	if a.Err != nil && !transport.IsTooLarge(a.Err) {
		return outcome{resp: out, err: fmt.Errorf("pull: %s /%s: reading body: %w", r.method, r.path, redact(a.Err)), again: true}
	}
	path := "/" + r.path
	if resp.StatusCode == http.StatusLocked || resp.StatusCode == http.StatusTooManyRequests {
		er := &ErrorResponse{Response: resp, Method: r.method, Path: path, Code: CodeBusy, Message: resp.Status}
		// Never a quick retry into a block: the caller (the engine) waits RetryAfter.
		return outcome{resp: out, err: &RateLimitError{ErrorResponse: er, RetryAfter: retryAfter(resp)}}
	}
	env, decErr := DecodeEnvelope(raw, r.refundCcy)
	if decErr != nil {
		if resp.StatusCode >= 500 {
			er := &ErrorResponse{Response: resp, Method: r.method, Path: path, Code: CodeTechnical, Message: resp.Status}
			return outcome{resp: out, err: er, again: true}
		}
		if resp.StatusCode == http.StatusUnauthorized {
			er := &ErrorResponse{Response: resp, Method: r.method, Path: path, Code: CodeAuthFailed, Message: resp.Status}
			return outcome{resp: out, err: &AuthError{er}}
		}
		return outcome{resp: out, err: fmt.Errorf("pull: %s %s: HTTP %d: %w", r.method, path, resp.StatusCode, decErr), again: true}
	}
	out.ResultCode = env.ResultCode
	if env.ResultCode != CodeOK || resp.StatusCode != http.StatusOK {
		code := env.ResultCode
		if code == CodeOK {
			code = CodeTechnical
		}
		er := &ErrorResponse{Response: resp, Method: r.method, Path: path, Code: code, Message: env.Description}
		switch {
		case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden || isAuthCode(code):
			return outcome{env: env, resp: out, err: &AuthError{er}}
		case resp.StatusCode >= 500 || code == CodeBusy || code == CodeTechnical:
			return outcome{env: env, resp: out, err: er, again: true}
		}
		return outcome{env: env, resp: out, err: er}
	}
	return outcome{env: env, resp: out}
}

func retryAfter(resp *http.Response) time.Duration {
	var secs int
	if _, err := fmt.Sscanf(resp.Header.Get("Retry-After"), "%d", &secs); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	return 0
}

// redact strips credentials from URL errors (a base URL may carry userinfo).
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.User != nil {
			u.User = nil
			return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
		}
	}
	return err
}

func isDigits(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
