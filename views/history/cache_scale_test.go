package history

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
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

// The History screen at real-wallet scale, on the real path: a SQLite cache
// in a temporary directory, the engine's reader (store/reader) over it and
// the screen model, driven key by key. TestHistory12k* runs in go test
// against the sandbox; BenchmarkScrollCache100k measures the process's
// memory while the screen scrolls through 100,000 cached rows.

// TestHistory12kFirstPageAndBoundedScroll: on an empty cache of a
// 12,000-row sandbox wallet, the screen's first page costs one list
// request; scrolling to the bottom keeps the held rows within keepRows at
// every step and reaches the wallet's oldest row; a second screen on the
// filled cache scrolls to the bottom and back without a list request.
func TestHistory12kFirstPageAndBoundedScroll(t *testing.T) {
	const rows = 12_000
	base := uitest.New(t) // styles and keys; its own sandbox stays unused
	keyring.MockInit()
	now := func() time.Time { return uitest.Now }
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{Seed: 5, End: uitest.Now, Now: now, HistoryRows: rows,
		SettleDelay: time.Hour, HistoryPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	api, err := qiwiapi.NewClient(sb.Server.DemoToken(), qiwiapi.WithBaseURL(sb.URL), qiwiapi.WithRetry(qiwiapi.RetryPolicy{}),
		qiwiapi.WithGate(budget.New(budget.Options{PerMinute: 1 << 20})))
	if err != nil {
		t.Fatal(err)
	}
	c := *base.Common
	c.API, c.Wallet = api, sb.Server.DemoWallet()
	path := filepath.Join(t.TempDir(), "qiwidash.db")
	lists := func() int {
		n := 0
		for _, r := range sb.Server.Requests() {
			if strings.HasSuffix(r.Path, "/payments") {
				n++
			}
		}
		return n
	}
	open := func() *Model {
		st, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		r := reader.New(reader.Options{Store: st, API: api.History, Wallet: c.Wallet, Now: now, NoFill: true})
		t.Cleanup(r.Close)
		m := New(&c, r)
		m.SetSize(uitest.Width, uitest.Height)
		return m
	}

	// The first page on an empty cache: one list request, painted.
	m := open()
	sb.Server.ResetRequests()
	uitest.Run(m, m.Init(), limit)
	if n := lists(); n != 1 {
		t.Fatalf("the first page on an empty cache took %d list requests, want 1", n)
	}
	if m.state != stateReady || len(m.rows) != pageSize {
		t.Fatalf("first page: state %v, %d rows, err %v", m.state, len(m.rows), m.err)
	}
	if v := m.View(); !strings.Contains(v, "row 1 of "+strconv.Itoa(pageSize)) {
		t.Fatalf("the first page is not on screen:\n%s", v)
	}
	newest, _, err := api.History.List(t.Context(), c.Wallet, qiwiapi.HistoryOptions{Rows: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(newest.Transactions) != 1 || m.rows[0].TxnID != newest.Transactions[0].TxnID {
		t.Fatalf("the first row is not the wallet's newest")
	}

	// Down to the bottom, the cache filled page by page from QIWI.
	sb.Server.ResetRequests()
	seen, oldest := scrollDown(t, m, "pgdown")
	if len(seen) != rows {
		t.Fatalf("scrolled past %d rows, the wallet has %d", len(seen), rows)
	}
	t.Logf("scrolling %d rows down from an empty cache: %d list requests", len(seen), lists())
	// The oldest row is the wallet's: about 24 months back, nothing older at QIWI.
	from := uitest.Now.AddDate(0, -24, 0)
	if oldest.Date.Before(from) || oldest.Date.After(from.AddDate(0, 0, 1)) {
		t.Fatalf("the bottom row is of %v, the wallet's history starts %v", oldest.Date, from)
	}
	older, _, err := api.History.List(t.Context(), c.Wallet, qiwiapi.HistoryOptions{Rows: pageSize,
		Start: oldest.Date.Add(-qiwiapi.MaxHistoryWindow + time.Second), End: oldest.Date.Add(-time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if len(older.Transactions) != 0 {
		t.Fatalf("QIWI holds %d rows older than the bottom row", len(older.Transactions))
	}

	// A second screen on the filled cache: everything from SQLite.
	m = open()
	sb.Server.ResetRequests()
	uitest.Run(m, m.Init(), limit)
	refresh := lists() // the refresh reads the newest rows: one request
	if refresh > 1 || m.state != stateReady || m.rows[0].TxnID != newest.Transactions[0].TxnID {
		t.Fatalf("reopened: %d list requests, state %v, err %v", refresh, m.state, m.err)
	}
	seen2, oldest2 := scrollDown(t, m, "G")
	if len(seen2) != len(seen) || oldest2.TxnID != oldest.TxnID {
		t.Fatalf("from the cache: %d rows down to txn %d, from QIWI %d down to %d", len(seen2), oldest2.TxnID, len(seen), oldest.TxnID)
	}
	if want := fmt.Sprintf("row %d of %d", len(seen), len(seen)); !strings.Contains(m.View(), want) {
		t.Errorf("at the bottom the status line lacks %q", want)
	}
	scrollUp(t, m)
	if got, _ := m.selected(); got.TxnID != newest.Transactions[0].TxnID {
		t.Fatalf("back at the top: txn %d selected", got.TxnID)
	}
	if n := lists() - refresh; n != 0 {
		t.Fatalf("scrolling the cached history made %d list requests", n)
	}
}

// scrollDown presses key until the screen is at the bottom of the history,
// checking the bound on held rows at every step. It returns the rows seen
// (by leg) and the last one.
func scrollDown(t *testing.T, m *Model, k string) (map[string]bool, qiwiapi.Transaction) {
	t.Helper()
	seen := map[string]bool{}
	var last qiwiapi.Transaction
	for i := 0; m.next != nil || m.cursor < len(m.view)-1; i++ {
		if i > 10_000 {
			t.Fatalf("no bottom after %d presses: %d rows held, err %v", i, len(m.rows), m.moreErr)
		}
		press(m, k)
		if len(m.rows) > keepRows {
			t.Fatalf("press %d: the screen holds %d rows, its bound is %d", i, len(m.rows), keepRows)
		}
		for j, r := range m.rows {
			if j > 0 && r.Date.After(m.rows[j-1].Date) {
				t.Fatalf("press %d: held rows out of order at %d", i, j)
			}
			seen[legKey(r)] = true
		}
		if m.moreErr != nil {
			t.Fatalf("press %d: %v", i, m.moreErr)
		}
	}
	last, _ = m.selected()
	if last.TxnID != m.rows[len(m.rows)-1].TxnID {
		t.Fatalf("the bottom row is not selected")
	}
	return seen, last
}

// scrollUp presses pgup until the screen is at the top, checking the bound.
func scrollUp(t *testing.T, m *Model) {
	t.Helper()
	for i := 0; m.above != nil || m.cursor > 0; i++ {
		if i > 10_000 {
			t.Fatalf("no top after %d presses", i)
		}
		press(m, "pgup")
		if len(m.rows) > keepRows {
			t.Fatalf("press %d: the screen holds %d rows, its bound is %d", i, len(m.rows), keepRows)
		}
	}
}

// errTripwire answers every call to QIWI in the cache benchmark.
var errTripwire = errors.New("benchmark: QIWI is not reachable")

// tripwireAPI stands for QIWI where every page must come from the cache:
// it answers nothing and counts the calls.
type tripwireAPI struct{ lists, totals, details atomic.Int64 }

func (a *tripwireAPI) List(context.Context, string, qiwiapi.HistoryOptions) (*qiwiapi.HistoryPage, *qiwiapi.Response, error) {
	a.lists.Add(1)
	return nil, nil, errTripwire
}

func (a *tripwireAPI) Totals(context.Context, string, qiwiapi.TotalsOptions) (*qiwiapi.Totals, *qiwiapi.Response, error) {
	a.totals.Add(1)
	return nil, nil, errTripwire
}

func (a *tripwireAPI) Transaction(context.Context, int64, qiwiapi.TxnType) (*qiwiapi.Transaction, *qiwiapi.Response, error) {
	a.details.Add(1)
	return nil, nil, errTripwire
}

// cachedRow is row i (0: the newest) of the benchmark's wallet: one every
// 25 minutes back from newest, in four currencies, three types, successes
// with some errors, and comments of varying length.
func cachedRow(wallet int64, newest time.Time, i int) qiwiapi.Transaction {
	providers := []*qiwiapi.Provider{
		{ID: 99, ShortName: "QIWI Кошелек", LongName: "Перевод на QIWI Кошелек"},
		{ID: 1963, ShortName: "Visa (RU)", LongName: "Перевод на карту Visa"},
		{ID: 2, ShortName: "Билайн", LongName: "Оплата мобильной связи Билайн"},
		{ID: 26476, ShortName: "Яндекс Такси", LongName: "Оплата поездки"},
		{ID: 1099, ShortName: "Ростелеком", LongName: "Домашний интернет и ТВ"},
	}
	currencies := []qiwiapi.Currency{qiwiapi.RUB, qiwiapi.RUB, qiwiapi.RUB, qiwiapi.RUB, qiwiapi.RUB, qiwiapi.RUB, qiwiapi.USD, qiwiapi.EUR, qiwiapi.KZT, qiwiapi.RUB}
	comments := []string{"", "подарок маме", "за обед", "аренда за " + newest.AddDate(0, -i/1700, 0).Format("01.2006"),
		"возврат долга, спасибо!", "", "order #" + strconv.Itoa(100000+i%9000), "коммуналка: свет, вода, газ, отопление и вывоз мусора"}
	h := uint64(i)*0x9E3779B97F4A7C15 + 1
	h ^= h >> 29
	cur := currencies[i%len(currencies)]
	typ, st := qiwiapi.TypeOut, qiwiapi.StatusSuccess
	switch {
	case i%5 == 0:
		typ = qiwiapi.TypeIn
	case i%11 == 0:
		typ = qiwiapi.TypeQIWICard
	}
	sum := qiwiapi.Amount{Minor: int64(100 + h%2_000_000), Currency: cur}
	fee := qiwiapi.Amount{Currency: cur}
	if typ == qiwiapi.TypeOut && i%3 == 0 {
		fee.Minor = sum.Minor / 100
	}
	t := qiwiapi.Transaction{
		TxnID: qiwiapi.FlexInt(40_000_000_000 - int64(i)), PersonID: qiwiapi.FlexInt(wallet),
		Date: newest.Add(-time.Duration(i) * 25 * time.Minute), Type: typ, Status: st, StatusText: "Success",
		Account: fmt.Sprintf("+7%010d", 9_160_000_000+h%10_000_000), Sum: sum, Commission: fee,
		Total: qiwiapi.Amount{Minor: sum.Minor + fee.Minor, Currency: cur}, Provider: providers[h%uint64(len(providers))],
		Source: &qiwiapi.Provider{ID: 7, ShortName: "QIWI Wallet"}, Comment: comments[h%uint64(len(comments))],
	}
	if i%23 == 0 {
		msg := "Недостаточно средств"
		t.Status, t.StatusText, t.ErrorCode, t.Error = qiwiapi.StatusError, "Error", 3, &msg
	}
	return t
}

// seedCache writes n rows of wallet into the store file at path, in
// batches of 1,000, and records that the cache holds the wallet's whole
// history (every window of the reader's grid down to the oldest row is
// complete, and nothing is older), as a full sync would leave it.
func seedCache(tb testing.TB, path, wallet string, now time.Time, n int) {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(path, store.Options{Now: func() time.Time { return now }})
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	id, _ := strconv.ParseInt(wallet, 10, 64)
	newest := now.Add(-time.Minute)
	batch := make([]qiwiapi.Transaction, 0, 1000)
	for i := range n {
		batch = append(batch, cachedRow(id, newest, i))
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := st.Upsert(ctx, wallet, batch); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	oldest := cachedRow(id, newest, n-1).Date
	// The grid the reader would make on its first read (its newest window
	// ends an hour after now), each window complete.
	origin, err := st.HistoryGrid(ctx, wallet, now.Add(time.Hour).Unix()+1)
	if err != nil {
		tb.Fatal(err)
	}
	for start := time.Unix(origin, 0).Add(-qiwiapi.MaxHistoryWindow).In(qiwiapi.Moscow); ; start = start.Add(-qiwiapi.MaxHistoryWindow) {
		end := start.Add(qiwiapi.MaxHistoryWindow - time.Second)
		if err := st.SaveCoverage(ctx, wallet, store.Coverage{Start: start, Top: end, Low: start.Add(-time.Second)}); err != nil {
			tb.Fatal(err)
		}
		if !start.After(oldest) {
			if err := st.RecordHistoryStart(ctx, wallet, start); err != nil {
				tb.Fatal(err)
			}
			break
		}
	}
	if err := st.RecordSync(ctx, wallet, now, nil); err != nil {
		tb.Fatal(err)
	}
	if s, err := st.Summary(ctx, wallet, store.Filter{}); err != nil || s.Count != n {
		tb.Fatalf("seeded %v rows, want %d (%v)", s, n, err)
	}
}

// procStatusKB reads a field of /proc/self/status in kB (0 when absent).
func procStatusKB(field string) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb
		}
	}
	return 0
}

// resetPeakRSS starts VmHWM over from the current RSS (Linux 4.0+);
// false when the kernel does not allow it.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// BenchmarkScrollCache100k opens the History screen over a SQLite cache of
// 100,000 rows of one wallet (seeded with store.Upsert and recorded as a
// full sync would leave it; not timed), through the engine's reader with
// a QIWI that answers nothing, and scrolls page by page from the newest
// row to the oldest and back, rendering a frame after every key. Every
// page must come from the cache: a list request fails the benchmark.
//
// It reports the process's peak RSS while the store is opened and the
// screen scrolls (VmHWM, reset before opening; rss-start-MB is the RSS
// then, rss-growth-MB the difference), VmHWM over the process's life
// (seeding included), the Go heap after scrolling, the most rows the
// screen held, the time per page-down and page-up key with its frame, and
// the calls QIWI got (the refresh on opening asks for the newest rows: 1).
//
//	go test ./views/history/ -run '^$' -bench ScrollCache100k -benchtime 1x -count 3
func BenchmarkScrollCache100k(b *testing.B) {
	const n = 100_000
	keyring.MockInit()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, qiwiapi.Moscow)
	const wallet = "79161234567"
	path := filepath.Join(b.TempDir(), "qiwidash.db")
	seedCache(b, path, wallet, now, n)
	c := &common.Common{
		Styles: common.NewStyles(common.DefaultTheme()), Keys: common.DefaultKeys(nil), Settings: &common.Settings{},
		Now: func() time.Time { return now }, Wallet: wallet,
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		lifeHWM := procStatusKB("VmHWM")
		runtime.GC()
		debug.FreeOSMemory()
		reset := resetPeakRSS()
		startRSS := procStatusKB("VmRSS")
		startHWM := procStatusKB("VmHWM")
		b.StartTimer()

		st, err := store.Open(path, store.Options{Now: func() time.Time { return now }})
		if err != nil {
			b.Fatal(err)
		}
		qiwi := &tripwireAPI{}
		r := reader.New(reader.Options{Store: st, API: qiwi, Wallet: wallet, Now: func() time.Time { return now }, NoFill: true})
		m := New(c, r)
		m.SetSize(uitest.Width, uitest.Height)
		uitest.Run(m, m.Init(), limit)
		_ = m.View()
		if m.state != stateReady || len(m.rows) != pageSize {
			b.Fatalf("first page: state %v, %d rows, err %v", m.state, len(m.rows), m.err)
		}
		initLists := qiwi.lists.Load() // the refresh asks for the newest rows

		most, downs, ups := len(m.rows), 0, 0
		t0 := time.Now()
		for m.next != nil || m.cursor < len(m.view)-1 {
			press(m, "pgdown")
			_ = m.View()
			downs++
			most = max(most, len(m.rows))
			if m.moreErr != nil || downs > 2*n {
				b.Fatalf("page-down %d: %d rows held, err %v", downs, len(m.rows), m.moreErr)
			}
		}
		down := time.Since(t0)
		if sel, _ := m.selected(); sel.TxnID != qiwiapi.FlexInt(40_000_000_000-n+1) {
			b.Fatalf("the bottom row is txn %d, the oldest is %d", sel.TxnID, 40_000_000_000-n+1)
		}
		if want := fmt.Sprintf("row %d of %d", n, n); !strings.Contains(m.View(), want) {
			b.Fatalf("at the bottom the status line lacks %q", want)
		}
		t0 = time.Now()
		for m.above != nil || m.cursor > 0 {
			press(m, "pgup")
			_ = m.View()
			ups++
			most = max(most, len(m.rows))
			if ups > 2*n {
				b.Fatal("no top")
			}
		}
		up := time.Since(t0)
		if sel, _ := m.selected(); sel.TxnID != 40_000_000_000 {
			b.Fatalf("back at the top: txn %d selected", sel.TxnID)
		}
		if extra := qiwi.lists.Load() - initLists; extra != 0 {
			b.Fatalf("%d pages were asked of QIWI: the cache did not serve them", extra)
		}

		b.StopTimer()
		peak := procStatusKB("VmHWM")
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		r.Close()
		st.Close()
		if !reset {
			b.Logf("VmHWM could not be reset: peak-rss-MB is the process's, seeding included (%.0f kB before opening)", startHWM)
		}
		b.ReportMetric(peak/1024, "peak-rss-MB")
		b.ReportMetric(startRSS/1024, "rss-start-MB")
		b.ReportMetric((peak-startRSS)/1024, "rss-growth-MB")
		b.ReportMetric(lifeHWM/1024, "life-hwm-MB")
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
		b.ReportMetric(float64(most), "rows-held-max")
		b.ReportMetric(float64(down.Microseconds())/1000/float64(downs), "ms/pgdown")
		b.ReportMetric(float64(up.Microseconds())/1000/float64(ups), "ms/pgup")
		b.ReportMetric(float64(downs), "pgdowns")
		b.ReportMetric(float64(qiwi.lists.Load()+qiwi.totals.Load()+qiwi.details.Load()), "qiwi-calls")
		b.StartTimer()
	}
}
