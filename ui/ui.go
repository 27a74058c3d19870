// Package ui is the root of the dashboard. The shell only composes its
// chrome (ui/components: header, tabs, footer, keyhelp, confirm, switcher)
// and the screens (views/...), routes messages between them and lays them
// out. It schedules nothing while nothing is in flight.
package ui

import (
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"qiwidash/i18n"
	"qiwidash/ui/common"
	"qiwidash/ui/components/confirm"
	"qiwidash/ui/components/footer"
	"qiwidash/ui/components/header"
	"qiwidash/ui/components/keyhelp"
	"qiwidash/ui/components/switcher"
	"qiwidash/ui/components/tabs"
	"qiwidash/ui/feed"
)

// Minimum terminal size; below it the UI says so instead of drawing garbage.
const (
	MinWidth  = 80
	MinHeight = 24
)

// Screen is one tab of the dashboard. Mode groups screens by the
// credential that unlocks them ("Wallet", "Agent", "Merchant"); the tab bar
// shows the active mode's screens and [ / ] switch modes. A new mode is new
// screens with a new Mode name.
type Screen struct {
	Mode  string
	Title string
	// ModeName and Name are Mode and Title in the user's language, as the
	// tabs and the help show them ("" = Mode, Title); Mode and Title stay
	// what the shell and the screens know a screen by.
	ModeName, Name string
	View           common.Component
}

// name is the screen's title as shown.
func (s Screen) name() string {
	if s.Name == "" {
		return s.Title
	}
	return s.Name
}

// Options tune the shell.
type Options struct {
	Badge           string        // e.g. "DEMO", shown in the header
	RefreshInterval time.Duration // 0 = off
	// Mouse turns on the wheel (scrolls the screen) and clicks on tabs.
	Mouse bool
	// Profile is the name of the profile on screen, shown in the header.
	Profile string
	// Switch opens another profile: its Common and screens. The shell calls
	// it inside a tea.Cmd (it may read the keyring and ask the API), on a
	// common.SwitchProfileMsg. nil: switching is not offered.
	Switch func(name string) (*common.Common, []Screen, error)
}

type refreshTickMsg struct{ gen int }

// respeak is a language switch in flight: the profile it reopens and the
// screen to keep in front.
type respeak struct {
	profile string
	front   Screen
}

// opened is a profile the switcher opened.
type opened struct {
	c       *common.Common
	screens []Screen
}

// Model is the root bubbletea model.
type Model struct {
	c       *common.Common
	opts    Options
	screens []Screen
	active  int

	width, height int
	body          lipgloss.Style // the screen's box, sized on resize

	header   *header.Model
	tabs     *tabs.Model
	footer   *footer.Model
	help     *keyhelp.Model
	confirm  *confirm.Model
	switcher *switcher.Model[opened]

	lastInMode map[string]int // the screen each mode was left on
	refreshGen int
	screenSet  int // bumped when a profile switch replaces the screens
	// respeaking is the screen in front while a language switch reopens
	// the profile: it stays in front.
	respeaking *respeak
}

// New builds the root model over the given screens.
func New(c *common.Common, screens []Screen, opts Options) *Model {
	m := &Model{opts: opts, footer: footer.New(c.Styles)}
	if opts.Switch != nil {
		sw := opts.Switch
		m.switcher = switcher.New(c.Tr, func(name string) (opened, bool, error) {
			c, screens, err := sw(name)
			return opened{c, screens}, c != nil && len(screens) > 0, err
		})
	} else {
		m.switcher = switcher.New[opened](c.Tr, nil)
	}
	m.use(c, screens)
	return m
}

// use puts a profile's Common and screens behind the chrome.
func (m *Model) use(c *common.Common, screens []Screen) {
	m.c, m.screens, m.active = c, screens, 0
	m.lastInMode = map[string]int{}
	m.header = header.New(c, m.opts.Badge, m.opts.Profile)
	m.tabs = tabs.New(c.Styles)
	list := make([]tabs.Tab, len(screens))
	for i, s := range screens {
		list[i] = tabs.Tab{Mode: s.Mode, Title: s.Title, ModeName: s.ModeName, Name: s.Name}
	}
	m.tabs.SetTabs(list, 0)
	m.help = keyhelp.New(c.Styles, c.Keys, c.Tr)
	m.confirm = confirm.New(c)
}

// Init loads everything and starts the refresh timer.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.Load(), m.scheduleRefresh())
}

// Load loads the header and starts every screen (no timers: tests drive it).
func (m *Model) Load() tea.Cmd {
	cmds := []tea.Cmd{m.header.Init()}
	if m.c.Notice != "" {
		cmds = append(cmds, common.Toast(m.c.Notice))
		m.c.Notice = ""
	}
	for _, s := range m.screens {
		cmds = append(cmds, m.tag(s.View.Init()))
	}
	return tea.Batch(cmds...)
}

func (m *Model) scheduleRefresh() tea.Cmd {
	if m.opts.RefreshInterval <= 0 {
		return nil
	}
	gen := m.refreshGen
	return tea.Tick(m.opts.RefreshInterval, func(time.Time) tea.Msg { return refreshTickMsg{gen: gen} })
}

// ActiveTitle is the title of the screen in front (for tests).
func (m *Model) ActiveTitle() string { return m.screens[m.active].Title }

// ProfileName is the profile on screen (for tests).
func (m *Model) ProfileName() string { return m.opts.Profile }

// Update routes messages: modal first, then a focused input, then global
// keys, then the active screen. Window sizes go to every screen. After
// each message the footer learns whether work is in flight: its spinner
// runs only then.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(footer.TickMsg); ok {
		m.footer.SetStatus(m.status()) // a tick is running: this starts none
	}
	cmd := m.update(msg)
	return m, tea.Batch(cmd, m.footer.SetStatus(m.status()))
}

// status is what the footer's spinner stands for, "" when nothing is in flight.
func (m *Model) status() string {
	if name := m.switcher.Opening(); name != "" {
		return m.switcher.View()
	}
	if b, ok := m.screens[m.active].View.(common.Busy); ok && b.Busy() {
		return m.c.Tr.T("shell.working", nil)
	}
	return ""
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case screenMsg:
		if msg.set != m.screenSet && !broadcast(msg.msg) {
			return nil // from the screens of the profile that was closed
		}
		return m.update(msg.msg)
	case common.SetLanguageMsg:
		return m.setLanguage(msg.Lang)
	case common.SwitchProfileMsg, switcher.AnswerMsg[opened]:
		_, cmd := m.switcher.Update(msg)
		if p, name, ok := m.switcher.Take(); ok {
			cmd = tea.Batch(cmd, m.replace(p, name))
		}
		if why, failed := m.switcher.Failure(); failed {
			if m.respeaking != nil { // the profile did not reopen: reword what is on screen
				m.respeaking = nil
				m.reword()
			}
			cmd = tea.Batch(cmd, m.footer.Show(common.ToastMsg{Text: why, Error: true}))
		}
		return cmd
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return nil
	case header.LoadedMsg, common.HeaderAlertMsg:
		_, cmd := m.header.Update(msg)
		return cmd
	case footer.TickMsg, footer.ClearToastMsg, common.ToastMsg:
		_, cmd := m.footer.Update(msg)
		return cmd
	case common.ConfirmMsg:
		m.help.Close()
		m.confirm.Open(msg)
		return nil
	case common.CopyMsg:
		return copyToClipboard(m.c.Tr, msg.Text, msg.What) // its toast says where the text went
	case common.OpenHistoryMsg, common.ShowScreenMsg:
		return m.route(msg)
	case refreshTickMsg:
		if msg.gen != m.refreshGen {
			return nil
		}
		return tea.Batch(m.refresh(), m.scheduleRefresh())
	case tea.FocusMsg:
		return m.refresh()
	case common.MoneyMovedMsg, feed.WalletPaymentMsg:
		// Money moved: the header balance is stale. Screens get it too.
		return tea.Batch(m.header.Reload(), m.updateActive(msg))
	case tea.KeyMsg:
		return m.handleKey(msg)
	case tea.MouseMsg:
		return m.handleMouse(msg)
	}
	return m.updateActive(msg)
}

// typing reports a text input focused on the screen in front.
func (m *Model) typing() bool {
	f, ok := m.screens[m.active].View.(common.InputFocused)
	return ok && f.InputFocused()
}

// refresh reloads the header and the screen in front, unless the user is
// typing there (the form would lose its state).
func (m *Model) refresh() tea.Cmd {
	cmds := []tea.Cmd{m.header.Reload()}
	if !m.typing() {
		_, cmd := m.screens[m.active].View.Update(common.RefreshMsg{})
		cmds = append(cmds, m.tag(cmd))
	}
	return tea.Batch(cmds...)
}

func (m *Model) updateActive(msg tea.Msg) tea.Cmd {
	// Keys go to the screen in front; async results go to every screen:
	// each checks its own generation tag.
	if _, isKey := msg.(tea.KeyMsg); isKey {
		_, cmd := m.screens[m.active].View.Update(msg)
		return m.tag(cmd)
	}
	var cmds []tea.Cmd
	for _, s := range m.screens {
		_, cmd := s.View.Update(msg)
		cmds = append(cmds, m.tag(cmd))
	}
	return tea.Batch(cmds...)
}

// bodyHeight is what the chrome leaves for the screen.
func (m *Model) bodyHeight() int {
	return max(m.height-m.header.Height()-m.tabs.Height()-m.footer.Height(), 1)
}

func (m *Model) resize() {
	if m.width == 0 {
		return
	}
	h := m.bodyHeight()
	m.body = lipgloss.NewStyle().Height(h).MaxHeight(h)
	m.header.SetSize(m.width, 1)
	m.tabs.SetSize(m.width, m.tabs.Height())
	m.footer.SetSize(m.width, m.footer.Height())
	m.help.SetSize(m.width, h)
	m.confirm.SetSize(m.width, h)
	for _, s := range m.screens {
		s.View.SetSize(m.width, h)
	}
}

// View draws the whole screen.
func (m *Model) View() string {
	if m.width == 0 {
		return m.c.Tr.T("shell.loading", nil)
	}
	if m.width < MinWidth || m.height < MinHeight {
		return m.c.Tr.T("shell.too_small", i18n.Args{"Width": m.width, "Height": m.height, "MinWidth": MinWidth, "MinHeight": MinHeight})
	}
	view := m.screens[m.active].View
	var body string
	switch {
	case m.confirm.IsOpen():
		body = m.confirm.View()
		m.footer.SetKeys(m.confirm.ShortHelp())
	case m.help.IsOpen():
		body = m.help.View()
		m.footer.SetKeys(m.help.ShortHelp())
	case m.typing():
		// While the user types, the shell's letter keys do not apply.
		body = view.View()
		m.footer.SetKeys(view.ShortHelp())
	default:
		body = view.View()
		m.footer.SetKeys(append(view.ShortHelp(), m.shortGlobals()...))
	}
	return lipgloss.JoinVertical(lipgloss.Left, m.header.View(), m.tabs.View(), m.body.Render(fitLines(body, m.width)), m.footer.View())
}

// replace puts the opened profile on screen: new Common and screens, tabs
// and modes from the start, header reloaded, refresh timer restarted. A
// privacy mode that is on stays on: switching must not unmask anything.
func (m *Model) replace(p opened, name string) tea.Cmd {
	if m.c.Settings != nil && m.c.Settings.Privacy && p.c.Settings != nil {
		p.c.Settings.Privacy = true
	}
	m.opts.Profile = name
	m.use(p.c, p.screens)
	front := -1
	for i, sc := range m.screens { // the profile's own first screen, not the Overview
		if a, ok := sc.View.(common.AllProfiles); front < 0 && (!ok || !a.AllProfiles()) {
			front = i
		}
		if r := m.respeaking; r != nil && r.profile == name && sc.Mode == r.front.Mode && sc.Title == r.front.Title {
			front = i
			break
		}
	}
	if front >= 0 {
		m.switchTo(front)
	}
	toast := m.c.Tr.T("shell.opened", i18n.Args{"Name": name})
	if r := m.respeaking; r != nil && r.profile == name {
		toast = m.c.Tr.T("shell.language", nil)
	}
	m.respeaking = nil
	m.screenSet++
	m.refreshGen++ // the old timer's tick is dropped; a new one starts
	m.resize()
	return tea.Batch(m.Load(), m.scheduleRefresh(), m.footer.Show(common.ToastMsg{Text: toast}))
}

// setLanguage switches the shared catalogue to lang (the screens, the
// chrome and the engine hold the same one) and, where profiles can be
// opened, opens the profile on screen again so every screen is built in
// it; the screen in front stays in front. Without a way to reopen, the
// chrome and the keys are reworded in place.
func (m *Model) setLanguage(lang i18n.Lang) tea.Cmd {
	if m.c.Tr == nil {
		m.c.Tr = i18n.New(lang)
	} else {
		m.c.Tr.Set(lang)
	}
	m.c.Keys.Speak(m.c.Tr)
	if m.opts.Switch == nil {
		m.reword()
		return m.footer.Show(common.ToastMsg{Text: m.c.Tr.T("shell.language", nil)})
	}
	m.respeaking = &respeak{profile: m.opts.Profile, front: m.screens[m.active]}
	_, cmd := m.switcher.Update(common.SwitchProfileMsg{Name: m.opts.Profile})
	return cmd
}

// reword draws the chrome again in the catalogue's language, keeping the
// screens and the one in front (the screens read the catalogue as they
// draw; the tab names stay as they were built).
func (m *Model) reword() {
	active := m.active
	m.use(m.c, m.screens)
	m.switchTo(active)
	m.resize()
}

// fitLines cuts every line wider than width and marks the cut with "…", so
// a clipped value never reads as a different, shorter one.
func fitLines(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if lipgloss.Width(l) > width {
			lines[i] = ansi.Truncate(l, width, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// FPS is the most frames a second the program draws. bubbletea v1's
// renderer wakes up for every frame even when nothing changed (at its
// default 60 that alone cost 1.6 % of a core; BENCHMARKS.md, idle), so it
// is low: 10 frames a second still follows typing and the spinner, and
// idles under 0.5 %.
const FPS = 10
