package ui

import (
	"reflect"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/ui/feed"
)

// screenMsg is what a screen's command produced, tagged with the screen set
// that issued it. After a profile switch the old screens' late answers are
// dropped, so the new screens never show the previous profile's data (their
// own generation counters start again from zero and could collide).
type screenMsg struct {
	set int
	msg tea.Msg
}

// tag marks a screen's command with the current screen set.
func (m *Model) tag(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return tagged(m.screenSet, cmd)
}

func tagged(set int, cmd tea.Cmd) tea.Cmd {
	return func() tea.Msg {
		msg := cmd()
		switch msg := msg.(type) {
		case nil:
			return nil
		case tea.BatchMsg:
			out := make(tea.BatchMsg, 0, len(msg))
			for _, c := range msg {
				if c != nil {
					out = append(out, tagged(set, c))
				}
			}
			return out
		}
		if runtimeMsg(msg) {
			return msg // quit, sequences, exec…: for the program itself
		}
		return screenMsg{set: set, msg: msg}
	}
}

// runtimeMsg reports bubbletea's own messages, which the program loop
// handles and which must reach it unwrapped.
func runtimeMsg(msg tea.Msg) bool {
	t := reflect.TypeOf(msg)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() == reflect.TypeOf(tea.QuitMsg{}).PkgPath()
}

// broadcast reports push notifications: they are about the world, not an
// answer to one screen, so they are delivered even from an old screen set.
func broadcast(msg tea.Msg) bool {
	switch msg.(type) {
	case feed.NoticeMsg, feed.WalletPaymentMsg, feed.BillChangedMsg:
		return true
	}
	return false
}
