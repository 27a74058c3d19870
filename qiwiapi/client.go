// Package qiwiapi is a typed client for the QIWI Wallet personal API.
//
// One Client holds the token and the transport; each API area is a service
// on it (c.History.List, c.Payments.Pay, ...). Every method takes a context
// first. Money is Amount (exact minor units), never float64.
package qiwiapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"qiwidash/qiwiapi/budget"
)

// DefaultBaseURL is QIWI's production API host.
const DefaultBaseURL = "https://edge.qiwi.com"

const (
	defaultUserAgent = "qiwidash"
	maxBodyBytes     = 1 << 20  // JSON answers
	maxFileBytes     = 16 << 20 // receipts
)

// RetryPolicy bounds automatic retries of failed requests.
type RetryPolicy struct {
	MaxRetries int           // retries after the first attempt
	BaseDelay  time.Duration // first back-off; doubles each retry
	MaxDelay   time.Duration // cap for one back-off
}

// DefaultRetry retries twice with jittered back-off from half a second.
var DefaultRetry = RetryPolicy{MaxRetries: 2, BaseDelay: 500 * time.Millisecond, MaxDelay: 10 * time.Second}

// service is the shared state every area service points at.
type service struct{ client *Client }

// Client talks to the Wallet API with one token.
type Client struct {
	token      string
	baseURL    *url.URL
	httpClient *http.Client
	userAgent  string
	retry      RetryPolicy
	sleep      func(ctx context.Context, d time.Duration) error
	gate       Gate

	common service

	Profile        *ProfileService
	Identification *IdentificationService
	Limits         *LimitsService
	History        *HistoryService
	Balances       *BalancesService
	Payments       *PaymentsService
	Invoices       *InvoicesService
	Webhooks       *WebhooksService
}

// Option configures a Client.
type Option func(*Client) error

// WithBaseURL points the client at another host (the sandbox, a proxy).
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := url.Parse(strings.TrimRight(raw, "/"))
		if err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("qiwi: base URL %q is not an absolute URL", raw)
		}
		c.baseURL = u
		return nil
	}
}

// WithHTTPClient sets the transport (timeouts, proxies, test round-trippers).
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) error {
		if h == nil {
			return errors.New("qiwi: nil http client")
		}
		c.httpClient = h
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error { c.userAgent = ua; return nil }
}

// WithRetry sets the retry policy; RetryPolicy{} turns retries off.
func WithRetry(p RetryPolicy) Option {
	return func(c *Client) error {
		if p.MaxRetries < 0 {
			return errors.New("qiwi: negative retry count")
		}
		c.retry = p
		return nil
	}
}

// WithSleep replaces the back-off sleep (tests pass one that returns at once).
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) error { c.sleep = sleep; return nil }
}

// Gate admits the history-family requests (list, totals, transaction, cheque
// file, cheque e-mail) of the client's wallet; *budget.Scheduler implements it.
// done must be called once with the HTTP status (0 when no answer came) and,
// for a 423, how long QIWI blocks the wallet.
type Gate interface {
	Admit(ctx context.Context) (done func(status int, blockedFor time.Duration), err error)
}

// WithGate makes the history-family requests wait for g. Share one gate per
// wallet across the process (budget.Registry); the default is a private
// budget.New(budget.Options{}) per Client.
func WithGate(g Gate) Option {
	return func(c *Client) error {
		if g == nil {
			return errors.New("qiwi: nil gate")
		}
		c.gate = g
		return nil
	}
}

// NewClient builds a client for one token. The token is never printed.
func NewClient(token string, opts ...Option) (*Client, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, errors.New("qiwi: empty API token")
	}
	c := &Client{
		token:      token,
		httpClient: &http.Client{Timeout: 30 * time.Second},
		userAgent:  defaultUserAgent,
		retry:      DefaultRetry,
		sleep:      sleepContext,
	}
	c.baseURL, _ = url.Parse(DefaultBaseURL)
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.gate == nil {
		c.gate = budget.New(budget.Options{})
	}
	c.common.client = c
	c.Profile = (*ProfileService)(&c.common)
	c.Identification = (*IdentificationService)(&c.common)
	c.Limits = (*LimitsService)(&c.common)
	c.History = (*HistoryService)(&c.common)
	c.Balances = (*BalancesService)(&c.common)
	c.Payments = (*PaymentsService)(&c.common)
	c.Invoices = (*InvoicesService)(&c.common)
	c.Webhooks = (*WebhooksService)(&c.common)
	return c, nil
}

// String shows the host and a masked token, never the token itself.
func (c *Client) String() string {
	return fmt.Sprintf("qiwiapi.Client{%s token=%s}", c.baseURL.Host, MaskSecret(c.token))
}

// BaseURL is the host the client talks to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// MaskSecret shows at most the first and last four characters of a secret,
// and nothing of a short one.
func MaskSecret(s string) string {
	r := []rune(s)
	if len(r) < 12 {
		return strings.Repeat("•", min(len(r), 8))
	}
	return string(r[:4]) + "…" + string(r[len(r)-4:])
}

// Response wraps the HTTP response of a call.
type Response struct {
	*http.Response
}

// retryMode says when a request may be sent again.
type retryMode int

const (
	// retrySafe: reads, and writes made idempotent by a client id.
	retrySafe retryMode = iota
	// retryBlockedOnly: writes that are only repeated when QIWI said it did not run them (423).
	retryBlockedOnly
)

// request is one API call, kept replayable for retries.
type request struct {
	method  string
	path    string
	query   url.Values
	body    []byte
	accept  string
	history bool // admitted by the client's Gate
	retry   retryMode
}

func (c *Client) newRequest(method, path string, query url.Values, body any) (*request, error) {
	r := &request{method: method, path: path, query: query, accept: "application/json"}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("qiwi: encoding %s %s: %w", method, path, err)
		}
		r.body = b
	}
	return r, nil
}

func (c *Client) httpRequest(ctx context.Context, r *request) (*http.Request, error) {
	u := *c.baseURL
	u.Path = strings.TrimRight(u.Path, "/") + r.path
	if len(r.query) > 0 {
		u.RawQuery = encodeQuery(r.query)
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("qiwi: building %s %s: %w", r.method, r.path, err)
	}
	req.Header.Set("Accept", r.accept)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("User-Agent", c.userAgent)
	return req, nil
}

// encodeQuery keeps QIWI's bracketed names (sources[0]) in a stable order,
// escaped the way the docs show (types%5B0%5D).
func encodeQuery(q url.Values) string { return q.Encode() }

// do sends r, retrying per policy, and decodes a JSON answer into v (if non-nil).
func (c *Client) do(ctx context.Context, r *request, v any) (*Response, error) {
	body, resp, err := c.send(ctx, r, maxBodyBytes)
	if err != nil {
		return resp, err
	}
	if v != nil && len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, v); err != nil {
			return resp, &DecodeError{Method: r.method, Path: r.path, Err: err}
		}
	} else if v != nil && resp.StatusCode == http.StatusOK {
		return resp, &DecodeError{Method: r.method, Path: r.path, Err: errors.New("empty body")}
	}
	return resp, nil
}

// send performs the request with retries and returns the raw body of a 2xx answer.
// A history request passes the gate before every attempt; after a 423 it is
// not slept on here but sent again only when the gate, paused by that 423,
// lets it through.
func (c *Client) send(ctx context.Context, r *request, limit int64) ([]byte, *Response, error) {
	var lastErr error
	var lastResp *Response
	for attempt := 0; ; attempt++ {
		var done func(int, time.Duration)
		if r.history {
			d, err := c.gate.Admit(ctx)
			if err != nil {
				return nil, lastResp, gateError(r, err, lastErr)
			}
			done = d
		}
		body, resp, err, retryable := c.attempt(ctx, r, limit)
		if done != nil {
			done(answerOf(resp, err))
		}
		if err == nil {
			return body, resp, nil
		}
		lastErr, lastResp = err, resp
		if !retryable || attempt >= c.retry.MaxRetries || ctx.Err() != nil {
			return nil, resp, lastErr
		}
		if r.history && isStatus(err, http.StatusLocked) {
			continue // the gate holds the next attempt until the block ends
		}
		if err := c.sleep(ctx, c.backoff(attempt, err)); err != nil {
			return nil, resp, lastErr
		}
	}
}

// answerOf is what a gate is told about an attempt: the status (0 without
// an answer) and, for a 423, how long QIWI blocks.
func answerOf(resp *Response, err error) (int, time.Duration) {
	if resp == nil {
		return 0, 0
	}
	var apiErr *Error
	if resp.StatusCode == http.StatusLocked && errors.As(err, &apiErr) {
		return resp.StatusCode, apiErr.RetryAfter
	}
	return resp.StatusCode, 0
}

func isStatus(err error, status int) bool {
	var apiErr *Error
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// gateError is what a caller gets when the gate refused a request: a pause
// past its deadline (a rate limit for errors.Is, the *budget.PausedError for
// errors.As, and the 423 that caused it if this call got one), or the end
// of its context (the last attempt's error if there was one).
func gateError(r *request, err, last error) error {
	var pe *budget.PausedError
	if errors.As(err, &pe) {
		return &pausedError{method: r.method, path: r.path, paused: err, last: last}
	}
	if last != nil {
		return last
	}
	return err
}

type pausedError struct {
	method, path string
	paused, last error
}

func (e *pausedError) Error() string {
	return fmt.Sprintf("qiwi: %s %s: %v", e.method, e.path, e.paused)
}

func (e *pausedError) Unwrap() []error {
	if e.last == nil {
		return []error{e.paused}
	}
	return []error{e.paused, e.last}
}

// Is makes a paused wallet a rate limit for errors.Is(err, ErrRateLimited).
func (e *pausedError) Is(target error) bool { return target == ErrRateLimited }

// attempt sends once. retryable says whether sending again is allowed and useful.
func (c *Client) attempt(ctx context.Context, r *request, limit int64) ([]byte, *Response, error, bool) {
	req, err := c.httpRequest(ctx, r)
	if err != nil {
		return nil, nil, err, false
	}
	hresp, err := c.httpClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err(), false
		}
		return nil, nil, &NetworkError{Method: r.method, Path: r.path, Err: unwrapURLError(err)}, r.retry == retrySafe
	}
	defer hresp.Body.Close()
	resp := &Response{Response: hresp}
	body, err := io.ReadAll(io.LimitReader(hresp.Body, limit+1))
	if err != nil {
		return nil, resp, &NetworkError{Method: r.method, Path: r.path, Err: err}, r.retry == retrySafe
	}
	if int64(len(body)) > limit {
		return nil, resp, &DecodeError{Method: r.method, Path: r.path, Err: fmt.Errorf("body larger than %d bytes", limit)}, false
	}
	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		apiErr := newError(hresp, body)
		retryable := hresp.StatusCode == http.StatusLocked ||
			(r.retry == retrySafe && hresp.StatusCode >= 500)
		return nil, resp, apiErr, retryable
	}
	return body, resp, nil, false
}

// backoff is exponential with full jitter, capped; a 423 waits at least a little longer.
func (c *Client) backoff(attempt int, err error) time.Duration {
	if c.retry.BaseDelay <= 0 {
		return 0
	}
	d := c.retry.BaseDelay << attempt
	if c.retry.MaxDelay > 0 && d > c.retry.MaxDelay {
		d = c.retry.MaxDelay
	}
	var apiErr *Error
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusLocked {
		d = c.retry.MaxDelay
		if d <= 0 {
			d = c.retry.BaseDelay
		}
	}
	return d/2 + rand.N(d/2+1)
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// NetworkError is a request that got no HTTP answer (refused, reset, timeout).
type NetworkError struct {
	Method, Path string
	Err          error
}

func (e *NetworkError) Error() string {
	return fmt.Sprintf("qiwi: %s %s: could not reach QIWI: %v", e.Method, e.Path, e.Err)
}

func (e *NetworkError) Unwrap() error { return e.Err }

// unwrapURLError drops *url.Error's copy of the full URL; what it wraps is enough.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
