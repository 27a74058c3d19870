package history

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
	"qiwidash/store"
	"qiwidash/store/reader"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

const limit = 500 // messages uitest.Run may handle per step

// newReader opens a store in t.TempDir() and the wallet's history reader
// over it and c's API. Without fill, nothing is read in the background, so
// that tests can count the requests a screen's moves make.
func newReader(t testing.TB, c *common.Common, fill bool) *reader.Reader {
	t.Helper()
	keyring.MockInit()
	st, err := store.Open(filepath.Join(t.TempDir(), "qiwidash.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r := reader.New(reader.Options{Store: st, API: c.API.History, Wallet: c.Wallet, Now: c.Now, NoFill: !fill})
	t.Cleanup(r.Close)
	return r
}

// setup loads the first page at the golden size.
func setup(t *testing.T) (*uitest.Env, *Model) {
	t.Helper()
	env := uitest.New(t)
	m := New(env.Common, newReader(t, env.Common, false))
	m.SetSize(uitest.Width, uitest.Height)
	uitest.Run(m, m.Init(), limit)
	if m.state != stateReady {
		t.Fatalf("state after load = %v, err %v", m.state, m.err)
	}
	return env, m
}

// press sends one key and runs whatever it starts.
func press(m *Model, keys ...string) {
	for _, k := range keys {
		_, cmd := m.Update(uitest.Key(k))
		uitest.Run(m, cmd, limit)
	}
}

// typeText types s into the focused prompt, rune by rune.
func typeText(m *Model, s string) {
	for _, r := range s {
		press(m, string(r))
	}
}

// listRequests are the sandbox's history page requests.
func listRequests(env *uitest.Env) []sandbox.Request {
	var out []sandbox.Request
	for _, r := range env.Sandbox.Server.Requests() {
		if strings.HasSuffix(r.Path, "/payments") {
			out = append(out, r)
		}
	}
	return out
}

// run executes cmd and returns the messages it yields (batches flattened),
// without feeding them to a model.
func run(cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case nil:
		default:
			out = append(out, msg)
		}
	}
	return out
}

func toastOf(t *testing.T, cmd tea.Cmd) common.ToastMsg {
	t.Helper()
	for _, msg := range run(cmd) {
		if tm, ok := msg.(common.ToastMsg); ok {
			return tm
		}
	}
	t.Fatal("no toast")
	return common.ToastMsg{}
}

func TestInitialLoadShowsFirstPage(t *testing.T) {
	env, m := setup(t)
	if len(m.rows) != 50 || len(m.view) != 50 {
		t.Fatalf("rows = %d, view = %d, want 50", len(m.rows), len(m.view))
	}
	if m.next == nil {
		t.Fatal("the seeded history has more than one page, but no cursor was kept")
	}
	reqs := listRequests(env)
	if len(reqs) != 1 || reqs[0].Query.Get("rows") != "50" || reqs[0].Query.Has("nextTxnId") {
		t.Fatalf("first page requests = %+v", reqs)
	}
	for i := 1; i < len(m.rows); i++ {
		if m.rows[i].Date.After(m.rows[i-1].Date) {
			t.Fatalf("row %d is newer than row %d", i, i-1)
		}
	}
	v := m.View()
	if got := strings.Count(v, "\n") + 1; got != uitest.Height {
		t.Errorf("view has %d lines, want %d", got, uitest.Height)
	}
	first := m.rows[0]
	if !strings.Contains(v, "▶ "+m.c.Date(first.Date)) || !strings.Contains(v, first.Signed().Signed()) {
		t.Errorf("first row not drawn selected with its signed amount:\n%s", v)
	}
	if m.Busy() {
		t.Error("Busy after everything loaded")
	}
}

func TestScrollingNearTheEndLoadsTheNextPage(t *testing.T) {
	env, m := setup(t)
	env.Sandbox.Server.ResetRequests()

	// One row down is far from the end: no request.
	if _, cmd := m.Update(uitest.Key("j")); cmd != nil {
		t.Fatalf("moving near the top started a request")
	}
	// The bottom is within a page of the end: the next page is asked for,
	// and a "loading more" row shows while it is in flight.
	_, cmd := m.Update(uitest.Key("G"))
	if cmd == nil || !m.more || !m.Busy() {
		t.Fatalf("no next-page request at the bottom (more=%v)", m.more)
	}
	if v := m.View(); !strings.Contains(v, "loading more…") {
		t.Fatalf("no loading row while the page is in flight:\n%s", v)
	}
	uitest.Run(m, cmd, limit)
	if len(m.rows) != 100 {
		t.Fatalf("rows after the next page = %d, want 100", len(m.rows))
	}
	reqs := listRequests(env)
	if len(reqs) != 1 || !reqs[0].Query.Has("nextTxnId") || !reqs[0].Query.Has("nextTxnDate") {
		t.Fatalf("next page request has no cursor: %+v", reqs)
	}
	seen := map[string]bool{}
	for _, r := range m.rows {
		if seen[legKey(r)] {
			t.Fatalf("txn %s loaded twice", legKey(r))
		}
		seen[legKey(r)] = true
	}
	if m.cursor != 49 {
		t.Errorf("cursor moved to %d when rows arrived, want 49", m.cursor)
	}
}

func TestOperationFilterAndStalePages(t *testing.T) {
	env, m := setup(t)
	// A page of the old filter is in flight when the filter changes.
	_, oldPage := m.Update(uitest.Key("G"))
	if oldPage == nil {
		t.Fatal("no next-page request")
	}
	env.Sandbox.Server.ResetRequests()
	press(m, "o")
	if m.q.Operation != qiwiapi.OperationIn {
		t.Fatalf("operation = %q", m.q.Operation)
	}
	reqs := listRequests(env)
	if len(reqs) == 0 || reqs[0].Query.Get("operation") != "IN" {
		t.Fatalf("filter not sent: %+v", reqs)
	}
	if len(m.rows) != 50 {
		t.Fatalf("rows = %d", len(m.rows))
	}
	for _, r := range m.rows {
		if r.Type != qiwiapi.TypeIn {
			t.Fatalf("txn %d of type %s under operation=IN", r.TxnID, r.Type)
		}
	}
	before := append([]qiwiapi.Transaction(nil), m.rows...)

	// The late page of the old filter arrives: it must be dropped.
	msgs := run(oldPage)
	if len(msgs) != 1 {
		t.Fatalf("old page produced %d messages", len(msgs))
	}
	pm, ok := msgs[0].(pageMsg)
	if !ok || pm.gen == m.gen {
		t.Fatalf("old page message = %#v (current gen %d)", msgs[0], m.gen)
	}
	m.Update(pm)
	// And forged pages of the older generation, with rows in them.
	m.Update(pageMsg{gen: m.gen - 1, page: Page{Transactions: before[:3]}})
	m.Update(pageMsg{gen: m.gen - 1, first: true, page: Page{Transactions: before[:3]}})
	if len(m.rows) != len(before) {
		t.Fatalf("stale page changed rows: %d -> %d", len(before), len(m.rows))
	}
	for i := range before {
		if m.rows[i].TxnID != before[i].TxnID {
			t.Fatalf("row %d changed by a stale page", i)
		}
	}

	// The operation cycles ALL → IN → OUT → QIWI_CARD → ALL.
	press(m, "o", "o")
	if m.q.Operation != qiwiapi.OperationQIWICard || m.rows[0].Type != qiwiapi.TypeQIWICard {
		t.Fatalf("operation = %q, first row %s", m.q.Operation, m.rows[0].Type)
	}
	press(m, "o")
	if m.q.Operation != qiwiapi.OperationAll {
		t.Fatalf("operation did not cycle back: %q", m.q.Operation)
	}
}

func TestSourceFilter(t *testing.T) {
	env, m := setup(t)
	env.Sandbox.Server.ResetRequests()
	press(m, "c")
	reqs := listRequests(env)
	if len(reqs) == 0 || reqs[0].Query.Get("sources[0]") != "QW_RUB" {
		t.Fatalf("source filter not sent: %+v", reqs)
	}
	for _, r := range m.rows {
		if r.Sum.Currency != qiwiapi.RUB && r.Type != qiwiapi.TypeIn {
			t.Errorf("txn %d from %s under source QW_RUB", r.TxnID, r.Sum.Currency)
		}
	}
	if !strings.Contains(m.View(), "source QW_RUB") {
		t.Error("the filter line does not show the source")
	}
}

func TestTextFilterNarrowsLoadedRows(t *testing.T) {
	_, m := setup(t)
	loaded := append([]qiwiapi.Transaction(nil), m.rows...)
	press(m, "/")
	if !m.InputFocused() {
		t.Fatal("the filter prompt does not hold the keyboard")
	}
	typeText(m, "TELE2")
	if len(m.view) == 0 || len(m.view) >= len(m.rows) {
		t.Fatalf("filter kept %d of %d rows", len(m.view), len(m.rows))
	}
	for _, i := range m.view {
		r := m.rows[i]
		if r.Provider == nil || !strings.Contains(strings.ToLower(r.Provider.ShortName), "tele2") {
			t.Fatalf("row %d (%s) does not match", r.TxnID, providerName(&r))
		}
	}
	n := len(m.view)
	press(m, "enter")
	if m.InputFocused() || len(m.view) != n {
		t.Fatalf("enter did not keep the filter (focused %v, %d rows)", m.InputFocused(), len(m.view))
	}
	if v := m.View(); !strings.Contains(v, `filter "tele2"`) || strings.Count(v, "Tele2") != n {
		t.Errorf("view does not show the %d filtered rows:\n%s", n, v)
	}
	// A txn id matches too (enter searches the whole cache).
	id := itoa(int64(loaded[7].TxnID))
	press(m, "/", "backspace", "backspace", "backspace", "backspace", "backspace")
	typeText(m, id)
	press(m, "enter")
	if len(m.view) != 1 || m.rows[m.view[0]].TxnID != loaded[7].TxnID {
		t.Fatalf("txn id filter kept %d rows", len(m.view))
	}
	press(m, "esc")
	if m.text != "" || len(m.view) != len(m.rows) {
		t.Fatalf("esc did not clear the filter")
	}
}

// TestSortCyclesAmountThenStatus: s sorts by amount within each currency
// (roubles first) over the whole cache, not over the loaded page: the
// first row is the largest rouble payment cached, pages go on in that
// order; then by status over the loaded rows; then back to date.
func TestSortCyclesAmountThenStatus(t *testing.T) {
	_, m := setup(t)
	r := m.r.(*reader.Reader)
	if err := r.Sync(t.Context(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	var all []qiwiapi.Transaction
	for cur := (*Cursor)(nil); ; {
		p, err := r.Page(t.Context(), Query{}, cur)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Transactions...)
		if cur = p.Next; cur == nil {
			break
		}
	}
	var largest qiwiapi.Amount
	for _, tx := range all {
		if tx.Sum.Currency == qiwiapi.RUB && tx.Sum.Minor > largest.Minor {
			largest = tx.Sum
		}
	}
	newest := m.rows[0]
	press(m, "s")
	if m.sort != sortAmount || m.q.Order != store.OrderAmount {
		t.Fatalf("sort = %v, query order %v", m.sort, m.q.Order)
	}
	inOrder := func(what string) {
		t.Helper()
		for i := 1; i < len(m.view); i++ {
			a, b := m.rows[m.view[i-1]].Sum, m.rows[m.view[i]].Sum
			if a.Currency == b.Currency && b.Minor > a.Minor || a.Currency != b.Currency && (b.Currency == qiwiapi.RUB || a.Currency != qiwiapi.RUB && b.Currency < a.Currency) {
				t.Fatalf("%s: row %d (%s) after row %d (%s)", what, i, b.Format(), i-1, a.Format())
			}
		}
	}
	inOrder("first page")
	if got := m.rows[m.view[0]]; got.Sum != largest || got.TxnID == newest.TxnID {
		t.Fatalf("first row %s (txn %d), want the largest cached rouble payment %s, not the newest", got.Sum.Format(), got.TxnID, largest.Format())
	}
	// The next page goes on in the same order.
	press(m, "G")
	if len(m.rows) != 2*reader.PageSize || len(m.view) != len(m.rows) {
		t.Fatalf("rows %d view %d", len(m.rows), len(m.view))
	}
	inOrder("two pages")
	press(m, "s")
	if m.sort != sortStatus || m.rows[m.view[0]].Status != qiwiapi.StatusError {
		t.Fatalf("status sort does not put errors first: %v %s", m.sort, m.rows[m.view[0]].Status)
	}
	press(m, "s")
	if m.q.Order != store.OrderDate || m.rows[0].TxnID != newest.TxnID {
		t.Fatalf("date sort: order %v, first txn %d, want the newest %d", m.q.Order, m.rows[0].TxnID, newest.TxnID)
	}
	for i, r := range m.view {
		if int(r) != i {
			t.Fatalf("date sort did not restore the API order")
		}
	}
}

// selectFirst moves the selection to the first row that matches.
func selectFirst(t *testing.T, m *Model, match func(qiwiapi.Transaction) bool) qiwiapi.Transaction {
	t.Helper()
	for i := range m.view {
		if r := m.rows[m.view[i]]; match(r) {
			for m.cursor < i {
				press(m, "j")
			}
			got, _ := m.selected()
			if got.TxnID != r.TxnID {
				t.Fatalf("selected %d, want %d", got.TxnID, r.TxnID)
			}
			return r
		}
	}
	t.Fatal("no such row in the loaded page")
	return qiwiapi.Transaction{}
}

func TestDetailExplainsTheError(t *testing.T) {
	_, m := setup(t)
	m.SetSize(200, uitest.Height) // the explanation fits on one line
	txn := selectFirst(t, m, func(r qiwiapi.Transaction) bool {
		return r.Status == qiwiapi.StatusError && r.ErrorCode != 0
	})
	press(m, "enter")
	if m.detail == nil || m.detail.TxnID != txn.TxnID {
		t.Fatal("enter did not open the selected transaction")
	}
	v := m.View()
	want := qiwiapi.PaymentErrorText(int(txn.ErrorCode))
	for _, s := range []string{itoa(int64(txn.TxnID)), string(txn.TrmTxnID), want, m.c.DateTZ(txn.Date), "ERROR — " + txn.StatusText, "Currency rate"} {
		if !strings.Contains(v, s) {
			t.Errorf("detail lacks %q:\n%s", s, v)
		}
	}
	// J shows the raw JSON, pretty-printed.
	press(m, "J")
	if v := m.View(); !strings.Contains(v, `"txnId": `+itoa(int64(txn.TxnID))) {
		t.Errorf("raw view lacks the txnId field:\n%s", v)
	}
	// Privacy hides it.
	m.c.Settings.Privacy = true
	if v := m.View(); strings.Contains(v, `"account"`) || !strings.Contains(v, "hidden in privacy mode") {
		t.Errorf("raw JSON shown in privacy mode:\n%s", v)
	}
	m.c.Settings.Privacy = false
	press(m, "esc")
	if m.detail != nil {
		t.Fatal("esc did not close the pane")
	}
}

func TestGoToLoadsATransaction(t *testing.T) {
	env, m := setup(t)
	// A transaction far from the loaded page: a year back.
	p, _, err := env.Common.API.History.List(t.Context(), env.Common.Wallet, qiwiapi.HistoryOptions{
		Rows: 1, Start: uitest.Now.AddDate(-1, 0, 0), End: uitest.Now.AddDate(-1, 0, 1)})
	if err != nil || len(p.Transactions) != 1 {
		t.Fatalf("could not find an old transaction: %v", err)
	}
	old := p.Transactions[0]
	env.Sandbox.Server.ResetRequests()

	press(m, "g")
	if !m.InputFocused() || m.mode != modeGoTo {
		t.Fatal("g did not open the prompt")
	}
	typeText(m, "12x")
	press(m, "enter")
	if m.input.Err == nil || m.mode != modeGoTo {
		t.Fatal("a bad id was accepted")
	}
	press(m, "backspace", "backspace", "backspace")
	typeText(m, itoa(int64(old.TxnID)))
	press(m, "enter")
	if m.detail == nil || m.detail.TxnID != old.TxnID {
		t.Fatalf("g did not open txn %d", old.TxnID)
	}
	found := false
	for _, r := range env.Sandbox.Server.Requests() {
		found = found || strings.HasSuffix(r.Path, "/transactions/"+itoa(int64(old.TxnID)))
	}
	if !found {
		t.Fatal("no details request")
	}
	if v := m.View(); !strings.Contains(v, m.c.DateTZ(old.Date)) {
		t.Errorf("detail lacks the date:\n%s", v)
	}

	// An id that does not exist: a toast in words, no pane.
	press(m, "esc", "g")
	typeText(m, "999")
	_, cmd := m.Update(uitest.Key("enter"))
	msgs := run(cmd)
	_, cmd = m.Update(msgs[0])
	toast := toastOf(t, cmd)
	if !toast.Error || !strings.Contains(toast.Text, "999 was not found") {
		t.Fatalf("toast = %+v", toast)
	}
	if m.detail != nil {
		t.Fatal("a missing transaction opened the pane")
	}
}

func TestReceiptDownloadWritesPDF(t *testing.T) {
	env, m := setup(t)
	txn := selectFirst(t, m, func(r qiwiapi.Transaction) bool {
		return r.Status == qiwiapi.StatusSuccess && r.Type == qiwiapi.TypeOut
	})
	_, cmd := m.Update(uitest.Key("d"))
	if !m.Busy() {
		t.Error("not busy while the receipt downloads")
	}
	msgs := run(cmd)
	_, cmd = m.Update(msgs[0])
	toast := toastOf(t, cmd)
	path := filepath.Join(env.Common.SaveDir, "receipt-"+itoa(int64(txn.TxnID))+".pdf")
	if toast.Error || toast.Text != "Receipt saved: "+filepath.Base(path)+" in "+filepath.Dir(path) {
		t.Fatalf("toast = %+v, want the path %s", toast, path)
	}
	b, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("receipt file: %v, starts %q", err, b[:min(8, len(b))])
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("receipt mode %v, want 0600", st.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(env.Common.SaveDir, ".receipt-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	// A failed payment has no receipt: said in words, no request.
	press(m, "k", "k", "k", "k", "k", "k", "k", "k", "k", "k")
	selectFirst(t, m, func(r qiwiapi.Transaction) bool { return r.Status == qiwiapi.StatusError })
	env.Sandbox.Server.ResetRequests()
	_, cmd = m.Update(uitest.Key("d"))
	if toast := toastOf(t, cmd); !toast.Error || !strings.Contains(toast.Text, "failed") {
		t.Fatalf("toast = %+v", toast)
	}
	if n := len(env.Sandbox.Server.Requests()); n != 0 {
		t.Fatalf("%d requests for a receipt that cannot exist", n)
	}
}

func TestReceiptByEmail(t *testing.T) {
	env, m := setup(t)
	txn := selectFirst(t, m, func(r qiwiapi.Transaction) bool { return r.Status == qiwiapi.StatusSuccess })
	press(m, "enter", "e")
	if m.mode != modeEmail || !m.InputFocused() {
		t.Fatal("e did not open the e-mail prompt")
	}
	typeText(m, "nobody")
	press(m, "enter")
	if m.input.Err == nil {
		t.Fatal("accepted an address without @")
	}
	typeText(m, "@example.com")
	env.Sandbox.Server.ResetRequests()
	_, cmd := m.Update(uitest.Key("enter"))
	msgs := run(cmd)
	_, cmd = m.Update(msgs[0])
	toast := toastOf(t, cmd)
	if toast.Error || !strings.Contains(toast.Text, "nobody@example.com") {
		t.Fatalf("toast = %+v", toast)
	}
	reqs := env.Sandbox.Server.Requests()
	if len(reqs) != 1 || reqs[0].Method != "POST" || !strings.Contains(reqs[0].Path, itoa(int64(txn.TxnID))+"/cheque/send") ||
		!bytes.Contains(reqs[0].Body, []byte("nobody@example.com")) {
		t.Fatalf("send request = %+v", reqs)
	}
	if m.detail == nil {
		t.Error("sending the receipt closed the pane")
	}
}

func TestLongRangeWalksWindows(t *testing.T) {
	env, m := setup(t)
	env.Sandbox.Server.ResetRequests()
	press(m, "R")
	if m.mode != modeRange {
		t.Fatal("R did not open the range prompt")
	}
	typeText(m, "2026-05-01 2026-11-20") // 204 days: three windows
	press(m, "enter")
	if m.mode != modeTable || !m.q.HasRange() {
		t.Fatalf("range not applied: %v", m.input.Err)
	}
	// Scroll until the whole range is loaded. The screen holds a bounded
	// window of rows: keep what scrolled by, in order.
	var rows []qiwiapi.Transaction
	held := map[string]bool{}
	collect := func() {
		for _, r := range m.rows {
			if !held[legKey(r)] {
				held[legKey(r)] = true
				rows = append(rows, r)
			}
		}
	}
	collect()
	for i := 0; i < 100 && m.next != nil; i++ {
		press(m, "G")
		collect()
	}
	if m.next != nil {
		t.Fatal("the range never finished loading")
	}
	starts := map[string]bool{}
	for _, r := range env.Sandbox.Server.Requests() {
		q := r.Query
		if !q.Has("startDate") {
			if strings.Contains(r.Path, "/payments") {
				t.Fatalf("a request without the range: %s?%s", r.Path, r.RawQuery)
			}
			continue
		}
		s, err1 := time.Parse(time.RFC3339, q.Get("startDate"))
		e, err2 := time.Parse(time.RFC3339, q.Get("endDate"))
		if err1 != nil || err2 != nil || e.Sub(s) > qiwiapi.MaxHistoryWindow || e.Before(s) {
			t.Fatalf("bad window %s … %s", q.Get("startDate"), q.Get("endDate"))
		}
		if strings.HasSuffix(r.Path, "/payments") {
			starts[q.Get("startDate")] = true
		}
	}
	if len(starts) != 3 {
		t.Fatalf("pages came from %d windows, want 3: %v", len(starts), starts)
	}
	// Every row is in the range, newest first, none twice, none missing.
	lo, hi := m.q.Start, m.q.End
	for i, r := range rows {
		if r.Date.Before(lo) || r.Date.After(hi) || i > 0 && r.Date.After(rows[i-1].Date) {
			t.Fatalf("row %d (%s, %s) out of place", i, legKey(r), r.Date)
		}
	}
	if len(m.rows) > keepRows {
		t.Fatalf("the screen holds %d rows, more than its bound %d", len(m.rows), keepRows)
	}
	want := 0
	for _, w := range qiwiapi.Windows(lo, hi) { // QIWI's own pages, window by window
		o := qiwiapi.HistoryOptions{Start: w[0], End: w[1]}
		for {
			p, _, err := env.Common.API.History.List(t.Context(), env.Common.Wallet, o)
			if err != nil {
				t.Fatal(err)
			}
			want += len(p.Transactions)
			if p.Next == nil || len(p.Transactions) == 0 {
				break
			}
			o.Cursor = p.Next
		}
	}
	if len(rows) != want {
		t.Fatalf("loaded %d rows, the range has %d", len(rows), want)
	}
	// QIWI's totals (summed over the windows) agree with the loaded rows.
	if m.apiTotals == nil || m.totalsErr != nil {
		t.Fatalf("no API totals: %v", m.totalsErr)
	}
	loaded := reader.NewSum()
	for i := range rows {
		if r := &rows[i]; r.Status == qiwiapi.StatusSuccess {
			if r.Type == qiwiapi.TypeIn {
				loaded.Add(r.Sum, true)
			} else if r.Total.IsZero() && r.Total.Currency == 0 {
				loaded.Add(r.Sum, false)
			} else {
				loaded.Add(r.Total, false)
			}
		}
	}
	api, local := m.totalsText(m.apiTotals), m.totalsText(loaded.Totals())
	if api == "in — out —" || !sameAmounts(m.apiTotals, loaded.Totals()) {
		t.Fatalf("totals differ: QIWI %s, loaded %s", api, local)
	}
}

// legKey identifies a row: both legs of a conversion share the txn id.
func legKey(t qiwiapi.Transaction) string { return itoa(int64(t.TxnID)) + "/" + string(t.Type) }

func sameAmounts(a, b *qiwiapi.Totals) bool {
	key := func(t *qiwiapi.Totals) map[string]int64 {
		out := map[string]int64{}
		for _, x := range t.Incoming {
			out["in"+x.Currency.Code()] += x.Minor
		}
		for _, x := range t.Outgoing {
			out["out"+x.Currency.Code()] += x.Minor
		}
		return out
	}
	ka, kb := key(a), key(b)
	if len(ka) != len(kb) {
		return false
	}
	for k, v := range ka {
		if kb[k] != v {
			return false
		}
	}
	return true
}

func TestRangePromptRejectsBadDates(t *testing.T) {
	_, m := setup(t)
	for _, in := range []string{"2026-13-01 2026-12-01", "2026-11-20 2026-11-01", "yesterday"} {
		press(m, "R")
		typeText(m, in)
		press(m, "enter")
		if m.input.Err == nil || m.mode != modeRange {
			t.Errorf("%q accepted", in)
		}
		press(m, "esc")
		if m.mode != modeTable || m.q.HasRange() {
			t.Fatalf("esc after %q left mode %v, range %v", in, m.mode, m.q.HasRange())
		}
	}
}

func TestErrorsKeepLoadedRows(t *testing.T) {
	env, m := setup(t)
	env.Sandbox.Server.SetFaults(sandbox.Faults{ErrorRate: 1})
	_, cmd := m.Update(uitest.Key("G"))
	msgs := run(cmd)
	_, cmd = m.Update(msgs[0])
	toast := toastOf(t, cmd)
	if !toast.Error || toast.Text == "" || strings.Contains(toast.Text, "qiwi:") {
		t.Fatalf("toast = %+v, want the error in words", toast)
	}
	if len(m.rows) != 50 || m.moreErr == nil {
		t.Fatalf("rows %d after a failed page, moreErr %v", len(m.rows), m.moreErr)
	}
	if v := m.View(); !strings.Contains(v, "could not load more") {
		t.Fatalf("no failed-page row:\n%s", v)
	}
	// No retry storm: moving again does not re-request.
	if _, cmd := m.Update(uitest.Key("k")); cmd != nil {
		t.Fatal("moving retried the failed page")
	}
	// r retries the page and keeps the rest.
	env.Sandbox.Server.SetFaults(sandbox.Faults{})
	press(m, "r")
	if len(m.rows) != 100 || m.moreErr != nil {
		t.Fatalf("retry: rows %d, err %v", len(m.rows), m.moreErr)
	}
	// A failed refresh keeps the rows too.
	env.Sandbox.Server.SetFaults(sandbox.Faults{ErrorRate: 1})
	press(m, "r")
	if len(m.rows) != 100 || m.err == nil {
		t.Fatalf("failed refresh: rows %d, err %v", len(m.rows), m.err)
	}
}

func TestRefreshKeepsRowsAndSelection(t *testing.T) {
	_, m := setup(t)
	press(m, "j", "j", "j")
	want, _ := m.selected()
	_, cmd := m.Update(uitest.Key("r"))
	if len(m.rows) != 50 || !m.Busy() {
		t.Fatalf("refresh dropped the rows (%d) or is not busy", len(m.rows))
	}
	uitest.Run(m, cmd, limit)
	got, _ := m.selected()
	if got.TxnID != want.TxnID {
		t.Fatalf("selection moved from %d to %d", want.TxnID, got.TxnID)
	}
}

func TestPrivacyMasksAmountsAndAccounts(t *testing.T) {
	_, m := setup(t)
	m.c.Settings.Privacy = true
	v := m.View()
	first := m.rows[0]
	if strings.Contains(v, first.Sum.Format()) || strings.Contains(v, first.Account) {
		t.Fatalf("privacy mode shows %s / %s:\n%s", first.Sum.Format(), first.Account, v)
	}
	if !strings.Contains(v, "•••") {
		t.Fatal("nothing masked")
	}
}

func TestCopyAndNarrowLayout(t *testing.T) {
	_, m := setup(t)
	_, cmd := m.Update(uitest.Key("y"))
	msgs := run(cmd)
	cp, ok := msgs[0].(common.CopyMsg)
	if !ok || cp.Text != itoa(int64(m.rows[0].TxnID)) {
		t.Fatalf("copy = %#v", msgs[0])
	}
	for _, tc := range []struct {
		w                 int
		provider, comment bool
	}{{120, true, true}, {100, true, true}, {95, true, false}, {80, false, false}} {
		m.SetSize(tc.w, 30)
		v := m.View()
		if strings.Contains(v, "PROVIDER") != tc.provider || strings.Contains(v, "COMMENT") != tc.comment {
			t.Errorf("width %d: provider %v comment %v", tc.w, strings.Contains(v, "PROVIDER"), strings.Contains(v, "COMMENT"))
		}
		for i, l := range strings.Split(v, "\n") {
			if w := len([]rune(l)); w > tc.w {
				t.Errorf("width %d: line %d is %d wide: %q", tc.w, i, w, l)
			}
		}
	}
}

// TestExportWritesTheFilteredView: x asks csv or json (anything else is
// refused in words) and writes what the screen shows for its query, here
// incoming payments sorted by amount, over the whole cache (not only the
// loaded rows), in the screen's order, to a 0600 file in the save folder;
// the toast names the file and the count.
func TestExportWritesTheFilteredView(t *testing.T) {
	env, m := setup(t)
	r := m.r.(*reader.Reader)
	if err := r.Sync(t.Context(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	press(m, "o", "s") // incoming only, by amount
	if m.q.Operation != qiwiapi.OperationIn || m.q.Order != store.OrderAmount {
		t.Fatalf("query %+v", m.q)
	}
	var want []string
	for cur := (*Cursor)(nil); ; {
		p, err := r.Page(t.Context(), m.q, cur)
		if err != nil {
			t.Fatal(err)
		}
		for _, tx := range p.Transactions {
			want = append(want, itoa(int64(tx.TxnID)))
		}
		if cur = p.Next; cur == nil {
			break
		}
	}
	if len(want) <= len(m.rows) {
		t.Fatalf("the cache holds %d such rows, the screen %d: the test proves nothing", len(want), len(m.rows))
	}
	press(m, "x")
	if m.mode != modeExport || m.input.Value() != "csv" {
		t.Fatalf("mode %v, value %q", m.mode, m.input.Value())
	}
	m.input.SetValue("xml")
	press(m, "enter")
	if m.mode != modeExport || m.input.Err == nil || !strings.Contains(m.input.Err.Error(), "csv or json") {
		t.Fatalf("xml: mode %v, err %v", m.mode, m.input.Err)
	}
	m.input.SetValue("csv")
	_, cmd := m.Update(uitest.Key("enter"))
	var done exportMsg
	for _, msg := range run(cmd) {
		if em, ok := msg.(exportMsg); ok {
			done = em
		}
	}
	if done.err != nil || done.path == "" {
		t.Fatalf("export: %+v", done)
	}
	_, cmd = m.Update(done)
	if toast := toastOf(t, cmd); toast.Error || toast.Text != itoa(int64(len(want)))+" transactions saved: "+filepath.Base(done.path)+" in "+filepath.Dir(done.path) {
		t.Errorf("toast %+v", toast)
	}
	if filepath.Dir(done.path) != env.Common.SaveDir || !strings.HasSuffix(done.path, ".csv") {
		t.Errorf("saved as %s, want a .csv in %s", done.path, env.Common.SaveDir)
	}
	if fi, err := os.Stat(done.path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file: %v %v", fi, err)
	}
	f, _ := os.Open(done.path)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) != len(want)+1 {
		t.Fatalf("%d csv rows (%v), want %d and a header", len(recs)-1, err, len(want))
	}
	for i, rec := range recs[1:] {
		if rec[0] != want[i] || rec[1] != "IN" {
			t.Fatalf("row %d: txn %s %s, want %s IN", i, rec[0], rec[1], want[i])
		}
	}
}
