package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"qiwidash/qiwiapi/topup"
	"qiwidash/ui/common"
)

// errInterrupted is the outcome recorded for a pay that went out before a
// restart without its answer being journaled: unknown, never failed.
var errInterrupted = errors.New("the app stopped before QIWI's answer was recorded")

// journalLoadedMsg carries the journal read on Init or on r.
type journalLoadedMsg struct {
	entries []Entry
	err     error
}

// stepTickMsg says an entry's next action is due; gen drops older timers.
type stepTickMsg struct {
	number topup.TxnNumber
	gen    int
}

// stepDoneMsg is an entry after one request and its journaling.
type stepDoneMsg struct {
	entry   Entry
	sent    bool  // the request went out
	saveErr error // the journal refused to record before or after
}

// follow is one journal entry and its driver bookkeeping.
type follow struct {
	e    Entry
	gen  int  // timer generation: only the latest timer runs a step
	busy bool // a request is in flight
}

// TopupsModel is the Top-ups screen: the journal as a table, every unfinished
// top-up driven to its final status by the documented state machine.
type TopupsModel struct {
	c    *common.Common
	deps Deps

	// JournalRetry is how long to wait before trying again when the journal
	// refused to record an entry (nothing is sent unjournaled).
	JournalRetry time.Duration

	width, height int
	state         common.LoadState
	err           error

	rows   []*follow // newest first
	byNum  map[topup.TxnNumber]*follow
	cursor int
	offset int
}

// NewTopups builds the Top-ups screen.
func NewTopups(c *common.Common, deps Deps) *TopupsModel {
	return &TopupsModel{c: c, deps: deps, JournalRetry: 30 * time.Second, byNum: map[topup.TxnNumber]*follow{}}
}

// Title is the tab label.
func (m *TopupsModel) Title() string { return "Top-ups" }

// SetSize records the body size.
func (m *TopupsModel) SetSize(w, h int) { m.width, m.height = w, h }

// Busy reports a request in flight.
func (m *TopupsModel) Busy() bool {
	for _, r := range m.rows {
		if r.busy {
			return true
		}
	}
	return false
}

// Init reads the journal; every unfinished entry is then resumed.
func (m *TopupsModel) Init() tea.Cmd {
	if m.deps.Journal == nil || m.c.Agent == nil {
		return nil
	}
	m.state = common.StateLoading
	return m.loadJournal()
}

func (m *TopupsModel) loadJournal() tea.Cmd {
	j := m.deps.Journal
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		entries, err := j.List(ctx)
		return journalLoadedMsg{entries: entries, err: err}
	}
}

// Entries returns the entries as shown, newest first (for tests).
func (m *TopupsModel) Entries() []Entry {
	out := make([]Entry, len(m.rows))
	for i, r := range m.rows {
		out[i] = r.e
	}
	return out
}

// Update handles the journal, timers, answers and keys.
func (m *TopupsModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case journalLoadedMsg:
		if msg.err != nil {
			if len(m.rows) == 0 {
				m.state = common.StateError
			}
			m.err = msg.err
			return m, common.ErrorToast(fmt.Errorf("the top-up journal could not be read: %w", msg.err))
		}
		m.state, m.err = common.StateReady, nil
		var cmds []tea.Cmd
		for _, e := range msg.entries {
			cmds = append(cmds, m.add(e, true))
		}
		return m, tea.Batch(cmds...)
	case TopupQueuedMsg:
		if m.state == common.StateLoading {
			m.state = common.StateReady
		}
		cmd := m.add(msg.Entry, false)
		m.cursor, m.offset = 0, 0
		return m, cmd
	case stepTickMsg:
		r, ok := m.byNum[msg.number]
		if !ok || r.gen != msg.gen || r.busy || r.e.State.Next.Kind == topup.ActNone {
			return m, nil
		}
		r.busy = true
		return m, m.step(r.e)
	case stepDoneMsg:
		r, ok := m.byNum[msg.entry.Number]
		if !ok {
			return m, nil
		}
		r.busy = false
		r.e = msg.entry
		var cmds []tea.Cmd
		if msg.saveErr != nil {
			cmds = append(cmds, common.ErrorToast(fmt.Errorf("top-up %s: the journal refused to record it: %w", r.e.Number, msg.saveErr)))
		}
		if !msg.sent {
			// Nothing went out because the journal failed: try later.
			cmds = append(cmds, m.scheduleIn(r, m.JournalRetry))
		} else {
			cmds = append(cmds, m.schedule(r), m.announce(r.e))
		}
		return m, tea.Batch(cmds...)
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	}
	return m, nil
}

// add shows an entry once and starts following it. On start (restart
// safety) an entry whose pay went out without a journaled answer is moved
// to "unknown" and asked by status, never sent under a new number.
func (m *TopupsModel) add(e Entry, onStart bool) tea.Cmd {
	if _, known := m.byNum[e.Number]; known {
		return nil
	}
	if onStart && !e.State.Phase.Done() && e.State.Phase != topup.PhaseHeld {
		switch e.InFlight {
		case topup.ActPay:
			e.State, _ = topup.Next(e.State, topup.Event{Kind: topup.ActPay, Err: &topup.NetworkError{Err: errInterrupted}}, m.c.Now(), m.c.Agent.Policy())
			e.InFlight = topup.ActNone
		case topup.ActCheckDeposit, topup.ActStatus:
			// Read-only requests: simply ask again.
			e.InFlight = topup.ActNone
		}
	}
	r := &follow{e: e}
	m.byNum[e.Number] = r
	m.insert(r)
	return m.schedule(r)
}

// insert keeps rows newest (largest number) first.
func (m *TopupsModel) insert(r *follow) {
	i := 0
	for i < len(m.rows) && !lessNumber(m.rows[i].e.Number, r.e.Number) {
		i++
	}
	m.rows = append(m.rows, nil)
	copy(m.rows[i+1:], m.rows[i:])
	m.rows[i] = r
}

// schedule arms the timer for the entry's next action (a new generation, so
// earlier timers of the entry are ignored); nothing when final or held.
func (m *TopupsModel) schedule(r *follow) tea.Cmd {
	if r.e.State.Next.Kind == topup.ActNone {
		r.gen++
		return nil
	}
	return m.scheduleIn(r, r.e.State.Next.At.Sub(m.c.Now()))
}

func (m *TopupsModel) scheduleIn(r *follow, d time.Duration) tea.Cmd {
	r.gen++
	tick := stepTickMsg{number: r.e.Number, gen: r.gen}
	if d <= 0 {
		return func() tea.Msg { return tick }
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return tick })
}

// step journals the attempt, makes the request, feeds the answer to the
// state machine and journals the new state, all inside one command so the
// journal always sees the attempt before the request goes out.
func (m *TopupsModel) step(e Entry) tea.Cmd {
	client, journal, now, policy := m.c.Agent, m.deps.Journal, m.c.Now, m.c.Agent.Policy()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		before := e
		a := e.State.Next
		e.Attempts++
		e.InFlight = a.Kind
		e.Updated = now()
		if err := journal.Save(ctx, e); err != nil {
			return stepDoneMsg{entry: before, saveErr: err}
		}
		ev := client.Run(ctx, e.State, a)
		e.State, _ = topup.Next(e.State, ev, now(), policy)
		e.InFlight = topup.ActNone
		e.LastCode = lastCode(ev)
		e.Updated = now()
		return stepDoneMsg{entry: e, sent: true, saveErr: journal.Save(ctx, e)}
	}
}

// lastCode is the request-level code behind an event, if any.
func lastCode(ev topup.Event) topup.RequestCode {
	var re *topup.RequestError
	if errors.As(ev.Err, &re) {
		return re.Code
	}
	if ev.Deposit != nil && !ev.Deposit.Possible {
		return ev.Deposit.Result.Code
	}
	return topup.RequestOK
}

// announce toasts the final outcome (and a hold) once, when it happens.
func (m *TopupsModel) announce(e Entry) tea.Cmd {
	n := string(e.Number)
	amount := e.State.Topup.Amount.Format()
	switch e.State.Phase {
	case topup.PhaseSucceeded:
		return common.Toast("Top-up " + n + " succeeded: " + amount + " credited")
	case topup.PhaseFailed:
		return errToast("Top-up " + n + " failed: return the money to the customer (" + amount + ")")
	case topup.PhaseRefused:
		return errToast("Top-up " + n + " refused, nothing was paid: return the money to the customer")
	case topup.PhaseHeld:
		return errToast("Top-up " + n + " is held: " + fixHint(e))
	}
	return nil
}

func errToast(text string) tea.Cmd {
	return func() tea.Msg { return common.ToastMsg{Text: text, Error: true} }
}

func (m *TopupsModel) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.Down):
		m.cursor = min(max(0, len(m.rows)-1), m.cursor+1)
	case key.Matches(msg, k.Top):
		m.cursor = 0
	case key.Matches(msg, k.Bottom):
		m.cursor = max(0, len(m.rows)-1)
	case key.Matches(msg, k.Refresh):
		if m.deps.Journal != nil && m.c.Agent != nil {
			return m.loadJournal()
		}
	case key.Matches(msg, k.Copy):
		if r := m.selected(); r != nil {
			return common.Copy(string(r.e.Number), "transaction number")
		}
	case key.Matches(msg, k.Enter):
		return m.resume()
	}
	return nil
}

func (m *TopupsModel) selected() *follow {
	if m.cursor >= 0 && m.cursor < len(m.rows) {
		return m.rows[m.cursor]
	}
	return nil
}

// resume re-arms the selected held top-up after the user fixed the cause:
// a sent one is asked by status, an unsent one starts with the check.
func (m *TopupsModel) resume() tea.Cmd {
	r := m.selected()
	if r == nil || r.e.State.Phase != topup.PhaseHeld || r.busy || readOnly(m.c) {
		return nil
	}
	r.e.State, _ = topup.Resume(r.e.State, m.c.Now(), m.c.Agent.Policy())
	r.e.LastCode = topup.RequestOK
	return tea.Batch(common.Toast("Top-up "+string(r.e.Number)+" resumed"), m.schedule(r))
}

// statusWords is the phase in words. Unknown is never called failed.
func statusWords(e Entry) string {
	s := e.State
	switch s.Phase {
	case topup.PhaseNew, topup.PhaseChecking:
		return "checking the wallet"
	case topup.PhaseSending:
		if s.Sent {
			return "resending, same number"
		}
		return "sending"
	case topup.PhaseUnknown:
		return "unknown — still asking"
	case topup.PhasePending:
		switch {
		case s.Status == topup.StatusAccepted:
			return "pending — accepted"
		case s.Status == topup.StatusCrediting:
			return "pending — crediting"
		case s.Status.Debited():
			return "pending — processing"
		}
		return "pending — awaiting QIWI"
	case topup.PhaseHeld:
		return "HELD — needs you"
	case topup.PhaseRefused:
		return "refused — nothing paid"
	case topup.PhaseSucceeded:
		return "success"
	case topup.PhaseFailed:
		return "failed"
	}
	return s.Phase.String()
}

// resultWords is the result code explained ("—" when there is none yet).
func resultWords(e Entry) string {
	s := e.State
	switch {
	case s.Result != topup.ResultOK:
		return fmt.Sprintf("%d %s", int(s.Result), s.Result.Text())
	case e.LastCode != topup.RequestOK:
		return fmt.Sprintf("%d %s", int(e.LastCode), e.LastCode.Text())
	case s.Phase == topup.PhaseSucceeded:
		return "0 no error"
	}
	return "—"
}

// todo is what the operator has to do about the entry, in words ("" = nothing).
func todo(e Entry) string {
	s := e.State
	switch s.Phase {
	case topup.PhaseFailed:
		return "return the money to the customer: QIWI put " + s.Topup.Amount.Format() + " back on the agent balance"
	case topup.PhaseRefused:
		return "return the money to the customer: nothing was paid"
	case topup.PhaseHeld:
		return fixHint(e) + "; then press enter to resume"
	case topup.PhaseUnknown:
		return "outcome unknown, QIWI is asked again: do not refund and do not repeat the top-up"
	}
	return ""
}

// fixHint says what a person has to fix on a held top-up.
func fixHint(e Entry) string {
	switch e.LastCode {
	case topup.RequestAuthError:
		return "QIWI refused the credentials: check the agent terminal id and password (or signing key)"
	case topup.RequestIPBlocked:
		return "QIWI blocks this computer's IP address: ask bss@qiwi.com to allow it"
	}
	switch e.State.Result {
	case topup.ResultTxnNumberReused:
		return "the number is registered with other parameters: check the journal entry against QIWI with bss@qiwi.com"
	case topup.ResultAgentBlocked:
		return "the agent is blocked: contact bss@qiwi.com"
	case topup.ResultServiceNotAllowed:
		return "the service is not allowed for this agent: contact bss@qiwi.com"
	case topup.ResultIdentLevelTooLow:
		return "the wallet's identification level is too low for this: the customer must raise it"
	}
	if e.State.Result != topup.ResultOK {
		return e.State.Result.Text()
	}
	if e.LastCode != topup.RequestOK {
		return e.LastCode.Text() + ": contact bss@qiwi.com"
	}
	return "QIWI answered with an error a person must look at (" + e.State.Note + ")"
}

// nextWords is the next request as a relative time.
func (m *TopupsModel) nextWords(r *follow) string {
	if r.busy {
		return "asking…"
	}
	n := r.e.State.Next
	if n.Kind == topup.ActNone {
		return "—"
	}
	d := n.At.Sub(m.c.Now())
	if d < time.Second {
		return "now"
	}
	return "in " + shortDuration(d)
}

// column widths of the table (RESULT takes what is left).
const (
	colNumber = 17
	colPhone  = 12
	colAmount = 13
	colStatus = 23
	colTries  = 5
	colNext   = 10
)

// View draws the journal table and the selected entry's details.
func (m *TopupsModel) View() string {
	s := m.c.Styles
	switch {
	case m.c.Agent == nil:
		return s.Subtle.Render(noAgentText)
	case m.deps.Journal == nil:
		return s.Error.Render(" No top-up journal is configured.")
	case m.state == common.StateLoading && len(m.rows) == 0:
		return s.Subtle.Render(" Reading the top-up journal…")
	case m.state == common.StateError && len(m.rows) == 0:
		return s.Error.Render(" The top-up journal could not be read: "+m.err.Error()) + "\n\n" + s.Subtle.Render(" Press r to retry.")
	}
	var b strings.Builder
	following, held, todoN := 0, 0, 0
	for _, r := range m.rows {
		switch {
		case r.e.State.Phase == topup.PhaseHeld:
			held++
		case !r.e.State.Phase.Done():
			following++
		}
		if r.e.State.Phase == topup.PhaseFailed || r.e.State.Phase == topup.PhaseRefused {
			todoN++
		}
	}
	b.WriteString(s.Title.Render(" Top-ups") + s.Subtle.Render(fmt.Sprintf("  %d in the journal · %d followed · %d held · %d to refund", len(m.rows), following, held, todoN)) + "\n\n")
	if len(m.rows) == 0 {
		b.WriteString(s.Subtle.Render(" No top-ups yet. Make one on the Top-up screen.") + "\n")
		return b.String()
	}
	width := max(m.width, 100)
	colResult := max(12, width-2-colNumber-colPhone-colAmount-colStatus-colTries-colNext-7)
	header := fmt.Sprintf("  %-*s %-*s %*s  %-*s %-*s %*s %-*s", colNumber, "NUMBER", colPhone, "PHONE", colAmount, "AMOUNT",
		colStatus-1, "STATUS", colResult, "RESULT", colTries, "TRIES", colNext, "NEXT CHECK")
	b.WriteString(s.TableHeader.Render(header) + "\n")

	detail := m.detailView()
	avail := m.height - 4 - strings.Count(detail, "\n") - 1
	if m.height == 0 {
		avail = 1 << 20
	}
	// Each row takes one line, two when it needs a person; keep the cursor
	// visible, assuming two lines per row.
	capacity := max(1, avail/2)
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+capacity {
		m.offset = m.cursor - capacity + 1
	}
	used := 0
	for i := m.offset; i < len(m.rows) && used < avail; i++ {
		r := m.rows[i]
		line := fmt.Sprintf("%-*s %-*s %*s  %-*s %-*s %*d %-*s",
			colNumber, string(r.e.Number),
			colPhone, common.Truncate(common.MaskMiddle("+"+r.e.State.Topup.Account), colPhone),
			colAmount, m.c.Money(r.e.State.Topup.Amount),
			colStatus-1, common.Truncate(statusWords(r.e), colStatus-1),
			colResult, common.Truncate(resultWords(r.e), colResult),
			colTries, r.e.Attempts,
			colNext, m.nextWords(r))
		styled := m.styleRow(r.e, line)
		if i == m.cursor {
			b.WriteString(s.Selected.Render("▶ "+line) + "\n")
		} else {
			b.WriteString("  " + styled + "\n")
		}
		used++
		if t := todo(r.e); t != "" && used < avail {
			b.WriteString(m.todoStyle(r.e).Render("    → "+common.Truncate(t, width-7)) + "\n")
			used++
		}
	}
	b.WriteString("\n" + detail)
	return b.String()
}

func (m *TopupsModel) styleRow(e Entry, line string) string {
	s := m.c.Styles
	switch e.State.Phase {
	case topup.PhaseSucceeded:
		return s.Positive.Render(line)
	case topup.PhaseFailed, topup.PhaseRefused:
		return s.Negative.Render(line)
	case topup.PhaseHeld, topup.PhaseUnknown:
		return s.Warning.Render(line)
	}
	return line
}

func (m *TopupsModel) todoStyle(e Entry) lipgloss.Style {
	s := m.c.Styles
	switch e.State.Phase {
	case topup.PhaseFailed, topup.PhaseRefused:
		return s.Negative
	case topup.PhaseHeld:
		return s.Warning
	}
	return s.Subtle
}

// detailView describes the selected entry in full.
func (m *TopupsModel) detailView() string {
	r := m.selected()
	if r == nil {
		return ""
	}
	s := m.c.Styles
	e := r.e
	t := e.State.Topup
	var b strings.Builder
	head := fmt.Sprintf(" %s · wallet %s · %s %s · debit from the agent's %s account", e.Number, m.c.Personal("+"+t.Account),
		m.c.Money(t.Amount), t.Funds, t.Amount.Currency.Code())
	b.WriteString(s.Bold.Render(head) + "\n")
	var facts []string
	if e.State.TxnID != "" {
		facts = append(facts, "QIWI txn "+e.State.TxnID)
	}
	if e.State.Registered || e.State.Phase.Done() && e.State.Phase != topup.PhaseRefused {
		facts = append(facts, "status "+e.State.Status.String())
	}
	facts = append(facts, "journaled "+e.Created.Format("2006-01-02 15:04:05"))
	if !e.Updated.IsZero() {
		facts = append(facts, "updated "+e.Updated.Format("15:04:05"))
	}
	b.WriteString(s.Subtle.Render(" "+strings.Join(facts, " · ")) + "\n")
	if rw := resultWords(e); rw != "—" {
		b.WriteString(s.Subtle.Render(" Result: "+rw) + "\n")
	}
	if e.State.Note != "" {
		for _, line := range wrap("Last answer: "+e.State.Note, max(40, m.width-2)) {
			b.WriteString(s.Subtle.Render(" "+line) + "\n")
		}
	}
	return b.String()
}

// ShortHelp lists the keys that apply now.
func (m *TopupsModel) ShortHelp() []key.Binding {
	k := m.c.Keys
	enter := k.Enter
	enter = common.Relabel(enter, "resume held")
	r := m.selected()
	enter.SetEnabled(r != nil && r.e.State.Phase == topup.PhaseHeld && !readOnly(m.c))
	copyKey := k.Copy
	copyKey = common.Relabel(copyKey, "copy number")
	copyKey.SetEnabled(r != nil)
	refresh := k.Refresh
	refresh = common.Relabel(refresh, "reload journal")
	return []key.Binding{k.Up, k.Down, enter, copyKey, refresh}
}

// FullHelp lists every key of the screen.
func (m *TopupsModel) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), {m.c.Keys.Top, m.c.Keys.Bottom}}
}

// wrap breaks text at spaces into lines of at most width runes (a longer
// word gets a line of its own).
func wrap(text string, width int) []string {
	var lines []string
	var cur []rune
	for _, w := range strings.Fields(text) {
		word := []rune(w)
		if len(cur) > 0 && len(cur)+1+len(word) > width {
			lines = append(lines, string(cur))
			cur = nil
		}
		if len(cur) > 0 {
			cur = append(cur, ' ')
		}
		cur = append(cur, word...)
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

func readOnly(c *common.Common) bool { return c.Settings != nil && c.Settings.ReadOnly }
