package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func fixture(t *testing.T, h http.HandlerFunc) (*Transport, string, *[]time.Duration) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	var slept []time.Duration
	tr := New("qd-test", 5*time.Second, RetryPolicy{MaxRetries: 2, BaseDelay: 100 * time.Millisecond, MaxDelay: 300 * time.Millisecond})
	tr.Sleep = func(ctx context.Context, d time.Duration) error { slept = append(slept, d); return ctx.Err() }
	return tr, srv.URL, &slept
}

// byStatus retries 5xx and 423, like the clients do.
func byStatus(a *Answer) Verdict {
	switch s := a.Status(); {
	case a.Err != nil:
		return Verdict{Err: a.Err, Again: true}
	case s == 423:
		return Verdict{Err: errors.New("blocked"), Again: true, Blocked: 2 * time.Minute}
	case s >= 500:
		return Verdict{Err: fmt.Errorf("status %d", s), Again: true}
	case s >= 400:
		return Verdict{Err: fmt.Errorf("status %d", s)}
	}
	return Verdict{}
}

func TestRetriesWithTheSameBodyAndJitteredBackOff(t *testing.T) {
	var n atomic.Int32
	tr, url, slept := fixture(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != "qd-test" || r.Header.Get("X-Key") != "v" {
			t.Errorf("headers %v", r.Header)
		}
		if b, _ := io.ReadAll(r.Body); string(b) != "same" {
			t.Errorf("body %q", b)
		}
		if n.Add(1) < 3 {
			w.WriteHeader(502)
			return
		}
		fmt.Fprint(w, "ok")
	})
	res := tr.Do(context.Background(), &Request{Method: "POST", URL: url, Header: http.Header{"X-Key": {"v"}}, Body: []byte("same")}, byStatus)
	if res.Err != nil || res.Attempts != 3 || string(res.Answer.Body) != "ok" || n.Load() != 3 {
		t.Fatalf("%+v after %d requests", res, n.Load())
	}
	// Back-off 100ms then 200ms, each jittered into [d/2, d].
	if len(*slept) != 2 || (*slept)[0] < 50*time.Millisecond || (*slept)[0] > 100*time.Millisecond ||
		(*slept)[1] < 100*time.Millisecond || (*slept)[1] > 200*time.Millisecond {
		t.Fatalf("slept %v", *slept)
	}
}

func TestGivesUpAfterMaxRetriesAndOnFinalAnswers(t *testing.T) {
	var n atomic.Int32
	tr, url, _ := fixture(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(500)
	})
	if res := tr.Do(context.Background(), &Request{Method: "GET", URL: url}, byStatus); res.Err == nil || res.Attempts != 3 || n.Load() != 3 {
		t.Fatalf("%+v", res)
	}
	n.Store(0)
	tr2, url2, slept := fixture(t, func(w http.ResponseWriter, r *http.Request) { n.Add(1); w.WriteHeader(404) })
	if res := tr2.Do(context.Background(), &Request{Method: "GET", URL: url2}, byStatus); res.Attempts != 1 || len(*slept) != 0 {
		t.Fatalf("404 repeated: %+v", res)
	}
}

func TestBodyCap(t *testing.T) {
	tr, url, _ := fixture(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, strings.Repeat("x", 100)) })
	res := tr.Do(context.Background(), &Request{Method: "GET", URL: url, MaxBody: 10}, func(a *Answer) Verdict { return Verdict{Err: a.Err} })
	if !IsTooLarge(res.Err) || len(res.Answer.Body) != 10 {
		t.Fatalf("%v, %d bytes", res.Err, len(res.Answer.Body))
	}
}

func TestStopsWhenTheContextEndsWhileSleeping(t *testing.T) {
	tr, url, _ := fixture(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	ctx, cancel := context.WithCancel(context.Background())
	tr.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	res := tr.Do(ctx, &Request{Method: "GET", URL: url}, byStatus)
	if !errors.Is(res.Stopped, context.Canceled) || res.Err == nil || res.Attempts != 1 {
		t.Fatalf("%+v", res)
	}
}

type logGate struct{ log []string }

func (g *logGate) Admit(ctx context.Context) (func(int, time.Duration), error) {
	g.log = append(g.log, "admit")
	return func(status int, blocked time.Duration) { g.log = append(g.log, fmt.Sprint(status, " ", blocked)) }, nil
}

func TestGatedBlockWaitsForTheGateNotASleep(t *testing.T) {
	var n atomic.Int32
	tr, url, slept := fixture(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(423)
		}
	})
	g := &logGate{}
	res := tr.Do(context.Background(), &Request{Method: "GET", URL: url, Gate: g}, byStatus)
	if res.Err != nil || res.Attempts != 2 || len(*slept) != 0 || fmt.Sprint(g.log) != "[admit 423 2m0s admit 200 0s]" {
		t.Fatalf("%+v slept %v gate %v", res, *slept, g.log)
	}
}

func TestNoAnswerIsStatusZero(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	tr := New("", time.Second, RetryPolicy{})
	g := &logGate{}
	res := tr.Do(context.Background(), &Request{Method: "GET", URL: url, Gate: g}, byStatus)
	if res.Err == nil || res.Answer.Response != nil || fmt.Sprint(g.log) != "[admit 0 0s]" {
		t.Fatalf("%+v gate %v", res, g.log)
	}
	if bad := tr.Do(context.Background(), &Request{Method: "BAD METHOD", URL: url}, byStatus); bad.Err == nil || bad.Attempts != 0 {
		t.Fatalf("unbuildable request: %+v", bad)
	}
}
