package ui_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/ui"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
	"qiwidash/views/balances"
	"qiwidash/views/profile"
)

// fake is a screen that records what the shell does to it.
type fake struct {
	title         string
	inits         int
	width, height int
	got           []tea.Msg
}

type fakeLoadedMsg struct{ from string }

func (f *fake) Init() tea.Cmd {
	f.inits++
	from := f.title
	return func() tea.Msg { return fakeLoadedMsg{from: from} }
}
func (f *fake) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m, ok := msg.(fakeLoadedMsg); ok {
		f.got = append(f.got, m)
	}
	return f, nil
}
func (f *fake) View() string              { return "fake screen " + f.title }
func (f *fake) SetSize(w, h int)          { f.width, f.height = w, h }
func (f *fake) ShortHelp() []key.Binding  { return nil }
func (f *fake) FullHelp() [][]key.Binding { return nil }
func (f *fake) loaded(from string) bool {
	for _, m := range f.got {
		if m.(fakeLoadedMsg).from == from {
			return true
		}
	}
	return false
}

// runQuick is uitest.Run for commands that answer at once: timers (toast
// clearing, refresh) are left out, so toasts stay visible to the test.
func runQuick(m tea.Model, cmd tea.Cmd, limit int) {
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0 && n < limit; n++ {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		var msg tea.Msg
		select {
		case msg = <-done:
		case <-time.After(500 * time.Millisecond):
			continue // a timer
		}
		switch msg := msg.(type) {
		case nil:
			continue
		case tea.BatchMsg:
			queue = append(queue, msg...)
			continue
		}
		_, next := m.Update(msg)
		queue = append(queue, next)
	}
}

// switchRoot is a root on the sandbox profile whose Switch opens "other"
// (two fake screens in two modes) and refuses anything else.
func switchRoot(t *testing.T) (*ui.Model, *uitest.Env, []*fake) {
	env := uitest.New(t)
	c := env.Common
	other := []*fake{{title: "One"}, {title: "Two"}}
	opts := ui.Options{Profile: "main", Switch: func(name string) (*common.Common, []ui.Screen, error) {
		if name != "other" {
			return nil, nil, errors.New("profile \"" + name + "\" has no credentials in the keyring\nsecond line")
		}
		nc := *c
		nc.Settings = &common.Settings{}
		nc.API = nil // no header load: a profile without a wallet token
		nc.Wallet = ""
		return &nc, []ui.Screen{{Mode: "Agent", Title: "One", View: other[0]}, {Mode: "Settings", Title: "Two", View: other[1]}}, nil
	}}
	root := ui.New(c, []ui.Screen{
		{Mode: "Wallet", Title: "Profile", View: profile.New(c)},
		{Mode: "Wallet", Title: "Balances", View: balances.New(c)},
	}, opts)
	root.Update(tea.WindowSizeMsg{Width: uitest.Width, Height: uitest.Height})
	return root, env, other
}

func TestSwitchProfileReplacesScreens(t *testing.T) {
	root, env, other := switchRoot(t)
	load(t, root)
	if head := strings.SplitN(root.View(), "\n", 2)[0]; !strings.Contains(head, "profile main") || !strings.Contains(head, env.Common.Wallet) {
		t.Fatalf("header: %s", head)
	}
	root.Update(uitest.Key("2"))
	root.Update(uitest.Key("p")) // privacy on: it must survive the switch
	_, cmd := root.Update(common.SwitchProfileMsg{Name: "other"})
	if !strings.Contains(root.View(), "opening profile other") {
		t.Fatal("no progress shown while the profile opens")
	}
	runQuick(root, cmd, 20)
	if root.ActiveTitle() != "One" || root.ProfileName() != "other" {
		t.Fatalf("after switch: %s / %s", root.ActiveTitle(), root.ProfileName())
	}
	for _, f := range other {
		if f.inits != 1 || f.width != uitest.Width || f.height == 0 {
			t.Fatalf("%s: inits %d, size %dx%d", f.title, f.inits, f.width, f.height)
		}
		if !f.loaded(f.title) {
			t.Fatalf("%s did not get its load", f.title)
		}
	}
	view := root.View()
	head := strings.SplitN(view, "\n", 2)[0]
	if !strings.Contains(head, "profile other") || strings.Contains(head, env.Common.Wallet) || !strings.Contains(head, "privacy on") {
		t.Fatalf("header after switch: %s", head)
	}
	if !strings.Contains(view, "[Agent]") || !strings.Contains(view, "fake screen One") || !strings.Contains(view, "Opened profile other") {
		t.Fatalf("view after switch:\n%s", view)
	}
	root.Update(uitest.Key("]"))
	if root.ActiveTitle() != "Two" {
		t.Fatalf("] -> %s", root.ActiveTitle())
	}
}

func TestSwitchProfileFailureChangesNothing(t *testing.T) {
	root, _, _ := switchRoot(t)
	load(t, root)
	root.Update(uitest.Key("2"))
	_, cmd := root.Update(common.SwitchProfileMsg{Name: "gone"})
	runQuick(root, cmd, 5)
	view := root.View()
	if root.ActiveTitle() != "Balances" || root.ProfileName() != "main" {
		t.Fatalf("a failed switch changed the screen: %s / %s", root.ActiveTitle(), root.ProfileName())
	}
	if !strings.Contains(view, `✗ Could not open profile gone: profile "gone" has no credentials in the keyring`) || strings.Contains(view, "second line") {
		t.Fatalf("no error toast:\n%s", view)
	}
}

// A late answer from the old profile's screens must not reach the new ones.
func TestSwitchDropsOldScreensAnswers(t *testing.T) {
	env := uitest.New(t)
	old := &fake{title: "Old"}
	fresh := &fake{title: "New"}
	root := ui.New(env.Common, []ui.Screen{{Title: "Old", View: old}}, ui.Options{
		Switch: func(string) (*common.Common, []ui.Screen, error) {
			return env.Common, []ui.Screen{{Title: "New", View: fresh}}, nil
		},
	})
	root.Update(tea.WindowSizeMsg{Width: uitest.Width, Height: uitest.Height})
	stale := root.Load() // the old screen's load, answered after the switch
	_, cmd := root.Update(common.SwitchProfileMsg{Name: "other"})
	runQuick(root, cmd, 20)
	runQuick(root, stale, 20)
	if fresh.loaded("Old") || !fresh.loaded("New") || len(old.got) != 0 {
		t.Fatalf("new screen got %v, old got %v", fresh.got, old.got)
	}
}

func TestSwitchWithoutSwitcher(t *testing.T) {
	root, _ := newRoot(t)
	_, cmd := root.Update(common.SwitchProfileMsg{Name: "x"})
	runQuick(root, cmd, 5)
	if !strings.Contains(root.View(), "Switching profiles is not available") {
		t.Fatal("no toast")
	}
}
