// Package payments is the Payments screen: forms for every kind of payment
// (wallet, mobile, card, bank, other services, requisites, conversion) that
// validate as you type and preview the commission, a confirmation with sum,
// commission, total and recipient, and the list of recent payments with
// their live status: the wallet's journaled payments, conversions and
// invoice payments, this run's and earlier runs'.
//
// The screen only sends intents and renders: the engine (Common.Moves,
// store/moves) draws the client id, journals, sends, retries with the same
// id and follows each payment to its final status; the screen waits for
// its moves and re-reads the list. A network error or unreadable answer
// after sending is "unknown", never "failed".
package payments

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/store"
	"qiwidash/store/moves"
	"qiwidash/ui/common"
	"qiwidash/ui/formkit"
)

// DefaultDebounce is how long typing must pause before previews are asked
// for (tests set it to 0).
const DefaultDebounce = 400 * time.Millisecond

// DefaultWatchFor is how long one wait for the engine's next move lasts
// before the list is read again (and the wait renewed).
const DefaultWatchFor = time.Minute

// lookups are the answers the open form depends on.
type lookups struct {
	opFor, opPending string // phone (10 digits) resolved / being resolved
	op               *qiwiapi.MobileOperator
	opErr            string

	searchFor, searchPending string
	found                    []qiwiapi.SearchItem
	searchErr                string

	rates        []qiwiapi.CrossRate
	ratesErr     string
	ratesPending bool
}

type (
	debounceMsg   struct{ gen int }
	commissionMsg struct {
		gen int
		q   quote
		c   *qiwiapi.Commission
		err error
	}
	operatorMsg struct {
		phone string
		ops   []qiwiapi.MobileOperator
		err   error
	}
	searchMsg struct {
		query string
		items []qiwiapi.SearchItem
		err   error
	}
	ratesMsg struct {
		rates []qiwiapi.CrossRate
		err   error
	}
)

// Model is the Payments screen.
type Model struct {
	c             *common.Common
	width, height int

	// WatchFor is how long one wait for the engine's next move lasts (0:
	// DefaultWatchFor); tests keep it short.
	WatchFor time.Duration
	// Debounce is how long typing must pause before previews are asked for.
	Debounce time.Duration

	cursor  int // over the kinds menu, then the recent payments
	form    *form
	formGen int
	lk      lookups

	// Commission preview of the open form, tagged with a generation.
	commission        *qiwiapi.Commission
	commissionErr     string
	commissionFor     quote
	commissionGen     int
	commissionPending bool

	// The engine's check of the submitted form (balance, commission,
	// limits), tagged with a generation: a change of the form drops it.
	checkGen     int
	checkPending bool

	recent []*entry // this session's and the journal's payments, newest first

	// RecentLimit is how many journaled payments are listed (0: DefaultRecentLimit).
	RecentLimit int
	journalGen  int    // the journal read whose answer counts
	journalErr  string // why the journal could not be read
	recentTop   int    // first recent entry drawn
	version     uint64 // the engine's version the list was read at
	watching    bool   // a wait for the engine's next move is out
}

// New builds the screen.
func New(c *common.Common) *Model {
	return &Model{c: c, Debounce: DefaultDebounce}
}

// Init reads the recent payments from the journal (when it can list);
// forms load what they need when opened.
func (m *Model) Init() tea.Cmd { return m.loadJournal() }

// SetSize records the body size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// InputFocused is true while a form is open: every key goes to it.
func (m *Model) InputFocused() bool { return m.form != nil && !m.c.Settings.ReadOnly }

// Busy reports a payment being sent or a preview being fetched.
func (m *Model) Busy() bool {
	if m.commissionPending || m.checkPending || m.lk.opPending != "" || m.lk.searchPending != "" || m.lk.ratesPending {
		return true
	}
	for _, e := range m.recent {
		if e.je.State == store.StatePending || e.je.State == store.StateSent {
			return true
		}
	}
	return false
}

func (m *Model) kindRows() int {
	if m.c.Settings.ReadOnly {
		return 0
	}
	return len(kinds)
}

func (m *Model) rows() int { return m.kindRows() + len(m.recent) }

// Update handles keys, form lookups and the life of sent payments.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		if m.form != nil {
			return m, nil
		}
		return m, m.reload()
	case common.ScrollMsg:
		if m.form == nil {
			m.cursor = common.Clamp(m.cursor+msg.Delta, m.rows())
		}
		return m, nil
	case tea.KeyMsg:
		if m.form != nil && m.c.Settings.ReadOnly {
			m.form = nil // read-only switched on while a form was open
		}
		if m.form != nil {
			return m, m.formKey(msg)
		}
		return m, m.menuKey(msg)
	case debounceMsg:
		if m.form == nil || msg.gen != m.formGen {
			return m, nil
		}
		return m, m.fireLookups()
	case commissionMsg:
		if msg.gen != m.commissionGen {
			return m, nil // stale: the form changed since
		}
		m.commissionPending = false
		m.commission, m.commissionErr, m.commissionFor = msg.c, "", msg.q
		if msg.err != nil {
			m.commission, m.commissionErr = nil, m.c.Explain(msg.err)
		}
		return m, nil
	case checkedMsg:
		if msg.gen != m.checkGen || m.form == nil {
			return m, nil // the form changed or closed since
		}
		m.checkPending = false
		if msg.err != nil {
			m.form.Banner = m.refusalText(msg.err)
			return m, nil
		}
		return m, m.confirm(msg.d, msg.check)
	case operatorMsg:
		if msg.phone != m.lk.opPending {
			return m, nil
		}
		m.lk.opPending, m.lk.opFor, m.lk.op, m.lk.opErr = "", msg.phone, nil, ""
		if msg.err != nil {
			m.lk.opErr = m.c.Explain(msg.err)
		} else if len(msg.ops) > 0 {
			op := msg.ops[0]
			m.lk.op = &op
		}
		return m, m.afterLookup()
	case searchMsg:
		if msg.query != m.lk.searchPending {
			return m, nil
		}
		m.lk.searchPending, m.lk.searchFor, m.lk.searchErr, m.lk.found = "", msg.query, "", nil
		if msg.err != nil {
			m.lk.searchErr = m.c.Explain(msg.err)
		}
		for _, it := range msg.items {
			if !dedicated(int(it.Data.ID)) {
				m.lk.found = append(m.lk.found, it)
			}
		}
		if m.form != nil && m.form.kind == kindService {
			var opts []option
			for _, it := range m.lk.found {
				opts = append(opts, option{Label: fmt.Sprintf("%s (%d)", it.Name, it.Data.ID), Value: strconv.Itoa(int(it.Data.ID))})
			}
			m.form.Get("provider").SetOptions(opts)
		}
		return m, m.afterLookup()
	case journalLoadedMsg:
		return m, m.mergeJournal(msg)
	case ratesMsg:
		m.lk.ratesPending = false
		m.lk.rates, m.lk.ratesErr = msg.rates, ""
		if msg.err != nil {
			m.lk.ratesErr = m.c.Explain(msg.err)
		}
		return m, m.afterLookup()
	}
	return m, m.handleSend(msg)
}

// reload asks QIWI again about payments not yet final and rereads the journal.
func (m *Model) reload() tea.Cmd {
	m.watching = false // asked for: wait afresh
	return tea.Batch(m.recheckAll(), m.loadJournal())
}

func (m *Model) menuKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.Down):
		m.cursor = min(max(0, m.rows()-1), m.cursor+1)
	case key.Matches(msg, k.Top):
		m.cursor = 0
	case key.Matches(msg, k.Bottom):
		m.cursor = max(0, m.rows()-1)
	case key.Matches(msg, k.Refresh):
		return m.reload()
	case key.Matches(msg, k.Enter):
		if m.cursor < m.kindRows() {
			return m.open(kinds[m.cursor].id)
		}
		if e := m.selectedEntry(); e != nil {
			return m.askRetry(e)
		}
	case key.Matches(msg, k.Copy):
		if e := m.selectedEntry(); e != nil {
			if id := e.je.TxnID(); id != 0 {
				return common.Copy(strconv.FormatInt(id, 10), m.c.Tr.T("payments.copy.txn", nil))
			}
			return common.Copy(e.id(), m.c.Tr.T("payments.copy.client_id", nil))
		}
	}
	return nil
}

func (m *Model) selectedEntry() *entry {
	i := m.cursor - m.kindRows()
	if i >= 0 && i < len(m.recent) {
		return m.recent[i]
	}
	return nil
}

// open shows the form for a kind.
func (m *Model) open(k kindID) tea.Cmd {
	if m.c.Settings.ReadOnly {
		return nil
	}
	if m.c.Moves == nil {
		return common.Toast(m.c.Tr.T("payments.menu.no_journal", nil))
	}
	m.resetQuote()
	m.lk.opFor, m.lk.opPending, m.lk.op, m.lk.opErr = "", "", nil, ""
	m.lk.searchFor, m.lk.searchPending, m.lk.found, m.lk.searchErr = "", "", nil, ""
	m.form = m.newForm(k)
	if k == kindConversion && !m.lk.ratesPending {
		// Rates move: read them afresh for every conversion.
		m.lk.rates, m.lk.ratesErr, m.lk.ratesPending = nil, "", true
		m.validate(m.form)
		api := m.c.API
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			r, _, err := api.Payments.CrossRates(ctx)
			return ratesMsg{rates: r, err: err}
		}
	}
	return nil
}

func (m *Model) resetQuote() {
	m.commission, m.commissionErr, m.commissionFor = nil, "", quote{}
	m.commissionGen++ // drops answers still on their way
	m.commissionPending = false
	m.checkGen++ // a check still on its way is for another form
	m.checkPending = false
}

func (m *Model) formKey(msg tea.KeyMsg) tea.Cmd {
	ev, cmd := m.form.Update(msg, m.c.Keys)
	switch ev {
	case formkit.Cancel:
		m.form = nil
		m.resetQuote()
		return nil
	case formkit.Submit:
		return m.submit()
	case formkit.Changed:
		return tea.Batch(cmd, m.changed())
	}
	return cmd
}

// changed revalidates the form, drops a check of the old values and
// restarts the debounce for previews.
func (m *Model) changed() tea.Cmd {
	m.validate(m.form)
	m.checkGen++
	m.checkPending = false
	m.formGen++
	return tick(m.Debounce, debounceMsg{gen: m.formGen})
}

// afterLookup revalidates with a new answer and asks what now became askable.
func (m *Model) afterLookup() tea.Cmd {
	if m.form == nil {
		return nil
	}
	m.validate(m.form)
	return m.fireLookups()
}

// fireLookups starts the operator lookup, provider search and commission
// preview the form's current values allow, unless one is already asked.
func (m *Model) fireLookups() tea.Cmd {
	f, api := m.form, m.c.API
	if f == nil {
		return nil
	}
	var cmds []tea.Cmd
	if f.kind == kindMobile {
		if p10, err := qiwiapi.NormalizeRUPhone10(f.Value("phone")); err == nil && p10 != m.lk.opFor && p10 != m.lk.opPending {
			m.lk.opPending = p10
			cmds = append(cmds, func() tea.Msg {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				ops, _, err := api.Payments.MobileOperators(ctx, "7"+p10)
				return operatorMsg{phone: p10, ops: ops, err: err}
			})
		}
	}
	if f.kind == kindService {
		q := strings.TrimSpace(f.Value("query"))
		if len([]rune(q)) >= 2 && q != m.lk.searchFor && q != m.lk.searchPending {
			m.lk.searchPending = q
			cmds = append(cmds, func() tea.Msg {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				items, _, err := api.Payments.SearchProviders(ctx, q)
				return searchMsg{query: q, items: items, err: err}
			})
		}
	}
	if q, ok := m.quoteOf(f); ok && !(q == m.commissionFor && (m.commission != nil || m.commissionErr != "")) {
		cmds = append(cmds, m.requestCommission(q))
	}
	return tea.Batch(cmds...)
}

func (m *Model) requestCommission(q quote) tea.Cmd {
	m.commissionGen++
	m.commissionPending = true
	gen, api := m.commissionGen, m.c.API
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c, _, err := api.Payments.Commission(ctx, q.provider, q.account, q.sum)
		return commissionMsg{gen: gen, q: q, c: c, err: err}
	}
}

// checkedMsg is the engine's check of a submitted form.
type checkedMsg struct {
	gen   int
	d     draft
	check moves.WalletCheck
	err   error
}

// refusalText is why a checked payment is not offered, in words, its
// amounts written as the screen writes them (masked in privacy mode).
func (m *Model) refusalText(err error) string {
	if text, ok := m.c.Refusal(err); ok {
		return text
	}
	inner := err
	if u := errors.Unwrap(err); u != nil {
		inner = u
	}
	return m.c.Tr.T("payments.form.check_failed", i18n.Args{"Why": m.c.Explain(inner)})
}

// submit checks the whole form, then has the engine check the payment
// (commission, balance, limits): only a payment that can succeed reaches
// the confirmation.
func (m *Model) submit() tea.Cmd {
	f := m.form
	f.Submitted()
	m.validate(f)
	if f.FirstProblem() {
		f.Banner = m.c.Tr.T("payments.form.fix_fields", nil)
		return nil
	}
	if _, ok := m.quoteOf(f); !ok {
		f.Banner = m.c.Tr.T("payments.form.still_looking", nil)
		return m.fireLookups()
	}
	p, recipient, err := m.build(f)
	if err != nil {
		f.Banner = explain.Problem(m.c.Tr, err)
		return nil
	}
	if m.checkPending {
		return nil
	}
	f.Banner = ""
	m.checkGen++
	m.checkPending = true
	gen, eng, d := m.checkGen, m.c.Moves, draft{kind: f.kind, payment: p, recipient: recipient}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := eng.Check(ctx, d.payment)
		return checkedMsg{gen: gen, d: d, check: c, err: err}
	}
}

// confirm asks the shell to confirm a checked payment, with what QIWI
// said it costs and what the account holds.
func (m *Model) confirm(d draft, c moves.WalletCheck) tea.Cmd {
	// A confirmation shows what is agreed to in full, privacy or not.
	p, tr := d.payment, m.c.Tr
	money := func(a qiwiapi.Amount) i18n.Args { return i18n.Args{"Amount": m.c.MoneyInFull(a)} }
	lines := []string{
		tr.T("payments.confirm.payment", i18n.Args{"Kind": kindTitle(tr, d.kind), "Provider": p.Provider}),
		tr.T("payments.confirm.recipient", i18n.Args{"Recipient": d.recipient}),
	}
	comm := c.Commission.QWCommission
	d.commission, d.total = &comm, &c.Debit
	if d.kind == kindConversion {
		lines = append(lines, tr.T("payments.confirm.receive", i18n.Args{"Amount": m.c.MoneyInFull(p.Sum), "Currency": p.Sum.Currency.Code()}))
		if r, ok := m.rate(p.Sum.Currency); ok {
			lines = append(lines, tr.T("payments.confirm.rate", i18n.Args{"Currency": p.Sum.Currency.Code(), "Rate": m.rateText(r)}))
		}
		lines = append(lines, tr.T("payments.confirm.pay", money(c.Debit)))
		lines = append(lines, tr.T("payments.confirm.commission", money(comm)))
	} else {
		lines = append(lines, tr.T("payments.confirm.amount", money(p.Sum)), tr.T("payments.confirm.commission", money(comm)),
			tr.T("payments.confirm.total", money(c.Debit)))
	}
	lines = append(lines, tr.T("payments.confirm.balance", money(c.Balance)))
	if c.LimitsUnread != "" {
		lines = append(lines, tr.T("payments.confirm.limits", i18n.Args{"Why": c.LimitsUnread}))
	}
	if c.RestrictionsUnread != "" {
		lines = append(lines, tr.T("payments.confirm.restrictions", i18n.Args{"Why": c.RestrictionsUnread}))
	}
	if p.Comment != "" {
		lines = append(lines, tr.T("payments.confirm.comment", i18n.Args{"Comment": p.Comment}))
	}
	return common.Confirm(tr.T("payments.confirm.title", nil), lines, func() tea.Msg { return sendConfirmedMsg{d: d} })
}

// View draws the form, or the kinds menu and the recent payments.
func (m *Model) View() string {
	s, tr := m.c.Styles, m.c.Tr
	if m.form != nil && !m.c.Settings.ReadOnly {
		return m.formView()
	}
	var b strings.Builder
	if m.c.Moves == nil && !m.c.Settings.ReadOnly {
		b.WriteString(s.Warning.Render(" "+tr.T("payments.menu.no_journal", nil)+".") + "\n\n")
	}
	if m.c.Settings.ReadOnly {
		b.WriteString(s.Warning.Render(" "+tr.T("payments.menu.read_only", nil)) + "\n")
		listed := tr.T("payments.menu.read_only_session", nil)
		if m.reader() {
			listed = tr.T("payments.menu.read_only_journal", nil)
		}
		b.WriteString(s.Subtle.Render(" "+listed) + "\n\n")
	} else {
		b.WriteString(s.Title.Render(" "+tr.T("payments.menu.title", nil)) + s.Subtle.Render(tr.T("payments.menu.hint", nil)) + "\n")
		for i, k := range kinds {
			b.WriteString(m.row(i, " "+common.PadRight(tr.T(k.title, nil), 24)+" "+s.Subtle.Render(tr.T(k.desc, nil))) + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString(m.recentView())
	return b.String()
}

func (m *Model) row(i int, line string) string {
	if i == m.cursor {
		return m.c.Styles.Selected.Render("▶" + line)
	}
	return " " + line
}

func (m *Model) recentView() string {
	s, tr := m.c.Styles, m.c.Tr
	var b strings.Builder
	journal := m.reader()
	hint := tr.T("payments.recent.hint_session", nil)
	if journal {
		hint = tr.T("payments.recent.hint_journal", nil)
	}
	b.WriteString(s.Title.Render(" "+tr.T("payments.recent.title", nil)) + s.Subtle.Render(hint) + "\n")
	if m.journalErr != "" {
		b.WriteString("   " + s.Warning.Render(common.Truncate(m.journalErr, max(20, m.width-4))) + "\n")
	}
	if len(m.recent) == 0 {
		empty := tr.T("payments.recent.empty_session", nil)
		if journal {
			empty = tr.T("payments.recent.empty_journal", nil)
		}
		b.WriteString(s.Subtle.Render("   "+empty) + "\n")
		return b.String()
	}
	cols := m.recentColumns()
	b.WriteString(s.TableHeader.Render(" "+cols.line(tr.T("payments.recent.status", nil), tr.T("payments.recent.time", nil), tr.T("payments.recent.kind", nil),
		tr.T("payments.recent.recipient", nil), tr.T("payments.recent.amount", nil), tr.T("payments.recent.txn", nil))) + "\n")
	from, to := m.recentWindow(strings.Count(b.String(), "\n"))
	if from > 0 {
		b.WriteString(s.Subtle.Render("   "+tr.N("payments.recent.newer", from, nil)) + "\n")
	}
	for i := from; i < to; i++ {
		e := m.recent[i]
		txn := "—"
		if id := e.je.TxnID(); id != 0 {
			txn = strconv.FormatInt(id, 10)
		}
		status := label(tr, e.je)
		line := cols.line(status, m.when(e.at), kindTitle(tr, e.kind), m.c.Account(e.recipient, common.List), m.c.SignedMoney(e.payment.Sum.Neg()), txn)
		b.WriteString(m.row(m.kindRows()+i, sanitize.Text(line)) + "\n") // recipients and ids may come from outside
		if note := e.note(tr); note != "" {
			st := s.Subtle
			if e.je.State == store.StateFailed || e.je.State == store.StateHeld {
				st = s.Error
			} else if e.je.State == store.StateUnknown {
				st = s.Warning
			}
			b.WriteString("     " + st.Render(common.Truncate(sanitize.Text(note), max(20, m.width-6))) + "\n")
		}
	}
	if to < len(m.recent) {
		b.WriteString(s.Subtle.Render("   "+tr.N("payments.recent.older", len(m.recent)-to, nil)) + "\n")
	}
	return b.String()
}

// recentCols are the recent list's column widths; 0 drops a column.
type recentCols struct{ kind, recipient, txn int }

// recentColumns fits the recent list to the width: status, time and amount
// always show; the recipient narrows first, then the txn id and the kind
// go (the recipient's label names its kind too).
func (m *Model) recentColumns() recentCols {
	const fixed = 1 + 11 + 1 + 12 + 1 + 14 + 1 // marker, status, time, amount, gaps
	c := recentCols{kind: 22, txn: 12}
	room := m.width - fixed
	if m.width <= 0 {
		room = 120
	}
	if room-c.kind-1-c.txn-2 < 20 {
		c.kind = 0
	}
	if room-c.txn-2 < 14 {
		c.txn = 0
	}
	c.recipient = max(14, room-c.txn-2-c.kind-1)
	if c.kind == 0 {
		c.recipient = max(14, room-c.txn-2)
	}
	return c
}

// line lays one row out in the columns.
func (c recentCols) line(status, when, kind, recipient, amount, txn string) string {
	out := " " + common.PadRight(status, 11) + " " + common.PadRight(when, 12) + " "
	if c.kind > 0 {
		out += common.PadRight(kind, c.kind) + " "
	}
	out += common.PadRight(recipient, c.recipient) + " " + common.PadLeft(amount, 14)
	if c.txn > 0 {
		out += "  " + common.Truncate(txn, c.txn)
	}
	return out
}

// recentWindow is the range of recent entries that fits under the menu,
// keeping the selected one in view (all of them when the size is unknown).
func (m *Model) recentWindow(header int) (from, to int) {
	n := len(m.recent)
	above := 3 // the read-only banner
	if !m.c.Settings.ReadOnly {
		above = len(kinds) + 2
	}
	room := m.height - above - header - 2 // the ↑/↓ lines
	if m.height <= 0 || room <= 0 {
		return 0, n
	}
	lines := func(e *entry) int {
		if e.note(m.c.Tr) != "" {
			return 2
		}
		return 1
	}
	total := 0
	for _, e := range m.recent {
		total += lines(e)
	}
	if total <= room+2 {
		return 0, n
	}
	sel := m.cursor - m.kindRows()
	from = min(m.recentTop, max(0, n-1))
	if sel >= 0 && sel < from {
		from = sel
	}
	used := func(a, b int) int {
		u := 0
		for i := a; i <= b; i++ {
			u += lines(m.recent[i])
		}
		return u
	}
	for sel >= 0 && sel < n && from < sel && used(from, sel) > room {
		from++
	}
	m.recentTop = from
	to, left := from, room
	for to < n && lines(m.recent[to]) <= left {
		left -= lines(m.recent[to])
		to++
	}
	return from, max(to, min(from+1, n))
}

func (m *Model) formView() string {
	s, f, tr := m.c.Styles, m.form, m.c.Tr
	var b strings.Builder
	b.WriteString(s.Title.Render(" "+f.title) + s.Subtle.Render(common.Truncate(tr.T("payments.form.hint", nil), max(10, m.width-ansi.StringWidth(f.title)-1))) + "\n\n")
	b.WriteString(f.View(s, true, m.width, m.height-5) + "\n\n")
	if m.checkPending {
		b.WriteString(" " + s.Subtle.Render(tr.T("payments.form.checking", nil)) + "\n")
		return b.String()
	}
	b.WriteString(" " + m.previewLine() + "\n")
	return b.String()
}

// previewLine is the commission estimate for exactly the values on screen.
func (m *Model) previewLine() string {
	s, tr := m.c.Styles, m.c.Tr
	q, ok := m.quoteOf(m.form)
	switch {
	case !ok:
		return s.Subtle.Render(tr.T("payments.preview.waiting", nil))
	case m.commissionFor == q && m.commission != nil:
		c := m.commission
		if m.form.kind == kindConversion {
			return tr.T("payments.preview.commission", i18n.Args{"Commission": m.c.Money(c.QWCommission)})
		}
		return tr.T("payments.preview.total", i18n.Args{"Commission": m.c.Money(c.QWCommission), "Total": m.c.Money(c.WithdrawSum)})
	case m.commissionFor == q && m.commissionErr != "":
		return s.Warning.Render(tr.T("payments.preview.failed", i18n.Args{"Why": m.commissionErr}))
	}
	return s.Subtle.Render(tr.T("payments.preview.estimating", nil))
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	k, tr := m.c.Keys, m.c.Tr
	if m.form != nil && !m.c.Settings.ReadOnly {
		return m.form.Help(k, tr.T("payments.key.review", nil))
	}
	enter, cp, refresh := k.Enter, k.Copy, k.Refresh
	refresh = common.Relabel(refresh, tr.T("payments.key.recheck", nil))
	cp = common.Relabel(cp, tr.T("payments.key.copy_id", nil))
	cp.SetEnabled(m.selectedEntry() != nil)
	switch e := m.selectedEntry(); {
	case m.cursor < m.kindRows():
		enter = common.Relabel(enter, tr.T("payments.key.new", nil))
	case e != nil && e.retryable() && !m.c.Settings.ReadOnly:
		enter = common.Relabel(enter, tr.T("payments.key.resend", nil))
	default:
		enter.SetEnabled(false)
	}
	return []key.Binding{k.Up, k.Down, enter, cp, refresh}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// tick waits d (or not at all when d is 0: tests) and then yields msg.
func tick(d time.Duration, msg tea.Msg) tea.Cmd {
	if d <= 0 {
		return func() tea.Msg { return msg }
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}
