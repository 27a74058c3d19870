package history

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

// runKeep executes cmd and feeds its messages back, keeping what is for the shell.
func runKeep(m *Model, cmd tea.Cmd) []tea.Msg {
	return uitest.RunKeeping(m, cmd, limit, func(msg tea.Msg) bool {
		switch msg.(type) {
		case common.ShowScreenMsg, common.ToastMsg:
			return true
		}
		return false
	})
}

// A drill-down shows exactly its rows; Esc gives the user's query back
// and asks the shell for the screen it came from.
func TestDrillAndBack(t *testing.T) {
	_, m := setup(t)
	before := len(m.rows)
	first := m.rows[0]
	d := first.Date.In(qiwiapi.Moscow)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, qiwiapi.Moscow)
	q := Query{Operation: qiwiapi.OperationAll, Start: day, End: day.Add(24*time.Hour - time.Second),
		Cond: store.NewCond("one payment", "t.txn_id = ?", int64(first.TxnID))}
	runKeep(m, m.Drill(q, "Insights"))
	if len(m.rows) != 1 || m.rows[0].TxnID != first.TxnID {
		t.Fatalf("drill: %d rows", len(m.rows))
	}
	if line := m.filterLine(); !strings.Contains(line, "only one payment") {
		t.Errorf("filter line %q does not say what is shown", line)
	}
	_, cmd := m.Update(uitest.Key("esc"))
	shell := runKeep(m, cmd)
	if len(shell) != 1 || shell[0] != (common.ShowScreenMsg{Title: "Insights"}) {
		t.Fatalf("esc: shell got %v", shell)
	}
	if m.drill != nil || !m.q.Cond.IsZero() || m.q.HasRange() || len(m.rows) != before {
		t.Errorf("esc did not restore the query: %+v, %d rows (had %d)", m.q, len(m.rows), before)
	}
	// A second esc is History's own again: nothing for the shell.
	_, cmd = m.Update(uitest.Key("esc"))
	if shell := runKeep(m, cmd); len(shell) != 0 {
		t.Errorf("second esc: %v", shell)
	}
}

// S writes the statement of the range on screen: without a range, from
// the oldest row loaded to now.
func TestStatementOfTheRangeOnScreen(t *testing.T) {
	_, m := setup(t)
	var from, to time.Time
	m.Statements = func(_ context.Context, f, tt time.Time) (string, error) { from, to = f, tt; return "/tmp/s.pdf", nil }
	_, cmd := m.Update(uitest.Key("S"))
	shell := runKeep(m, cmd)
	oldest := m.rows[len(m.rows)-1].Date.In(qiwiapi.Moscow)
	if from.Format("2006-01-02") != oldest.Format("2006-01-02") || from.Hour() != 0 || !to.Equal(m.c.Now().In(qiwiapi.Moscow)) {
		t.Errorf("statement of %s – %s; oldest row %s", from, to, oldest)
	}
	if last := shell[len(shell)-1].(common.ToastMsg); last.Text != "Statement saved: s.pdf in /tmp" {
		t.Errorf("toast %q", last.Text)
	}
}
