package ui_test

import (
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/ui"
	"qiwidash/ui/common"
	"qiwidash/ui/components/footer"
	"qiwidash/ui/uitest"
)

// busyScreen is a screen whose work in flight the test switches.
type busyScreen struct {
	busy bool
	got  []tea.Msg
}

func (b *busyScreen) Init() tea.Cmd { return nil }
func (b *busyScreen) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	b.got = append(b.got, msg)
	return b, nil
}
func (b *busyScreen) View() string              { return "screen" }
func (b *busyScreen) SetSize(int, int)          {}
func (b *busyScreen) ShortHelp() []key.Binding  { return nil }
func (b *busyScreen) FullHelp() [][]key.Binding { return nil }
func (b *busyScreen) Busy() bool                { return b.busy }

// ticks runs cmd (batches included, timers too: a footer tick takes
// 100 ms) and counts the spinner ticks it yields.
func ticks(cmd tea.Cmd) int {
	if cmd == nil {
		return 0
	}
	switch msg := cmd().(type) {
	case footer.TickMsg:
		return 1
	case tea.BatchMsg:
		n := 0
		for _, c := range msg {
			n += ticks(c)
		}
		return n
	}
	return 0
}

// TestIdleSchedulesNothing: with nothing in flight and no refresh
// interval, the shell starts no timer, answers a redraw or a tick with no
// command at all, and the spinner chain stops by itself once work ends.
func TestIdleSchedulesNothing(t *testing.T) {
	env := uitest.New(t)
	sc := &busyScreen{}
	root := ui.New(env.Common, []ui.Screen{{Mode: "Wallet", Title: "One", View: sc}}, ui.Options{})
	if _, cmd := root.Update(tea.WindowSizeMsg{Width: 80, Height: 24}); cmd != nil {
		t.Fatal("a resize while idle scheduled a command")
	}
	root.View()
	if _, cmd := root.Update(footer.TickMsg{}); cmd != nil {
		t.Fatal("a stray spinner tick while idle scheduled another")
	}
	if _, cmd := root.Update(common.HeaderAlertMsg{Key: "x", Text: "y"}); cmd != nil {
		t.Fatal("a header change while idle scheduled a command")
	}

	// Work starts: one tick chain, not one per message.
	sc.busy = true
	_, cmd := root.Update(struct{}{})
	if n := ticks(cmd); n != 1 {
		t.Fatalf("busy: %d ticks scheduled, want 1", n)
	}
	_, cmd = root.Update(struct{}{})
	if n := ticks(cmd); n != 0 {
		t.Fatalf("busy again: %d more ticks, want the running chain only", n)
	}
	_, cmd = root.Update(footer.TickMsg{})
	if n := ticks(cmd); n != 1 {
		t.Fatalf("a tick while busy: %d next ticks, want 1", n)
	}

	// Work ends: the next tick ends the chain, and nothing is scheduled after.
	sc.busy = false
	if _, cmd := root.Update(footer.TickMsg{}); cmd != nil {
		t.Fatal("a tick after the work ended scheduled another")
	}
	if _, cmd := root.Update(struct{}{}); cmd != nil {
		t.Fatal("idle again, yet a command was scheduled")
	}
	// Busy again later: the spinner starts afresh.
	sc.busy = true
	if _, cmd := root.Update(struct{}{}); ticks(cmd) != 1 {
		t.Fatal("the spinner did not start again")
	}
}

// TestRefreshAndWheelAreTypedMessages: the refresh timer and the wheel
// reach the screen as common.RefreshMsg and common.ScrollMsg, never as
// key presses.
func TestRefreshAndWheelAreTypedMessages(t *testing.T) {
	env := uitest.New(t)
	sc := &busyScreen{}
	root := ui.New(env.Common, []ui.Screen{{Mode: "Wallet", Title: "One", View: sc}}, ui.Options{})
	root.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	sc.got = nil
	root.Update(tea.FocusMsg{})
	root.Update(tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	root.Update(tea.MouseMsg{Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress})
	want := []tea.Msg{common.RefreshMsg{}, common.ScrollMsg{Delta: 1}, common.ScrollMsg{Delta: -1}}
	if len(sc.got) != len(want) {
		t.Fatalf("the screen got %#v, want %#v", sc.got, want)
	}
	for i := range want {
		if sc.got[i] != want[i] {
			t.Fatalf("message %d: %#v, want %#v", i, sc.got[i], want[i])
		}
	}
}
