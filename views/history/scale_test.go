package history

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/sandbox"
	"qiwidash/store"
	"qiwidash/store/reader"
	"qiwidash/ui/uitest"
)

// memReader is a fake engine: n synthetic rows in memory, paged by
// cursor both ways, counting what it served.
type memReader struct {
	rows  []qiwiapi.Transaction
	index map[qiwiapi.FlexInt]int
	mu    sync.Mutex
	at    map[*Cursor]int  // the row index a cursor's page starts at (going down) or ends before (going up)
	up    map[*Cursor]bool // cursors going up
}

func newMemReader(n int) *memReader {
	f := &memReader{rows: synthetic(n), index: map[qiwiapi.FlexInt]int{}, at: map[*Cursor]int{}, up: map[*Cursor]bool{}}
	for i, t := range f.rows {
		f.index[t.TxnID] = i
	}
	return f
}

func (f *memReader) Below(t qiwiapi.Transaction) *Cursor {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := &Cursor{}
	f.at[c] = f.index[t.TxnID] + 1
	return c
}

func (f *memReader) Above(t qiwiapi.Transaction) *Cursor {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := &Cursor{}
	f.at[c], f.up[c] = f.index[t.TxnID], true
	return c
}

func (f *memReader) Page(_ context.Context, _ Query, cur *Cursor) (Page, error) {
	f.mu.Lock()
	i, up := 0, false
	if cur != nil {
		i, up = f.at[cur], f.up[cur]
	}
	f.mu.Unlock()
	if up {
		lo := max(0, i-reader.PageSize)
		p := Page{Transactions: f.rows[lo:i]}
		if lo > 0 {
			p.Next = f.Above(f.rows[lo])
		}
		return p, nil
	}
	hi := min(len(f.rows), i+reader.PageSize)
	p := Page{Transactions: f.rows[i:hi]}
	if hi < len(f.rows) {
		p.Next = f.Below(f.rows[hi-1])
	}
	return p, nil
}

func (f *memReader) Totals(context.Context, Query) (*qiwiapi.Totals, error) {
	return &qiwiapi.Totals{}, nil
}

func (f *memReader) Transaction(_ context.Context, id int64) (*qiwiapi.Transaction, error) {
	t := f.rows[f.index[qiwiapi.FlexInt(id)]]
	return &t, nil
}

func (f *memReader) Refresh(context.Context) (bool, error) { return false, nil }
func (f *memReader) Export(context.Context, Query, io.Writer, string) (int, error) {
	return 0, errors.New("the fake engine does not export")
}
func (f *memReader) Status() reader.Status { return reader.Status{} }

func TestBoundedWindowOver100kRows(t *testing.T) {
	env := uitest.New(t)
	const n = 100_000
	f := newMemReader(n)
	m := New(env.Common, f)
	m.SetSize(uitest.Width, uitest.Height)
	uitest.Run(m, m.Init(), limit)
	most := 0
	seen := 0
	last := qiwiapi.FlexInt(-1)
	for i := 0; i < 10*n/reader.PageSize && m.next != nil; i++ {
		press(m, "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown")
		most = max(most, len(m.rows))
		if sel, ok := m.selected(); ok && sel.TxnID != last {
			last = sel.TxnID
			seen = f.index[sel.TxnID] + 1
		}
	}
	press(m, "G")
	if sel, ok := m.selected(); ok {
		seen = f.index[sel.TxnID] + 1
	}
	if m.next != nil || seen != n {
		t.Fatalf("scrolling stopped at row %d of %d", seen, n)
	}
	if most > keepRows || len(m.rows) > keepRows {
		t.Fatalf("the screen held up to %d rows, its bound is %d", most, keepRows)
	}
	if got, _ := m.selected(); got.TxnID != f.rows[n-1].TxnID {
		t.Errorf("the last row selected is %d, want %d", got.TxnID, f.rows[n-1].TxnID)
	}
	// The position is the row's place in the list, not in the held window.
	if want := fmt.Sprintf("row %d of %d", n, n); !strings.Contains(m.View(), want) {
		t.Errorf("at the bottom the status line lacks %q", want)
	}
	// And back up to the newest row: the rows let go come back, in order.
	for i := 0; i < 10*n/reader.PageSize && (m.above != nil || m.cursor > 0); i++ {
		press(m, "pgup", "pgup", "pgup", "pgup", "pgup", "pgup")
		most = max(most, len(m.rows))
	}
	if got, _ := m.selected(); got.TxnID != f.rows[0].TxnID || m.above != nil {
		t.Fatalf("back at the top: txn %d selected, more above %v", got.TxnID, m.above != nil)
	}
	if most > keepRows {
		t.Fatalf("the screen held up to %d rows, its bound is %d", most, keepRows)
	}
	if want := fmt.Sprintf("row 1 of %d", len(m.rows)); !strings.Contains(m.View(), want) {
		t.Errorf("back at the top the status line lacks %q", want)
	}
	for i := 1; i < len(m.rows); i++ {
		if f.index[m.rows[i].TxnID] != f.index[m.rows[i-1].TxnID]+1 {
			t.Fatalf("held rows out of order at %d", i)
		}
	}
}

// driver runs a model the way the bubbletea runtime does: every command in
// its own goroutine, every message through Update on one goroutine.
type driver struct {
	m       *Model
	msgs    chan tea.Msg
	pending sync.WaitGroup
}

func newDriver(m *Model) *driver { return &driver{m: m, msgs: make(chan tea.Msg, 4096)} }

func (d *driver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	d.pending.Add(1)
	go func() { d.msgs <- cmd() }()
}

func (d *driver) deliver(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.exec(c)
		}
	default:
		_, cmd := d.m.Update(msg)
		d.exec(cmd)
	}
}

// key sends a key and delivers whatever has arrived, without waiting.
func (d *driver) key(k string) {
	d.deliver(uitest.Key(k))
	for {
		select {
		case msg := <-d.msgs:
			d.deliver(msg)
			d.pending.Done()
		default:
			return
		}
	}
}

// wait delivers what arrives for d of real time.
func (d *driver) wait(dur time.Duration) {
	deadline := time.After(dur)
	for {
		select {
		case msg := <-d.msgs:
			d.deliver(msg)
			d.pending.Done()
		case <-deadline:
			return
		}
	}
}

// settle delivers messages until no command is running.
func (d *driver) settle(t *testing.T) {
	done := make(chan struct{})
	go func() { d.pending.Wait(); close(done) }()
	for {
		select {
		case msg := <-d.msgs:
			d.deliver(msg)
			d.pending.Done()
		case <-done:
			select {
			case msg := <-d.msgs: // one more may have come
				d.deliver(msg)
				d.pending.Done()
				done = make(chan struct{})
				go func() { d.pending.Wait(); close(done) }()
				continue
			default:
			}
			return
		case <-time.After(60 * time.Second):
			t.Fatal("the screen never settled")
		}
	}
}

// TestFilterBurstOverTwentyMonths is the repro: a 20-month range,
// then o and c pressed 7 times each in a burst (the issue: o 8 times and c
// 6 times; this order ends on a filter other than the first), against the sandbox with
// QIWI's real request limit, through the engine's reader and its scheduler
// (the real budget, on a scaled clock) and a real SQLite cache.
func TestFilterBurstOverTwentyMonths(t *testing.T) {
	base := uitest.New(t) // styles and keys
	start := time.Date(2026, 11, 20, 12, 0, 0, 0, qiwiapi.Moscow)
	clk := budget.NewScaledClock(start, 300)
	srv := sandbox.New(sandbox.Options{Seed: 4, End: start, Now: clk.Now, HistoryRows: 6000, SettleDelay: time.Hour})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	sched := budget.New(budget.Options{Clock: clk})
	api, err := qiwiapi.NewClient(srv.DemoToken(), qiwiapi.WithBaseURL(hs.URL), qiwiapi.WithGate(sched), qiwiapi.WithRetry(qiwiapi.RetryPolicy{MaxRetries: 2}))
	if err != nil {
		t.Fatal(err)
	}
	keyring.MockInit()
	st, err := store.Open(filepath.Join(t.TempDir(), "qiwidash.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r := reader.New(reader.Options{Store: st, API: api.History, Wallet: srv.DemoWallet(), Now: clk.Now, Budget: sched})
	t.Cleanup(r.Close)
	c := *base.Common
	c.API, c.Wallet, c.Now = api, srv.DemoWallet(), clk.Now

	m := New(&c, r)
	m.SetSize(uitest.Width, uitest.Height)
	d := newDriver(m)
	d.exec(m.Init())
	d.settle(t)
	d.key("R")
	for _, ch := range start.AddDate(0, -20, 0).Format(dayLayout) + " " + start.Format(dayLayout) {
		d.key(string(ch))
	}
	d.key("enter")
	// 14 changes within 10 s of the clock: one every 0.7 s.
	gap := 700 * time.Millisecond / 300
	for range 7 {
		d.key("o")
		d.wait(gap)
		d.key("c")
		d.wait(gap)
	}
	d.settle(t)
	r.Wait()

	if n := srv.Stats().Status["423"]; n != 0 {
		t.Fatalf("%d answers were 423", n)
	}
	// o cycles through 4 operations, c through 6 sources: QIWI card
	// purchases paid from the rouble account.
	want := Query{Operation: qiwiapi.OperationQIWICard, Sources: []qiwiapi.Source{qiwiapi.SourceRUB}, Start: m.q.Start, End: m.q.End}
	if m.q.Operation != want.Operation || len(m.q.Sources) != 1 || m.q.Sources[0] != qiwiapi.SourceRUB || !m.q.HasRange() {
		t.Fatalf("query after the burst: %+v", m.q)
	}
	for _, tx := range m.rows {
		if tx.Type != qiwiapi.TypeQIWICard || tx.Source == nil || tx.Source.ID != 7 {
			t.Fatalf("txn %s on screen is not of the last filter", legKey(tx))
		}
	}
	if m.state != stateReady || len(m.rows) == 0 {
		t.Fatalf("state %v, %d rows, err %v", m.state, len(m.rows), m.err)
	}
	// Only the last filter's results: exactly what the reader gives for it.
	p, err := r.Page(t.Context(), want, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, tx := range p.Transactions {
		if i >= len(m.rows) || m.rows[i].TxnID != tx.TxnID || m.rows[i].Type != tx.Type {
			t.Fatalf("row %d on screen is not the last filter's", i)
		}
	}
	if !m.totStart.Equal(want.Start) || !m.totEnd.Equal(want.End) || m.apiTotals == nil || m.totalsErr != nil {
		t.Errorf("totals of %v…%v: %v, %v", m.totStart, m.totEnd, m.apiTotals, m.totalsErr)
	}
	st2 := srv.Stats()
	t.Logf("burst of 14 filter changes: %d requests (%v), scheduler %+v", st2.Requests["GET /payment-history/v2/persons/{wallet}/payments"]+
		st2.Requests["GET /payment-history/v2/persons/{wallet}/payments/total"], st2.Status, sched.Status())
}
