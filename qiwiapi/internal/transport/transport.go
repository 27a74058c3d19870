// Package transport is the HTTP plumbing the three QIWI clients share
// (qiwiapi for the Wallet API, qiwiapi/topup, qiwiapi/pull): the HTTP
// client and user agent, one retry loop with jittered back-off and an
// injectable sleep, capped bodies, QIWI's time zone, and the gate that
// history-family requests pass before each attempt.
//
// It knows nothing of the APIs' formats: each client builds its requests
// (URL rules, headers, body) and judges each answer (its own error types,
// what is worth repeating) in a callback.
package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"qiwidash/qiwiapi/budget"
)

// Moscow is the +03:00 zone QIWI writes its dates in (Moscow has kept UTC+3
// without daylight saving since 2014).
var Moscow = time.FixedZone("MSK", 3*60*60)

// DefaultMaxBody caps an answer's body when a request names no cap.
const DefaultMaxBody = 1 << 20

// RetryPolicy bounds automatic retries of failed requests.
type RetryPolicy struct {
	MaxRetries int           // retries after the first attempt
	BaseDelay  time.Duration // first back-off, doubled each retry; 0 never sleeps
	MaxDelay   time.Duration // cap for one back-off; 0 = no cap
}

// Gate admits a request; done reports the answer's status (0 when none
// came) and, for a 423, how long the wallet is blocked. *budget.Scheduler
// implements it.
type Gate interface {
	Admit(ctx context.Context) (done func(status int, blockedFor time.Duration), err error)
}

// Transport sends requests for one client. Set its fields before use.
type Transport struct {
	HTTP      *http.Client
	UserAgent string // sent when not empty
	Retry     RetryPolicy
	// Sleep waits between attempts; it must return ctx.Err() when ctx ends
	// first (tests pass one that returns at once).
	Sleep func(ctx context.Context, d time.Duration) error
}

// New is a transport with an HTTP client of the given timeout.
func New(userAgent string, timeout time.Duration, retry RetryPolicy) *Transport {
	return &Transport{HTTP: &http.Client{Timeout: timeout}, UserAgent: userAgent, Retry: retry, Sleep: budget.RealClock().Sleep}
}

// Request is one call, replayable for retries.
type Request struct {
	Method, URL string
	Header      http.Header // besides User-Agent
	Body        []byte      // nil: no body
	MaxBody     int64       // cap for the answer's body; 0: DefaultMaxBody
	Gate        Gate        // passed before every attempt; nil: none
}

// Answer is what one attempt got.
type Answer struct {
	Response *http.Response // nil when no answer came
	Body     []byte         // at most the request's MaxBody
	// Err is why no complete answer came: the HTTP client's error (no
	// answer), a failed body read, or *TooLargeError.
	Err error
}

// Status is the answer's HTTP status, 0 when none came.
func (a *Answer) Status() int {
	if a == nil || a.Response == nil {
		return 0
	}
	return a.Response.StatusCode
}

// TooLargeError is an answer whose body is over the request's cap.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string { return fmt.Sprintf("body larger than %d bytes", e.Limit) }

// Verdict is a client's reading of one answer.
type Verdict struct {
	Err   error         // nil: success
	Again bool          // sending the same request again may help
	Wait  time.Duration // the least back-off before that (e.g. after a 423)
	// Blocked is how long a 423 blocks the wallet (0: the gate's default).
	Blocked time.Duration
}

// Result is the outcome of Do.
type Result struct {
	Answer   *Answer // the last attempt's; nil when none was made
	Err      error   // the last attempt's verdict
	Attempts int
	// Stopped is set when ctx (while sleeping) or the gate (while
	// admitting) ended the loop before an attempt; Err then still holds
	// the previous attempt's verdict, if any.
	Stopped error
}

// Do sends r, judging each answer with judge, and repeats it while the
// verdict says so, up to Retry.MaxRetries times, sleeping a jittered,
// doubling back-off in between. A gated request that got a 423 is not slept
// on: the gate, told of the block, holds the next attempt until it ends.
func (t *Transport) Do(ctx context.Context, r *Request, judge func(*Answer) Verdict) Result {
	if _, err := t.build(ctx, r); err != nil {
		return Result{Err: fmt.Errorf("building %s request: %w", r.Method, err)}
	}
	var res Result
	for attempt := 0; ; attempt++ {
		var done func(int, time.Duration)
		if r.Gate != nil {
			d, err := r.Gate.Admit(ctx)
			if err != nil {
				res.Stopped = err
				return res
			}
			done = d
		}
		a := t.send(ctx, r)
		v := judge(a)
		if done != nil {
			done(a.Status(), v.Blocked)
		}
		res.Answer, res.Err, res.Attempts = a, v.Err, attempt+1
		if v.Err == nil || !v.Again || attempt >= t.Retry.MaxRetries || ctx.Err() != nil {
			return res
		}
		if r.Gate != nil && a.Status() == http.StatusLocked {
			continue
		}
		if err := t.Sleep(ctx, t.Backoff(attempt, v.Wait)); err != nil {
			res.Stopped = err
			return res
		}
	}
}

// Backoff is the sleep before retry number attempt+1: BaseDelay doubled per
// attempt, at least wait, capped by MaxDelay, with equal jitter (half fixed,
// half random). A zero BaseDelay never sleeps.
func (t *Transport) Backoff(attempt int, wait time.Duration) time.Duration {
	if t.Retry.BaseDelay <= 0 {
		return 0
	}
	d := t.Retry.BaseDelay << min(attempt, 16)
	d = max(d, wait)
	if t.Retry.MaxDelay > 0 && d > t.Retry.MaxDelay {
		d = t.Retry.MaxDelay
	}
	return d/2 + rand.N(d/2+1)
}

func (t *Transport) build(ctx context.Context, r *Request) (*http.Request, error) {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		return nil, err
	}
	for k, vs := range r.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	if t.UserAgent != "" {
		req.Header.Set("User-Agent", t.UserAgent)
	}
	return req, nil
}

// send makes one attempt and reads at most MaxBody bytes of the answer.
func (t *Transport) send(ctx context.Context, r *Request) *Answer {
	req, err := t.build(ctx, r)
	if err != nil {
		return &Answer{Err: err}
	}
	resp, err := t.HTTP.Do(req)
	if err != nil {
		return &Answer{Err: err}
	}
	defer resp.Body.Close()
	limit := r.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	a := &Answer{Response: resp, Body: b, Err: err}
	if err == nil && int64(len(b)) > limit {
		a.Body, a.Err = b[:limit], &TooLargeError{Limit: limit}
	}
	return a
}

// IsTooLarge reports an answer over its cap.
func IsTooLarge(err error) bool {
	var e *TooLargeError
	return errors.As(err, &e)
}
