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
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/store"
	"qiwidash/ui/common"
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
	confirmWhenQuoted bool

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

// Title is the tab label.
func (m *Model) Title() string { return "Payments" }

// Init reads the recent payments from the journal (when it can list);
// forms load what they need when opened.
func (m *Model) Init() tea.Cmd { return m.loadJournal() }

// SetSize records the body size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// InputFocused is true while a form is open: every key goes to it.
func (m *Model) InputFocused() bool { return m.form != nil && !m.c.Settings.ReadOnly }

// Busy reports a payment being sent or a preview being fetched.
func (m *Model) Busy() bool {
	if m.commissionPending || m.lk.opPending != "" || m.lk.searchPending != "" || m.lk.ratesPending {
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
			m.commission, m.commissionErr = nil, common.Explain(msg.err)
		}
		if m.confirmWhenQuoted && m.form != nil {
			m.confirmWhenQuoted = false
			if q, ok := m.quoteOf(m.form); ok && q == msg.q {
				return m, m.confirm(m.form, q)
			}
		}
		return m, nil
	case operatorMsg:
		if msg.phone != m.lk.opPending {
			return m, nil
		}
		m.lk.opPending, m.lk.opFor, m.lk.op, m.lk.opErr = "", msg.phone, nil, ""
		if msg.err != nil {
			m.lk.opErr = common.Explain(msg.err)
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
			m.lk.searchErr = common.Explain(msg.err)
		}
		for _, it := range msg.items {
			if !dedicated(int(it.Data.ID)) {
				m.lk.found = append(m.lk.found, it)
			}
		}
		if m.form != nil && m.form.kind == kindService {
			prov := m.form.get("provider")
			prev := prov.value()
			prov.options, prov.choice = nil, 0
			for i, it := range m.lk.found {
				prov.options = append(prov.options, option{label: fmt.Sprintf("%s (%d)", it.Name, it.Data.ID), value: strconv.Itoa(int(it.Data.ID))})
				if prov.options[i].value == prev {
					prov.choice = i
				}
			}
		}
		return m, m.afterLookup()
	case journalLoadedMsg:
		return m, m.mergeJournal(msg)
	case ratesMsg:
		m.lk.ratesPending = false
		m.lk.rates, m.lk.ratesErr = msg.rates, ""
		if msg.err != nil {
			m.lk.ratesErr = common.Explain(msg.err)
		}
		return m, m.afterLookup()
	}
	return m, m.handleSend(msg)
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
		m.watching = false // a person asked: wait afresh
		return tea.Batch(m.recheckAll(), m.loadJournal())
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
				return common.Copy(strconv.FormatInt(id, 10), "transaction id")
			}
			return common.Copy(e.id(), "client payment id")
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
		return common.Toast(noJournal)
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
	m.commissionPending, m.confirmWhenQuoted = false, false
}

func (m *Model) formKey(msg tea.KeyMsg) tea.Cmd {
	k, f := m.c.Keys, m.form
	fl := f.focused()
	switch {
	case key.Matches(msg, k.Back):
		m.form = nil
		m.resetQuote()
		return nil
	case key.Matches(msg, k.NextField):
		f.move(1)
		return nil
	case key.Matches(msg, k.PrevField):
		f.move(-1)
		return nil
	case key.Matches(msg, k.Enter):
		if f.onLast() {
			return m.submit()
		}
		f.move(1)
		return nil
	}
	if fl == nil {
		return nil
	}
	if fl.typ != textField {
		switch {
		case key.Matches(msg, k.Left):
			if fl.cycle(-1) {
				return m.changed()
			}
		case key.Matches(msg, k.Right):
			if fl.cycle(1) {
				return m.changed()
			}
		}
		return nil
	}
	changed, cmd := fl.updateInput(msg)
	if changed {
		return tea.Batch(cmd, m.changed())
	}
	return cmd
}

// changed revalidates the form and restarts the debounce for previews.
func (m *Model) changed() tea.Cmd {
	m.validate(m.form)
	m.form.banner = ""
	m.confirmWhenQuoted = false
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
		if p10, err := qiwiapi.NormalizeRUPhone10(f.val("phone")); err == nil && p10 != m.lk.opFor && p10 != m.lk.opPending {
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
		q := strings.TrimSpace(f.val("query"))
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

// submit checks the whole form and asks for confirmation once the
// commission for exactly these values is known.
func (m *Model) submit() tea.Cmd {
	f := m.form
	f.submitted = true
	m.validate(f)
	if i := f.firstProblem(); i >= 0 {
		f.setFocus(i)
		f.banner = "Fix the fields marked ✗ before sending"
		return nil
	}
	q, ok := m.quoteOf(f)
	if !ok {
		f.banner = "Still looking up the details; press enter again in a moment"
		return m.fireLookups()
	}
	if q == m.commissionFor && (m.commission != nil || m.commissionErr != "") {
		return m.confirm(f, q)
	}
	m.confirmWhenQuoted = true
	if m.commissionPending && m.commissionFor == q {
		return nil
	}
	return m.requestCommission(q)
}

// confirm builds the payment and asks the shell to confirm it.
func (m *Model) confirm(f *form, q quote) tea.Cmd {
	p, recipient, err := m.build(f)
	if err != nil {
		f.banner = sentence(err)
		return nil
	}
	d := draft{kind: f.kind, payment: p, recipient: recipient}
	money := m.c.Money
	lines := []string{
		"Payment:     " + kindTitle(f.kind) + " (provider " + strconv.Itoa(p.Provider) + ")",
		"Recipient:   " + m.c.PersonalNumbers(recipient),
	}
	if f.kind == kindConversion {
		lines = append(lines, "You receive: "+money(p.Sum)+" into your "+p.Sum.Currency.Code()+" account")
		if r, ok := m.rate(p.Sum.Currency); ok {
			lines = append(lines, "Rate:        1 "+p.Sum.Currency.Code()+" = "+string(r)+" ₽ (QIWI cross rate)")
		}
		if rub, ok := m.rubCost(p.Sum); ok {
			lines = append(lines, "You pay:     ≈ "+money(rub)+" from your RUB account (at QIWI's rate when it runs)")
		}
	} else {
		lines = append(lines, "Amount:      "+money(p.Sum))
	}
	if m.commission != nil && m.commissionFor == q {
		c, total := m.commission.QWCommission, m.commission.WithdrawSum
		d.commission, d.total = &c, &total
		lines = append(lines, "Commission:  "+money(c))
		if f.kind != kindConversion {
			lines = append(lines, "Total:       "+money(total)+" from your RUB account")
		}
	} else {
		lines = append(lines, "Commission:  not known — QIWI did not give an estimate ("+m.commissionErr+")")
		if f.kind != kindConversion {
			lines = append(lines, "Total:       "+money(p.Sum)+" plus the commission, from your RUB account")
		}
	}
	if p.Comment != "" {
		lines = append(lines, "Comment:     "+p.Comment)
	}
	return common.Confirm("Send this payment?", lines, func() tea.Msg { return sendConfirmedMsg{d: d} })
}

// View draws the form, or the kinds menu and the recent payments.
func (m *Model) View() string {
	s := m.c.Styles
	if m.form != nil && !m.c.Settings.ReadOnly {
		return m.formView()
	}
	var b strings.Builder
	if m.c.Moves == nil && !m.c.Settings.ReadOnly {
		b.WriteString(s.Warning.Render(" "+noJournal+".") + "\n\n")
	}
	if m.c.Settings.ReadOnly {
		b.WriteString(s.Warning.Render(" Read-only mode: sending payments is switched off.") + "\n")
		listed := "Payments of this session are listed below."
		if m.reader() {
			listed = "Recent payments are listed below."
		}
		b.WriteString(s.Subtle.Render(" Start without --readonly to pay. "+listed) + "\n\n")
	} else {
		b.WriteString(s.Title.Render(" New payment") + s.Subtle.Render("  (enter opens the form)") + "\n")
		for i, k := range kinds {
			b.WriteString(m.row(i, fmt.Sprintf(" %-24s %s", k.title, s.Subtle.Render(k.desc))) + "\n")
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
	s := m.c.Styles
	var b strings.Builder
	journal := m.reader()
	if journal {
		b.WriteString(s.Title.Render(" Recent payments") + s.Subtle.Render("  (this wallet, earlier runs too; r re-checks, enter re-sends an unknown one)") + "\n")
	} else {
		b.WriteString(s.Title.Render(" Recent payments") + s.Subtle.Render("  (this session; r re-checks, enter re-sends an unknown one)") + "\n")
	}
	if m.journalErr != "" {
		b.WriteString("   " + s.Warning.Render(common.Truncate(m.journalErr, max(20, m.width-4))) + "\n")
	}
	if len(m.recent) == 0 {
		if journal {
			b.WriteString(s.Subtle.Render("   No payments from this wallet yet.") + "\n")
		} else {
			b.WriteString(s.Subtle.Render("   No payments sent in this session yet.") + "\n")
		}
		return b.String()
	}
	recipW := max(20, m.width-84)
	b.WriteString(s.TableHeader.Render(fmt.Sprintf("  %-11s %-12s %-22s %-*s %14s  %s", "STATUS", "TIME", "KIND", recipW, "RECIPIENT", "AMOUNT", "TXN")) + "\n")
	from, to := m.recentWindow(strings.Count(b.String(), "\n"))
	if from > 0 {
		b.WriteString(s.Subtle.Render(fmt.Sprintf("   ↑ %d newer", from)) + "\n")
	}
	for i := from; i < to; i++ {
		e := m.recent[i]
		txn := "—"
		if id := e.je.TxnID(); id != 0 {
			txn = strconv.FormatInt(id, 10)
		}
		status := label(e.je)
		line := fmt.Sprintf(" %-11s %-12s %-22s %-*s %14s  %s", status, m.when(e.at), common.Truncate(kindTitle(e.kind), 22),
			recipW, common.Truncate(m.c.PersonalNumbers(maskCards(e)), recipW), m.c.SignedMoney(e.payment.Sum.Neg()), txn)
		b.WriteString(m.row(m.kindRows()+i, sanitize.Text(line)) + "\n") // recipients and ids may come from outside
		if note := e.note(); note != "" {
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
		b.WriteString(s.Subtle.Render(fmt.Sprintf("   ↓ %d older", len(m.recent)-to)) + "\n")
	}
	return b.String()
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
		if e.note() != "" {
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

// maskCards hides the middle of card numbers in the recent list (history
// masks them too); the confirmation showed the full number.
func maskCards(e *entry) string {
	acct := e.payment.Fields["account"]
	if len(acct) >= 13 && qiwiapi.Luhn(acct) && strings.Contains(e.recipient, acct) {
		return strings.Replace(e.recipient, acct, maskCard(acct), 1)
	}
	return e.recipient
}

func (m *Model) formView() string {
	s, f := m.c.Styles, m.form
	var b strings.Builder
	b.WriteString(s.Title.Render(" "+f.title) + s.Subtle.Render("  (esc cancels · tab/↓ next field · ←/→ choose · enter on the last field reviews)") + "\n\n")
	lines := f.lines(s)
	// Keep the focused field in view when the form is taller than the screen.
	room := m.height - 7
	if room > 0 && len(lines) > room {
		at := 0
		for i, l := range lines {
			if strings.Contains(l, "▶") {
				at = i
			}
		}
		start := min(max(0, at-room/2), len(lines)-room)
		lines = lines[start : start+room]
	}
	b.WriteString(strings.Join(lines, "\n") + "\n\n")
	if f.banner != "" {
		b.WriteString(" " + s.Error.Render("✗ "+f.banner) + "\n")
	}
	b.WriteString(" " + m.previewLine() + "\n")
	return b.String()
}

// previewLine is the commission estimate for exactly the values on screen.
func (m *Model) previewLine() string {
	s := m.c.Styles
	q, ok := m.quoteOf(m.form)
	switch {
	case !ok:
		return s.Subtle.Render("Commission: shown once the recipient and amount are valid")
	case m.commissionFor == q && m.commission != nil:
		c := m.commission
		if m.form.kind == kindConversion {
			return "Commission " + m.c.Money(c.QWCommission)
		}
		return fmt.Sprintf("Commission %s · total %s from your RUB account", m.c.Money(c.QWCommission), m.c.Money(c.WithdrawSum))
	case m.commissionFor == q && m.commissionErr != "":
		return s.Warning.Render("Commission could not be estimated: " + m.commissionErr)
	}
	return s.Subtle.Render("Commission: estimating…")
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.form != nil && !m.c.Settings.ReadOnly {
		enter, choose, back := k.Enter, k.Right, k.Back
		enter = common.Relabel(enter, "next / review")
		choose.SetHelp("←/→", "choose")
		back = common.Relabel(back, "cancel")
		return []key.Binding{k.NextField, k.PrevField, choose, enter, back}
	}
	enter, cp, refresh := k.Enter, k.Copy, k.Refresh
	refresh = common.Relabel(refresh, "re-check")
	cp = common.Relabel(cp, "copy id")
	cp.SetEnabled(m.selectedEntry() != nil)
	switch e := m.selectedEntry(); {
	case m.cursor < m.kindRows():
		enter = common.Relabel(enter, "new payment")
	case e != nil && e.retryable() && !m.c.Settings.ReadOnly:
		enter = common.Relabel(enter, "re-send (same id)")
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
