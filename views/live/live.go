// Package live is the Live screen: QIWI's push notifications as they
// arrive (wallet payments in and out, bill status changes), newest first,
// each marked verified or rejected with the reason, with a detail on
// Enter. It renders the engine's notification events (store/ingest,
// through a feed.Feed) and owns the feed subscription: it re-issues
// Feed.Listen after every feed message, and the shell broadcasts those
// messages to the other screens (history, merchant), which update without
// a manual refresh. It runs no server: the receiver is the engine's.
//
// Everything a notification carries is outside text and passes
// sanitize.Text before it is drawn.
package live

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/store/ingest"
	"qiwidash/ui/common"
	"qiwidash/ui/feed"
)

// MaxEntries is how many notifications the screen keeps.
const MaxEntries = 500

// Model is the Live screen.
type Model struct {
	c             *common.Common
	feed          *feed.Feed
	width, height int

	entries []ingest.Event // newest first
	cursor  int
	detail  bool

	verified, rejected int

	// URL is the receiver's base URL, shown in the header ("" = not shown).
	URL string
	// Status, when set, says in words what the receiver can and cannot
	// verify (or why there is none); asked at every draw.
	Status      func() string
	statusLines int // lines the status took at the last draw
}

// New builds the screen over feed (nil: the screen only says so).
func New(c *common.Common, f *feed.Feed) *Model { return &Model{c: c, feed: f} }

// Init subscribes to the feed.
func (m *Model) Init() tea.Cmd { return m.listen() }

// SetSize records the body size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

func (m *Model) listen() tea.Cmd {
	if m.feed == nil {
		return nil
	}
	return m.feed.Listen()
}

// Update takes feed messages (re-subscribing after each) and keys.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.ScrollMsg:
		m.cursor = common.Clamp(m.cursor+msg.Delta, len(m.entries))
		return m, nil
	case feed.NoticeMsg:
		m.add(msg.Notice)
		return m, m.listen()
	case feed.WalletPaymentMsg:
		m.add(msg.Notice)
		return m, m.listen()
	case feed.BillChangedMsg:
		m.add(msg.Notice)
		return m, m.listen()
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	}
	return m, nil
}

func (m *Model) add(e ingest.Event) {
	if e.FollowUp && m.replace(e) {
		return
	}
	switch {
	case e.FollowUp: // the API's word on a payment already counted
	case e.Outcome == notify.Accepted, e.Outcome == notify.Duplicate, e.Outcome == notify.Failed:
		m.verified++
	case e.Outcome == notify.Rejected:
		m.rejected++
	}
	m.entries = append([]ingest.Event{e}, m.entries...)
	if len(m.entries) > MaxEntries {
		m.entries = m.entries[:MaxEntries]
	}
	// Keep the selected notification selected, unless following the newest.
	if m.cursor > 0 || m.detail {
		m.cursor = min(m.cursor+1, len(m.entries)-1)
	}
}

// replace puts the API's word on a payment (a FollowUp) in the row of the
// notification it confirms, which keeps its arrival time: one payment, one
// row. False when that row is no longer listed.
func (m *Model) replace(e ingest.Event) bool {
	for i, old := range m.entries {
		if e.ID != "" && old.ID == e.ID && old.Kind == e.Kind && !old.FollowUp {
			e.Time = old.Time
			m.entries[i] = e
			return true
		}
	}
	return false
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case m.detail && (key.Matches(msg, k.Back) || key.Matches(msg, k.Enter)):
		m.detail = false
	case key.Matches(msg, k.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.Down):
		m.cursor = min(max(0, len(m.entries)-1), m.cursor+1)
	case key.Matches(msg, k.Top):
		m.cursor = 0
	case key.Matches(msg, k.Bottom):
		m.cursor = max(0, len(m.entries)-1)
	case key.Matches(msg, k.Enter):
		m.detail = len(m.entries) > 0
	case key.Matches(msg, k.Copy):
		if m.cursor < len(m.entries) && m.entries[m.cursor].ID != "" {
			return common.Copy(sanitize.Text(m.entries[m.cursor].ID), m.c.Tr.T("live.copy_id", nil))
		}
	}
	return nil
}

// Entries is the number of notifications on screen.
func (m *Model) Entries() int { return len(m.entries) }

// View draws the feed or the detail of one notification.
func (m *Model) View() string {
	s, tr := m.c.Styles, m.c.Tr
	var b strings.Builder
	b.WriteString(s.Title.Render(" " + tr.T("screen.notifications", nil)))
	if m.URL != "" {
		b.WriteString(s.Subtle.Render("  " + tr.T("live.listening", i18n.Args{"URL": m.URL})))
	}
	b.WriteString("  " + s.Subtle.Render(tr.T("live.tally", i18n.Args{"Verified": m.verified, "Rejected": m.rejected})) + "\n")
	status := ""
	if m.Status != nil {
		status = m.Status()
	}
	if m.feed == nil {
		if status == "" {
			status = tr.T("live.not_running", nil)
		}
		b.WriteString("\n")
	}
	m.statusLines = 0
	for _, line := range strings.Split(status, "\n") {
		if line != "" {
			b.WriteString(s.Subtle.Render(" "+sanitize.Text(line)) + "\n") // may quote QIWI (a hook URL, an error)
			m.statusLines++
		}
	}
	if m.feed == nil {
		return strings.TrimSuffix(b.String(), "\n")
	}
	if len(m.entries) == 0 {
		b.WriteString("\n" + s.Subtle.Render(" "+tr.T("live.empty_1", nil)) + "\n" + s.Subtle.Render(" "+tr.T("live.empty_2", nil)))
		return b.String()
	}
	if m.detail && m.cursor < len(m.entries) {
		b.WriteString("\n" + m.detailView(m.entries[m.cursor]))
		return b.String()
	}
	cols := m.columns()
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.title
	}
	b.WriteString(s.TableHeader.Render("   "+layout(cols, titles)) + "\n")
	first, last := m.window()
	for i := first; i < last; i++ {
		line := m.row(cols, m.entries[i])
		if i == m.cursor {
			b.WriteString(s.Selected.Render(" ▶ "+line) + "\n")
		} else {
			b.WriteString("   " + m.styleRow(m.entries[i], line) + "\n")
		}
	}
	if last-first < len(m.entries) {
		b.WriteString(s.Subtle.Render("   "+tr.T("live.window", i18n.Args{"From": first + 1, "To": last, "Total": len(m.entries)})) + "\n")
	}
	return b.String()
}

func (m *Model) window() (int, int) {
	room := len(m.entries)
	if m.height > 0 {
		room = max(3, m.height-3-m.statusLines)
	}
	first := 0
	if m.cursor >= room {
		first = m.cursor - room + 1
	}
	return first, min(len(m.entries), first+room)
}

func (m *Model) styleRow(e ingest.Event, line string) string {
	if e.Outcome == notify.Rejected || e.Outcome == notify.Failed {
		return m.c.Styles.Error.Render(line)
	}
	return line
}

// mark is the verdict with a sign, so it does not rest on colour.
func (m *Model) mark(n notify.Notice) string {
	tr := m.c.Tr
	n.Reason = m.reason(n)
	switch n.Outcome {
	case notify.Accepted, notify.Duplicate:
		return "✓ " + ingest.Verdict(tr, n)
	case notify.Rejected, notify.Failed:
		return "✗ " + ingest.Verdict(tr, n)
	}
	return "· " + ingest.Verdict(tr, n)
}

// reason is why the receiver refused n or did not apply it, in the
// reader's language: its refusal, worded by Explain (a notice that
// carries no refusal keeps the receiver's words).
func (m *Model) reason(n notify.Notice) string {
	if err := n.Err(); err != nil {
		return m.c.Explain(err)
	}
	return n.Reason
}

func (m *Model) kind(e ingest.Event) string {
	switch {
	case e.Wallet != nil && e.Wallet.Type == "OUT":
		return m.c.Tr.T("live.kind_wallet_out", nil)
	case e.Wallet != nil:
		return m.c.Tr.T("live.kind_wallet_in", nil)
	case e.Kind == notify.KindWallet: // refused before it was read
		return m.c.Tr.T("live.kind_wallet", nil)
	case e.Kind == notify.KindBill:
		return m.c.Tr.T("live.kind_bill", nil)
	}
	return string(e.Kind)
}

func (m *Model) amount(e ingest.Event) string {
	if e.Amount == nil {
		return "—"
	}
	if e.Wallet != nil {
		a := *e.Amount
		if e.Wallet.Type == "OUT" {
			a = a.Neg()
		}
		return m.c.SignedMoney(a)
	}
	return m.c.Money(*e.Amount)
}

// status is the notification's status; "?" after it says the status is
// the sender's word only (a wallet webhook's status is not signed).
func status(e ingest.Event) string {
	if e.Status == "" {
		return ""
	}
	s := sanitize.Text(e.Status)
	if e.Wallet != nil && !e.StatusConfirmed {
		s += "?"
	}
	return s
}

// column is one column of the list: its name (for widening), title,
// width and cell.
type column struct {
	name  string
	title string
	width int
	right bool
	cell  func(e ingest.Event) string
}

// columns picks the list's columns for the width. Time, kind, status and
// amount always show; then the check (its word cut first), the id and the
// sender, in that order, as long as they fit.
func (m *Model) columns() []column {
	tr := m.c.Tr
	cols := []column{
		{title: tr.T("live.col_time", nil), width: 8, cell: func(e ingest.Event) string { return m.c.Clock(e.Time) }},
		{title: tr.T("live.col_kind", nil), width: 10, cell: m.kind},
		{title: tr.T("live.col_status", nil), width: 10, cell: func(e ingest.Event) string { return common.OrDash(status(e)) }},
		{title: tr.T("live.col_amount", nil), width: 14, right: true, cell: m.amount},
	}
	room := m.width - 3 // the selection marker
	if m.width <= 0 {
		room = 1 << 10
	}
	used := 0
	for _, c := range cols {
		used += c.width + 1
	}
	check := column{name: "check", title: tr.T("live.col_check", nil), width: 12, cell: func(e ingest.Event) string { return m.mark(e.Notice) }}
	id := column{name: "id", title: tr.T("live.col_id", nil), width: 12, cell: func(e ingest.Event) string { return common.OrDash(sanitize.Text(e.ID)) }}
	from := column{name: "from", title: tr.T("live.col_from", nil), width: 10, cell: func(e ingest.Event) string { return m.c.Personal(sanitize.Text(ingest.Host(e.Remote))) }}
	for _, c := range []column{check, id, from} {
		if used+c.width+1 > room {
			break
		}
		cols = append(cols, c)
		used += c.width + 1
	}
	// What is left widens the check to its longest word, the id to 20, the
	// sender to 15 and the id to a whole UUID.
	for _, grow := range []struct {
		name string
		most int
	}{{"check", 38}, {"id", 20}, {"from", 15}, {"id", 36}} {
		for i := range cols {
			if cols[i].name == grow.name {
				more := min(max(0, room-used), grow.most-cols[i].width)
				cols[i].width += more
				used += more
			}
		}
	}
	return cols
}

// layout pads (or cuts) each cell to its column and joins them.
func layout(cols []column, cells []string) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(" ")
		}
		if c.right {
			b.WriteString(common.PadLeft(cells[i], c.width))
		} else {
			b.WriteString(common.PadRight(cells[i], c.width))
		}
	}
	return strings.TrimRight(b.String(), " ")
}

func (m *Model) row(cols []column, e ingest.Event) string {
	cells := make([]string, len(cols))
	for i, c := range cols {
		cells[i] = c.cell(e)
	}
	return layout(cols, cells)
}

func (m *Model) detailView(e ingest.Event) string {
	s, tr, k := m.c.Styles, m.c.Tr, m.c.Keys
	n := e.Notice
	var b strings.Builder
	line := func(id, value string) {
		if value == "" {
			return
		}
		b.WriteString(" " + s.Label.Render(common.PadRight(tr.T(id, nil), 14)) + sanitize.Text(value) + "\n")
	}
	b.WriteString(s.Title.Render(" "+tr.T("live.notification", nil)) + s.Subtle.Render("  "+tr.T("live.back", i18n.Args{"Enter": k.Enter.Help().Key, "Back": k.Back.Help().Key})) + "\n")
	line("live.received", m.c.DateTZ(n.Time))
	line("live.kind", m.kind(e))
	line("live.check", m.mark(n))
	line("live.notice_id", n.ID)
	if w := ingest.StatusWords(m.c.Tr, e); w != "" && n.Status != "" {
		line("live.status", n.Status+" ("+w+")")
	} else {
		line("live.status", n.Status)
	}
	if n.Amount != nil {
		line("live.amount", m.amount(e))
	}
	line("live.from", m.c.Personal(ingest.Host(n.Remote))) // an IP address is personal data
	answer := fmt.Sprintf("HTTP %d", n.HTTPStatus)
	if n.Kind == notify.KindBill {
		answer += fmt.Sprintf(", result_code %d", n.ResultCode) // the protocol's words
	}
	line("live.answered", answer)
	if w := n.Wallet; w != nil {
		b.WriteString("\n" + s.Title.Render(" "+tr.T("live.payment", nil)) + "\n")
		line("live.transaction", w.TxnID)
		line("live.date", m.c.DateTZ(w.Date))
		line("live.direction", w.Type)
		line("live.account", m.c.Personal(w.Account))
		line("live.comment", w.Comment)
		line("live.sum", m.c.Money(w.Sum))
		if w.Commission != nil {
			line("live.commission", m.c.Money(*w.Commission))
		}
		line("live.total", m.c.Money(w.Total))
		if w.ErrorCode != "" && w.ErrorCode != "0" {
			line("live.error_code", w.ErrorCode)
		}
		line("live.signed_fields", w.SignFields)
	}
	if be := n.Bill; be != nil {
		b.WriteString("\n" + s.Title.Render(" "+tr.T("live.bill", nil)) + "\n")
		line("live.bill_id", be.BillID)
		status := string(be.Status)
		if mean := explain.PullBillStatus(tr, be.Status); mean != status {
			status += " (" + mean + ")"
		}
		line("live.status", status)
		line("live.amount", m.c.Money(be.Amount))
		line("live.payer", m.c.Personal(be.User))
		line("live.merchant", be.PrvName)
		line("live.comment", be.Comment)
		line("live.signed_with", m.authWords(be.Auth))
	}
	if n.Outcome == notify.Duplicate {
		b.WriteString("\n" + s.Subtle.Render(" "+tr.T("live.duplicate", nil)) + "\n")
	}
	if n.Outcome == notify.Rejected {
		b.WriteString("\n" + s.Error.Render(" "+tr.T("live.not_applied", i18n.Args{"Reason": sanitize.Text(m.reason(n))})) + "\n")
	}
	return b.String()
}

// authWords is how a bill notification was signed, in words.
func (m *Model) authWords(a string) string {
	switch a {
	case "hmac":
		return m.c.Tr.T("live.auth_hmac", nil)
	case "basic":
		return m.c.Tr.T("live.auth_basic", nil)
	}
	return a
}

// ShortHelp lists the screen's keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	enter, cp := common.Relabel(k.Enter, m.c.Tr.T("live.key_detail", nil)), common.Relabel(k.Copy, m.c.Tr.T("live.key_copy_id", nil))
	enter.SetEnabled(len(m.entries) > 0)
	cp.SetEnabled(len(m.entries) > 0)
	if m.detail {
		back := k.Back
		back = common.Relabel(back, m.c.Tr.T("live.key_back", nil))
		return []key.Binding{back, cp}
	}
	return []key.Binding{k.Up, k.Down, enter, cp}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
