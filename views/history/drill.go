package history

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/ui/common"
)

// drilled is History showing exactly the rows of a figure on another
// screen (Insights); Esc restores the query the user had.
type drilled struct {
	back        string
	q           Query
	opIdx, sIdx int
}

// Drill shows exactly q's rows (a drill-down from back, e.g. Insights);
// Esc restores the earlier query and goes back there.
func (m *Model) Drill(q Query, back string) tea.Cmd {
	if m.drill == nil {
		m.drill = &drilled{q: m.q, opIdx: m.opIdx, sIdx: m.srcIdx}
	}
	m.drill.back = back
	m.detail = nil
	m.q = q
	m.opIdx, m.srcIdx = 0, 0
	if m.text != "" {
		m.applyText("")
	}
	return m.reload(false)
}

// undrill ends a drill-down: the earlier query again, and back to where it came from.
func (m *Model) undrill() (tea.Cmd, bool) {
	if m.drill == nil {
		return nil, false
	}
	d := m.drill
	m.drill = nil
	m.q, m.opIdx, m.srcIdx = d.q, d.opIdx, d.sIdx
	back := func() tea.Msg { return common.ShowScreenMsg{Title: d.back} }
	return tea.Batch(m.reload(false), back), true
}

// statement writes the statement of the range on screen: the query's
// dates, else from the oldest row loaded up to now (S).
func (m *Model) statement() tea.Cmd {
	if m.Statements == nil {
		return nil
	}
	from, to := m.q.Start, m.q.End
	if from.IsZero() {
		if len(m.rows) == 0 {
			return common.Toast(m.c.Tr.T("history.nothing_for_statement", nil))
		}
		d := m.rows[len(m.rows)-1].Date.In(m.c.Loc()) // the day of the oldest row on screen, in the screens' zone
		from = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, m.c.Loc())
	}
	if to.IsZero() {
		to = m.c.Now().In(m.c.Loc())
	}
	write := m.Statements
	m.actionBusy++
	writing := m.c.Tr.T("history.writing_statement", i18n.Args{"From": from.Format(dayLayout), "To": to.Format(dayLayout)})
	return tea.Batch(common.Toast(writing), func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		path, err := write(ctx, from, to)
		return statementMsg{path: path, err: err}
	})
}

type statementMsg struct {
	path string
	err  error
}
