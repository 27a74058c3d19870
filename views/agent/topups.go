package agent

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
	"qiwidash/store/moves"
	"qiwidash/ui/common"
	"qiwidash/ui/formkit"
)

// journalLoadedMsg carries the engine's top-ups, read on Init, on r and
// after every move, and the engine's version they were read at.
type journalLoadedMsg struct {
	gen     int
	version uint64
	entries []store.Entry
	err     error
}

// changedMsg says the engine moved a top-up since the list was read.
type changedMsg struct{ version uint64 }

// releasedMsg is the engine's answer to resuming a held top-up.
type releasedMsg struct {
	number topup.TxnNumber
	err    error
}

// row is one journaled top-up: the engine's entry and its progress.
type row struct {
	je store.Entry
	p  moves.TopupProgress
}

// TopupsModel is the Top-ups screen: the engine's top-ups as a table; the
// engine drives every unfinished one to its final status and the screen
// renders what it reports.
type TopupsModel struct {
	c    *common.Common
	deps Deps

	// WatchFor is how long one wait for the engine's next move lasts (0: a
	// minute); tests keep it short.
	WatchFor time.Duration

	width, height int
	state         common.LoadState
	err           error

	rows     []*row // newest first
	cursor   int
	offset   int
	gen      int
	version  uint64
	watching bool
}

// NewTopups builds the Top-ups screen.
func NewTopups(c *common.Common, deps Deps) *TopupsModel {
	return &TopupsModel{c: c, deps: deps}
}

// SetSize records the body size.
func (m *TopupsModel) SetSize(w, h int) { m.width, m.height = w, h }

// Busy reports a request in flight.
func (m *TopupsModel) Busy() bool {
	for _, r := range m.rows {
		if r.p.InFlight != topup.ActNone {
			return true
		}
	}
	return false
}

// Init reads the engine's top-ups.
func (m *TopupsModel) Init() tea.Cmd {
	if m.c.Topups == nil || m.c.Agent == nil {
		return nil
	}
	m.state = common.StateLoading
	return m.loadJournal()
}

func (m *TopupsModel) loadJournal() tea.Cmd {
	eng := m.c.Topups
	m.gen++
	gen := m.gen
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		v := eng.Version()
		entries, err := eng.List(ctx)
		return journalLoadedMsg{gen: gen, version: v, entries: entries, err: err}
	}
}

// watch waits for the engine's next move while a top-up can still move.
func (m *TopupsModel) watch() tea.Cmd {
	if m.watching {
		return nil
	}
	moving := false
	for _, r := range m.rows {
		moving = moving || (r.je.Open() && r.je.State != store.StateHeld)
	}
	if !moving {
		return nil
	}
	m.watching = true
	eng, v, d := m.c.Topups, m.version, m.WatchFor
	if d <= 0 {
		d = time.Minute
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		next, _ := eng.Changes(ctx, v)
		return changedMsg{version: next}
	}
}

// Entries returns the top-ups as shown, newest first (for tests).
func (m *TopupsModel) Entries() []store.Entry {
	out := make([]store.Entry, len(m.rows))
	for i, r := range m.rows {
		out[i] = r.je
	}
	return out
}

// Update handles the engine's reports and keys.
func (m *TopupsModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		return m, m.reload()
	case common.ScrollMsg:
		m.cursor = common.Clamp(m.cursor+msg.Delta, len(m.rows))
		return m, nil
	case journalLoadedMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		if msg.err != nil {
			if len(m.rows) == 0 {
				m.state = common.StateError
			}
			m.err = msg.err
			return m, tea.Batch(m.c.ErrorToast(i18n.Errorf("agent.topups_unreadable", nil, msg.err)), m.watch())
		}
		m.state, m.err, m.version = common.StateReady, nil, msg.version
		return m, m.merge(msg.entries)
	case TopupQueuedMsg:
		if m.state == common.StateLoading {
			m.state = common.StateReady
		}
		m.cursor, m.offset = 0, 0
		m.watching = false
		return m, m.loadJournal()
	case changedMsg:
		m.watching = false
		return m, m.loadJournal()
	case releasedMsg:
		m.watching = false
		if msg.err != nil {
			return m, tea.Batch(m.c.ErrorToast(msg.err), m.loadJournal())
		}
		return m, tea.Batch(common.Toast(m.c.Tr.T("agent.topups_resumed", i18n.Args{"Number": string(msg.number)})), m.loadJournal())
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	}
	return m, nil
}

// merge shows the engine's entries, announcing each top-up's outcome once,
// when it happens.
func (m *TopupsModel) merge(entries []store.Entry) tea.Cmd {
	was := map[int64]topup.Phase{}
	for _, r := range m.rows {
		was[r.je.ID] = r.p.State.Phase
	}
	first := len(m.rows) == 0
	var cmds []tea.Cmd
	rows := make([]*row, 0, len(entries))
	for _, e := range entries {
		p, err := moves.TopupOf(e)
		if err != nil {
			cmds = append(cmds, m.c.ErrorToast(err))
			continue
		}
		r := &row{je: e, p: p}
		if ph, ok := was[e.ID]; (ok && ph != p.State.Phase) || (!ok && !first) {
			cmds = append(cmds, m.announce(r))
		}
		rows = append(rows, r)
	}
	m.rows = rows
	m.cursor = min(m.cursor, max(0, len(m.rows)-1))
	return tea.Batch(append(cmds, m.watch())...)
}

// announce toasts the final outcome (and a hold) once, when it happens.
func (m *TopupsModel) announce(r *row) tea.Cmd {
	tr := m.c.Tr
	args := i18n.Args{"Number": r.je.ClientID, "Amount": m.c.Money(r.je.Amount)}
	switch r.p.State.Phase {
	case topup.PhaseSucceeded:
		return common.Toast(tr.T("agent.topups_succeeded", args))
	case topup.PhaseFailed:
		return errToast(tr.T("agent.topups_failed", args))
	case topup.PhaseRefused:
		return errToast(tr.T("agent.topups_refused", args))
	case topup.PhaseHeld:
		args["Fix"] = fixHint(tr, r.p)
		return errToast(tr.T("agent.topups_held", args))
	}
	return nil
}

func errToast(text string) tea.Cmd {
	return func() tea.Msg { return common.ToastMsg{Text: text, Error: true} }
}

// reload reads the journal afresh and waits for the top-ups anew.
func (m *TopupsModel) reload() tea.Cmd {
	if m.c.Topups == nil || m.c.Agent == nil {
		return nil
	}
	m.watching = false
	return m.loadJournal()
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
		return m.reload()
	case key.Matches(msg, k.Copy):
		if r := m.selected(); r != nil {
			return common.Copy(r.je.ClientID, m.c.Tr.T("agent.copy_number", nil))
		}
	case key.Matches(msg, k.Enter):
		return m.resume()
	}
	return nil
}

func (m *TopupsModel) selected() *row {
	if m.cursor >= 0 && m.cursor < len(m.rows) {
		return m.rows[m.cursor]
	}
	return nil
}

// resume asks the engine to re-arm the selected held top-up after the user
// fixed the cause: a sent one is asked by status, an unsent one starts with
// the check.
func (m *TopupsModel) resume() tea.Cmd {
	r := m.selected()
	if r == nil || r.je.State != store.StateHeld || readOnly(m.c) {
		return nil
	}
	eng, id, n := m.c.Topups, r.je.ID, topup.TxnNumber(r.je.ClientID)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return releasedMsg{number: n, err: eng.Release(ctx, id)}
	}
}

// statusWords is the phase in words. Unknown is never called failed.
func statusWords(tr *i18n.Tr, e moves.TopupProgress) string {
	s := e.State
	switch s.Phase {
	case topup.PhaseNew, topup.PhaseChecking:
		return tr.T("agent.phase_checking", nil)
	case topup.PhaseSending:
		if s.Sent {
			return tr.T("agent.phase_resending", nil)
		}
		return tr.T("agent.phase_sending", nil)
	case topup.PhaseUnknown:
		return tr.T("agent.phase_unknown", nil)
	case topup.PhasePending:
		switch {
		case s.Status == topup.StatusAccepted:
			return tr.T("agent.phase_accepted", nil)
		case s.Status == topup.StatusCrediting:
			return tr.T("agent.phase_crediting", nil)
		case s.Status.Debited():
			return tr.T("agent.phase_processing", nil)
		}
		return tr.T("agent.phase_awaiting", nil)
	case topup.PhaseHeld:
		return tr.T("agent.phase_held", nil)
	case topup.PhaseRefused:
		return tr.T("agent.phase_refused", nil)
	case topup.PhaseSucceeded:
		return tr.T("agent.phase_succeeded", nil)
	case topup.PhaseFailed:
		return tr.T("agent.phase_failed", nil)
	}
	return s.Phase.String()
}

// resultWords is the result code explained ("—" when there is none yet).
func resultWords(tr *i18n.Tr, e moves.TopupProgress) string {
	s := e.State
	switch {
	case s.Result != topup.ResultOK:
		return fmt.Sprintf("%d %s", int(s.Result), explain.TopUpResult(tr, s.Result))
	case e.LastCode != topup.RequestOK:
		return fmt.Sprintf("%d %s", int(e.LastCode), explain.TopUpRequest(tr, e.LastCode))
	case s.Phase == topup.PhaseSucceeded:
		return tr.T("agent.result_ok", nil)
	}
	return "—"
}

// todo is what the operator has to do about the entry, in words ("" =
// nothing); the amount is masked in privacy mode.
func (m *TopupsModel) todo(e moves.TopupProgress) string {
	tr := m.c.Tr
	switch e.State.Phase {
	case topup.PhaseFailed:
		return tr.T("agent.todo_failed", i18n.Args{"Amount": m.c.Money(e.State.Topup.Amount)})
	case topup.PhaseRefused:
		return tr.T("agent.todo_refused", nil)
	case topup.PhaseHeld:
		return tr.T("agent.todo_held", i18n.Args{"Fix": fixHint(tr, e)})
	case topup.PhaseUnknown:
		return tr.T("agent.todo_unknown", nil)
	}
	return ""
}

// fixHint says what a person has to fix on a held top-up.
func fixHint(tr *i18n.Tr, e moves.TopupProgress) string {
	switch e.LastCode {
	case topup.RequestAuthError:
		return tr.T("agent.fix_auth", nil)
	case topup.RequestIPBlocked:
		return tr.T("agent.fix_ip", nil)
	}
	switch e.State.Result {
	case topup.ResultTxnNumberReused:
		return tr.T("agent.fix_reused", nil)
	case topup.ResultAgentBlocked:
		return tr.T("agent.fix_agent_blocked", nil)
	case topup.ResultServiceNotAllowed:
		return tr.T("agent.fix_service", nil)
	case topup.ResultIdentLevelTooLow:
		return tr.T("agent.fix_ident", nil)
	}
	if e.State.Result != topup.ResultOK {
		return explain.TopUpResult(tr, e.State.Result)
	}
	if e.LastCode != topup.RequestOK {
		return tr.T("agent.fix_contact", i18n.Args{"Why": explain.TopUpRequest(tr, e.LastCode)})
	}
	return tr.T("agent.fix_look", i18n.Args{"Note": sanitize.Text(explain.TopUpNote(tr, e.State))})
}

// nextWords is the next request as a relative time.
func (m *TopupsModel) nextWords(r *row) string {
	tr := m.c.Tr
	if r.p.InFlight != topup.ActNone {
		return tr.T("agent.next_asking", nil)
	}
	n := r.p.State.Next
	if n.Kind == topup.ActNone {
		return "—"
	}
	d := n.At.Sub(m.c.Now())
	if d < time.Second {
		return tr.T("agent.dur_now", nil)
	}
	return tr.T("agent.next_in", i18n.Args{"In": shortDuration(tr, d)})
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

// columns is s's width on screen (runes: the table's words are one column
// each).
func columns(s string) int { return len([]rune(s)) }

// View draws the journal table and the selected entry's details.
func (m *TopupsModel) View() string {
	s, tr := m.c.Styles, m.c.Tr
	switch {
	case m.c.Agent == nil:
		return s.Subtle.Render(noAgent(m.c))
	case m.c.Topups == nil:
		return s.Error.Render(" " + tr.T("agent.topups_no_journal", nil))
	case m.state == common.StateLoading && len(m.rows) == 0:
		return s.Subtle.Render(" " + tr.T("agent.topups_reading", nil))
	case m.state == common.StateError && len(m.rows) == 0:
		return s.Error.Render(" "+tr.T("agent.topups_unreadable_view", i18n.Args{"Why": m.c.Explain(m.err)})) + "\n\n" + s.Subtle.Render(" "+tr.T("agent.retry", nil))
	}
	var b strings.Builder
	following, held, todoN := 0, 0, 0
	for _, r := range m.rows {
		switch {
		case r.p.State.Phase == topup.PhaseHeld:
			held++
		case !r.p.State.Phase.Done():
			following++
		}
		if r.p.State.Phase == topup.PhaseFailed || r.p.State.Phase == topup.PhaseRefused {
			todoN++
		}
	}
	b.WriteString(s.Title.Render(" "+tr.T("agent.topups_title", nil)) + s.Subtle.Render("  "+tr.T("agent.topups_summary",
		i18n.Args{"Total": len(m.rows), "Followed": following, "Held": held, "Refund": todoN})) + "\n\n")
	if len(m.rows) == 0 {
		b.WriteString(s.Subtle.Render(" "+tr.T("agent.topups_none", nil)) + "\n")
		return b.String()
	}
	// TRIES and NEXT CHECK are as wide as their words (Russian ones are
	// longer); RESULT, cut anyway, gives the room.
	hTries, hNext := tr.T("agent.topups_col_tries", nil), tr.T("agent.topups_col_next", nil)
	colTries, colNext := max(colTries, columns(hTries)), max(colNext, columns(hNext))
	next := make([]string, len(m.rows))
	for i, r := range m.rows {
		next[i] = m.nextWords(r)
		colNext = max(colNext, columns(next[i]))
	}
	width := max(m.width, 100)
	colResult := max(12, width-2-colNumber-colPhone-colAmount-colStatus-colTries-colNext-7)
	header := fmt.Sprintf("  %-*s %-*s %*s  %-*s %-*s %*s %-*s", colNumber, tr.T("agent.topups_col_number", nil), colPhone, tr.T("agent.topups_col_phone", nil),
		colAmount, tr.T("agent.topups_col_amount", nil), colStatus-1, tr.T("agent.topups_col_status", nil), colResult, tr.T("agent.topups_col_result", nil),
		colTries, hTries, colNext, hNext)
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
			colNumber, r.je.ClientID,
			colPhone, common.Truncate(m.c.Account("+"+r.p.State.Topup.Account, common.List), colPhone),
			colAmount, m.c.Money(r.p.State.Topup.Amount),
			colStatus-1, common.Truncate(statusWords(tr, r.p), colStatus-1),
			colResult, common.Truncate(resultWords(tr, r.p), colResult),
			colTries, r.je.Attempts,
			colNext, next[i])
		styled := m.styleRow(r.p, line)
		if i == m.cursor {
			b.WriteString(s.Selected.Render("▶ "+line) + "\n")
		} else {
			b.WriteString("  " + styled + "\n")
		}
		used++
		if t := m.todo(r.p); t != "" && used < avail {
			b.WriteString(m.todoStyle(r.p).Render("    → "+common.Truncate(t, width-7)) + "\n")
			used++
		}
	}
	b.WriteString("\n" + detail)
	return b.String()
}

func (m *TopupsModel) styleRow(e moves.TopupProgress, line string) string {
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

func (m *TopupsModel) todoStyle(e moves.TopupProgress) lipgloss.Style {
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
	s, tr := m.c.Styles, m.c.Tr
	e := r.p
	t := e.State.Topup
	var b strings.Builder
	head := tr.T("agent.detail_head", i18n.Args{"Number": r.je.ClientID, "Phone": m.c.Personal("+" + t.Account),
		"Amount": m.c.Money(t.Amount), "Funds": fundsWords(tr, t.Funds), "Currency": t.Amount.Currency.Code()})
	b.WriteString(s.Bold.Render(" "+head) + "\n")
	var facts []string
	if e.State.TxnID != "" {
		facts = append(facts, tr.T("agent.detail_txn", i18n.Args{"Txn": sanitize.Text(e.State.TxnID)}))
	}
	if e.State.Registered || e.State.Phase.Done() && e.State.Phase != topup.PhaseRefused {
		facts = append(facts, tr.T("agent.detail_status", i18n.Args{"Code": int(e.State.Status), "Meaning": explain.TopUpStatus(tr, e.State.Status)}))
	}
	facts = append(facts, tr.T("agent.detail_journaled", i18n.Args{"Time": m.c.DateTZ(r.je.CreatedAt)}))
	if !r.je.UpdatedAt.IsZero() {
		facts = append(facts, tr.T("agent.updated", i18n.Args{"Time": m.c.Clock(r.je.UpdatedAt)}))
	}
	b.WriteString(s.Subtle.Render(" "+strings.Join(facts, " · ")) + "\n")
	if rw := resultWords(tr, e); rw != "—" {
		b.WriteString(s.Subtle.Render(" "+tr.T("agent.detail_result", i18n.Args{"Result": rw})) + "\n")
	}
	if note := explain.TopUpNote(tr, e.State); note != "" {
		for _, line := range strings.Split(formkit.Wrap(tr.T("agent.detail_answer", i18n.Args{"Note": sanitize.Text(note)}), max(40, m.width-2)), "\n") {
			b.WriteString(s.Subtle.Render(" "+line) + "\n")
		}
	}
	return b.String()
}

// ShortHelp lists the keys that apply now.
func (m *TopupsModel) ShortHelp() []key.Binding {
	k, tr := m.c.Keys, m.c.Tr
	enter := common.Relabel(k.Enter, tr.T("agent.key_resume", nil))
	r := m.selected()
	enter.SetEnabled(r != nil && r.p.State.Phase == topup.PhaseHeld && !readOnly(m.c))
	copyKey := common.Relabel(k.Copy, tr.T("agent.key_copy_number", nil))
	copyKey.SetEnabled(r != nil)
	refresh := common.Relabel(k.Refresh, tr.T("agent.key_reload", nil))
	return []key.Binding{k.Up, k.Down, enter, copyKey, refresh}
}

// FullHelp lists every key of the screen.
func (m *TopupsModel) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), {m.c.Keys.Top, m.c.Keys.Bottom}}
}

func readOnly(c *common.Common) bool { return c.Settings != nil && c.Settings.ReadOnly }
