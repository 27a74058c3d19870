package reader

import (
	"context"
	"path/filepath"
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

// end is the sandbox's "now" in tests with a fixed clock.
var end = time.Date(2026, 6, 1, 12, 0, 0, 0, qiwiapi.Moscow)

type env struct {
	sb     *sandbox.Running
	st     *store.Store
	api    *qiwiapi.Client
	wallet string
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

// newEnv starts a sandbox with rows transactions and a fixed clock, no
// request limit, and an empty store.
func newEnv(t testing.TB, rows int) *env {
	t.Helper()
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{Seed: 3, End: end, Now: func() time.Time { return end },
		Transactions: rows, SettleDelay: time.Hour, HistoryPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	api, err := qiwiapi.NewClient(sb.Server.DemoToken(), qiwiapi.WithBaseURL(sb.URL), qiwiapi.WithRetry(qiwiapi.RetryPolicy{}),
		qiwiapi.WithHistoryBudget(1_000_000))
	if err != nil {
		t.Fatal(err)
	}
	return &env{sb: sb, st: openStore(t), api: api, wallet: sb.Server.DemoWallet()}
}

func (e *env) reader(t testing.TB, api API) *Reader {
	if api == nil {
		api = e.api.History
	}
	r := New(Options{Store: e.st, API: api, Wallet: e.wallet, Now: func() time.Time { return end }})
	t.Cleanup(r.Close)
	return r
}

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
	mu      sync.Mutex
	byPrio  map[budget.Priority]int
}

func (h *heldAPI) List(ctx context.Context, wallet string, o qiwiapi.HistoryOptions) (*qiwiapi.HistoryPage, *qiwiapi.Response, error) {
	p := budget.PriorityOf(ctx)
	if p == budget.Background {
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

// checkSync asserts that a full sync cached every row once, with
// ceil(rows/50) requests per window (one per empty window).
func checkSync(t *testing.T, e *env, r *Reader, rows int, reqs []sandbox.Request, emptyAllowed int) {
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
		if want := max(1, (n+49)/50); got != want {
			t.Errorf("window %s: %d rows took %d requests, want %d", w.start.Format(time.DateOnly), n, got, want)
		}
	}
	if empty > emptyAllowed {
		t.Errorf("%d empty windows asked, want at most %d", empty, emptyAllowed)
	}
}

func TestSyncFullHistory(t *testing.T) {
	e := newEnv(t, 3000)
	r := e.reader(t, nil)
	e.sb.Server.ResetRequests()
	if err := r.Sync(t.Context(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	// Windows are read 4 at a time and finish out of order: past the 4 empty
	// windows in a row that end the walk, up to 2x3 more may have started.
	checkSync(t, e, r, 3000, lists(e.sb), 4+2*3)
	t.Logf("%d requests", len(lists(e.sb)))
	// Everything is cached now: a page anywhere and totals cost nothing.
	e.sb.Server.ResetRequests()
	q := Query{Start: end.AddDate(-1, 0, 0), End: end}
	if _, err := r.Totals(t.Context(), q); err != nil {
		t.Fatal(err)
	}
	var cur *Cursor
	rows := 0
	for {
		p, err := r.Page(t.Context(), Query{}, cur)
		if err != nil {
			t.Fatal(err)
		}
		rows += len(p.Transactions)
		if p.Next == nil {
			break
		}
		cur = p.Next
	}
	if rows != 3000 {
		t.Errorf("paged %d rows, want 3000", rows)
	}
	if n := len(e.sb.Server.Requests()); n != 0 {
		t.Errorf("%d requests over a synced cache", n)
	}
}
