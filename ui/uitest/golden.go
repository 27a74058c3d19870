package uitest

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"qiwidash/ui/common"
)

// Sized is a screen that can be resized (every common.Component is one).
type Sized interface {
	tea.Model
	SetSize(width, height int)
}

// Step is one move of a golden test: some input, then a marker the output
// must contain before the next step.
type Step struct {
	Send    func(tm *teatest.TestModel) // nil: no input
	WaitFor string
}

// Press returns a Step input that sends keys ("j", "enter") one by one.
func Press(keys ...string) func(*teatest.TestModel) {
	return func(tm *teatest.TestModel) {
		for _, k := range keys {
			tm.Send(Key(k))
		}
	}
}

// Type returns a Step input that types s rune by rune, as into a text
// field (teatest's own Type sends bytes, which splits Cyrillic letters).
func Type(s string) func(*teatest.TestModel) {
	return func(tm *teatest.TestModel) {
		for _, r := range s {
			tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
}

// Msgs returns a Step input that sends any messages (keys Key cannot
// name, results the screen would get from elsewhere) one by one.
func Msgs(msgs ...tea.Msg) func(*teatest.TestModel) {
	return func(tm *teatest.TestModel) {
		for _, msg := range msgs {
			tm.Send(msg)
		}
	}
}

// harness stands in for the shell: it turns the terminal's size into
// SetSize and keeps the messages meant for the shell (toasts, copies,
// confirmations) from the screen.
type harness struct{ m Sized }

func (h harness) Init() tea.Cmd { return h.m.Init() }
func (h harness) View() string  { return h.m.View() }
func (h harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.m.SetSize(msg.Width, msg.Height)
		return h, nil
	case common.ToastMsg, common.CopyMsg, common.ConfirmMsg:
		return h, nil
	}
	next, cmd := h.m.Update(msg)
	if s, ok := next.(Sized); ok {
		h.m = s
	}
	return h, cmd
}

// Golden runs m as a real program at Width x Height, plays the steps, quits
// and compares the final frame with testdata/<test name>.golden
// (go test -update rewrites it). It returns the final screen for further
// checks.
func Golden(t *testing.T, m Sized, steps ...Step) Sized {
	t.Helper()
	return GoldenAt(t, Width, Height, m, steps...)
}

// GoldenAt is Golden at a terminal of w x h.
func GoldenAt(t *testing.T, w, h int, m Sized, steps ...Step) Sized {
	t.Helper()
	tm := teatest.NewTestModel(t, harness{m}, teatest.WithInitialTermSize(w, h))
	for _, s := range steps {
		if s.Send != nil {
			s.Send(tm)
		}
		if s.WaitFor != "" {
			marker := s.WaitFor
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), marker) },
				teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
		}
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(harness)
	teatest.RequireEqualOutput(t, []byte(final.m.View()))
	return final.m
}
