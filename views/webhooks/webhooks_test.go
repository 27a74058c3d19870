package webhooks

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"qiwidash/qiwiapi"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

type driver struct {
	t        *testing.T
	m        *Model
	queue    []tea.Cmd
	confirms []common.ConfirmMsg
	toasts   []common.ToastMsg
	copies   []common.CopyMsg
}

func newDriver(t *testing.T, env *uitest.Env) *driver {
	m := New(env.Common)
	m.SetSize(uitest.Width, uitest.Height-6)
	d := &driver{t: t, m: m, queue: []tea.Cmd{m.Init()}}
	d.run()
	return d
}

func (d *driver) run() {
	for n := 0; len(d.queue) > 0 && n < 100; n++ {
		c := d.queue[0]
		d.queue = d.queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			d.queue = append(d.queue, msg...)
		case common.ConfirmMsg:
			d.confirms = append(d.confirms, msg)
		case common.ToastMsg:
			d.toasts = append(d.toasts, msg)
		case common.CopyMsg:
			d.copies = append(d.copies, msg)
		default:
			_, next := d.m.Update(msg)
			d.queue = append(d.queue, next)
		}
	}
}

func (d *driver) press(keys ...string) {
	for _, k := range keys {
		_, cmd := d.m.Update(uitest.Key(k))
		d.queue = append(d.queue, cmd)
		d.run()
	}
}

func (d *driver) typeText(s string) {
	for _, r := range s {
		d.press(string(r))
	}
}

func (d *driver) yes(wantLine string) {
	d.t.Helper()
	if len(d.confirms) != 1 {
		d.t.Fatalf("confirmations = %d, want 1", len(d.confirms))
	}
	if all := strings.Join(d.confirms[0].Lines, " "); !strings.Contains(all, wantLine) {
		d.t.Fatalf("confirmation %q lacks %q", all, wantLine)
	}
	d.queue = append(d.queue, d.confirms[0].Yes)
	d.confirms = nil
	d.run()
}

func (d *driver) errorToasts() []string {
	var out []string
	for _, t := range d.toasts {
		if t.Error {
			out = append(out, t.Text)
		}
	}
	return out
}

// secretsHidden fails if the hook id or key appears on screen.
func (d *driver) secretsHidden() {
	d.t.Helper()
	view := d.m.View()
	if d.m.hook != nil && strings.Contains(view, d.m.hook.HookID) {
		d.t.Fatal("the hook id is on screen unmasked")
	}
	if d.m.key != "" && strings.Contains(view, d.m.key) {
		d.t.Fatal("the key is on screen unmasked")
	}
}

const hookURL = "https://example.com/qiwi/hook"

func TestRegisterThenDelete(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env)
	if d.m.state != stateNone || !strings.Contains(d.m.View(), "No webhook registered") {
		t.Fatalf("state %v:\n%s", d.m.state, d.m.View())
	}
	if errs := d.errorToasts(); len(errs) != 0 {
		t.Fatalf("a missing webhook was reported as an error: %v", errs)
	}
	d.press("n")
	if !d.m.InputFocused() {
		t.Fatal("the register prompt does not take the keys")
	}
	d.typeText(hookURL)
	d.press("tab", "left", "enter") // BOTH -> OUT, register
	if d.m.state != stateReady || d.m.hook == nil {
		t.Fatalf("no active hook after registering: state %v, toasts %v", d.m.state, d.toasts)
	}
	view := d.m.View()
	for _, want := range []string{hookURL, "OUT — outgoing payments", "WEB", qiwiapi.MaskSecret(d.m.key)} {
		if !strings.Contains(view, want) {
			t.Errorf("screen lacks %q:\n%s", want, view)
		}
	}
	d.secretsHidden()
	d.press("y")
	if len(d.copies) != 1 || d.copies[0].Text != d.m.key || d.m.key == "" {
		t.Fatalf("y copied %+v, want the full key", d.copies)
	}
	d.press("D")
	d.yes(hookURL)
	if d.m.state != stateNone || d.m.hook != nil || !strings.Contains(d.m.View(), "No webhook registered") {
		t.Fatalf("hook still shown after delete:\n%s", d.m.View())
	}
}

func TestURLOver100CharsRefusedAsYouType(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env)
	d.press("n")
	long := "https://example.com/" + strings.Repeat("a", 81) // 101 characters
	d.typeText(long[:100])
	if d.m.prompt.problem != "" {
		t.Fatalf("100 characters refused: %q", d.m.prompt.problem)
	}
	d.typeText(long[100:])
	want := "Too long: 101 characters, QIWI accepts at most 100"
	if d.m.prompt.problem != want || !strings.Contains(d.m.View(), want) {
		t.Fatalf("problem = %q:\n%s", d.m.prompt.problem, d.m.View())
	}
	d.press("enter", "enter")
	if d.m.prompt == nil || d.m.hook != nil {
		t.Fatal("a too long URL was sent")
	}
	d.press("esc")
	if d.m.prompt != nil || d.m.InputFocused() {
		t.Fatal("esc did not close the prompt")
	}
}

func TestNewKeyAndTest(t *testing.T) {
	env := uitest.New(t)
	if _, _, err := env.Common.API.Webhooks.Register(context.Background(), hookURL, qiwiapi.HookBoth); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, env)
	old := d.m.key
	if old == "" {
		t.Fatal("the key was not read")
	}
	d.press("K")
	d.yes("old key stops working")
	if d.m.key == "" || d.m.key == old {
		t.Fatal("the key did not change")
	}
	d.secretsHidden()
	d.press("t")
	if last := d.toasts[len(d.toasts)-1]; last.Error || last.Text != "Test notification: Webhook sent" {
		t.Fatalf("toast = %+v", last)
	}
	d.press("n")
	if d.m.prompt != nil || len(d.errorToasts()) != 1 {
		t.Fatal("a second webhook could be registered")
	}
}

type harness struct{ m *Model }

func (h harness) Init() tea.Cmd { return h.m.Init() }
func (h harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		h.m.SetSize(ws.Width, ws.Height)
		return h, nil
	}
	_, cmd := h.m.Update(msg)
	return h, cmd
}
func (h harness) View() string { return h.m.View() }

func golden(t *testing.T, m *Model, waitFor string) {
	t.Helper()
	tm := teatest.NewTestModel(t, harness{m}, teatest.WithInitialTermSize(uitest.Width, uitest.Height))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), waitFor) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	teatest.RequireEqualOutput(t, []byte(fm.View()))
}

func TestGoldenActive(t *testing.T) {
	env := uitest.New(t)
	if _, _, err := env.Common.API.Webhooks.Register(context.Background(), hookURL, qiwiapi.HookBoth); err != nil {
		t.Fatal(err)
	}
	golden(t, New(env.Common), "Signing key")
}

func TestGoldenNone(t *testing.T) {
	env := uitest.New(t)
	golden(t, New(env.Common), "No webhook registered")
}
