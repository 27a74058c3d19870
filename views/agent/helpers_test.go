package agent

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	sbagent "qiwidash/qiwiapi/sandbox/agent"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
	smoves "qiwidash/store/moves"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

// screens routes messages like the root shell does: keys go to the active
// screen, every other message to all of them.
type screens struct {
	list   []common.Component
	active int
}

func (s *screens) Init() tea.Cmd {
	cmds := make([]tea.Cmd, len(s.list))
	for i, c := range s.list {
		cmds[i] = c.Init()
	}
	return tea.Batch(cmds...)
}

func (s *screens) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.KeyMsg); ok {
		_, cmd := s.list[s.active].Update(msg)
		return s, cmd
	}
	cmds := make([]tea.Cmd, len(s.list))
	for i, c := range s.list {
		_, cmds[i] = c.Update(msg)
	}
	return s, tea.Batch(cmds...)
}

func (s *screens) View() string { return s.list[s.active].View() }

// shell drives screens through uitest.Driver; messages meant for the shell
// (confirmations, toasts, copies) are recorded instead of shown. Timers
// (tea.Tick) sleep for real, which the sandbox policy keeps at a
// millisecond. Each key press runs at most 50 messages.
type shell struct {
	*uitest.Driver
	screens *screens
}

// newShell queues the screens' Init commands; nothing runs until the test
// says so.
func newShell(t *testing.T, list ...common.Component) *shell {
	t.Helper()
	sc := &screens{list: list}
	for _, s := range list {
		s.SetSize(uitest.Width, uitest.Height-6)
		if l, ok := s.(*TopupsModel); ok {
			l.WatchFor = 20 * time.Millisecond // a blocked wait must not hang the driver
		}
	}
	return &shell{Driver: &uitest.Driver{T: t, Model: sc, Queue: []tea.Cmd{sc.Init()}, Limit: 50}, screens: sc}
}

// run handles queued commands until none is left, limit messages were
// handled, or until() holds; it reports whether until() holds.
func (sh *shell) run(limit int, until func() bool) bool {
	defer func(l int) { sh.Limit = l }(sh.Limit)
	sh.Limit = limit
	sh.Run(until)
	return until != nil && until()
}

// mustRun runs until cond holds or fails the test.
func (sh *shell) mustRun(what string, cond func() bool) {
	sh.T.Helper()
	if !sh.run(5000, cond) {
		sh.T.Fatalf("never reached: %s\n%s", what, sh.Model.View())
	}
}

// yes answers the last confirmation with "y" and forgets the others; the
// answer is only queued, so the test decides how far to run it.
func (sh *shell) yes() common.ConfirmMsg {
	sh.T.Helper()
	if len(sh.Confirms) == 0 {
		sh.T.Fatal("no confirmation was asked")
	}
	c := sh.Confirms[len(sh.Confirms)-1]
	sh.Confirms = nil
	sh.Queue = append(sh.Queue, c.Yes)
	return c
}

func (sh *shell) toastTexts() string {
	var out []string
	for _, t := range sh.Toasts {
		out = append(out, t.Text)
	}
	return strings.Join(out, "\n")
}

// phaseOf reports the phase of the only (or first) entry of the Top-ups screen.
func phaseOf(m *TopupsModel) topup.Phase {
	if len(m.rows) > 0 {
		return m.rows[0].p.State.Phase
	}
	return topup.PhaseNew
}

// journal reads and seeds the engine's top-ups in the store directly.
type journal struct {
	t  *testing.T
	st *store.Store
}

// Get is the journal entry of number and its progress.
func (j *journal) Get(number topup.TxnNumber) (store.Entry, smoves.TopupProgress, bool) {
	j.t.Helper()
	e, err := j.st.Journal().Find(context.Background(), store.KindAgentTopup, string(number))
	if err != nil {
		return store.Entry{}, smoves.TopupProgress{}, false
	}
	p, err := smoves.TopupOf(*e)
	if err != nil {
		j.t.Fatal(err)
	}
	return *e, p, true
}

// seed journals a top-up as an earlier run left it: started, then changed
// by edit (nil: journaled, nothing sent).
func (j *journal) seed(tp topup.Topup, edit func(*smoves.TopupProgress)) store.Entry {
	j.t.Helper()
	st, _ := topup.Start(tp, uitest.Now)
	p := smoves.TopupProgress{State: st}
	if edit != nil {
		edit(&p)
	}
	req, _ := json.Marshal(tp)
	prog, _ := json.Marshal(p)
	jr := j.st.Journal()
	e, err := jr.Begin(context.Background(), store.Intent{Kind: store.KindAgentTopup, ClientID: string(tp.Number), Account: agentTerminal,
		Recipient: tp.Account, Amount: tp.Amount, Request: req})
	if err != nil {
		j.t.Fatal(err)
	}
	state := store.StatePending
	switch {
	case p.InFlight == topup.ActPay:
		state = store.StateSent
	case p.State.Phase == topup.PhaseSucceeded:
		state = store.StateSucceeded
	}
	if state == store.StateSucceeded {
		if e, err = jr.Advance(context.Background(), e.ID, store.Update{State: store.StateSent}); err != nil {
			j.t.Fatal(err)
		}
	}
	if e, err = jr.Advance(context.Background(), e.ID, store.Update{State: state, Progress: prog}); err != nil {
		j.t.Fatal(err)
	}
	return *e
}

// agentTerminal is the demo agent's terminal id.
var agentTerminal = sbagent.DemoTerminalID()

// resume is what the app does at start: the engine picks up open top-ups.
func resume(t *testing.T, env *uitest.Env) {
	t.Helper()
	if _, err := env.Common.Topups.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// lessNumber orders transaction numbers numerically.
func lessNumber(a, b topup.TxnNumber) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
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

// settleOnce runs the only top-up of list to pending, settles the sandbox,
// runs the top-up to success and checks that QIWI made exactly one payment.
func settleOnce(t *testing.T, env *uitest.Env, sh *shell, list *TopupsModel) {
	t.Helper()
	sh.mustRun("pending", func() bool { return phaseOf(list) == topup.PhasePending })
	env.Demo.Agent.SettleNow()
	sh.mustRun("success", func() bool { return phaseOf(list) == topup.PhaseSucceeded })
	if n := env.Demo.Agent.PaymentCount(); n != 1 {
		t.Fatalf("PaymentCount = %d, want 1", n)
	}
}

// paysOf counts the agent sandbox's pay requests; one sent with another
// transaction number than number fails the test.
func paysOf(t *testing.T, env *uitest.Env, number topup.TxnNumber) int {
	t.Helper()
	pays := 0
	for _, r := range env.Demo.Agent.Requests() {
		if r.Kind == "pay" {
			pays++
			if !strings.Contains(string(r.Body), "<transaction-number>"+string(number)+"</transaction-number>") {
				t.Errorf("pay sent with another number than %s:\n%s", number, r.Body)
			}
		}
	}
	return pays
}
