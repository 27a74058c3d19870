package history

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/sandbox"
	"qiwidash/store"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

// cacheEnv is a wallet sandbox that can be closed mid-test, a store file,
// and the screen's Common wired to both.
type cacheEnv struct {
	sb     *sandbox.Running
	c      *common.Common
	path   string
	wallet string
}

func newCacheEnv(t *testing.T) *cacheEnv {
	t.Helper()
	base := uitest.New(t) // styles, keys, clock; its own sandboxes stay unused
	keyring.MockInit()
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{Seed: 3, End: uitest.Now, Now: func() time.Time { return uitest.Now },
		Transactions: 1200, SettleDelay: time.Hour, HistoryPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	api, err := qiwiapi.NewClient(sb.Server.DemoToken(), qiwiapi.WithBaseURL(sb.URL), qiwiapi.WithRetry(qiwiapi.RetryPolicy{}),
		qiwiapi.WithGate(budget.New(budget.Options{PerMinute: 100000})))
	if err != nil {
		t.Fatal(err)
	}
	c := *base.Common
	c.API, c.Wallet = api, sb.Server.DemoWallet()
	return &cacheEnv{sb: sb, c: &c, path: filepath.Join(t.TempDir(), "qiwidash.db"), wallet: c.Wallet}
}

// open opens the store file and a History screen over its cache, and runs
// the screen's start (first page from the file, then the background sync).
func (e *cacheEnv) open(t *testing.T) (*store.Store, *Model) {
	t.Helper()
	st, err := store.Open(e.path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sy := &store.Syncer{Store: st, API: e.c.API.History, Now: func() time.Time { return uitest.Now }}
	m := NewWithSource(e.c, NewCachedSource(st, sy, e.wallet))
	m.SetSize(uitest.Width, uitest.Height)
	uitest.Run(m, m.Init(), limit)
	return st, m
}

func (e *cacheEnv) requests(suffix string) int {
	n := 0
	for _, r := range e.sb.Server.Requests() {
		if strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

func hasTxn(m *Model, id int64) bool {
	for _, t := range m.rows {
		if int64(t.TxnID) == id {
			return true
		}
	}
	return false
}

func TestCachedSourceSyncsBackfillsAndWorksOffline(t *testing.T) {
	ctx := context.Background()
	e := newCacheEnv(t)

	// First open: an empty cache; the first page and the sync fill it.
	st, m := e.open(t)
	if m.state != stateReady || len(m.rows) < pageSize {
		t.Fatalf("first open: state %v, %d rows, err %v", m.state, len(m.rows), m.err)
	}
	if v := m.View(); !strings.Contains(v, "from cache, last synced at") {
		t.Errorf("no sync status on screen:\n%s", v)
	}
	apiFirst, err := newSource(e.c).Page(ctx, Query{Operation: qiwiapi.OperationAll}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.rows[0].Date, apiFirst.Transactions[0].Date; !got.Equal(want) {
		t.Errorf("newest row %v, QIWI's newest %v", got, want)
	}

	// A new incoming payment appears after a refresh.
	id, err := strconv.ParseInt(e.sb.Server.AddIncoming(e.wallet, 4242, 643, "+79001112233"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	press(m, "r")
	if !hasTxn(m, int64(id)) {
		t.Fatalf("the new incoming payment %d is not shown after a refresh", id)
	}

	// Scrolling past the cache backfills older windows until history ends.
	cached90, _ := st.Summary(ctx, e.wallet, store.Filter{})
	for i := 0; i < 100 && m.next != nil; i++ {
		press(m, "G")
	}
	if m.next != nil || m.moreErr != nil {
		t.Fatalf("scrolling did not reach the end: %d rows, err %v", len(m.rows), m.moreErr)
	}
	all, _ := st.Summary(ctx, e.wallet, store.Filter{})
	if all.Count <= cached90.Count || len(m.rows) != all.Count || all.Count < 1200 {
		t.Errorf("after scrolling: %d rows shown, %d cached (%d before backfill)", len(m.rows), all.Count, cached90.Count)
	}
	oldest := m.rows[len(m.rows)-1]
	if sst, _ := st.SyncStatus(ctx, e.wallet); !sst.Complete {
		t.Error("backfill did not record the beginning of history")
	}

	// Totals of a long range come from the cache and match QIWI's.
	totalsBefore := e.requests("/payments/total")
	press(m, "R")
	typeText(m, uitest.Now.AddDate(0, 0, -200).Format(dayLayout)+" "+uitest.Now.Format(dayLayout))
	press(m, "enter")
	if m.apiTotals == nil || m.totalsErr != nil {
		t.Fatalf("totals: %v, %v", m.apiTotals, m.totalsErr)
	}
	if n := e.requests("/payments/total") - totalsBefore; n != 0 {
		t.Errorf("totals of a cached range asked QIWI %d times", n)
	}
	want, err := newSource(e.c).Totals(ctx, m.q)
	if err != nil {
		t.Fatal(err)
	}
	if got, w := m.totalsText(m.apiTotals), m.totalsText(want); got != w {
		t.Errorf("cache totals %s, QIWI totals %s", got, w)
	}
	st.Close()

	// QIWI is gone: a second screen on the same file shows the cache and says offline.
	e.sb.Close()
	st, m = e.open(t)
	defer st.Close()
	if m.state != stateReady || len(m.rows) != pageSize || !hasTxn(m, int64(id)) {
		t.Fatalf("offline: state %v, %d rows (want %d, with %d), err %v", m.state, len(m.rows), pageSize, id, m.err)
	}
	v := m.View()
	if !strings.Contains(v, "from cache, last synced at") || !strings.Contains(v, "offline") {
		t.Errorf("offline status missing:\n%s", v)
	}
	// "/" searches the whole cache, not only the loaded page.
	if hasTxn(m, int64(oldest.TxnID)) {
		t.Fatalf("test setup: %d is already loaded", oldest.TxnID)
	}
	press(m, "/")
	typeText(m, itoa(int64(oldest.TxnID)))
	press(m, "enter")
	if !hasTxn(m, int64(oldest.TxnID)) || len(m.view) == 0 {
		t.Errorf("searching the cache for %d: %d rows, %d shown", oldest.TxnID, len(m.rows), len(m.view))
	}
	press(m, "esc")
	if m.q.Text != "" || len(m.rows) != pageSize {
		t.Errorf("after clearing the search: text %q, %d rows", m.q.Text, len(m.rows))
	}
	// Details of a cached transaction need no network.
	press(m, "enter")
	if m.detail == nil {
		t.Error("no detail pane offline")
	}
}

func TestCachedSourceEmptyCacheOffline(t *testing.T) {
	e := newCacheEnv(t)
	e.sb.Close()
	st, m := e.open(t)
	defer st.Close()
	if m.state != stateError || len(m.rows) != 0 {
		t.Fatalf("state %v with %d rows", m.state, len(m.rows))
	}
	if v := m.View(); !strings.Contains(v, "nothing cached yet (offline") {
		t.Errorf("status:\n%s", v)
	}
}
