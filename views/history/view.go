package history

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/ui/common"
)

// chromeLines is what the screen draws around the table rows: the filter
// line, two totals lines, the column header and the status/prompt line.
const chromeLines = 5

const totalsLabelW = 30

// column is one table column; width 0 means the column is dropped.
type column struct {
	title string
	width int
	right bool
}

type layout struct {
	date, dir, status, amount, comm, account, provider, comment column
}

// Fixed widths; provider and comment share what is left and are the first
// to go on narrow terminals (comment below 100 columns, provider below 90).
const (
	markerW = 2 // "▶ "
	dateW   = 16
	dirW    = 4
	statusW = 7
	amountW = 16
	commW   = 10
	acctW   = 16
)

func newLayout(width int) layout {
	l := layout{
		date:    column{"DATE", dateW, false},
		dir:     column{"DIR", dirW, false},
		status:  column{"STATUS", statusW, false},
		amount:  column{"AMOUNT", amountW, true},
		comm:    column{"FEE", commW, true},
		account: column{"ACCOUNT", acctW, false},
	}
	fixed := markerW + dateW + 1 + dirW + 1 + statusW + 1 + amountW + 1 + commW + 1 + acctW
	rest := width - fixed
	switch {
	case width >= 100 && rest >= 24:
		p := min(28, (rest-2)/2)
		l.provider = column{"PROVIDER", p, false}
		l.comment = column{"COMMENT", rest - 2 - p, false}
	case width >= 90 && rest >= 11:
		l.provider = column{"PROVIDER", rest - 1, false}
	}
	return l
}

func (l layout) cols() []column {
	return []column{l.date, l.dir, l.status, l.amount, l.comm, l.account, l.provider, l.comment}
}

// cell pads s into a column, with the leading separator.
// cell writes one column; the text passes sanitize.Text (comments,
// accounts and provider names come from QIWI).
func cell(b *strings.Builder, c column, s string, first bool) {
	if c.width == 0 {
		return
	}
	s = sanitize.Text(s)
	if !first {
		b.WriteByte(' ')
	}
	if c.right {
		b.WriteString(common.PadLeft(s, c.width))
	} else {
		b.WriteString(common.PadRight(s, c.width))
	}
}

// View draws the screen. It renders only the rows on screen, so its cost
// does not depend on how many rows are loaded.
func (m *Model) View() string {
	s := m.c.Styles
	if m.width == 0 {
		return ""
	}
	lines := make([]string, 0, m.height)
	lines = append(lines, m.fit(m.filterLine()), m.fit(m.apiTotalsLine()), m.fit(m.localTotalsLine()))
	body := m.pageRows()
	switch {
	case m.detail != nil:
		lines = append(lines, m.detailLines(body+1)...)
	case m.state == stateLoading && len(m.rows) == 0:
		lines = append(lines, "", s.Subtle.Render("  Loading history…"))
	case m.state == stateError && len(m.rows) == 0:
		lines = append(lines, "", s.Error.Render("  "+m.c.Explain(m.err)), s.Subtle.Render("  Press r to retry."))
	case m.state == stateEmpty:
		lines = append(lines, "", s.Subtle.Render("  No payments match these filters."+m.emptyHint()))
	default:
		lines = append(lines, m.tableLines(body)...)
	}
	for len(lines) < m.height-1 {
		lines = append(lines, "")
	}
	lines = append(lines[:max(0, m.height-1)], m.fit(m.statusLine()))
	return strings.Join(lines, "\n")
}

// fit cuts a styled line to the screen width.
func (m *Model) fit(s string) string { return ansi.Truncate(s, m.width, "…") }

func (m *Model) emptyHint() string {
	if m.q.Operation != qiwiapi.OperationAll || len(m.q.Sources) > 0 || m.q.HasRange() {
		return " Press o, c or R to widen them."
	}
	return ""
}

func (m *Model) filterLine() string {
	s := m.c.Styles
	src := "any"
	if len(m.q.Sources) > 0 {
		src = string(m.q.Sources[0])
	}
	rng := "all time"
	if m.q.HasRange() {
		rng = m.q.Start.Format(dayLayout) + " … " + m.q.End.Format(dayLayout)
		if n := len(qiwiapi.Windows(m.q.Start, m.q.End)); n > 1 {
			rng += fmt.Sprintf(" (%d windows of ≤90 days)", n)
		}
	}
	parts := []string{
		s.Title.Render("History"),
		s.Label.Render("operation ") + string(m.q.Operation),
		s.Label.Render("source ") + src,
		s.Label.Render("range ") + rng,
		s.Label.Render("sort ") + m.sort.String(),
	}
	if m.text != "" {
		parts = append(parts, s.Label.Render("filter ")+fmt.Sprintf("%q", m.text))
	}
	if m.q.Cond.Label != "" { // a drill-down: said first, so it shows on a narrow screen
		// The label may name a counterparty's account: masked as on the screen it came from.
		label := m.c.Account(sanitize.Text(m.q.Cond.Label), common.Detail)
		parts = append([]string{parts[0], s.Label.Render("only ") + label}, parts[1:]...)
	}
	return " " + strings.Join(parts, s.Subtle.Render(" · "))
}

// amounts writes up to most amounts (0: all), then "(+N)" for the rest.
func (m *Model) amounts(list []qiwiapi.Amount, sign, most int) string {
	if len(list) == 0 {
		return "—"
	}
	out := make([]string, 0, len(list))
	for i, a := range list {
		if most > 0 && i == most {
			return strings.Join(out, ", ") + fmt.Sprintf(" (+%d)", len(list)-most)
		}
		if sign < 0 {
			a = a.Neg()
		}
		out = append(out, m.c.SignedMoney(a))
	}
	return strings.Join(out, ", ")
}

// totalsText is "in …  out …"; when every currency does not fit the width,
// each side keeps its first currency and says how many more there are, so
// both sides always show.
func (m *Model) totalsText(t *qiwiapi.Totals) string {
	full := "in " + m.amounts(t.Incoming, 1, 0) + "  out " + m.amounts(t.Outgoing, -1, 0)
	if m.width <= 0 || totalsLabelW+3+ansi.StringWidth(full) <= m.width {
		return full
	}
	return "in " + m.amounts(t.Incoming, 1, 1) + "  out " + m.amounts(t.Outgoing, -1, 1)
}

func (m *Model) apiTotalsLine() string {
	s := m.c.Styles
	label := "QIWI totals for the range"
	switch {
	case !m.q.Cond.IsZero():
		label = "Totals of these payments" // a drill-down: summed from the cache
	case !m.q.HasRange():
		label = "QIWI totals, last 30 days"
	}
	var val string
	note := true
	switch {
	case m.totalsErr != nil:
		val, note = s.Error.Render("unavailable: "+m.c.Explain(m.totalsErr)), false
	case m.apiTotals != nil: // a refresh leaves them on screen until it answers
		val = m.totalsText(m.apiTotals)
	case m.totalsLoading:
		val, note = s.Subtle.Render("loading…"), false
	default:
		val = "—"
	}
	return m.withNote(" "+s.Label.Render(common.PadRight(label+":", totalsLabelW))+" "+val, !note)
}

// withNote says what the totals count when the line has room for it.
func (m *Model) withNote(line string, skip bool) string {
	const note = "  (successful payments)"
	if skip || ansi.StringWidth(line)+len(note) > m.width {
		return line
	}
	return line + m.c.Styles.Subtle.Render(note)
}

func (m *Model) localTotalsLine() string {
	s := m.c.Styles
	label := fmt.Sprintf("Over the %d loaded rows", len(m.rows))
	if m.text != "" {
		label = fmt.Sprintf("Over %d matching of %d loaded", len(m.view), len(m.rows))
	}
	return m.withNote(" "+s.Label.Render(common.PadRight(label+":", max(totalsLabelW, utf8.RuneCountInString(label)+1)))+" "+m.totalsText(m.local.Totals()), false)
}

func (m *Model) headerLine(l layout) string {
	var b strings.Builder
	b.WriteString("  ")
	for i, c := range l.cols() {
		cell(&b, c, c.title, i == 0)
	}
	return m.c.Styles.TableHeader.Render(strings.TrimRight(b.String(), " "))
}

func (m *Model) tableLines(n int) []string {
	l := newLayout(m.width)
	out := make([]string, 0, n+1)
	out = append(out, m.headerLine(l))
	end := min(len(m.view), m.offset+n)
	for i := m.offset; i < end; i++ {
		out = append(out, m.rowLine(l, &m.rows[m.view[i]], i == m.cursor))
	}
	if len(out)-1 < n {
		if tail := m.tailLine(); tail != "" {
			out = append(out, tail)
		}
	}
	return out
}

// tailLine is the row after the last loaded one: loading, failed or the end.
func (m *Model) tailLine() string {
	s := m.c.Styles
	switch {
	case m.more:
		return s.Subtle.Render("  ⋯ loading more…")
	case m.moreErr != nil:
		return s.Error.Render("  ! could not load more: " + common.Truncate(m.c.Explain(m.moreErr), max(10, m.width-50)) + " (r to retry)")
	case m.next == nil && m.state == stateReady:
		return s.Subtle.Render(fmt.Sprintf("  — end of history: %d payments loaded —", len(m.rows)))
	case m.next != nil && m.text != "" && m.q.Text == "":
		return s.Subtle.Render("  ⋯ the filter covers loaded rows only; move down to load more")
	}
	return ""
}

func dirText(t qiwiapi.TxnType) string {
	switch t {
	case qiwiapi.TypeIn:
		return "IN"
	case qiwiapi.TypeOut:
		return "OUT"
	case qiwiapi.TypeQIWICard:
		return "CARD"
	}
	return string(t)
}

func statusText(s qiwiapi.TxnStatus) string {
	switch s {
	case qiwiapi.StatusSuccess:
		return "OK"
	case qiwiapi.StatusError:
		return "ERROR"
	case qiwiapi.StatusWaiting:
		return "WAITING"
	}
	return string(s)
}

func providerName(t *qiwiapi.Transaction) string {
	switch {
	case t.Provider == nil:
		return ""
	case t.Provider.ShortName != "":
		return t.Provider.ShortName
	}
	return t.Provider.LongName
}

func (m *Model) rowLine(l layout, t *qiwiapi.Transaction, selected bool) string {
	s := m.c.Styles
	fee := "—"
	if !t.Commission.IsZero() {
		fee = m.c.Money(t.Commission)
	}
	amount := common.PadLeft(m.c.SignedMoney(t.Signed()), l.amount.width)
	var b strings.Builder
	b.Grow(m.width + 16)
	if selected {
		b.WriteString("▶ ")
	} else {
		b.WriteString("  ")
	}
	cell(&b, l.date, m.c.Date(t.Date), true)
	cell(&b, l.dir, dirText(t.Type), false)
	cell(&b, l.status, statusText(t.Status), false)
	b.WriteByte(' ')
	if selected {
		b.WriteString(amount)
	} else {
		switch {
		case t.Status == qiwiapi.StatusError:
			b.WriteString(s.Subtle.Render(amount))
		case t.Type == qiwiapi.TypeIn:
			b.WriteString(s.Positive.Render(amount))
		default:
			b.WriteString(s.Negative.Render(amount))
		}
	}
	cell(&b, l.comm, fee, false)
	// Always masked in the table (a glance over the shoulder); the detail
	// pane shows it in full unless privacy mode is on.
	cell(&b, l.account, m.c.Account(t.Account, common.List), false)
	cell(&b, l.provider, providerName(t), false)
	cell(&b, l.comment, m.c.Personal(oneLine(t.Comment)), false)
	line := b.String()
	if selected {
		return s.Selected.Render(common.PadRight(line, m.width))
	}
	return strings.TrimRight(line, " ")
}

// oneLine keeps a comment on its row.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\n\r\t") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

func (m *Model) statusLine() string {
	s := m.c.Styles
	if m.mode != modeTable {
		label := map[mode]string{modeFilter: "/", modeGoTo: "go to txn: ", modeEmail: "e-mail receipt to: ", modeRange: "date range (from to): ", modeExport: "export this view as: "}[m.mode]
		line := " " + s.Accent.Render(label) + m.input.View()
		if m.input.Err != nil {
			line += "  " + s.Error.Render(m.input.Err.Error())
		}
		return line
	}
	var parts []string
	if m.detail == nil && len(m.view) > 0 {
		parts = append(parts, fmt.Sprintf("row %d of %d", m.skipped+m.cursor+1, m.skipped+len(m.view)))
	}
	switch {
	case m.gotoBusy:
		parts = append(parts, "looking up the transaction…")
	case m.actionBusy > 0:
		parts = append(parts, "working on the receipt…")
	case m.Busy():
		parts = append(parts, "loading…")
	case m.detail != nil:
	case m.next == nil && m.state == stateReady:
		parts = append(parts, "all loaded")
	case m.next != nil:
		parts = append(parts, "more on scroll")
	}
	if m.behind && m.detail == nil {
		parts = append(parts, "newer payments not shown: r to reload")
	}
	if m.c.Settings != nil && m.c.Settings.Privacy {
		parts = append(parts, "privacy on")
	}
	if m.r != nil {
		if st := m.r.Status().Line(m.c.Loc()); st != "" {
			parts = append(parts, st)
		}
	}
	return s.Subtle.Render(" " + strings.Join(parts, " · "))
}

// ---- detail pane ----

func (m *Model) detailLines(n int) []string {
	s := m.c.Styles
	t := m.detail
	title := fmt.Sprintf(" Transaction %d", int64(t.TxnID))
	hint := "  esc close · J raw JSON · d receipt · e e-mail · y copy id · ↑/↓ scroll"
	var body []string
	if m.raw {
		title += " — raw JSON"
		hint = "  esc close · J fields · ↑/↓ scroll"
		body = m.rawLines()
	} else {
		body = m.fieldLines(t)
	}
	out := []string{s.Title.Render(title) + s.Subtle.Render(hint)}
	room := max(1, n-1)
	off := min(m.detailOffset, max(0, len(body)-room))
	end := min(len(body), off+room)
	out = append(out, body[off:end]...)
	if end < len(body) {
		out[len(out)-1] = s.Subtle.Render(fmt.Sprintf("  ⋯ %d more lines (↓)", len(body)-end+1))
	}
	return out
}

func (m *Model) rawLines() []string {
	if m.c.Settings != nil && m.c.Settings.Privacy {
		return []string{"", "  The raw JSON is hidden in privacy mode: it holds amounts and accounts. Press p to show it."}
	}
	if len(m.detail.Raw) == 0 {
		return []string{"", "  No raw JSON was kept for this transaction."}
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, m.detail.Raw, "  ", "  "); err != nil {
		return []string{"  " + string(m.detail.Raw)}
	}
	lines := strings.Split("  "+buf.String(), "\n")
	for i, l := range lines {
		if utf8.RuneCountInString(l) > m.width {
			lines[i] = common.Truncate(l, m.width)
		}
	}
	return lines
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (m *Model) fieldLines(t *qiwiapi.Transaction) []string {
	s := m.c.Styles
	var out []string
	valueW := max(20, m.width-22)
	add := func(label, value string) {
		label = s.Label.Render(common.PadRight(label, 18))
		value = sanitize.Text(value) // QIWI's words: comments, names, accounts, error texts
		// Long values wrap under themselves rather than off screen.
		for i, part := range wrap(value, valueW) {
			if i > 0 {
				label = strings.Repeat(" ", 18)
			}
			out = append(out, "  "+label+" "+part)
		}
	}
	section := func(name string) { out = append(out, "", " "+s.Bold.Render(name)) }

	section("Payment")
	add("Transaction id", itoa(int64(t.TxnID)))
	add("Terminal txn id", common.OrDash(string(t.TrmTxnID)))
	add("Date", m.c.DateTZ(t.Date))
	add("Type", dirText(t.Type)+" — "+typeWords(t.Type))
	st := string(t.Status)
	if t.StatusText != "" {
		st += " — " + t.StatusText
	}
	add("Status", st)
	if t.ErrorCode != 0 || t.Status == qiwiapi.StatusError {
		ours := qiwiapi.PaymentErrorText(int(t.ErrorCode))
		add("Error", fmt.Sprintf("%d — %s", int64(t.ErrorCode), ours))
		if t.Error != nil && *t.Error != "" && *t.Error != ours {
			add("QIWI's error text", *t.Error)
		}
	}
	section("Money")
	add("Sum", m.c.SignedMoney(t.Signed()))
	add("Commission", m.c.Money(t.Commission))
	add("Total", m.c.Money(t.Total))
	add("Currency rate", common.OrDash(string(t.CurrencyRate)))
	section("Parties")
	add("Account", common.OrDash(m.c.Account(t.Account, common.Detail)))
	add("Provider", providerText(t.Provider))
	add("Source", providerText(t.Source))
	if t.View != nil {
		add("View", common.OrDash(t.View.Title)+" · "+common.OrDash(m.c.Account(t.View.Account, common.Detail)))
	}
	add("Comment", m.c.Personal(common.OrDash(t.Comment)))
	if t.PersonID != 0 {
		add("Wallet (person)", m.c.Personal(itoa(int64(t.PersonID))))
	}
	if t.Features != nil {
		f := t.Features
		section("Features")
		add("Receipt ready", yesNo(f.ChequeReady))
		add("Bank document", fmt.Sprintf("available %s, ready %s", yesNo(f.BankDocumentAvailable), yesNo(f.BankDocumentReady)))
		add("Repeat payment", yesNo(f.RepeatPaymentEnabled))
		add("Regular payment", yesNo(f.RegularPaymentEnabled))
		add("Favourite", yesNo(f.FavoritePaymentEnabled))
		add("Chat", yesNo(f.ChatAvailable))
		add("Greeting card", yesNo(f.GreetingCardAttached))
	}
	return out
}

func typeWords(t qiwiapi.TxnType) string {
	switch t {
	case qiwiapi.TypeIn:
		return "incoming"
	case qiwiapi.TypeOut:
		return "outgoing"
	case qiwiapi.TypeQIWICard:
		return "QIWI card payment"
	}
	return "unknown"
}

func providerText(p *qiwiapi.Provider) string {
	if p == nil {
		return "—"
	}
	name := p.ShortName
	if p.LongName != "" && p.LongName != p.ShortName {
		name += " (" + p.LongName + ")"
	}
	return fmt.Sprintf("#%d %s", int64(p.ID), common.OrDash(name))
}

// wrap breaks s into lines of at most width cells, at spaces when it can.
func wrap(s string, width int) []string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) <= width {
		return []string{s}
	}
	var out []string
	var line []rune
	for _, word := range strings.Fields(s) {
		w := []rune(word)
		for len(w) > width { // a word longer than the line
			if len(line) > 0 {
				out = append(out, string(line))
				line = line[:0]
			}
			out = append(out, string(w[:width]))
			w = w[width:]
		}
		if len(line) > 0 && len(line)+1+len(w) > width {
			out = append(out, string(line))
			line = line[:0]
		}
		if len(line) > 0 {
			line = append(line, ' ')
		}
		line = append(line, w...)
	}
	if len(line) > 0 {
		out = append(out, string(line))
	}
	return out
}
