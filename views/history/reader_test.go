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
	"qiwidash/store/reader"
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

// open opens the store file and a History screen over the wallet's reader
// on it, and runs the screen's start (first page, then the background
// refresh). The reader reads nothing in the background.
func (e *cacheEnv) open(t *testing.T) (*store.Store, *Model) {
	t.Helper()
	st, err := store.Open(e.path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := reader.New(reader.Options{Store: st, API: e.c.API.History, Wallet: e.wallet, Now: func() time.Time { return uitest.Now }, NoFill: true})
	m := New(e.c, r)
	m.SetSize(uitest.Width, uitest.Height)
	uitest.Run(m, m.Init(), limit)
	t.Cleanup(r.Close)
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

// qiwiTotals asks QIWI for q's totals window by window and adds them up.
func qiwiTotals(ctx context.Context, api *qiwiapi.Client, wallet string, q Query) (*qiwiapi.Totals, error) {
	sum := reader.NewSum()
	for _, w := range qiwiapi.Windows(q.Start, q.End) {
		t, _, err := api.History.Totals(ctx, wallet, qiwiapi.TotalsOptions{Start: w[0], End: w[1]})
		if err != nil {
			return nil, err
		}
		for _, a := range t.Incoming {
			sum.Add(a, true)
		}
		for _, a := range t.Outgoing {
			sum.Add(a, false)
		}
	}
	return sum.Totals(), nil
}

func TestReaderSyncsBackfillsAndWorksOffline(t *testing.T) {
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
	apiFirst, _, err := e.c.API.History.List(ctx, e.wallet, qiwiapi.HistoryOptions{Rows: pageSize})
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
	// The screen holds a bounded window of rows: count what scrolled by.
	cached90, _ := st.Summary(ctx, e.wallet, store.Filter{})
	seen := map[string]bool{}
	for i := 0; i < 100 && m.next != nil; i++ {
		press(m, "G")
		for _, r := range m.rows {
			seen[legKey(r)] = true
		}
	}
	if m.next != nil || m.moreErr != nil {
		t.Fatalf("scrolling did not reach the end: %d rows, err %v", len(m.rows), m.moreErr)
	}
	all, _ := st.Summary(ctx, e.wallet, store.Filter{})
	if all.Count <= cached90.Count || len(seen) != all.Count || all.Count < 1200 || len(m.rows) > keepRows {
		t.Errorf("after scrolling: %d rows seen, %d held, %d cached (%d before backfill)", len(seen), len(m.rows), all.Count, cached90.Count)
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
	want, err := qiwiTotals(ctx, e.c.API, e.wallet, m.q)
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

func TestReaderEmptyCacheOffline(t *testing.T) {
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
