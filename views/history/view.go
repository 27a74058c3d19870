package history

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/ui/common"
	"qiwidash/ui/formkit"
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

func newLayout(width int, tr *i18n.Tr) layout {
	l := layout{
		date:    column{tr.T("history.col_date", nil), dateW, false},
		dir:     column{tr.T("history.col_dir", nil), dirW, false},
		status:  column{tr.T("history.col_status", nil), statusW, false},
		amount:  column{tr.T("history.col_amount", nil), amountW, true},
		comm:    column{tr.T("history.col_fee", nil), commW, true},
		account: column{tr.T("history.col_account", nil), acctW, false},
	}
	fixed := markerW + dateW + 1 + dirW + 1 + statusW + 1 + amountW + 1 + commW + 1 + acctW
	rest := width - fixed
	switch {
	case width >= 100 && rest >= 24:
		p := min(28, (rest-2)/2)
		l.provider = column{tr.T("history.col_provider", nil), p, false}
		l.comment = column{tr.T("history.col_comment", nil), rest - 2 - p, false}
	case width >= 90 && rest >= 11:
		l.provider = column{tr.T("history.col_provider", nil), rest - 1, false}
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
		lines = append(lines, "", s.Subtle.Render(m.c.Tr.T("history.loading_history", nil)))
	case m.state == stateError && len(m.rows) == 0:
		lines = append(lines, "", s.Error.Render("  "+m.c.Explain(m.err)), s.Subtle.Render(m.c.Tr.T("history.retry", nil)))
	case m.state == stateEmpty:
		lines = append(lines, "", s.Subtle.Render(m.c.Tr.T("history.empty", nil)+m.emptyHint()))
	default:
		lines = append(lines, m.tableLines(body)...)
	}
	for len(lines) < m.height-1 {
		lines = append(lines, "")
	}
	status, above := m.promptProblem(m.statusLine())
	lines = append(append(lines[:max(0, m.height-1-len(above))], above...), m.fit(status))
	return strings.Join(lines, "\n")
}

// promptProblem adds what is wrong with the prompt's input to the
// prompt's line when it fits there whole, else puts it on its own lines
// above the prompt, wrapped to the width (cut at the edge, the rule was
// lost at 80 columns).
func (m *Model) promptProblem(prompt string) (string, []string) {
	if m.mode == modeTable || m.input.Err == nil {
		return prompt, nil
	}
	s, why := m.c.Styles, m.c.Explain(m.input.Err)
	if ansi.StringWidth(prompt)+2+ansi.StringWidth(why) <= m.width {
		return prompt + "  " + s.Error.Render(why), nil
	}
	var above []string
	for _, l := range strings.Split(formkit.Wrap(why, max(10, m.width-3)), "\n") {
		above = append(above, s.Error.Render(" ✗ "+l))
	}
	return prompt, above
}

// fit cuts a styled line to the screen width.
func (m *Model) fit(s string) string { return ansi.Truncate(s, m.width, "…") }

func (m *Model) emptyHint() string {
	if m.q.Operation != qiwiapi.OperationAll || len(m.q.Sources) > 0 || m.q.HasRange() {
		return m.c.Tr.T("history.empty_widen", nil)
	}
	return ""
}

func (m *Model) filterLine() string {
	s := m.c.Styles
	tr := m.c.Tr
	src := tr.T("history.source_any", nil)
	if len(m.q.Sources) > 0 {
		src = string(m.q.Sources[0]) // QIWI's code of the source
	}
	rng := tr.T("history.all_time", nil)
	if m.q.HasRange() {
		rng = m.q.Start.Format(dayLayout) + " … " + m.q.End.Format(dayLayout)
		if n := len(qiwiapi.Windows(m.q.Start, m.q.End)); n > 1 {
			rng += tr.N("history.windows", n, nil)
		}
	}
	parts := []string{
		s.Title.Render(tr.T("history.title", nil)),
		s.Label.Render(tr.T("history.label_operation", nil)) + operationWords(tr, m.q.Operation),
		s.Label.Render(tr.T("history.label_source", nil)) + src,
		s.Label.Render(tr.T("history.label_range", nil)) + rng,
		s.Label.Render(tr.T("history.label_sort", nil)) + m.sort.words(tr),
	}
	if m.text != "" {
		parts = append(parts, s.Label.Render(tr.T("history.label_filter", nil))+strconv.Quote(m.text))
	}
	if m.q.Cond.Label != "" { // a drill-down: said first, so it shows on a narrow screen
		// The label may name a counterparty's account: masked as on the screen it came from.
		label := m.c.Account(sanitize.Text(m.q.Cond.Label), common.Detail)
		parts = append([]string{parts[0], s.Label.Render(tr.T("history.label_only", nil)) + label}, parts[1:]...)
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
// both sides always show; narrower still, the words get short (Russian's
// are longer than "in" and "out").
func (m *Model) totalsText(t *qiwiapi.Totals) string {
	fits := func(s string) bool { return m.width <= 0 || totalsLabelW+3+ansi.StringWidth(s) <= m.width }
	full := m.c.Tr.T("history.totals", i18n.Args{"In": m.amounts(t.Incoming, 1, 0), "Out": m.amounts(t.Outgoing, -1, 0)})
	if fits(full) {
		return full
	}
	first := i18n.Args{"In": m.amounts(t.Incoming, 1, 1), "Out": m.amounts(t.Outgoing, -1, 1)}
	if s := m.c.Tr.T("history.totals", first); fits(s) {
		return s
	}
	return m.c.Tr.T("history.totals_short", first)
}

func (m *Model) apiTotalsLine() string {
	s := m.c.Styles
	tr := m.c.Tr
	label := tr.T("history.totals_range", nil)
	switch {
	case !m.q.Cond.IsZero():
		label = tr.T("history.totals_drill", nil) // a drill-down: summed from the cache
	case !m.q.HasRange():
		label = tr.T("history.totals_30", nil)
	}
	var val string
	note := true
	switch {
	case m.totalsErr != nil:
		val, note = s.Error.Render(tr.T("history.totals_unavailable", i18n.Args{"Why": m.c.Explain(m.totalsErr)})), false
	case m.apiTotals != nil: // a refresh leaves them on screen until it answers
		val = m.totalsText(m.apiTotals)
	case m.totalsLoading:
		val, note = s.Subtle.Render(tr.T("history.loading", nil)), false
	default:
		val = "—"
	}
	return m.withNote(" "+s.Label.Render(common.PadRight(label+":", totalsLabelW))+" "+val, !note)
}

// withNote says what the totals count when the line has room for it.
func (m *Model) withNote(line string, skip bool) string {
	note := m.c.Tr.T("history.successful", nil)
	if skip || ansi.StringWidth(line)+ansi.StringWidth(note) > m.width {
		return line
	}
	return line + m.c.Styles.Subtle.Render(note)
}

func (m *Model) localTotalsLine() string {
	s := m.c.Styles
	label := m.c.Tr.N("history.loaded", len(m.rows), nil)
	if m.text != "" {
		label = m.c.Tr.N("history.matching", len(m.rows), i18n.Args{"Matching": len(m.view)})
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
	l := newLayout(m.width, m.c.Tr)
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
	s, tr := m.c.Styles, m.c.Tr
	switch {
	case m.more:
		return s.Subtle.Render(tr.T("history.loading_more", nil))
	case m.moreErr != nil:
		why := common.Truncate(m.c.Explain(m.moreErr), max(10, m.width-50))
		return s.Error.Render(tr.T("history.more_failed", i18n.Args{"Why": why}))
	case m.next == nil && m.state == stateReady:
		return s.Subtle.Render(tr.N("history.end", len(m.rows), nil))
	case m.next != nil && m.text != "" && m.q.Text == "":
		return s.Subtle.Render(tr.T("history.filter_loaded_only", nil))
	}
	return ""
}

// operationWords is the operation filter as the filter line says it.
func operationWords(tr *i18n.Tr, op qiwiapi.Operation) string {
	switch op {
	case qiwiapi.OperationAll:
		return tr.T("history.op_all", nil)
	case qiwiapi.OperationIn:
		return tr.T("history.op_in", nil)
	case qiwiapi.OperationOut:
		return tr.T("history.op_out", nil)
	case qiwiapi.OperationQIWICard:
		return tr.T("history.op_card", nil)
	}
	return string(op)
}

func dirText(tr *i18n.Tr, t qiwiapi.TxnType) string {
	switch t {
	case qiwiapi.TypeIn:
		return tr.T("history.dir_in", nil)
	case qiwiapi.TypeOut:
		return tr.T("history.dir_out", nil)
	case qiwiapi.TypeQIWICard:
		return tr.T("history.dir_card", nil)
	}
	return string(t)
}

func statusText(tr *i18n.Tr, s qiwiapi.TxnStatus) string {
	switch s {
	case qiwiapi.StatusSuccess:
		return tr.T("history.status_ok", nil)
	case qiwiapi.StatusError:
		return tr.T("history.status_error", nil)
	case qiwiapi.StatusWaiting:
		return tr.T("history.status_waiting", nil)
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
	cell(&b, l.dir, dirText(m.c.Tr, t.Type), false)
	cell(&b, l.status, statusText(m.c.Tr, t.Status), false)
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
	s, tr := m.c.Styles, m.c.Tr
	if m.mode != modeTable {
		return " " + s.Accent.Render(m.promptLabel()) + m.input.View() // its problem: promptProblem
	}
	var parts []string
	if m.detail == nil && len(m.view) > 0 {
		parts = append(parts, tr.T("history.row_of", i18n.Args{"Row": m.skipped + m.cursor + 1, "Total": m.skipped + len(m.view)}))
	}
	switch {
	case m.gotoBusy:
		parts = append(parts, tr.T("history.looking_up", nil))
	case m.actionBusy > 0:
		parts = append(parts, tr.T("history.working_receipt", nil))
	case m.Busy():
		parts = append(parts, tr.T("history.loading", nil))
	case m.detail != nil:
	case m.next == nil && m.state == stateReady:
		parts = append(parts, tr.T("history.all_loaded", nil))
	case m.next != nil:
		parts = append(parts, tr.T("history.more_on_scroll", nil))
	}
	if m.behind && m.detail == nil {
		parts = append(parts, tr.T("history.newer_hidden", nil))
	}
	if m.c.Settings != nil && m.c.Settings.Privacy {
		parts = append(parts, tr.T("history.privacy_on", nil))
	}
	if m.r != nil {
		if st := m.r.Status().Line(m.c.Tr, m.c.Loc()); st != "" {
			parts = append(parts, st)
		}
	}
	return s.Subtle.Render(" " + strings.Join(parts, " · "))
}

// promptLabel is what the open prompt asks for.
func (m *Model) promptLabel() string {
	switch m.mode {
	case modeGoTo:
		return m.c.Tr.T("history.prompt_goto", nil)
	case modeEmail:
		return m.c.Tr.T("history.prompt_email", nil)
	case modeRange:
		return m.c.Tr.T("history.prompt_range", nil)
	case modeExport:
		return m.c.Tr.T("history.prompt_export", nil)
	}
	return "/"
}

// ---- detail pane ----

func (m *Model) detailLines(n int) []string {
	s, tr := m.c.Styles, m.c.Tr
	t := m.detail
	title := tr.T("history.detail_title", i18n.Args{"ID": itoa(int64(t.TxnID))})
	hint := tr.T("history.detail_hint", nil)
	var body []string
	if m.raw {
		title += tr.T("history.detail_raw", nil)
		hint = tr.T("history.detail_raw_hint", nil)
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
		out[len(out)-1] = s.Subtle.Render(tr.N("history.more_lines", len(body)-end+1, nil))
	}
	return out
}

func (m *Model) rawLines() []string {
	if m.c.Settings != nil && m.c.Settings.Privacy {
		return []string{"", m.c.Tr.T("history.raw_private", nil)}
	}
	if len(m.detail.Raw) == 0 {
		return []string{"", m.c.Tr.T("history.raw_none", nil)}
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

func yesNo(tr *i18n.Tr, b bool) string {
	if b {
		return tr.T("history.yes", nil)
	}
	return tr.T("history.no", nil)
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

	tr := m.c.Tr
	section(tr.T("history.section_payment", nil))
	add(tr.T("history.field_txn_id", nil), itoa(int64(t.TxnID)))
	add(tr.T("history.field_terminal_id", nil), common.OrDash(string(t.TrmTxnID)))
	add(tr.T("history.field_date", nil), m.c.DateTZ(t.Date))
	add(tr.T("history.field_type", nil), dirText(tr, t.Type)+" — "+typeWords(tr, t.Type))
	st := string(t.Status) // QIWI's status and its text, as QIWI sends them
	if t.StatusText != "" {
		st += " — " + t.StatusText
	}
	add(tr.T("history.field_status", nil), st)
	if t.ErrorCode != 0 || t.Status == qiwiapi.StatusError {
		code := int(t.ErrorCode)
		ours := explain.PaymentCode(tr, code)
		add(tr.T("history.field_error", nil), itoa(int64(code))+" — "+ours)
		// QIWI's own text, when it says more than the code's description
		// (ours, or its docs' in either language).
		if q := t.Error; q != nil && *q != "" && *q != ours && *q != qiwiapi.PaymentErrorText(code) && *q != qiwiapi.PaymentErrorTextRU(code) {
			add(tr.T("history.field_qiwi_error", nil), *t.Error)
		}
	}
	section(tr.T("history.section_money", nil))
	add(tr.T("history.field_sum", nil), m.c.SignedMoney(t.Signed()))
	add(tr.T("history.field_commission", nil), m.c.Money(t.Commission))
	add(tr.T("history.field_total", nil), m.c.Money(t.Total))
	add(tr.T("history.field_rate", nil), common.OrDash(string(t.CurrencyRate)))
	section(tr.T("history.section_parties", nil))
	add(tr.T("history.field_account", nil), common.OrDash(m.c.Account(t.Account, common.Detail)))
	add(tr.T("history.field_provider", nil), providerText(t.Provider))
	add(tr.T("history.field_source", nil), providerText(t.Source))
	if t.View != nil {
		add(tr.T("history.field_view", nil), common.OrDash(t.View.Title)+" · "+common.OrDash(m.c.Account(t.View.Account, common.Detail)))
	}
	add(tr.T("history.field_comment", nil), m.c.Personal(common.OrDash(t.Comment)))
	if t.PersonID != 0 {
		add(tr.T("history.field_person", nil), m.c.Personal(itoa(int64(t.PersonID))))
	}
	if t.Features != nil {
		f := t.Features
		section(tr.T("history.section_features", nil))
		add(tr.T("history.field_receipt_ready", nil), yesNo(tr, f.ChequeReady))
		add(tr.T("history.field_bank_document", nil), tr.T("history.bank_document",
			i18n.Args{"Available": yesNo(tr, f.BankDocumentAvailable), "Ready": yesNo(tr, f.BankDocumentReady)}))
		add(tr.T("history.field_repeat", nil), yesNo(tr, f.RepeatPaymentEnabled))
		add(tr.T("history.field_regular", nil), yesNo(tr, f.RegularPaymentEnabled))
		add(tr.T("history.field_favourite", nil), yesNo(tr, f.FavoritePaymentEnabled))
		add(tr.T("history.field_chat", nil), yesNo(tr, f.ChatAvailable))
		add(tr.T("history.field_greeting", nil), yesNo(tr, f.GreetingCardAttached))
	}
	return out
}

func typeWords(tr *i18n.Tr, t qiwiapi.TxnType) string {
	switch t {
	case qiwiapi.TypeIn:
		return tr.T("history.type_in", nil)
	case qiwiapi.TypeOut:
		return tr.T("history.type_out", nil)
	case qiwiapi.TypeQIWICard:
		return tr.T("history.type_card", nil)
	}
	return tr.T("history.type_unknown", nil)
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
