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
	"net/http"
	"net/url"
	"strings"
	"time"

	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/internal/transport"
)

// DefaultBaseURL is QIWI's production API host.
const DefaultBaseURL = "https://edge.qiwi.com"

const (
	defaultUserAgent = "qiwidash"
	maxFileBytes     = 16 << 20 // receipts; JSON answers get the transport's 1 MiB
)

// RetryPolicy bounds automatic retries of failed requests: MaxRetries after
// the first attempt, a back-off from BaseDelay doubling each retry, capped
// at MaxDelay (jittered).
type RetryPolicy = transport.RetryPolicy

// DefaultRetry retries twice with jittered back-off from half a second.
var DefaultRetry = RetryPolicy{MaxRetries: 2, BaseDelay: 500 * time.Millisecond, MaxDelay: 10 * time.Second}

// service is the shared state every area service points at.
type service struct{ client *Client }

// Client talks to the Wallet API with one token.
type Client struct {
	token   string
	baseURL *url.URL
	tr      *transport.Transport
	gate    Gate

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
		c.tr.HTTP = h
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error { c.tr.UserAgent = ua; return nil }
}

// WithRetry sets the retry policy; RetryPolicy{} turns retries off.
func WithRetry(p RetryPolicy) Option {
	return func(c *Client) error {
		if p.MaxRetries < 0 {
			return errors.New("qiwi: negative retry count")
		}
		c.tr.Retry = p
		return nil
	}
}

// WithSleep replaces the back-off sleep (tests pass one that returns at once).
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) error {
		if sleep == nil {
			return errors.New("qiwi: nil sleep")
		}
		c.tr.Sleep = sleep
		return nil
	}
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

// Gate is the gate the client's history-family requests wait for (a
// *budget.Scheduler unless WithGate gave another), so that a screen can
// show how the wallet's budget stands.
func (c *Client) Gate() Gate { return c.gate }

// ErrNoToken is NewClient's answer to a blank token.
var ErrNoToken = errors.New("qiwi: empty API token")

// NewClient builds a client for one token. The token is never printed.
func NewClient(token string, opts ...Option) (*Client, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, ErrNoToken
	}
	c := &Client{token: token, tr: transport.New(defaultUserAgent, 30*time.Second, DefaultRetry)}
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

// url is the request's full URL under the base URL (its path prefix kept).
func (c *Client) url(r *request) string {
	u := *c.baseURL
	u.Path = strings.TrimRight(u.Path, "/") + r.path
	if len(r.query) > 0 {
		u.RawQuery = encodeQuery(r.query)
	}
	return u.String()
}

// encodeQuery keeps QIWI's bracketed names (sources[0]) in a stable order,
// escaped the way the docs show (types%5B0%5D).
func encodeQuery(q url.Values) string { return q.Encode() }

// do sends r, retrying per policy, and decodes a JSON answer into v (if non-nil).
func (c *Client) do(ctx context.Context, r *request, v any) (*Response, error) {
	body, resp, err := c.send(ctx, r, 0)
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

// send performs the request with retries and returns the raw body of a 2xx
// answer (at most limit bytes; 0: the transport's cap). A history request
// passes the client's gate before every attempt; after a 423 it is not
// slept on but sent again only when the gate, paused by that 423, lets it
// through.
func (c *Client) send(ctx context.Context, r *request, limit int64) ([]byte, *Response, error) {
	h := http.Header{}
	h.Set("Accept", r.accept)
	if r.body != nil {
		h.Set("Content-Type", "application/json")
	}
	h.Set("Authorization", "Bearer "+c.token)
	tr := &transport.Request{Method: r.method, URL: c.url(r), Header: h, Body: r.body, MaxBody: limit}
	if r.history {
		tr.Gate = c.gate
	}
	res := c.tr.Do(ctx, tr, func(a *transport.Answer) transport.Verdict { return c.judge(ctx, r, a) })
	var resp *Response
	if res.Answer != nil && res.Answer.Response != nil {
		resp = &Response{Response: res.Answer.Response}
	}
	switch {
	case res.Stopped != nil && r.history:
		return nil, resp, gateError(r, res.Stopped, res.Err)
	case res.Stopped != nil && res.Err == nil:
		return nil, resp, res.Stopped
	case res.Err != nil:
		return nil, resp, res.Err
	}
	return res.Answer.Body, resp, nil
}

// judge reads one answer: the error it means and whether sending again is
// allowed and useful.
func (c *Client) judge(ctx context.Context, r *request, a *transport.Answer) transport.Verdict {
	if a.Response == nil {
		if ctx.Err() != nil {
			return transport.Verdict{Err: ctx.Err()}
		}
		return transport.Verdict{Err: &NetworkError{Method: r.method, Path: r.path, Err: unwrapURLError(a.Err)}, Again: r.retry == retrySafe}
	}
	if transport.IsTooLarge(a.Err) {
		return transport.Verdict{Err: &DecodeError{Method: r.method, Path: r.path, Err: a.Err}}
	}
	if a.Err != nil {
		return transport.Verdict{Err: &NetworkError{Method: r.method, Path: r.path, Err: a.Err}, Again: r.retry == retrySafe}
	}
	status := a.Response.StatusCode
	if status >= 200 && status <= 299 {
		return transport.Verdict{}
	}
	apiErr := newError(a.Response, a.Body)
	// A 423 blocks for minutes: a history request goes again only once its
	// gate lets it through after the block; any other reaches its caller (a
	// money move's saga waits the block out), never a quick retry.
	v := transport.Verdict{Err: apiErr, Again: (status == http.StatusLocked && r.history) || (r.retry == retrySafe && status >= 500)}
	if status == http.StatusLocked {
		v.Blocked = apiErr.RetryAfter
	}
	return v
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
