package qiwiapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/sandbox"
)

// The scheduler against the sandbox's own budget (100 a minute per wallet,
// counted on arrival, 5-minute block), both on one clock running 200 times
// faster than real time, so QIWI's minutes pass in a fraction of a second.

const listRoute = "GET /payment-history/v2/persons/{wallet}/payments"

type budgetEnv struct {
	clk    *budget.ScaledClock
	sb     *sandbox.Server
	url    string
	sched  *budget.Scheduler
	c      *qiwiapi.Client
	wallet string

	mu       sync.Mutex
	arrivals []time.Time // clock time of every request reaching the sandbox
}

func newBudgetEnv(t *testing.T, opts ...qiwiapi.Option) *budgetEnv {
	t.Helper()
	clk := budget.NewScaledClock(time.Date(2026, 11, 20, 12, 0, 0, 0, qiwiapi.Moscow), 200)
	e := &budgetEnv{clk: clk}
	e.sb = sandbox.New(sandbox.Options{Seed: 3, End: clk.Now(), Now: clk.Now, HistoryRows: 3000, SettleDelay: time.Hour, Strict: qiwiapi.StrictSandbox})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != sandbox.StatsPath {
			e.mu.Lock()
			e.arrivals = append(e.arrivals, clk.Now())
			e.mu.Unlock()
		}
		e.sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	e.sched = budget.New(budget.Options{PerMinute: 95, Concurrency: 4, Clock: clk})
	base := []qiwiapi.Option{qiwiapi.WithBaseURL(srv.URL), qiwiapi.WithGate(e.sched),
		qiwiapi.WithSleep(func(context.Context, time.Duration) error { return nil })}
	c, err := qiwiapi.NewClient(e.sb.DemoToken(), append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e.c, e.wallet = c, e.sb.DemoWallet()
	return e
}

// stats reads GET /sandbox/stats over HTTP, as any client would.
func (e *budgetEnv) stats(t *testing.T) sandbox.Stats {
	t.Helper()
	r, err := http.Get(e.url + sandbox.StatsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var st sandbox.Stats
	if err := json.NewDecoder(r.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

// list runs n history calls on each of g goroutines, walking the pages of
// the newest window, and returns the first error.
func (e *budgetEnv) list(g, n int) error {
	var wg sync.WaitGroup
	errs := make(chan error, g)
	for range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			opts := qiwiapi.HistoryOptions{}
			for range n {
				page, _, err := e.c.History.List(context.Background(), e.wallet, opts)
				if err != nil {
					errs <- err
					return
				}
				opts.Cursor = page.Next
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func TestSchedulerKeepsASyncUnderTheSandboxBudget(t *testing.T) {
	e := newBudgetEnv(t, qiwiapi.WithRetry(qiwiapi.RetryPolicy{})) // a 423 would surface
	if err := e.list(8, 50); err != nil {
		t.Fatal(err)
	}
	st := e.stats(t)
	if st.Requests[listRoute] != 400 || st.Status["200"] != 400 || st.Status["423"] != 0 {
		t.Fatalf("sandbox saw %v, answered %v; want 400 list requests, all 200", st.Requests, st.Status)
	}
	if s := e.sched.Status(); s.Sent != 400 || s.Blocked != 0 || s.InFlight != 0 || s.Waiting != 0 {
		t.Fatalf("scheduler %+v", s)
	}
	// 400 requests at 95 a minute: the sandbox's minutes really passed.
	e.mu.Lock()
	span := e.arrivals[len(e.arrivals)-1].Sub(e.arrivals[0])
	e.mu.Unlock()
	if span < 4*time.Minute {
		t.Fatalf("400 requests arrived within %v of the clock, faster than 95 a minute", span)
	}
}

func TestA423PausesTheWalletUntilTheBlockEnds(t *testing.T) {
	e := newBudgetEnv(t) // default retries: the 423'd call goes again after the pause
	e.sb.SetFaults(sandbox.Faults{Burst423: 1})
	first := make(chan error, 1)
	go func() { first <- e.list(1, 1) }()
	var paused budget.Status
	for paused.Blocked == 0 {
		select {
		case err := <-first:
			t.Fatalf("the call ended without a pause: %v", err)
		default:
		}
		time.Sleep(time.Millisecond)
		paused = e.sched.Status()
	}
	if paused.PausedUntil.IsZero() {
		t.Fatalf("a 423 did not pause the wallet: %+v", paused)
	}
	// More work arrives during the pause; it waits too.
	rest := make(chan error, 1)
	go func() { rest <- e.list(4, 20) }()
	for e.sched.Status().Waiting < 5 && e.clk.Now().Before(paused.PausedUntil) {
		time.Sleep(time.Millisecond)
	}
	during := e.stats(t)
	if e.clk.Now().Before(paused.PausedUntil) && (during.Requests[listRoute] != 1 || during.Status["423"] != 1) {
		t.Fatalf("during the block the sandbox saw %v %v; want only the blocked request", during.Requests, during.Status)
	}
	if err := <-first; err != nil {
		t.Fatalf("the blocked call did not complete after the block: %v", err)
	}
	if err := <-rest; err != nil {
		t.Fatalf("the calls queued during the block failed: %v", err)
	}
	after := e.stats(t)
	if after.Requests[listRoute] != 82 || after.Status["423"] != 1 || after.Status["200"] != 81 {
		t.Fatalf("after: %v %v; want 81 answered calls plus the one 423", after.Requests, after.Status)
	}
	// Nothing was sent again before the block ended.
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, at := range e.arrivals[1:] {
		if at.Before(paused.PausedUntil) {
			t.Fatalf("request %d arrived at %v, before the block ended at %v", i+2, at, paused.PausedUntil)
		}
	}
	if s := e.sched.Status(); s.Blocked != 1 || s.Sent != 82 || !s.PausedUntil.IsZero() {
		t.Fatalf("scheduler after: %+v", s)
	}
}

func TestA423ThatReachesTheCallerIsARateLimit(t *testing.T) {
	e := newBudgetEnv(t, qiwiapi.WithRetry(qiwiapi.RetryPolicy{}))
	e.sb.SetFaults(sandbox.Faults{Burst423: 1})
	_, _, err := e.c.History.List(context.Background(), e.wallet, qiwiapi.HistoryOptions{})
	var apiErr *qiwiapi.Error
	if !errors.Is(err, qiwiapi.ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.Code != "request.blocked" {
		t.Fatalf("423: %v", err)
	}
	// While paused, a caller that cannot wait for the block is told so at once.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, _, err = e.c.History.Totals(ctx, e.wallet, qiwiapi.TotalsOptions{Start: e.clk.Now().AddDate(0, 0, -30), End: e.clk.Now()})
	var pe *budget.PausedError
	if !errors.Is(err, qiwiapi.ErrRateLimited) || !errors.As(err, &pe) || !pe.Until.Equal(e.sched.Status().PausedUntil) {
		t.Fatalf("paused: %v", err)
	}
	if st := e.stats(t); st.Status["423"] != 1 || len(st.Requests) != 1 {
		t.Fatalf("the paused call reached the sandbox: %v", st.Requests)
	}
}

// walkSpeedup is how much faster than real time the walk's clock runs. Each
// millisecond of real scheduling delay shows as walkSpeedup ms of clock time,
// so a high speed-up overstates the time taken on a busy machine.
var walkSpeedup = 30.0

// BenchmarkFullWalkUnderTheBudget walks every 90-day window of a 30,000-row
// wallet concurrently through one scheduler (the real budget: 95 a minute,
// 4 in flight) against the sandbox (100 a minute), on a clock 30 times
// faster than real time, and reports requests, 423s and the clock minutes
// taken next to the budget's floor (one minute per 95 requests after the
// first 95).
//
//	go test ./qiwiapi/ -run '^$' -bench FullWalk -benchtime 1x
func BenchmarkFullWalkUnderTheBudget(b *testing.B) {
	for b.Loop() {
		clk := budget.NewScaledClock(time.Date(2026, 11, 20, 12, 0, 0, 0, qiwiapi.Moscow), walkSpeedup)
		end := clk.Now()
		sb := sandbox.New(sandbox.Options{Seed: 5, End: end, Now: clk.Now, HistoryRows: 30000, SettleDelay: time.Hour, Strict: qiwiapi.StrictSandbox})
		srv := httptest.NewServer(sb)
		sched := budget.New(budget.Options{Clock: clk})
		c, err := qiwiapi.NewClient(sb.DemoToken(), qiwiapi.WithBaseURL(srv.URL), qiwiapi.WithGate(sched), qiwiapi.WithRetry(qiwiapi.RetryPolicy{}))
		if err != nil {
			b.Fatal(err)
		}
		start := clk.Now()
		var mu sync.Mutex
		rows := 0
		var wg sync.WaitGroup
		for _, w := range qiwiapi.Windows(end.AddDate(0, -25, 0), end) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n := 0
				o := qiwiapi.HistoryOptions{Start: w[0], End: w[1]}
				for {
					p, _, err := c.History.List(context.Background(), sb.DemoWallet(), o)
					if err != nil {
						b.Error(err)
						return
					}
					n += len(p.Transactions)
					if p.Next == nil || len(p.Transactions) == 0 {
						break
					}
					o.Cursor = p.Next
				}
				mu.Lock()
				rows += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		took := clk.Now().Sub(start)
		srv.Close()
		st := sb.Stats()
		if rows != 30000 || st.Status["423"] != 0 {
			b.Fatalf("%d rows, %v", rows, st.Status)
		}
		reqs := st.Requests[listRoute]
		b.ReportMetric(float64(reqs), "requests")
		b.ReportMetric(float64(st.Status["423"]), "423s")
		b.ReportMetric(took.Minutes(), "clock-min")
		b.ReportMetric(float64((reqs-1)/budget.DefaultPerMinute), "floor-min")
	}
}
