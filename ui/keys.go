package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/ui/common"
	"qiwidash/ui/components/keyhelp"
)

// global is a key the shell handles on every screen.
type global struct {
	key key.Binding
	do  func() tea.Cmd
}

// globals are the shell's keys, in the order the help lists them. A new
// global key is one line here. Mode keys apply only with several modes.
func (m *Model) globals() []global {
	k := m.c.Keys
	next, prev := k.NextMode, k.PrevMode
	next.SetEnabled(len(m.tabs.Modes()) > 1)
	prev.SetEnabled(len(m.tabs.Modes()) > 1)
	number := k.Tab1
	number.SetHelp("1-9", m.c.Tr.T("key.screens", nil))
	find := k.Find
	find.SetEnabled(m.finder() >= 0)
	return []global{
		{k.NextTab, func() tea.Cmd { return m.stepTab(1) }},
		{k.PrevTab, func() tea.Cmd { return m.stepTab(-1) }},
		{number, nil}, // handled with the other number keys
		{next, func() tea.Cmd { return m.switchMode(1) }},
		{prev, func() tea.Cmd { return m.switchMode(-1) }},
		{k.Privacy, m.togglePrivacy},
		{k.Refresh, nil}, // the screen's own key, with the header reloaded
		{k.Help, m.openHelp},
		{find, nil}, // handled first, even while typing
		{k.Suspend, nil},
		{k.Quit, func() tea.Cmd { return tea.Quit }},
		{k.ForceQuit, nil},
	}
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	if m.confirm.IsOpen() || m.help.IsOpen() || !m.typing() {
		msg = common.QWERTY(msg) // a key typed on the Russian layout is its QWERTY twin
	}
	switch {
	case key.Matches(msg, k.ForceQuit):
		return tea.Quit
	case key.Matches(msg, k.Suspend):
		return tea.Suspend
	case m.confirm.IsOpen():
		_, cmd := m.confirm.Update(msg)
		return m.tag(cmd)
	case m.help.IsOpen() && !key.Matches(msg, k.Quit):
		_, cmd := m.help.Update(msg)
		return cmd
	case key.Matches(msg, k.Find):
		return m.find()
	case m.typing():
		return m.updateActive(msg)
	}
	// Keys typed faster than the terminal is read arrive as one event ("]]");
	// outside a text field each is a command of its own.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}))
		}
		return tea.Batch(cmds...)
	}
	for _, g := range m.globals() {
		if g.do != nil && g.key.Enabled() && key.Matches(msg, g.key) {
			return g.do()
		}
	}
	in := m.tabs.InMode()
	for i, b := range []key.Binding{k.Tab1, k.Tab2, k.Tab3, k.Tab4, k.Tab5, k.Tab6, k.Tab7, k.Tab8, k.Tab9} {
		if key.Matches(msg, b) && i < len(in) {
			m.switchTo(in[i])
			return nil
		}
	}
	if key.Matches(msg, k.Refresh) {
		return tea.Batch(m.header.Reload(), m.updateActive(msg))
	}
	return m.updateActive(msg)
}

// find brings the support console to the front from anywhere (there is
// one when the profile's store has a Find screen).
func (m *Model) find() tea.Cmd {
	i := m.finder()
	if i < 0 {
		return nil
	}
	m.switchTo(i)
	return m.tag(m.screens[i].View.(common.Finder).StartFind())
}

// finder is the index of the support console's screen, -1 without one.
func (m *Model) finder() int {
	for i, sc := range m.screens {
		if _, ok := sc.View.(common.Finder); ok {
			return i
		}
	}
	return -1
}

func (m *Model) togglePrivacy() tea.Cmd {
	m.c.Settings.Privacy = !m.c.Settings.Privacy
	text := m.c.Tr.T("shell.privacy_off", nil)
	if m.c.Settings.Privacy {
		text = m.c.Tr.T("shell.privacy_on", nil)
	}
	return m.footer.Show(common.ToastMsg{Text: text})
}

// openHelp shows every key: the screen's, then the shell's.
func (m *Model) openHelp() tea.Cmd {
	var shell []key.Binding
	for _, g := range m.globals() {
		shell = append(shell, g.key)
	}
	sc := m.screens[m.active]
	m.help.Open(
		keyhelp.Section{Title: sc.name(), Keys: sc.View.FullHelp()},
		keyhelp.Section{Title: m.c.Tr.T("keyhelp.everywhere", nil), Keys: [][]key.Binding{shell}},
	)
	return nil
}

// handleMouse scrolls with the wheel and switches screens or modes by
// clicking their tab.
func (m *Model) handleMouse(msg tea.MouseMsg) tea.Cmd {
	if m.confirm.IsOpen() {
		return nil
	}
	delta := 0
	switch {
	case msg.Button == tea.MouseButtonWheelUp:
		delta = -1
	case msg.Button == tea.MouseButtonWheelDown:
		delta = 1
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft && msg.Y == m.header.Height():
		t, ok := m.tabs.At(msg.X)
		switch {
		case !ok:
		case t.Mode != "":
			return m.switchToMode(t.Mode)
		default:
			m.switchTo(t.Screen)
		}
		return nil
	}
	if delta == 0 {
		return nil
	}
	if m.help.IsOpen() {
		_, cmd := m.help.Update(common.ScrollMsg{Delta: delta})
		return cmd
	}
	_, cmd := m.screens[m.active].View.Update(common.ScrollMsg{Delta: delta})
	return m.tag(cmd)
}

func (m *Model) switchTo(i int) {
	m.active = i
	m.lastInMode[m.screens[i].Mode] = i
	m.tabs.SetActive(i)
	m.help.Close()
	m.resize()
}

func (m *Model) stepTab(step int) tea.Cmd {
	in := m.tabs.InMode()
	m.switchTo(in[(indexOf(in, m.active)+step+len(in))%len(in)])
	return nil
}

func (m *Model) switchMode(step int) tea.Cmd {
	modes := m.tabs.Modes()
	if len(modes) < 2 {
		return nil
	}
	return m.switchToMode(modes[(indexOf(modes, m.screens[m.active].Mode)+step+len(modes))%len(modes)])
}

// switchToMode goes back to the screen the mode was left on, else its first.
func (m *Model) switchToMode(mode string) tea.Cmd {
	if i, ok := m.lastInMode[mode]; ok {
		m.switchTo(i)
		return nil
	}
	for i, s := range m.screens {
		if s.Mode == mode {
			m.switchTo(i)
			return nil
		}
	}
	return nil
}

func indexOf[T comparable](xs []T, x T) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return 0
}

// shortGlobals are the shell keys the footer always names.
func (m *Model) shortGlobals() []key.Binding {
	k := m.c.Keys
	next := k.NextMode
	next.SetEnabled(len(m.tabs.Modes()) > 1)
	return []key.Binding{k.NextTab, next, k.Privacy, k.Help, k.Quit}
}
