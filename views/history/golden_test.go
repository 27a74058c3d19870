package history

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"qiwidash/qiwiapi"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

// Golden screens: go test ./views/history -update rewrites testdata/*.golden.
//
// The program runs for real under teatest (sandbox on loopback, fixed seed
// and clock, ASCII profile, 120x40). The test waits for a marker that only
// appears once every load is done, quits, and compares the final model's
// View() — not the byte stream, whose frame boundaries depend on timing.

// harness stands in for the root shell: it sizes the screen and swallows
// the messages meant for the shell (toasts, clipboard).
type harness struct{ m *Model }

func (h harness) Init() tea.Cmd { return h.m.Init() }

func (h harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.m.SetSize(msg.Width, msg.Height)
		return h, nil
	case common.ToastMsg, common.CopyMsg:
		return h, nil
	}
	_, cmd := h.m.Update(msg)
	return h, cmd
}

func (h harness) View() string { return h.m.View() }

func startProgram(t *testing.T, env *uitest.Env) *teatest.TestModel {
	t.Helper()
	tm := teatest.NewTestModel(t, harness{New(env.Common)}, teatest.WithInitialTermSize(uitest.Width, uitest.Height))
	t.Cleanup(func() { _ = tm.Quit() })
	return tm
}

func waitFor(t *testing.T, tm *teatest.TestModel, markers ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, mk := range markers {
			if !bytes.Contains(b, []byte(mk)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func finalView(t *testing.T, tm *teatest.TestModel) []byte {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(harness)
	if fm.m.Busy() {
		t.Fatal("the golden frame was taken while work was in flight")
	}
	return []byte(fm.m.View())
}

func TestGoldenTable(t *testing.T) {
	env := uitest.New(t)
	tm := startProgram(t, env)
	// "more on scroll" replaces "loading…" once the page and the totals are in.
	waitFor(t, tm, "row 1 of 50 · more on scroll")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

func TestGoldenDetail(t *testing.T) {
	env := uitest.New(t)
	// Find a failed payment in the first page, to show the explained error.
	probe := New(env.Common)
	probe.SetSize(uitest.Width, uitest.Height)
	uitest.Run(probe, probe.Init(), limit)
	var id int64
	for _, r := range probe.rows {
		if r.Status == qiwiapi.StatusError && r.ErrorCode != 0 {
			id = int64(r.TxnID)
			break
		}
	}
	if id == 0 {
		t.Fatal("no failed payment in the first page")
	}

	tm := startProgram(t, env)
	waitFor(t, tm, "row 1 of 50 · more on scroll")
	tm.Type("g")
	tm.Type(itoa(id))
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	// The pane's last field is drawn once the details came back.
	waitFor(t, tm, "Transaction "+itoa(id), "Greeting card")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}
