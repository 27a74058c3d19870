package reader

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/sandbox"
	"qiwidash/store"
)

// end is the sandbox's "now" when a test starts: its newest row is just before.
var end = time.Date(2026, 6, 1, 12, 0, 0, 0, qiwiapi.Moscow)

// speed is how much faster than real time the tests' clock runs: QIWI's
// budget (the sandbox allows 100 history requests a minute, the scheduler
// sends 95) and its five-minute blocks pass in a fraction of a second.
const speed = 300

type env struct {
	sb     *sandbox.Running
	st     *store.Store
	api    *qiwiapi.Client
	clk    *budget.ScaledClock
	sched  *budget.Scheduler
	wallet string
	mu     sync.Mutex
	at     []arrival // every request, as the sandbox got it
}

// arrival is one request to the sandbox, on the shared clock.
type arrival struct {
	at     time.Time
	path   string
	status int
}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	keyring.MockInit()
	st, err := store.Open(filepath.Join(t.TempDir(), "qiwidash.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newEnv starts a sandbox whose demo wallet holds rows transactions spread
// over the 24 months before end, with QIWI's real request limit, on a
// scaled clock shared with the wallet's scheduler (the real budget), and
// an empty store.
func newEnv(t testing.TB, rows int) *env { return newEnvSpeed(t, rows, speed) }

// newEnvSpeed is newEnv with a clock factor times faster than real time.
func newEnvSpeed(t testing.TB, rows int, factor float64) *env {
	t.Helper()
	e := &env{clk: budget.NewScaledClock(end, factor)}
	srv := sandbox.New(sandbox.Options{Seed: 3, End: end, Now: e.clk.Now, HistoryRows: rows, SettleDelay: time.Hour})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w, status: 200}
		srv.ServeHTTP(rec, r)
		e.mu.Lock()
		e.at = append(e.at, arrival{at: e.clk.Now(), path: r.URL.Path, status: rec.status})
		e.mu.Unlock()
	}))
	t.Cleanup(hs.Close)
	e.sb = &sandbox.Running{URL: hs.URL, Server: srv, Close: hs.Close}
	e.sched = budget.New(budget.Options{Clock: e.clk})
	api, err := qiwiapi.NewClient(srv.DemoToken(), qiwiapi.WithBaseURL(hs.URL), qiwiapi.WithGate(e.sched),
		qiwiapi.WithRetry(qiwiapi.RetryPolicy{MaxRetries: 2}))
	if err != nil {
		t.Fatal(err)
	}
	e.api, e.st, e.wallet = api, openStore(t), srv.DemoWallet()
	return e
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (e *env) reader(t testing.TB, api API) *Reader {
	if api == nil {
		api = e.api.History
	}
	r := New(Options{Store: e.st, API: api, Wallet: e.wallet, Now: e.clk.Now, Budget: e.sched})
	t.Cleanup(r.Close)
	return r
}

// blocked counts the 423 answers the sandbox gave.
func (e *env) blocked() int { return e.sb.Server.Stats().Status["423"] }

// lists are the history list requests the sandbox saw.
func lists(sb *sandbox.Running) []sandbox.Request {
	var out []sandbox.Request
	for _, r := range sb.Server.Requests() {
		if strings.HasPrefix(r.Path, "/payment-history/v2/persons/") && strings.HasSuffix(r.Path, "/payments") {
			out = append(out, r)
		}
	}
	return out
}

// heldAPI holds back Background requests until release is closed, and
// counts the list requests by priority.
type heldAPI struct {
	API
	release chan struct{}
	// held, when set, hears each Background request that starts waiting.
	held   chan struct{}
	mu     sync.Mutex
	byPrio map[budget.Priority]int
}

func (h *heldAPI) List(ctx context.Context, wallet string, o qiwiapi.HistoryOptions) (*qiwiapi.HistoryPage, *qiwiapi.Response, error) {
	p := budget.PriorityOf(ctx)
	if p == budget.Background {
		if h.held != nil {
			select {
			case h.held <- struct{}{}:
			default:
			}
		}
		select {
		case <-h.release:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	h.mu.Lock()
	h.byPrio[p]++
	h.mu.Unlock()
	return h.API.List(ctx, wallet, o)
}

func TestFirstPageCostsOneRequest(t *testing.T) {
	e := newEnv(t, 12_000)
	h := &heldAPI{API: e.api.History, release: make(chan struct{}), byPrio: map[budget.Priority]int{}}
	r := e.reader(t, h)
	e.sb.Server.ResetRequests()
	p, err := r.Page(t.Context(), Query{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(lists(e.sb)); n != 1 {
		t.Fatalf("first page took %d list requests, want 1", n)
	}
	if len(p.Transactions) < PageSize-1 || p.Next == nil {
		t.Fatalf("first page: %d rows, next %v", len(p.Transactions), p.Next)
	}
	if h.byPrio[budget.Visible] != 1 {
		t.Errorf("first page priorities %v, want one Visible", h.byPrio)
	}
	// The rest of the newest window comes in the background.
	close(h.release)
	r.Wait()
	w := r.windowAt(end)
	n, _ := e.st.CountIn(t.Context(), e.wallet, w.start, w.end)
	if got := len(lists(e.sb)); got != max(1, (n+49)/50) {
		t.Errorf("the newest window (%d rows) took %d requests, want %d", n, got, (n+49)/50)
	}
	if h.byPrio[budget.Background] != len(lists(e.sb))-1 {
		t.Errorf("background fill priorities %v", h.byPrio)
	}
	// The second page now comes from the cache.
	e.sb.Server.ResetRequests()
	p2, err := r.Page(t.Context(), Query{}, p.Next)
	if err != nil {
		t.Fatal(err)
	}
	if len(p2.Transactions) != PageSize || len(lists(e.sb)) != 0 {
		t.Errorf("second page: %d rows, %d requests", len(p2.Transactions), len(lists(e.sb)))
	}
	if p2.Transactions[0].Date.After(p.Transactions[len(p.Transactions)-1].Date) {
		t.Errorf("pages overlap or are out of order")
	}
}

// checkSyncBlocked asserts that a full sync cached every row once, with
// ceil(rows/50) requests per window (one per empty window), allowing blocked
// more: ones answered 423 and sent again, or a window read once more.
func checkSyncBlocked(t *testing.T, e *env, r *Reader, rows int, reqs []sandbox.Request, emptyAllowed, blocked int) {
	t.Helper()
	origin := r.origin
	sum, err := e.st.Summary(t.Context(), e.wallet, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Count != rows {
		t.Errorf("cached %d rows, the wallet has %d", sum.Count, rows)
	}
	per := map[int64]int{}
	starts := map[int64]window{}
	for _, q := range reqs {
		d, err := time.Parse(time.RFC3339, q.Query.Get("startDate"))
		if err != nil {
			t.Fatalf("a list request without a start date: %s", q.RawQuery)
		}
		w := windowAt(origin, d)
		per[w.key()]++
		starts[w.key()] = w
	}
	empty := 0
	for k, got := range per {
		w := starts[k]
		n, _ := e.st.CountIn(t.Context(), e.wallet, w.start, w.end)
		if n == 0 {
			empty++
		}
		if want := max(1, (n+49)/50); got > want && got-want <= blocked {
			blocked -= got - want
		} else if got != want {
			t.Errorf("window %s: %d rows took %d requests, want %d", w.start.Format(time.DateOnly), n, got, want)
		}
	}
	if empty > emptyAllowed {
		t.Errorf("%d empty windows asked, want at most %d", empty, emptyAllowed)
	}
}

func TestSyncFullHistory(t *testing.T) {
	const rows = 30_000
	e := newEnv(t, rows)
	r := e.reader(t, nil)
	began := e.clk.Now()
	if err := r.Sync(t.Context(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	newest := r.windowAt(began) // the grid is laid at the first read
	// When the fast clock passes the newest window's end during the sync (a
	// loaded machine), the rows that came meanwhile are asked once more:
	// right, and the one extra request allowed.
	extra := 0
	if e.clk.Now().After(newest.end) {
		extra = 1
	}
	// Windows are read 4 at a time and finish out of order: past the 4 empty
	// windows in a row that end the walk, up to 2x3 more may have started.
	checkSyncBlocked(t, e, r, rows, lists(e.sb), 4+2*3, extra)
	if n := e.blocked(); n != 0 {
		t.Errorf("%d answers were 423", n)
	}
	if st, _ := e.st.SyncStatus(t.Context(), e.wallet); !st.Complete {
		t.Error("the start of history was not recorded")
	}
	t.Logf("%d rows, %d list requests, %.1f clock minutes", rows, len(lists(e.sb)), e.clk.Now().Sub(end).Minutes())

	// Everything up to end is cached now: a page anywhere and totals cost
	// nothing. (The clock has moved on: what came after end would be asked.)
	e.sb.Server.ResetRequests()
	q := Query{Start: end.AddDate(-1, 0, 0), End: end}
	if _, err := r.Totals(t.Context(), q); err != nil {
		t.Fatal(err)
	}
	var cur *Cursor
	got := 0
	for range 40 { // the first 2,000 rows, and a page deep in the past
		p, err := r.Page(t.Context(), Query{End: end}, cur)
		if err != nil {
			t.Fatal(err)
		}
		got += len(p.Transactions)
		cur = p.Next
	}
	if p, err := r.Page(t.Context(), Query{Start: end.AddDate(-2, 0, 0), End: end.AddDate(-2, 1, 0)}, nil); err != nil || len(p.Transactions) != PageSize {
		t.Errorf("a page two years back: %d rows, %v", len(p.Transactions), err)
	}
	if got != 40*PageSize {
		t.Errorf("paged %d rows, want %d", got, 40*PageSize)
	}
	if n := len(e.sb.Server.Requests()); n != 0 {
		t.Errorf("%d requests over a synced cache", n)
	}
}

func TestSyncPausesOnA423UntilTheBlockEnds(t *testing.T) {
	const rows = 3_000
	e := newEnv(t, rows)
	r := e.reader(t, nil)
	e.sb.Server.SetFaults(sandbox.Faults{Burst423: 1})
	if err := r.Sync(t.Context(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	checkSyncBlocked(t, e, r, rows, lists(e.sb), 4+2*3, 1)
	if n := e.blocked(); n != 1 {
		t.Fatalf("%d answers were 423, want the one injected", n)
	}
	if st := e.sched.Status(); st.Blocked != 1 {
		t.Errorf("the scheduler saw %d blocks", st.Blocked)
	}
	// Nothing reached QIWI during the five minutes after the 423.
	e.mu.Lock()
	defer e.mu.Unlock()
	var at time.Time
	for _, a := range e.at {
		switch {
		case a.status == http.StatusLocked:
			at = a.at
		case !at.IsZero() && a.at.Before(at.Add(budget.DefaultBlock)):
			t.Fatalf("a request %s after the 423, inside the block", a.at.Sub(at))
		}
	}
	if at.IsZero() {
		t.Fatal("no 423 was seen")
	}
}

func TestStatusSaysPausedNeverOffline(t *testing.T) {
	e := newEnv(t, 600)
	r := e.reader(t, nil)
	e.sb.Server.SetFaults(sandbox.Faults{Burst423: 1})
	// The screen's requests give up after a deadline shorter than the block
	// (five minutes of the clock are a second of real time).
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	_, err := r.Page(ctx, Query{}, nil)
	var pe *budget.PausedError
	if !errors.As(err, &pe) && !errors.Is(err, qiwiapi.ErrRateLimited) {
		t.Fatalf("page during a block: %v", err)
	}
	st := r.Status()
	line := st.Line(nil, time.Local)
	until := e.sched.Status().PausedUntil
	if until.IsZero() || !strings.Contains(line, "QIWI history paused until "+until.Local().Format("15:04")+" (request limit)") || strings.Contains(line, "offline") {
		t.Errorf("status line %q (paused until %v)", line, until)
	}
}

func TestExportSyncStopsAtItsStart(t *testing.T) {
	e := newEnv(t, 12_000)
	r := e.reader(t, nil)
	until := end.AddDate(-1, 0, 0)
	if err := r.Sync(t.Context(), until); err != nil {
		t.Fatal(err)
	}
	reqs := lists(e.sb)
	want := 0
	for _, w := range windowsOf(r.origin, until, e.clk.Now()) {
		n, _ := e.st.CountIn(t.Context(), e.wallet, w.start, w.end)
		want += max(1, (n+49)/50)
	}
	for _, q := range reqs {
		if d, _ := time.Parse(time.RFC3339, q.Query.Get("startDate")); d.Before(until) {
			t.Fatalf("a request from %s, before the export's start %s", d, until)
		}
	}
	if len(reqs) != want {
		t.Errorf("a 1-year export took %d requests, want %d", len(reqs), want)
	}
	sum, _ := e.st.Summary(t.Context(), e.wallet, store.Filter{To: until.Add(-time.Second)})
	if sum.Count != 0 {
		t.Errorf("%d rows before the export's start were read", sum.Count)
	}
	all, _ := e.st.Summary(t.Context(), e.wallet, store.Filter{})
	t.Logf("1-year export of a %d-row wallet: %d rows, %d requests", 12_000, all.Count, len(reqs))
}

func TestRefreshNewRowsAndWaiting(t *testing.T) {
	e := newEnvSpeed(t, 3_000, 60) // a payment stays WAITING for an hour of the clock: a minute
	r := e.reader(t, nil)
	ctx := t.Context()
	if err := r.Sync(ctx, end.AddDate(0, -6, 0)); err != nil {
		t.Fatal(err)
	}
	// Nothing new: exactly one request.
	e.sb.Server.ResetRequests()
	changed, err := r.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(e.sb.Server.Requests()); n != 1 || changed {
		t.Errorf("refresh with nothing new: %d requests, changed %v; want 1, false", n, changed)
	}
	// A new incoming transfer appears.
	id := e.sb.Server.AddIncoming(e.wallet, 12345, 643, "79990000001")
	if changed, err := r.Refresh(ctx); err != nil || !changed {
		t.Fatalf("refresh after a new payment: changed %v, %v", changed, err)
	}
	p, err := r.Page(ctx, Query{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Transactions[0]; got.TxnID.String() != id || got.Sum.Minor != 12345 {
		t.Errorf("newest row %s %v, want the new %s", got.TxnID, got.Sum, id)
	}
	// A payment stays WAITING until the sandbox settles it.
	pay := qiwiapi.Payment{Provider: qiwiapi.ProviderWalletTransfer, ID: "1717000000001",
		Sum: qiwiapi.Amount{Minor: 1000, Currency: qiwiapi.RUB}, Fields: map[string]string{"account": "+" + e.sb.Server.OtherWallets()[0]}}
	if _, _, err := e.api.Payments.Pay(ctx, pay); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	// WAITING rows are re-read with one list request per run of them,
	// never one detail request each.
	waiting, _ := e.st.Summary(ctx, e.wallet, store.Filter{Statuses: []qiwiapi.TxnStatus{qiwiapi.StatusWaiting}})
	if waiting.Count == 0 {
		t.Fatal("no WAITING payment is cached")
	}
	e.sb.Server.SettleNow()
	e.sb.Server.ResetRequests()
	if _, err := r.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range e.sb.Server.Requests() {
		if strings.Contains(q.Path, "/transactions/") {
			t.Errorf("a detail request: %s", q.Path)
		}
	}
	if n := len(lists(e.sb)); n > 2 {
		t.Errorf("the refresh took %d list requests, want the newest page and one per window with WAITING rows", n)
	}
	waiting, _ = e.st.Summary(ctx, e.wallet, store.Filter{Statuses: []qiwiapi.TxnStatus{qiwiapi.StatusWaiting}})
	if waiting.Count != 0 {
		t.Errorf("%d WAITING rows left after they settled", waiting.Count)
	}
	// Offline: the cache still answers, and the status line says so.
	e.sb.Close()
	if _, err := r.Refresh(ctx); err == nil {
		t.Fatal("refresh against a closed sandbox succeeded")
	}
	p, err = r.Page(ctx, Query{}, nil)
	if err != nil || len(p.Transactions) != PageSize {
		t.Fatalf("offline page: %d rows, %v", len(p.Transactions), err)
	}
	if line := r.Status().Line(nil, time.Local); !strings.Contains(line, "from cache, last synced at") || !strings.Contains(line, "offline") {
		t.Errorf("offline status %q", line)
	}
}

func TestClosedWindowTotalsAreKept(t *testing.T) {
	e := newEnv(t, 6_000)
	r := e.reader(t, nil)
	ctx := t.Context()
	q := Query{Operation: qiwiapi.OperationIn, Start: end.AddDate(0, -20, 0), End: end}
	totals := func() int {
		e.sb.Server.ResetRequests()
		if _, err := r.Totals(ctx, q); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, q := range e.sb.Server.Requests() {
			if strings.HasSuffix(q.Path, "/payments/total") {
				n++
			}
		}
		return n
	}
	n := totals()
	if pieces := len(windowsOf(r.origin, q.Start, q.End)); n != pieces {
		t.Fatalf("totals of %d windows took %d requests", pieces, n)
	}
	// Again: the windows have ended (the clock is past end) and hold no
	// WAITING row, so their totals were kept.
	if n := totals(); n != 0 {
		t.Errorf("totals again took %d requests, want 0", n)
	}
	// Once the cache holds the range, nothing is asked.
	if err := r.Sync(ctx, q.Start); err != nil {
		t.Fatal(err)
	}
	if n := totals(); n != 0 {
		t.Errorf("totals of a cached range took %d requests", n)
	}
}

func TestStaleRefreshReadsAfterAFirstPage(t *testing.T) {
	e := newEnv(t, 600)
	r := e.reader(t, nil)
	ctx := t.Context()
	if _, err := r.Page(ctx, Query{}, nil); err != nil {
		t.Fatal(err)
	}
	// A payment arrives and a verified notification says so: the refresh
	// that follows must read it, although a page has just read the top.
	id := e.sb.Server.AddIncoming(e.wallet, 4242, 643, "79990000001")
	r.Stale()
	if changed, err := r.Refresh(ctx); err != nil || !changed {
		t.Fatalf("refresh after a notification: changed %v, %v", changed, err)
	}
	n, _ := strconv.ParseInt(id, 10, 64)
	if _, err := e.st.Cached(ctx, e.wallet, n, qiwiapi.TypeIn); err != nil {
		t.Errorf("the new payment %s is not cached: %v", id, err)
	}
}

// A background fill may hold a window for as long as QIWI blocks the
// wallet; a refresh of that window gives up at its own deadline instead of
// waiting the pause out behind it.
func TestRefreshDoesNotWaitBehindAHeldFill(t *testing.T) {
	e := newEnv(t, 3_000)
	h := &heldAPI{API: e.api.History, release: make(chan struct{}), held: make(chan struct{}, 1), byPrio: map[budget.Priority]int{}}
	r := e.reader(t, h)
	if _, err := r.Page(t.Context(), Query{}, nil); err != nil {
		t.Fatal(err)
	}
	// Wait until the newest window's fill is held in a Background request
	// (on a busy machine the fill may not have started yet).
	select {
	case <-h.held:
	case <-time.After(30 * time.Second): // a hang, not a timing
		t.Fatal("no background fill started after the first page")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		r.Stale()
		_, err := r.Refresh(ctx)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("refresh behind a held fill: %v, want its deadline", err)
		}
	case <-time.After(30 * time.Second): // a hang, not a timing: the refresh never returned
		t.Fatal("the refresh waited behind the held fill past its deadline")
	}
	close(h.release)
	r.Wait()
}

// TestPageByAmountReadsTheWholeCache: a query in store.OrderAmount pages
// through every cached row once, roubles first, each currency's largest
// sums first and currencies never mixed, from the cache alone (QIWI is not asked), and
// its cursor goes on where the last page ended.
func TestPageByAmountReadsTheWholeCache(t *testing.T) {
	const rows = 1_500
	e := newEnv(t, rows)
	r := e.reader(t, nil)
	if err := r.Sync(t.Context(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	e.sb.Server.ResetRequests()
	var got []qiwiapi.Transaction
	var cur *Cursor
	for {
		p, err := r.Page(t.Context(), Query{Order: store.OrderAmount}, cur)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p.Transactions...)
		if p.Next == nil {
			break
		}
		cur = p.Next
	}
	if len(got) != rows {
		t.Fatalf("%d rows, the cache holds %d", len(got), rows)
	}
	if n := len(lists(e.sb)); n != 0 {
		t.Errorf("sorting asked QIWI %d times", n)
	}
	currencies := map[qiwiapi.Currency]bool{}
	for i := 1; i < len(got); i++ {
		a, b := got[i-1].Sum, got[i].Sum
		if a.Currency != b.Currency {
			if currencies[b.Currency] || a.Currency != qiwiapi.RUB && (b.Currency == qiwiapi.RUB || a.Currency > b.Currency) {
				t.Fatalf("row %d: %s comes back after %s", i, b.Currency.Code(), a.Currency.Code())
			}
			currencies[a.Currency] = true
			continue
		}
		if a.Minor < b.Minor {
			t.Fatalf("row %d: %s after %s", i, b.Format(), a.Format())
		}
	}
	if len(currencies) < 1 {
		t.Errorf("the demo wallet has one currency only: the test proves little")
	}
}
