package history

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/store/reader"
	"qiwidash/ui/common"
	"qiwidash/ui/feed"
	"qiwidash/ui/uitest"
)

// live delivers a payment notification the way the root does and runs
// whatever the screen starts.
func live(m *Model) {
	_, cmd := m.Update(feed.WalletPaymentMsg{})
	uitest.Run(m, cmd, limit)
}

// tableLines are the header and the rows on screen (no totals, no status).
func tableLines(m *Model) []string {
	lines := strings.Split(m.View(), "\n")
	return lines[3 : len(lines)-1]
}

func noDuplicates(t *testing.T, m *Model) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range m.rows {
		if seen[legKey(r)] {
			t.Fatalf("txn %s loaded twice", legKey(r))
		}
		seen[legKey(r)] = true
	}
}

func pageRequests(env *uitest.Env) (first, more int) {
	for _, r := range listRequests(env) {
		if r.Query.Has("nextTxnId") {
			more++
		} else {
			first++
		}
	}
	return first, more
}

// The reviewer's repro: three pages loaded, row 100 selected, a payment
// comes in. The screen stays on the same transaction and the same rows.
func TestLiveNotificationMergesWithoutJumping(t *testing.T) {
	env, m := setup(t)
	press(m, "G", "G")
	if len(m.rows) != 150 || !strings.Contains(m.View(), "row 100 of 150") {
		t.Fatalf("set-up: %d rows, cursor %d", len(m.rows), m.cursor)
	}
	want, _ := m.selected()
	next, offset := m.next, m.offset
	screen := tableLines(m)
	env.Sandbox.Server.ResetRequests()

	id := env.Sandbox.Server.AddIncoming(env.Common.Wallet, 1234_56, 643, "+79001112233")
	env.Sandbox.Server.SettleNow()
	live(m)

	added := len(m.rows) - 150
	if added < 1 {
		t.Fatalf("the new payment %s was not merged (%d rows)", id, len(m.rows))
	}
	if top := m.rows[m.view[0]]; itoa(int64(top.TxnID)) != id {
		t.Fatalf("top row is %d, want the new payment %s", top.TxnID, id)
	}
	got, _ := m.selected()
	if idOf(&got) != idOf(&want) || m.cursor != 99+added {
		t.Fatalf("selection moved: txn %d at %d, want %d at %d", got.TxnID, m.cursor, want.TxnID, 99+added)
	}
	if v := m.View(); !strings.Contains(v, fmt.Sprintf("row %d of %d", 100+added, 150+added)) {
		t.Fatalf("status line:\n%s", v)
	}
	// The rows on screen did not move.
	if m.offset != offset+added {
		t.Errorf("offset %d, want %d", m.offset, offset+added)
	}
	if after := tableLines(m); strings.Join(after, "\n") != strings.Join(screen, "\n") {
		t.Errorf("the rows on screen changed:\nbefore\n%s\nafter\n%s", strings.Join(screen, "\n"), strings.Join(after, "\n"))
	}
	// One request for the newest page; the older pages were kept, not
	// read again, and so was the cursor to the next one.
	if first, more := pageRequests(env); first != 1 || more != 0 {
		t.Errorf("refresh asked for %d first and %d later pages, want 1 and 0", first, more)
	}
	if m.next != next {
		t.Errorf("the cursor to older rows changed: %+v, was %+v", m.next, next)
	}
	noDuplicates(t, m)
	if m.Busy() {
		t.Error("busy after the refresh")
	}
	// Paging on reads the fourth page, after the same rows as before.
	press(m, "G", "G")
	if len(m.rows) < 200+added {
		t.Fatalf("paging after the merge: %d rows", len(m.rows))
	}
	noDuplicates(t, m)
}

func TestRefreshSettlesWaitingRowsInPlace(t *testing.T) {
	env, m := setup(t)
	waiting := selectFirst(t, m, func(r qiwiapi.Transaction) bool { return r.Status == qiwiapi.StatusWaiting })
	cursor, n := m.cursor, len(m.rows)
	press(m, "enter") // the pane follows the row
	env.Sandbox.Server.SettleNow()
	press(m, "r")

	shift := len(m.rows) - n
	got, _ := m.selected()
	if got.TxnID != waiting.TxnID || m.cursor != cursor+shift {
		t.Fatalf("selection: txn %d at %d, want %d at %d", got.TxnID, m.cursor, waiting.TxnID, cursor+shift)
	}
	if got.Status == qiwiapi.StatusWaiting {
		t.Fatalf("txn %d still WAITING after settling", got.TxnID)
	}
	if m.detail == nil || m.detail.Status != got.Status {
		t.Fatalf("the open pane was not updated to %s", got.Status)
	}
	for _, r := range m.rows {
		if r.Status == qiwiapi.StatusWaiting {
			t.Errorf("txn %d is still WAITING", r.TxnID)
		}
	}
	if got.Status != qiwiapi.StatusSuccess && got.Status != qiwiapi.StatusError {
		t.Fatalf("final status %s", got.Status)
	}
	noDuplicates(t, m)
	// The settled payment counts in the loaded-rows totals now.
	fresh := reader.NewSum()
	for _, r := range m.rows {
		if r.Status == qiwiapi.StatusSuccess {
			if r.Type == qiwiapi.TypeIn {
				fresh.Add(r.Sum, true)
			} else {
				fresh.Add(r.Total, false)
			}
		}
	}
	if a, b := m.totalsText(m.local.Totals()), m.totalsText(fresh.Totals()); a != b {
		t.Errorf("loaded totals %s, recounted %s", a, b)
	}
}

// refreshPages runs a refresh's sync through the screen and returns the
// messages of the page it then asks for, not yet delivered.
func refreshPages(m *Model, refresh tea.Cmd) []tea.Msg {
	var out []tea.Msg
	for _, msg := range run(refresh) {
		if _, ok := msg.(syncedMsg); ok {
			_, cmd := m.Update(msg)
			out = append(out, run(cmd)...)
			continue
		}
		out = append(out, msg)
	}
	return out
}

func TestStaleRefreshIsDropped(t *testing.T) {
	env, m := setup(t)
	// Refresh A is answered while the payments still wait (its sync done,
	// its page read)...
	_, cmdA := m.Update(uitest.Key("r"))
	old := refreshPages(m, cmdA)
	// ...and arrives after refresh B, which saw them settle.
	env.Sandbox.Server.SettleNow()
	id := env.Sandbox.Server.AddIncoming(env.Common.Wallet, 77_00, 643, "+79001112233")
	press(m, "r")
	before := append([]qiwiapi.Transaction(nil), m.rows...)
	totals := m.totalsText(m.apiTotals)
	sawRefresh := false
	for _, msg := range old {
		_, isRefresh := msg.(refreshMsg)
		sawRefresh = sawRefresh || isRefresh
		m.Update(msg)
	}
	if !sawRefresh {
		t.Fatal("refresh A produced no page")
	}
	if len(m.rows) != len(before) || itoa(int64(m.rows[0].TxnID)) != id {
		t.Fatalf("a stale refresh changed the rows: %d -> %d", len(before), len(m.rows))
	}
	for i := range before {
		if m.rows[i].TxnID != before[i].TxnID || m.rows[i].Status != before[i].Status {
			t.Fatalf("row %d: %d %s, was %d %s", i, m.rows[i].TxnID, m.rows[i].Status, before[i].TxnID, before[i].Status)
		}
	}
	if got := m.totalsText(m.apiTotals); got != totals {
		t.Errorf("stale totals %s replaced %s", got, totals)
	}

	// A refresh of a query the user has since changed is dropped too.
	_, cmdC := m.Update(uitest.Key("r"))
	old = refreshPages(m, cmdC)
	press(m, "o", "o") // operation OUT
	for _, msg := range old {
		m.Update(msg)
	}
	for _, r := range m.rows {
		if r.Type != qiwiapi.TypeOut {
			t.Fatalf("a refresh of operation ALL put txn %s into operation OUT", legKey(r))
		}
	}
}

// More than a page of new payments: a live notification (maybe for a
// screen in the background) never starts over; r does.
func TestMoreThanAPageOfNewPayments(t *testing.T) {
	env, m := setup(t)
	// Settled payments: a refresh re-reads WAITING rows (one list request
	// per window); here only the page requests are counted.
	env.Sandbox.Server.SettleNow()
	press(m, "G", "G")
	want, _ := m.selected()
	for i := range 60 {
		env.Sandbox.Server.AddIncoming(env.Common.Wallet, int64(100+i)*100, 643, "+79001112233")
	}
	live(m)
	got, _ := m.selected()
	if len(m.rows) != 150 || got.TxnID != want.TxnID || m.cursor != 99 || !m.behind {
		t.Fatalf("live refresh reset: %d rows, txn %d at %d, behind %v", len(m.rows), got.TxnID, m.cursor, m.behind)
	}
	if v := m.View(); !strings.Contains(v, "row 100 of 150") || !strings.Contains(v, "newer payments not shown: r to reload") {
		t.Fatalf("status line:\n%s", v)
	}

	// r: the first page again; the selected payment is no longer loaded.
	env.Sandbox.Server.ResetRequests()
	press(m, "r")
	if first, more := pageRequests(env); first != 1 || more != 0 {
		t.Errorf("r asked for %d first and %d later pages", first, more)
	}
	if len(m.rows) != 50 || m.cursor != 0 || m.offset != 0 || m.behind || m.next == nil {
		t.Fatalf("after r: %d rows, cursor %d, offset %d, behind %v", len(m.rows), m.cursor, m.offset, m.behind)
	}
	if r := m.rows[0]; r.Type != qiwiapi.TypeIn || r.Account != "+79001112233" {
		t.Fatalf("first row after r is %s from %s, want a new payment", legKey(r), r.Account)
	}
	press(m, "G")
	if len(m.rows) != 100 {
		t.Fatalf("paging after r: %d rows", len(m.rows))
	}
	noDuplicates(t, m)
}

// When the selected payment is on the first page, r keeps it selected
// even though it starts over.
func TestRestartKeepsSelectionWhenLoaded(t *testing.T) {
	_, m := setup(t)
	press(m, "j", "j")
	want, _ := m.selected()
	// Forge a first page without the newest loaded row (so it cannot be
	// merged) that still holds the selected one.
	page := Page{Transactions: append([]qiwiapi.Transaction(nil), m.rows[1:]...), Next: m.next}
	m.Update(uitest.Key("r")) // its real answer is not run
	m.Update(refreshMsg{gen: m.gen, seq: m.refreshSeq, page: page})
	got, _ := m.selected()
	if len(m.rows) != 49 || got.TxnID != want.TxnID || m.cursor != 1 {
		t.Fatalf("after the restart: %d rows, txn %d at %d, want %d at 1", len(m.rows), got.TxnID, m.cursor, want.TxnID)
	}
}

// TestMergeKeepsSortAndFilter: under the amount sort (the reader's, over
// the cache) and a "/" filter, a live payment larger than any other shows
// on top of the filtered view, the selection stays on its payment (one row
// down), and sort and filter stay. The first page is read again, so the
// page's smallest row may move to the next page: the view keeps at least
// what it showed.
func TestMergeKeepsSortAndFilter(t *testing.T) {
	env, m := setup(t)
	press(m, "s") // amount, largest first
	press(m, "/")
	typeText(m, "+7")
	press(m, "enter", "j", "j", "j")
	want, _ := m.selected()
	cursor, shown := m.cursor, len(m.view)
	id := env.Sandbox.Server.AddIncoming(env.Common.Wallet, 5_000_000_00, 643, "+79001112233")
	live(m)
	if m.sort != sortAmount || m.q.Order != store.OrderAmount || m.text != "+7" {
		t.Fatalf("sort %v (%v), filter %q", m.sort, m.q.Order, m.text)
	}
	if len(m.view) < shown || itoa(int64(m.rows[m.view[0]].TxnID)) != id {
		t.Fatalf("the largest payment %s is not on top of the filtered view (%d of %d shown, %d before)", id, len(m.view), len(m.rows), shown)
	}
	got, _ := m.selected()
	if got.TxnID != want.TxnID || m.cursor != cursor+1 {
		t.Fatalf("selection: txn %d at %d, want %d at %d", got.TxnID, m.cursor, want.TxnID, cursor+1)
	}
	for i := 1; i < len(m.view); i++ {
		a, b := m.rows[m.view[i-1]].Sum, m.rows[m.view[i]].Sum
		if a.Currency == b.Currency && b.Minor > a.Minor {
			t.Fatalf("view out of order at %d", i)
		}
	}
}

func TestReaderLiveMerge(t *testing.T) {
	e := newCacheEnv(t)
	st, m := e.open(t)
	defer st.Close()
	press(m, "G", "G")
	n := len(m.rows)
	if n < 150 {
		t.Fatalf("set-up: %d rows", n)
	}
	want, _ := m.selected()
	cursor := m.cursor
	id, err := strconv.ParseInt(e.sb.Server.AddIncoming(e.wallet, 55_00, 643, "+79001112233"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	live(m)
	if int64(m.rows[m.view[0]].TxnID) != id || len(m.rows) != n+1 {
		t.Fatalf("the new payment %d is not on top (%d rows, were %d)", id, len(m.rows), n)
	}
	got, _ := m.selected()
	if got.TxnID != want.TxnID || m.cursor != cursor+1 {
		t.Fatalf("selection: txn %d at %d, want %d at %d", got.TxnID, m.cursor, want.TxnID, cursor+1)
	}
	noDuplicates(t, m)
	press(m, "G", "G")
	if len(m.rows) <= n+1 {
		t.Fatalf("paging after the merge: %d rows", len(m.rows))
	}
	noDuplicates(t, m)
}

func TestTableMasksAccountsDetailShowsThem(t *testing.T) {
	_, m := setup(t)
	row := selectFirst(t, m, func(r qiwiapi.Transaction) bool { return strings.HasPrefix(r.Account, "+7") })
	v := m.View()
	for i := range m.rows {
		// Cards come masked by QIWI already and stay as QIWI masked them.
		if a := m.rows[i].Account; len(a) > 4 && !strings.Contains(a, "*") && strings.Contains(v, a) {
			t.Fatalf("the table shows account %s in full:\n%s", a, v)
		}
	}
	if !strings.Contains(v, m.c.Account(row.Account, common.List)) {
		t.Fatalf("no masked account %s:\n%s", m.c.Account(row.Account, common.List), v)
	}
	press(m, "enter")
	if v := m.View(); !strings.Contains(v, row.Account) {
		t.Fatalf("the detail pane does not show %s:\n%s", row.Account, v)
	}
	m.c.Settings.Privacy = true
	if v := m.View(); strings.Contains(v, row.Account) || !strings.Contains(v, m.c.Personal(row.Account)) || !strings.Contains(m.c.Personal(row.Account), "•") {
		t.Fatalf("privacy mode shows %s in the pane:\n%s", row.Account, v)
	}
}

// TestDatesShownInOneZone: every date is shown in the screens' one zone
// (Moscow by default, the config's time_zone otherwise), whatever offset
// QIWI wrote it with; the column does not repeat the zone (the header
// names it once) and the detail pane shows the offset.
func TestDatesShownInOneZone(t *testing.T) {
	_, m := setup(t)
	if v := m.View(); !strings.Contains(v, "  DATE") || strings.Contains(v, "DATE (") {
		t.Fatalf("header:\n%s", v)
	}
	rows := synthetic(3)
	rows[1].Date = rows[1].Date.UTC() // QIWI's offset differs; the moment is the same
	m.setRows(rows)
	m.rebuild()
	msk := rows[1].Date.In(qiwiapi.Moscow).Format("2006-01-02 15:04")
	if v := m.View(); !strings.Contains(v, msk) {
		t.Fatalf("a UTC date is not shown in Moscow time (%s):\n%s", msk, v)
	}
	m.c.Zone = time.FixedZone("YEKT", 5*3600)
	yekt := rows[1].Date.In(m.c.Zone).Format("2006-01-02 15:04")
	if v := m.View(); !strings.Contains(v, yekt) || strings.Contains(v, msk) {
		t.Fatalf("the configured zone is not used (%s):\n%s", yekt, v)
	}
	sel, _ := m.selected()
	press(m, "enter")
	if v := m.View(); !strings.Contains(v, sel.Date.In(m.c.Zone).Format("2006-01-02 15:04:05 -07:00")) || !strings.Contains(v, "+05:00") {
		t.Fatalf("the pane's date is not in the zone with its offset:\n%s", v)
	}
}

// TestLiveUnderAmountSortKeepsScrolledPages: with more than a page loaded
// in the amount order, a live payment does not take the scrolled pages
// away: the status line says r reloads, and r puts the new payment where
// it belongs (on top: it is the largest).
func TestLiveUnderAmountSortKeepsScrolledPages(t *testing.T) {
	env, m := setup(t)
	if err := m.r.(*reader.Reader).Sync(t.Context(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	press(m, "s", "G")
	n := len(m.rows)
	if n <= reader.PageSize {
		t.Fatalf("%d rows loaded: scroll did not load a second page", n)
	}
	want, _ := m.selected()
	id := env.Sandbox.Server.AddIncoming(env.Common.Wallet, 5_000_000_00, 643, "+79001112233")
	live(m)
	if got, _ := m.selected(); len(m.rows) != n || got.TxnID != want.TxnID || !m.behind || !strings.Contains(m.View(), "r to reload") {
		t.Fatalf("after a live payment: %d rows (was %d), txn %d selected (was %d), behind %v", len(m.rows), n, got.TxnID, want.TxnID, m.behind)
	}
	press(m, "r")
	if m.behind || itoa(int64(m.rows[m.view[0]].TxnID)) != id {
		t.Fatalf("r: behind %v, top txn %d, want %s", m.behind, m.rows[m.view[0]].TxnID, id)
	}
}
