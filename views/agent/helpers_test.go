package agent

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi/topup"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

// shell runs screens like the root shell does: keys go to the active
// screen, every other message to all of them; messages meant for the shell
// (confirmations, toasts, copies) are recorded instead of shown.
type shell struct {
	t        *testing.T
	screens  []common.Component
	active   int
	queue    []tea.Cmd
	confirms []common.ConfirmMsg
	toasts   []common.ToastMsg
}

func newShell(t *testing.T, screens ...common.Component) *shell {
	t.Helper()
	sh := &shell{t: t, screens: screens}
	for _, s := range screens {
		s.SetSize(uitest.Width, uitest.Height-6)
		sh.queue = append(sh.queue, s.Init())
	}
	return sh
}

// run handles queued commands until none is left, limit messages were
// handled, or until() holds. Timers (tea.Tick) sleep for real, which the
// sandbox policy keeps at a millisecond.
func (sh *shell) run(limit int, until func() bool) bool {
	for n := 0; len(sh.queue) > 0 && n < limit; n++ {
		if until != nil && until() {
			return true
		}
		c := sh.queue[0]
		sh.queue = sh.queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			sh.queue = append(sh.queue, msg...)
		case common.ConfirmMsg:
			sh.confirms = append(sh.confirms, msg)
		case common.ToastMsg:
			sh.toasts = append(sh.toasts, msg)
		case common.CopyMsg:
		default:
			for _, s := range sh.screens {
				_, next := s.Update(msg)
				sh.queue = append(sh.queue, next)
			}
		}
	}
	return until != nil && until()
}

// mustRun runs until cond holds or fails the test.
func (sh *shell) mustRun(what string, cond func() bool) {
	sh.t.Helper()
	if !sh.run(5000, cond) {
		sh.t.Fatalf("never reached: %s\n%s", what, sh.screens[sh.active].View())
	}
}

func (sh *shell) press(keys ...string) {
	for _, k := range keys {
		_, cmd := sh.screens[sh.active].Update(uitest.Key(k))
		sh.queue = append(sh.queue, cmd)
		sh.run(50, nil)
	}
}

func (sh *shell) typeText(s string) {
	for _, r := range s {
		sh.press(string(r))
	}
}

// yes answers the last confirmation with "y".
func (sh *shell) yes() common.ConfirmMsg {
	sh.t.Helper()
	if len(sh.confirms) == 0 {
		sh.t.Fatal("no confirmation was asked")
	}
	c := sh.confirms[len(sh.confirms)-1]
	sh.confirms = nil
	sh.queue = append(sh.queue, c.Yes)
	return c
}

func (sh *shell) toastTexts() string {
	var out []string
	for _, t := range sh.toasts {
		out = append(out, t.Text)
	}
	return strings.Join(out, "\n")
}

// phaseOf reports the phase of the only (or first) entry of the Top-ups screen.
func phaseOf(m *TopupsModel) topup.Phase {
	if e := m.Entries(); len(e) > 0 {
		return e[0].State.Phase
	}
	return topup.PhaseNew
}

// requestsOf counts the agent sandbox requests of a kind.
func requestsOf(env *uitest.Env, kind string) int {
	n := 0
	for _, r := range env.Demo.Agent.Requests() {
		if r.Kind == kind {
			n++
		}
	}
	return n
}
