// Package history is the History screen: the wallet's payments in a table
// that pages by cursor as you scroll, server-side filters (operation,
// source, date range of any length), a "/" filter and sort over the loaded
// rows, totals, a detail pane with the raw JSON, receipts (PDF download and
// e-mail) and a jump to any transaction by id.
package history

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/store/reader"
	"qiwidash/ui/common"
	"qiwidash/ui/feed"
)

// pageSize is the API's largest page.
const pageSize = 50

// requestTimeout bounds one page (several requests when windows are empty).
const requestTimeout = 60 * time.Second

type state int

const (
	stateLoading state = iota // the first page of the current query is in flight
	stateReady
	stateEmpty
	stateError // the first page failed and nothing is loaded
)

// mode is what has the keyboard.
type mode int

const (
	modeTable mode = iota
	modeFilter
	modeGoTo
	modeEmail
	modeRange
	modeExport
)

type sortKey int

const (
	sortDate   sortKey = iota // newest first: the API's order
	sortAmount                // per currency, largest first, over the whole cache (the reader sorts)
	sortStatus
	sortKeys
)

// words is the order as the filter line says it.
func (s sortKey) words(tr *i18n.Tr) string {
	switch s {
	case sortAmount:
		return tr.T("history.sort_amount", nil)
	case sortStatus:
		return tr.T("history.sort_status", nil)
	}
	return tr.T("history.sort_date", nil)
}

var operations = []qiwiapi.Operation{qiwiapi.OperationAll, qiwiapi.OperationIn, qiwiapi.OperationOut, qiwiapi.OperationQIWICard}

// sources cycles with c; "" is every source.
var sources = []qiwiapi.Source{"", qiwiapi.SourceRUB, qiwiapi.SourceUSD, qiwiapi.SourceEUR, qiwiapi.SourceCard, qiwiapi.SourceMK}

// ---- messages; every one carries the generation it was asked for ----

type pageMsg struct {
	gen   int
	first bool // the query's first page: replaces what is loaded
	page  Page
	err   error
}

type totalsMsg struct {
	gen    int
	seq    int // the latest request's, of totSeq
	totals *qiwiapi.Totals
	start  time.Time
	end    time.Time
	err    error
}

type txnMsg struct {
	gen int
	id  int64
	txn *qiwiapi.Transaction
	err error
}

type receiptMsg struct {
	id   int64
	path string
	err  error
}

type exportMsg struct {
	path string
	n    int
	err  error
}

type emailMsg struct {
	id    int64
	email string
	err   error
}

// Model is the History screen.
type Model struct {
	c             *common.Common
	r             Reader
	width, height int

	state  state
	err    error // the last load error (first page or more)
	gen    int   // bumped by every query change and refresh
	ctx    context.Context
	cancel context.CancelFunc // cancels every request of the current generation

	q         Query
	opIdx     int
	srcIdx    int
	next      *Cursor // nil: nothing more to load (once the first page came)
	more      bool    // a next page is in flight
	above     *Cursor // rows above the held ones were let go: where to page back up; nil at the top
	moreUp    bool    // the page above is in flight
	skipped   int     // how many rows above the held ones were let go, so positions stay those of the list
	syncing   int     // reader refreshes in flight
	moreErr   error   // the next page failed; r retries it
	replacing bool    // a reload keeping the rows is in flight: its first page replaces them

	refreshSeq     int                // bumped by every refresh; older refresh pages are dropped
	refreshing     bool               // a refresh's newest page is in flight
	refreshPassive bool               // ... for a live notification only
	refreshCancel  context.CancelFunc // cancels the refresh in flight
	behind         bool               // a live refresh found more than a page of new payments

	rows  []qiwiapi.Transaction
	hay   []string // lower-cased searchable text per row, for "/"
	view  []int32  // indices into rows: filtered and sorted
	sort  sortKey
	text  string // the applied "/" filter, lower-cased
	local *reader.Sum

	cursor, offset int // in view

	apiTotals        *qiwiapi.Totals
	totalsErr        error
	totalsLoading    bool
	totSeq           int
	totStart, totEnd time.Time

	mode     mode
	input    textinput.Model
	emailFor qiwiapi.Transaction // the receipt the e-mail prompt is for

	detail       *qiwiapi.Transaction
	raw          bool
	detailOffset int
	gotoGen      int
	gotoBusy     bool
	actionBusy   int // receipts being fetched or sent

	drill *drilled // showing a drill-down from another screen; nil: the user's own query
	// Statements writes the statement of [from, to] and says where (S); nil: no S.
	Statements func(ctx context.Context, from, to time.Time) (path string, err error)
}

// New builds the screen over the wallet's history reader (store/reader).
func New(c *common.Common, r Reader) *Model {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 200
	in.PromptStyle = c.Styles.Accent
	// A steady cursor: no blink ticks while a prompt is open (and stable
	// test frames).
	in.Cursor.SetMode(cursor.CursorStatic)
	return &Model{c: c, r: r, input: in, local: reader.NewSum(), q: Query{Operation: qiwiapi.OperationAll}}
}

// Init loads the first page and the totals.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.reload(false), m.syncCmd(false)) }

// Busy reports work in flight (the footer spinner).
func (m *Model) Busy() bool {
	return m.state == stateLoading || m.more || m.moreUp || m.syncing > 0 || m.replacing || m.refreshing || m.totalsLoading || m.gotoBusy || m.actionBusy > 0
}

// InputFocused is true while a prompt is typing, so letters are text.
func (m *Model) InputFocused() bool { return m.mode != modeTable }

// SetSize records the body size and keeps the selection visible.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.input.Width = m.promptWidth()
	m.clampOffset()
}

// reload starts the current query from its first page. keep leaves the
// loaded rows on screen until the new first page replaces them (refresh);
// otherwise they are dropped at once (the query changed).
func (m *Model) reload(keep bool) tea.Cmd {
	m.gen++
	if m.cancel != nil {
		m.cancel() // the old query's requests are no longer wanted
	}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	m.next, m.more, m.moreErr, m.err = nil, false, nil, nil
	m.above, m.moreUp, m.skipped = nil, false, 0
	m.refreshing, m.behind = false, false // a refresh in flight is of the old generation
	if keep && len(m.rows) > 0 {
		m.replacing = true
	} else {
		m.state = stateLoading
		m.replacing = false
		m.setRows(nil)
		m.cursor, m.offset = 0, 0
	}
	gen, src, q, parent := m.gen, m.r, m.q, m.ctx
	page := func() tea.Msg {
		if src == nil {
			return pageMsg{gen: gen, first: true, err: errNoReader}
		}
		ctx, cancel := context.WithTimeout(parent, requestTimeout)
		defer cancel()
		p, err := src.Page(ctx, q, nil)
		return pageMsg{gen: gen, first: true, page: p, err: err}
	}
	return tea.Batch(page, m.loadTotals(false))
}

// totalsRange is the range the API totals cover: the query's, or the last
// 30 days when the query has none (the API needs one).
func (m *Model) totalsRange() (time.Time, time.Time) {
	if m.q.HasRange() {
		return m.q.Start, m.q.End
	}
	now := time.Now()
	if m.c.Now != nil {
		now = m.c.Now()
	}
	loc := m.c.Loc()
	now = now.In(loc)
	end := time.Date(now.Year(), now.Month(), now.Day(), 23, 59, 59, 0, loc)
	start := time.Date(now.Year(), now.Month(), now.Day()-29, 0, 0, 0, 0, loc)
	return start, end
}

// loadTotals asks for the totals of the query's range; keep leaves the
// current ones on screen until the answer comes (a refresh).
func (m *Model) loadTotals(keep bool) tea.Cmd {
	m.totalsLoading, m.totalsErr = true, nil
	if !keep {
		m.apiTotals = nil
	}
	m.totSeq++
	gen, seq, src, q, parent := m.gen, m.totSeq, m.r, m.q, m.ctx
	if parent == nil {
		parent = context.Background()
	}
	q.Start, q.End = m.totalsRange()
	m.totStart, m.totEnd = q.Start, q.End
	return func() tea.Msg {
		if src == nil {
			return totalsMsg{gen: gen, seq: seq, start: q.Start, end: q.End, err: errNoReader}
		}
		ctx, cancel := context.WithTimeout(parent, requestTimeout)
		defer cancel()
		t, err := src.Totals(ctx, q)
		return totalsMsg{gen: gen, seq: seq, totals: t, start: q.Start, end: q.End, err: err}
	}
}

// fetchMore asks for the next page when the selection is within a screen
// page of the end of what is loaded. Only the user's moves trigger it under
// a "/" filter or a non-date sort: there the end of the view is not the
// oldest loaded payment, and chaining would walk the whole history.
func (m *Model) fetchMore(fromKey bool) tea.Cmd {
	if m.state != stateReady || m.next == nil || m.more || m.moreErr != nil || m.replacing {
		return nil
	}
	if !fromKey && (m.text != "" || m.localSort()) {
		return nil
	}
	if len(m.view)-1-m.cursor > m.pageRows() {
		return nil
	}
	return m.loadNext()
}

func (m *Model) loadNext() tea.Cmd {
	m.more, m.moreErr = true, nil
	m.clampOffset() // make room for the "loading more…" row
	gen, src, q, cur, parent := m.gen, m.r, m.q, m.next, m.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, requestTimeout)
		defer cancel()
		p, err := src.Page(ctx, q, cur)
		return pageMsg{gen: gen, page: p, err: err}
	}
}

// Update handles keys and async results.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		return m, m.reloadAsked()
	case common.ScrollMsg:
		return m, m.scroll(msg.Delta)
	case feed.WalletPaymentMsg:
		// A verified webhook: a payment moved. It may come while the screen
		// is in the background: merge the newest page, never start over.
		return m, m.refresh(true)
	case pageMsg:
		return m, m.onPage(msg)
	case abovePageMsg:
		return m, m.onAbove(msg)
	case refreshMsg:
		return m, m.onRefresh(msg)
	case syncedMsg:
		return m, m.onSynced(msg)
	case totalsMsg:
		if msg.gen != m.gen || msg.seq != m.totSeq {
			return m, nil
		}
		m.totalsLoading = false
		m.apiTotals, m.totalsErr = msg.totals, msg.err
		return m, nil
	case txnMsg:
		if msg.gen != m.gotoGen {
			return m, nil // the user gave up waiting (esc) or asked again
		}
		m.gotoBusy = false
		if msg.err != nil {
			return m, m.gotoError(msg.id, msg.err)
		}
		m.openDetail(msg.txn)
		return m, nil
	case receiptMsg:
		m.actionBusy--
		if msg.err != nil {
			return m, m.c.ErrorToast(msg.err)
		}
		return m, common.Toast(m.savedAt("history.receipt_saved", msg.path))
	case statementMsg:
		m.actionBusy--
		if msg.err != nil {
			return m, m.c.ErrorToast(msg.err)
		}
		return m, common.Toast(m.savedAt("statement.saved", msg.path))
	case exportMsg:
		m.actionBusy--
		if msg.err != nil {
			return m, m.c.ErrorToast(msg.err)
		}
		return m, common.Toast(m.c.Tr.N("history.exported", msg.n, i18n.Args{"File": filepath.Base(msg.path), "Dir": filepath.Dir(msg.path)}))
	case emailMsg:
		m.actionBusy--
		if msg.err != nil {
			return m, m.c.ErrorToast(msg.err)
		}
		return m, common.Toast(m.c.Tr.T("history.receipt_sent", i18n.Args{"ID": itoa(msg.id), "Email": m.c.Personal(msg.email)}))
	case tea.KeyMsg:
		if m.mode != modeTable {
			return m, m.promptKey(msg)
		}
		return m, m.handleKey(msg)
	}
	if m.mode != modeTable { // cursor blink and the like
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *Model) onPage(msg pageMsg) tea.Cmd {
	if msg.gen != m.gen {
		return nil // a page of an older query or refresh
	}
	if msg.err != nil {
		if msg.first {
			m.replacing = false
			m.err = msg.err
			if len(m.rows) == 0 {
				m.state = stateError
			}
		} else {
			m.more, m.moreErr = false, msg.err
			m.clampOffset()
		}
		return m.c.ErrorToast(msg.err)
	}
	if msg.first {
		m.replacing = false
		m.applyFirst(msg.page) // a reload keeping the rows keeps the selection too
	} else {
		m.more = false
		m.appendRows(msg.page.Transactions)
		m.next = msg.page.Next
		m.state = stateReady
		if len(m.rows) == 0 {
			m.state = stateEmpty
		}
		m.trimTop()
	}
	m.clampOffset()
	return m.fetchMore(false)
}

// reloadAsked is a refresh a person (or the timer) asked for: the page
// that failed is retried, keeping the rest; else the newest page merged.
func (m *Model) reloadAsked() tea.Cmd {
	if m.moreErr != nil && len(m.rows) > 0 {
		return m.loadNext()
	}
	return m.refresh(false)
}

// scroll moves the selection (or the open detail's text) by d rows and
// loads what the move brings into view.
func (m *Model) scroll(d int) tea.Cmd {
	if m.detail != nil {
		m.detailOffset = max(0, m.detailOffset+d)
		return nil
	}
	m.move(d)
	return tea.Batch(m.fetchMore(true), m.fetchAbove())
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	if m.detail != nil {
		if cmd, ok := m.detailKey(msg); ok {
			return cmd
		}
	}
	switch {
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.move(-m.pageRows())
	case key.Matches(msg, k.PageDown):
		m.move(m.pageRows())
	case key.Matches(msg, k.Top):
		m.move(-len(m.view))
	case key.Matches(msg, k.Bottom):
		m.move(len(m.view))
	case key.Matches(msg, k.Enter):
		if t, ok := m.selected(); ok {
			m.openDetail(&t)
		}
		return nil
	case key.Matches(msg, k.Back):
		if m.text == "" && m.q.Text == "" {
			if cmd, ok := m.undrill(); ok {
				return cmd
			}
		}
		if m.text != "" {
			m.applyText("")
		}
		return m.searchSource("")
	case key.Matches(msg, k.Statement):
		return m.statement()
	case key.Matches(msg, k.Refresh):
		return m.reloadAsked()
	case key.Matches(msg, k.Filter):
		return m.openPrompt(modeFilter, m.text, m.c.Tr.T("history.hint_filter", nil))
	case key.Matches(msg, k.GoTo):
		return m.openPrompt(modeGoTo, "", m.c.Tr.T("history.hint_txn", nil))
	case key.Matches(msg, k.Range):
		return m.openPrompt(modeRange, m.rangeText(), m.c.Tr.T("history.hint_range", nil))
	case key.Matches(msg, k.Operation):
		m.opIdx = (m.opIdx + 1) % len(operations)
		m.q.Operation = operations[m.opIdx]
		return m.reload(false)
	case key.Matches(msg, k.Source):
		m.srcIdx = (m.srcIdx + 1) % len(sources)
		m.q.Sources = nil
		if s := sources[m.srcIdx]; s != "" {
			m.q.Sources = []qiwiapi.Source{s}
		}
		return m.reload(false)
	case key.Matches(msg, k.Sort):
		return m.setSort((m.sort + 1) % sortKeys)
	case key.Matches(msg, k.Export):
		return m.openPrompt(modeExport, "csv", m.c.Tr.T("history.hint_export", nil))
	case key.Matches(msg, k.Copy):
		if t, ok := m.selected(); ok {
			return m.copyID(t)
		}
		return nil
	case key.Matches(msg, k.Receipt):
		if t, ok := m.selected(); ok {
			return m.downloadReceipt(t)
		}
		return nil
	case key.Matches(msg, k.Email):
		if t, ok := m.selected(); ok {
			return m.askEmail(t)
		}
		return nil
	default:
		return nil
	}
	return tea.Batch(m.fetchMore(true), m.fetchAbove())
}

// detailKey handles the keys that mean something else while the detail
// pane is open; ok is false for keys the table handles the same way.
func (m *Model) detailKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := m.c.Keys
	t := *m.detail
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Enter):
		m.closeDetail()
	case key.Matches(msg, k.Up):
		m.detailOffset = max(0, m.detailOffset-1)
	case key.Matches(msg, k.Down):
		m.detailOffset++
	case key.Matches(msg, k.PageUp):
		m.detailOffset = max(0, m.detailOffset-m.pageRows())
	case key.Matches(msg, k.PageDown):
		m.detailOffset += m.pageRows()
	case key.Matches(msg, k.Top):
		m.detailOffset = 0
	case key.Matches(msg, k.Raw):
		m.raw = !m.raw
		m.detailOffset = 0
	case key.Matches(msg, k.Copy):
		return m.copyID(t), true
	case key.Matches(msg, k.Receipt):
		return m.downloadReceipt(t), true
	case key.Matches(msg, k.Email):
		return m.askEmail(t), true
	case key.Matches(msg, k.GoTo):
		return m.openPrompt(modeGoTo, "", m.c.Tr.T("history.hint_txn", nil)), true
	case key.Matches(msg, k.Refresh):
		return nil, false
	default:
		return nil, true // table keys do nothing behind the pane
	}
	return nil, true
}

func (m *Model) openDetail(t *qiwiapi.Transaction) {
	cp := *t
	m.detail, m.raw, m.detailOffset = &cp, false, 0
}

func (m *Model) closeDetail() { m.detail, m.raw, m.detailOffset = nil, false, 0 }

func (m *Model) move(d int) {
	if len(m.view) == 0 {
		return
	}
	m.cursor = min(max(0, m.cursor+d), len(m.view)-1)
	m.clampOffset()
}

// pageRows is how many table rows fit on screen.
func (m *Model) pageRows() int { return max(1, m.height-chromeLines) }

func (m *Model) clampOffset() {
	n := m.pageRows()
	if m.more || m.moreErr != nil {
		n = max(1, n-1) // keep the "loading more…" row on screen
	}
	m.cursor = min(m.cursor, max(0, len(m.view)-1))
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+n {
		m.offset = m.cursor - n + 1
	}
	m.offset = max(0, min(m.offset, max(0, len(m.view)-n)))
	if m.offset > m.cursor {
		m.offset = m.cursor
	}
}

func (m *Model) selected() (qiwiapi.Transaction, bool) {
	if m.cursor < 0 || m.cursor >= len(m.view) {
		return qiwiapi.Transaction{}, false
	}
	return m.rows[m.view[m.cursor]], true
}

// selectTxn selects a row by id and type (the two legs of a conversion
// share one id).
func (m *Model) selectTxn(t qiwiapi.Transaction) {
	for i, r := range m.view {
		if m.rows[r].TxnID == t.TxnID && m.rows[r].Type == t.Type {
			m.cursor = i
			return
		}
	}
}

// ---- prompts ----

// promptWidth leaves room after the input for an error in words.
func (m *Model) promptWidth() int {
	switch m.mode {
	case modeGoTo:
		return 20
	case modeRange:
		return 24
	}
	return max(10, min(40, m.width-40))
}

func (m *Model) openPrompt(md mode, value, placeholder string) tea.Cmd {
	m.mode = md
	m.input.Width = m.promptWidth()
	m.input.SetValue(value)
	m.input.CursorEnd()
	m.input.Placeholder = placeholder
	m.input.Err = nil
	return m.input.Focus()
}

func (m *Model) closePrompt() {
	m.mode = modeTable
	m.input.Blur()
	m.input.SetValue("")
}

func (m *Model) promptKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		if m.mode == modeFilter {
			m.applyText("")
			m.closePrompt()
			return m.searchSource("")
		}
		m.closePrompt()
		return nil
	case key.Matches(msg, k.Enter):
		return m.submitPrompt()
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	m.input.Err = nil
	if m.mode == modeFilter { // narrow as you type
		m.applyText(m.input.Value())
	}
	return cmd
}

func (m *Model) submitPrompt() tea.Cmd {
	v := strings.TrimSpace(m.input.Value())
	switch m.mode {
	case modeFilter:
		m.applyText(v)
		m.closePrompt()
		return m.searchSource(v)
	case modeGoTo:
		id, err := parseTxnID(v)
		if err != nil {
			m.input.Err = err
			return nil
		}
		m.closePrompt()
		return m.goTo(id)
	case modeEmail:
		if !looksLikeEmail(v) {
			m.input.Err = i18n.Errorf("history.not_email", i18n.Args{"Value": strconv.Quote(v)}, nil)
			return nil
		}
		t := m.emailFor
		m.closePrompt()
		return m.sendEmail(t, v)
	case modeExport:
		if v != "csv" && v != "json" {
			m.input.Err = i18n.Errorf("history.not_format", i18n.Args{"Value": strconv.Quote(v)}, nil)
			return nil
		}
		m.closePrompt()
		return m.exportView(v)
	case modeRange:
		start, end, err := parseRange(v, m.c.Loc())
		if err != nil {
			m.input.Err = err
			return nil
		}
		m.closePrompt()
		if start.Equal(m.q.Start) && end.Equal(m.q.End) {
			return nil
		}
		m.q.Start, m.q.End = start, end
		return m.reload(false)
	}
	m.closePrompt()
	return nil
}

func (m *Model) rangeText() string {
	if !m.q.HasRange() {
		return ""
	}
	return m.q.Start.Format(dayLayout) + " " + m.q.End.Format(dayLayout)
}

// ---- help ----

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch {
	case m.mode != modeTable:
		enter, back := k.Enter, k.Back
		enter = common.Relabel(enter, m.c.Tr.T("history.help_apply", nil))
		back = common.Relabel(back, m.c.Tr.T("history.help_cancel", nil))
		return []key.Binding{enter, back}
	case m.detail != nil:
		back, raw := k.Back, k.Raw
		back = common.Relabel(back, m.c.Tr.T("history.help_close", nil))
		raw = common.Relabel(raw, m.c.Tr.T("history.help_raw", nil))
		if m.raw {
			raw = common.Relabel(raw, m.c.Tr.T("history.help_fields", nil))
		}
		return []key.Binding{back, raw, k.Receipt, k.Email, k.Copy, k.GoTo}
	}
	enter := common.Relabel(k.Enter, m.c.Tr.T("history.help_details", nil))
	out := []key.Binding{k.Up, k.Down, enter, k.Filter, k.Operation, k.Source, k.Range, k.Sort, k.Refresh}
	if m.Statements != nil {
		out = append(out, k.Statement)
	}
	if m.drill != nil {
		out = append(out, m.backTo())
	}
	return out
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	if m.mode != modeTable || m.detail != nil {
		return [][]key.Binding{m.ShortHelp(), {k.Up, k.Down, k.PageUp, k.PageDown, k.Top}}
	}
	enter := common.Relabel(k.Enter, m.c.Tr.T("history.help_details", nil))
	files := []key.Binding{k.Receipt, k.Email, k.Export}
	if m.Statements != nil {
		files = append(files, k.Statement)
	}
	if m.drill != nil {
		files = append(files, m.backTo())
	}
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{enter, k.Filter, k.Sort, k.Copy, k.GoTo},
		{k.Operation, k.Source, k.Range, k.Refresh},
		files,
	}
}

// backTo is Esc's key during a drill-down: back to the screen it came from,
// named as the tabs name it.
func (m *Model) backTo() key.Binding {
	name := m.drill.back
	if name == "Insights" { // the one screen that drills, by its title
		name = m.c.Tr.T("screen.insights", nil)
	}
	return common.Relabel(m.c.Keys.Back, m.c.Tr.T("history.help_back_to", i18n.Args{"Screen": name}))
}

// copyID copies a transaction's id (y).
func (m *Model) copyID(t qiwiapi.Transaction) tea.Cmd {
	id := itoa(int64(t.TxnID))
	return common.Copy(id, m.c.Tr.T("history.copy_what", i18n.Args{"ID": id}))
}

// savedAt says where a file was written, its name first: a toast cut at
// a narrow width still shows which file.
func (m *Model) savedAt(id, path string) string {
	return m.c.Tr.T(id, i18n.Args{"File": filepath.Base(path), "Dir": filepath.Dir(path)})
}
