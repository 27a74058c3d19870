// Package ui is the root of the dashboard: header, screen tabs, the active
// screen, footer with help, spinner and toasts, and modal confirmations.
package ui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/ui/common"
	"qiwidash/ui/feed"
)

// Minimum terminal size; below it the UI says so instead of drawing garbage.
const (
	MinWidth  = 80
	MinHeight = 24
)

const toastDuration = 4 * time.Second

// Screen is one tab of the dashboard. Mode groups screens by the
// credential that unlocks them ("Wallet", "Agent", "Merchant"); the tab bar
// shows the active mode's screens and [ / ] switch modes.
type Screen struct {
	Mode  string
	Title string
	View  common.Component
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

// headerInfo is what the header shows about the wallet.
type headerInfo struct {
	wallet  string
	level   string
	balance *qiwiapi.Amount
	err     error
}

type headerLoadedMsg struct {
	info headerInfo
	gen  int
}

type clearToastMsg struct{ id int }

type refreshTickMsg struct{ gen int }

// profileOpenedMsg is the answer of Options.Switch for one request.
type profileOpenedMsg struct {
	gen     int
	name    string
	c       *common.Common
	screens []Screen
	err     error
}

// screenMsg is what a screen's command produced, tagged with the screen set
// that issued it. After a profile switch the old screens' late answers are
// dropped, so the new screens never show the previous profile's data (their
// own generation counters start again from zero and could collide).
type screenMsg struct {
	set int
	msg tea.Msg
}

// Model is the root bubbletea model.
type Model struct {
	c       *common.Common
	opts    Options
	screens []Screen
	active  int

	width, height int
	help          help.Model
	showFullHelp  bool
	spinner       spinner.Model

	header    headerInfo
	headerGen int

	lastInMode map[string]int    // the screen each mode was left on
	alerts     map[string]string // header warnings by source (HeaderAlertMsg)

	toast      common.ToastMsg
	toastID    int
	confirm    *common.ConfirmMsg
	refreshGen int

	screenSet int    // bumped when a profile switch replaces the screens
	switchGen int    // the latest switch request; older answers are dropped
	switching string // the profile being opened, "" when none
}

// New builds the root model over the given screens.
func New(c *common.Common, screens []Screen, opts Options) *Model {
	h := help.New()
	h.Styles.ShortKey = c.Styles.Accent
	h.Styles.ShortDesc = c.Styles.Subtle
	h.Styles.FullKey = c.Styles.Accent
	h.Styles.FullDesc = c.Styles.Subtle
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.Styles.Accent))
	return &Model{c: c, opts: opts, screens: screens, help: h, spinner: sp, lastInMode: map[string]int{}}
}

// Init loads everything and starts the spinner and the refresh timer.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.Load(), m.spinner.Tick, m.scheduleRefresh())
}

// Load loads the header and starts every screen (no timers: tests drive it).
func (m *Model) Load() tea.Cmd {
	cmds := []tea.Cmd{m.loadHeader()}
	if m.c.Notice != "" {
		cmds = append(cmds, common.Toast(m.c.Notice))
		m.c.Notice = ""
	}
	for _, s := range m.screens {
		cmds = append(cmds, m.tag(s.View.Init()))
	}
	return tea.Batch(cmds...)
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

func (m *Model) scheduleRefresh() tea.Cmd {
	if m.opts.RefreshInterval <= 0 {
		return nil
	}
	gen := m.refreshGen
	return tea.Tick(m.opts.RefreshInterval, func(time.Time) tea.Msg { return refreshTickMsg{gen: gen} })
}

func (m *Model) loadHeader() tea.Cmd {
	m.headerGen++
	gen, api, wallet := m.headerGen, m.c.API, m.c.Wallet
	if api == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		info := headerInfo{wallet: wallet}
		p, _, err := api.Profile.Current(ctx, qiwiapi.ProfileOptions{SkipUserInfo: true})
		if err != nil {
			info.err = err
			return headerLoadedMsg{info: info, gen: gen}
		}
		info.level = p.IdentificationLevel()
		accounts, _, err := api.Balances.List(ctx, wallet)
		if err != nil {
			info.err = err
		}
		for _, a := range accounts {
			if a.Balance != nil && (a.DefaultAccount || info.balance == nil && a.Currency == qiwiapi.RUB) {
				b := *a.Balance
				info.balance = &b
			}
		}
		return headerLoadedMsg{info: info, gen: gen}
	}
}

// ActiveTitle is the title of the screen in front (for tests).
func (m *Model) ActiveTitle() string { return m.screens[m.active].Title }

// Update routes messages: modal first, then a focused input, then global
// keys, then the active screen. Window sizes go to every screen.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case screenMsg:
		if msg.set != m.screenSet && !broadcast(msg.msg) {
			return m, nil // from the screens of the profile that was closed
		}
		return m.Update(msg.msg)
	case common.SwitchProfileMsg:
		return m, m.openProfile(msg.Name)
	case profileOpenedMsg:
		if msg.gen != m.switchGen {
			return m, nil
		}
		m.switching = ""
		if msg.err != nil {
			why, _, _ := strings.Cut(common.Explain(msg.err), "\n") // one line in the footer
			return m, m.showToast(common.ToastMsg{Text: "Could not open profile " + msg.name + ": " + why, Error: true})
		}
		return m, m.replace(msg)
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case headerLoadedMsg:
		if msg.gen == m.headerGen {
			m.header = msg.info
		}
		return m, nil
	case common.ToastMsg:
		return m, m.showToast(msg)
	case clearToastMsg:
		if msg.id == m.toastID {
			m.toast = common.ToastMsg{}
		}
		return m, nil
	case common.ConfirmMsg:
		m.confirm = &msg
		return m, nil
	case common.CopyMsg:
		return m, copyToClipboard(msg.Text, msg.What) // its toast says where the text went
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case refreshTickMsg:
		if msg.gen != m.refreshGen {
			return m, nil
		}
		return m, tea.Batch(m.refreshAll(), m.scheduleRefresh())
	case tea.FocusMsg:
		return m, m.refreshAll()
	case common.MoneyMovedMsg:
		// The header reloads; screens showing balances reload too.
		return m, tea.Batch(m.loadHeader(), m.updateActive(msg))
	case common.HeaderAlertMsg:
		if m.alerts == nil {
			m.alerts = map[string]string{}
		}
		if msg.Text == "" {
			delete(m.alerts, msg.Key)
		} else {
			m.alerts[msg.Key] = msg.Text
		}
		return m, nil
	case feed.WalletPaymentMsg:
		// Money moved: the header balance is stale. Screens get it too.
		return m, tea.Batch(m.loadHeader(), m.updateActive(msg))
	case tea.KeyMsg:
		return m.handleKey(msg)
	case tea.MouseMsg:
		return m, m.handleMouse(msg)
	}
	return m, m.updateActive(msg)
}

// refreshAll reloads the header and the screen in front, unless the user
// is typing there (a synthetic "r" would land in the field).
func (m *Model) refreshAll() tea.Cmd {
	cmds := []tea.Cmd{m.loadHeader()}
	view := m.screens[m.active].View
	if f, ok := view.(common.InputFocused); ok && f.InputFocused() {
		return tea.Batch(cmds...)
	}
	refresh := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(firstKey(m.c.Keys.Refresh))}
	_, cmd := view.Update(refresh)
	return tea.Batch(append(cmds, m.tag(cmd))...)
}

func firstKey(b key.Binding) string {
	if ks := b.Keys(); len(ks) > 0 {
		return ks[0]
	}
	return "r"
}

func (m *Model) handleKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.c.Keys
	if key.Matches(msg, k.ForceQuit) {
		return m, tea.Quit
	}
	if key.Matches(msg, k.Suspend) {
		return m, tea.Suspend
	}
	if m.confirm != nil {
		switch {
		case key.Matches(msg, k.Yes):
			yes := m.confirm.Yes
			m.confirm = nil
			return m, m.tag(yes)
		case key.Matches(msg, k.No):
			m.confirm = nil
			return m, m.showToast(common.ToastMsg{Text: "Cancelled"})
		}
		return m, nil
	}
	if f, ok := m.screens[m.active].View.(common.InputFocused); ok && f.InputFocused() {
		return m, m.updateActive(msg)
	}
	// Keys typed faster than the terminal is read arrive as one event ("]]");
	// outside a text field each is a command of its own.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			_, cmd := m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
			cmds = append(cmds, cmd)
		}
		return m, tea.Batch(cmds...)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.showFullHelp = !m.showFullHelp
		m.resize()
		return m, nil
	case key.Matches(msg, k.Privacy):
		m.c.Settings.Privacy = !m.c.Settings.Privacy
		state := "off"
		if m.c.Settings.Privacy {
			state = "on"
		}
		return m, m.showToast(common.ToastMsg{Text: "Privacy mode " + state})
	case key.Matches(msg, k.NextTab):
		in := m.inMode()
		return m, m.switchTo(in[(indexOf(in, m.active)+1)%len(in)])
	case key.Matches(msg, k.PrevTab):
		in := m.inMode()
		return m, m.switchTo(in[(indexOf(in, m.active)+len(in)-1)%len(in)])
	case key.Matches(msg, k.NextMode):
		return m, m.switchMode(1)
	case key.Matches(msg, k.PrevMode):
		return m, m.switchMode(-1)
	}
	in := m.inMode()
	for i, b := range []key.Binding{k.Tab1, k.Tab2, k.Tab3, k.Tab4, k.Tab5, k.Tab6, k.Tab7, k.Tab8, k.Tab9} {
		if key.Matches(msg, b) && i < len(in) {
			return m, m.switchTo(in[i])
		}
	}
	if key.Matches(msg, k.Refresh) {
		return m, tea.Batch(m.loadHeader(), m.updateActive(msg))
	}
	return m, m.updateActive(msg)
}

// handleMouse scrolls with the wheel (as the up/down keys would) and
// switches screens by clicking their tab.
func (m *Model) handleMouse(msg tea.MouseMsg) tea.Cmd {
	if m.confirm != nil {
		return nil
	}
	switch {
	case msg.Button == tea.MouseButtonWheelUp:
		return m.updateActive(tea.KeyMsg{Type: tea.KeyUp})
	case msg.Button == tea.MouseButtonWheelDown:
		return m.updateActive(tea.KeyMsg{Type: tea.KeyDown})
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft && msg.Y == lipgloss.Height(m.headerView()):
		if i, ok := m.tabAt(msg.X); ok {
			return m.switchTo(i)
		}
	}
	return nil
}

// tabAt finds the screen whose tab is drawn at column x of the tab line.
func (m *Model) tabAt(x int) (int, bool) {
	line := []rune(ansi.Strip(m.tabsLine(0)))
	if lipgloss.Width(string(line)) > m.width {
		return 0, false // compact labels: numbers are the way in
	}
	for n, i := range m.inMode() {
		label := fmt.Sprintf("%d %s", n+1, m.screens[i].Title)
		at := strings.Index(string(line), label)
		if at < 0 {
			continue
		}
		start := len([]rune(string(line)[:at]))
		if x >= start-1 && x < start+len([]rune(label))+1 {
			return i, true
		}
	}
	return 0, false
}

func (m *Model) switchTo(i int) tea.Cmd {
	m.active = i
	m.lastInMode[m.screens[i].Mode] = i
	m.resize()
	return nil
}

// modes lists the modes in the order their first screen appears.
func (m *Model) modes() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range m.screens {
		if !seen[s.Mode] {
			seen[s.Mode] = true
			out = append(out, s.Mode)
		}
	}
	return out
}

// inMode lists the indexes of the active mode's screens.
func (m *Model) inMode() []int {
	var out []int
	for i, s := range m.screens {
		if s.Mode == m.screens[m.active].Mode {
			out = append(out, i)
		}
	}
	return out
}

func (m *Model) switchMode(step int) tea.Cmd {
	modes := m.modes()
	if len(modes) < 2 {
		return nil
	}
	next := modes[(indexOf(modes, m.screens[m.active].Mode)+step+len(modes))%len(modes)]
	if i, ok := m.lastInMode[next]; ok {
		return m.switchTo(i)
	}
	for i, s := range m.screens {
		if s.Mode == next {
			return m.switchTo(i)
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

func (m *Model) updateActive(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	// Async results go to every screen: each checks its own generation tag.
	if _, isKey := msg.(tea.KeyMsg); isKey {
		_, cmd := m.screens[m.active].View.Update(msg)
		return m.tag(cmd)
	}
	for _, s := range m.screens {
		_, cmd := s.View.Update(msg)
		cmds = append(cmds, m.tag(cmd))
	}
	return tea.Batch(cmds...)
}

func (m *Model) showToast(t common.ToastMsg) tea.Cmd {
	m.toast = t
	m.toastID++
	id := m.toastID
	return tea.Tick(toastDuration, func(time.Time) tea.Msg { return clearToastMsg{id: id} })
}

// chrome heights: header line, tab bar (2 lines with its border), footer.
func (m *Model) bodySize() (int, int) {
	h := m.height - lipgloss.Height(m.headerView()) - lipgloss.Height(m.tabsView()) - lipgloss.Height(m.footerView())
	return m.width, max(h, 1)
}

func (m *Model) resize() {
	if m.width == 0 {
		return
	}
	w, h := m.bodySize()
	for _, s := range m.screens {
		s.View.SetSize(w, h)
	}
}

// View draws the whole screen.
func (m *Model) View() string {
	if m.width == 0 {
		return "Loading…"
	}
	if m.width < MinWidth || m.height < MinHeight {
		return fmt.Sprintf("Terminal too small (%dx%d, need %dx%d)", m.width, m.height, MinWidth, MinHeight)
	}
	_, bodyH := m.bodySize()
	body := m.screens[m.active].View.View()
	if m.confirm != nil {
		body = m.confirmView(bodyH)
	}
	body = lipgloss.NewStyle().Height(bodyH).MaxHeight(bodyH).Render(fitLines(body, m.width))
	return lipgloss.JoinVertical(lipgloss.Left, m.headerView(), m.tabsView(), body, m.footerView())
}

// headerView draws what matters most about the session on one line. When
// it does not fit, the least important parts go first; the main balance and
// warnings stay.
func (m *Model) headerView() string {
	s := m.c.Styles
	type part struct {
		text string
		keep int // higher survives longer
	}
	parts := []part{{s.HeaderTitle.Render("qiwidash"), 9}}
	if m.opts.Badge != "" {
		parts = append(parts, part{s.Warning.Render("[" + m.opts.Badge + "]"), 6})
	}
	if m.opts.Profile != "" {
		parts = append(parts, part{"profile " + s.Bold.Render(m.opts.Profile), 3})
	}
	parts = append(parts, part{s.Subtle.Render("times " + m.c.ZoneName()), 6}) // the one zone of every screen
	if m.c.Wallet != "" {
		parts = append(parts, part{"wallet " + m.c.Personal("+"+m.c.Wallet), 5})
	}
	if m.header.level != "" {
		parts = append(parts, part{"level " + m.header.level, 1})
	}
	if m.header.balance != nil {
		parts = append(parts, part{s.Bold.Render(m.c.Money(*m.header.balance)), 8})
	}
	for _, k := range slices.Sorted(maps.Keys(m.alerts)) {
		parts = append(parts, part{s.Warning.Render("! " + m.alerts[k]), 7})
	}
	if m.c.Settings.Privacy {
		parts = append(parts, part{s.Subtle.Render("privacy on"), 4})
	}
	if m.c.Settings.ReadOnly {
		parts = append(parts, part{s.Subtle.Render("read-only"), 4})
	}
	if m.header.err != nil {
		parts = append(parts, part{s.Error.Render("! " + common.Truncate(common.Explain(m.header.err), 50)), 2})
	}
	sep := s.Subtle.Render(" │ ")
	join := func() string {
		texts := make([]string, len(parts))
		for i, p := range parts {
			texts[i] = p.text
		}
		return s.Header.Render(strings.Join(texts, sep))
	}
	line := join()
	for lipgloss.Width(line) > m.width && len(parts) > 1 {
		drop := 0
		for i, p := range parts {
			if p.keep < parts[drop].keep {
				drop = i
			}
		}
		parts = append(parts[:drop], parts[drop+1:]...)
		line = join()
	}
	return line
}

// tabsView draws the modes and the active mode's screens on one line. When
// the full labels do not fit, it shortens them step by step: inactive modes
// to their initial, then inactive screens to their number. The active ones
// always keep their names.
func (m *Model) tabsView() string {
	var line string
	for compact := 0; compact <= 3; compact++ {
		line = m.tabsLine(compact)
		if lipgloss.Width(line) <= m.width {
			break
		}
	}
	return m.c.Styles.TabBar.Width(m.width).Render(line)
}

// tabsLine draws the tab line at a level of compactness: 0 full, 1 tight
// spacing, 2 inactive modes by initial, 3 inactive screens by number.
func (m *Model) tabsLine(compact int) string {
	s := m.c.Styles
	tab, active := s.Tab, s.ActiveTab
	if compact >= 1 {
		tab, active = tab.Padding(0, 0).MarginRight(1), active.Padding(0, 0).MarginRight(1)
	}
	var tabs []string
	if modes := m.modes(); len(modes) > 1 {
		for _, mode := range modes {
			switch {
			case mode == m.screens[m.active].Mode:
				tabs = append(tabs, active.Render("["+mode+"]"))
			case compact >= 2:
				tabs = append(tabs, tab.Render(string([]rune(mode)[:1])))
			default:
				tabs = append(tabs, tab.Render(mode))
			}
		}
		tabs = append(tabs, s.Subtle.Render("│ "))
	}
	for n, i := range m.inMode() {
		sc := m.screens[i]
		label := fmt.Sprintf("%d %s", n+1, sc.Title)
		switch {
		case i == m.active:
			tabs = append(tabs, active.Render("▶"+label))
		case compact >= 3:
			tabs = append(tabs, tab.Render(fmt.Sprint(n+1)))
		default:
			tabs = append(tabs, tab.Render(" "+label))
		}
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, tabs...)
}

// globalKeys are the shell's own bindings, shown after the screen's.
// Mode keys only show when there is more than one mode.
type globalKeys struct {
	k         *common.KeyMap
	multiMode bool
}

func (g globalKeys) mode() (next, prev key.Binding) {
	next, prev = g.k.NextMode, g.k.PrevMode
	next.SetEnabled(g.multiMode)
	prev.SetEnabled(g.multiMode)
	return next, prev
}

func (g globalKeys) ShortHelp() []key.Binding {
	next, _ := g.mode()
	return []key.Binding{g.k.NextTab, next, g.k.Privacy, g.k.Help, g.k.Quit}
}

func (g globalKeys) FullHelp() [][]key.Binding {
	next, prev := g.mode()
	return [][]key.Binding{{g.k.NextTab, g.k.PrevTab, g.k.Tab1}, {next, prev}, {g.k.Privacy, g.k.Refresh, g.k.Suspend}, {g.k.Help, g.k.Quit, g.k.ForceQuit}}
}

func (m *Model) footerView() string {
	s := m.c.Styles
	view := m.screens[m.active].View
	status := ""
	if m.switching != "" {
		status = m.spinner.View() + " opening profile " + m.switching + "… "
	} else if b, ok := view.(common.Busy); ok && b.Busy() {
		status = m.spinner.View() + " working… "
	}
	if m.toast.Text != "" {
		st := s.Toast
		prefix := "✓ "
		if m.toast.Error {
			st, prefix = s.ToastError, "✗ "
		}
		// A toast may quote QIWI (an error's userMessage) or a file: sanitized.
		status += st.Render(prefix + common.Truncate(sanitize.Text(m.toast.Text), m.width-4))
	}
	m.help.Width = m.width - 2
	// While the user types, the shell's letter keys do not apply: the help
	// shows only the screen's own keys.
	globals := globalKeys{m.c.Keys, len(m.modes()) > 1}
	typing := false
	if f, ok := view.(common.InputFocused); ok && f.InputFocused() {
		typing = true
	}
	var helpView string
	switch {
	case m.showFullHelp && typing:
		helpView = m.help.FullHelpView(view.FullHelp())
	case m.showFullHelp:
		helpView = m.help.FullHelpView(append(view.FullHelp(), globals.FullHelp()...))
	case typing:
		helpView = m.help.ShortHelpView(view.ShortHelp())
	default:
		helpView = m.help.ShortHelpView(append(view.ShortHelp(), globals.ShortHelp()...))
	}
	// MaxWidth: bubbles' help can overrun its width by one item.
	return s.Footer.MaxWidth(m.width).Render(lipgloss.JoinVertical(lipgloss.Left, status, helpView))
}

func (m *Model) confirmView(height int) string {
	s := m.c.Styles
	lines := append([]string{s.Title.Render(m.confirm.Title), ""}, m.confirm.Lines...)
	lines = append(lines, "", s.Accent.Render("y")+" confirm   "+s.Accent.Render("n/esc")+" cancel")
	content := strings.Join(lines, "\n")
	// Narrow terminals wrap the text instead of cutting the box.
	frame := s.Modal.GetHorizontalFrameSize()
	box := s.Modal.Width(min(lipgloss.Width(content)+frame, m.width-2) - s.Modal.GetHorizontalBorderSize()).Render(content)
	return lipgloss.Place(m.width, height, lipgloss.Center, lipgloss.Center, box)
}

// ProfileName is the profile on screen (for tests).
func (m *Model) ProfileName() string { return m.opts.Profile }

// openProfile asks Options.Switch for another profile, off the UI loop.
func (m *Model) openProfile(name string) tea.Cmd {
	if m.opts.Switch == nil {
		return m.showToast(common.ToastMsg{Text: "Switching profiles is not available here; restart with --profile " + name, Error: true})
	}
	m.switchGen++
	m.switching = name
	gen, open := m.switchGen, m.opts.Switch
	return func() tea.Msg {
		c, screens, err := open(name)
		if err == nil && (c == nil || len(screens) == 0) {
			err = errors.New("its credentials open no screen")
		}
		return profileOpenedMsg{gen: gen, name: name, c: c, screens: screens, err: err}
	}
}

// replace puts the opened profile on screen: new Common and screens, tabs
// and modes from the start, header reloaded, refresh timer restarted. A
// privacy mode that is on stays on: switching must not unmask anything.
func (m *Model) replace(msg profileOpenedMsg) tea.Cmd {
	if m.c.Settings != nil && m.c.Settings.Privacy && msg.c.Settings != nil {
		msg.c.Settings.Privacy = true
	}
	m.c, m.screens, m.opts.Profile = msg.c, msg.screens, msg.name
	m.alerts = nil // the old profile's warnings
	m.screenSet++
	m.active = 0
	m.lastInMode = map[string]int{}
	m.confirm = nil
	m.header = headerInfo{}
	m.help.Styles.ShortKey, m.help.Styles.FullKey = m.c.Styles.Accent, m.c.Styles.Accent
	m.help.Styles.ShortDesc, m.help.Styles.FullDesc = m.c.Styles.Subtle, m.c.Styles.Subtle
	m.spinner.Style = m.c.Styles.Accent
	m.refreshGen++ // the old timer's tick is dropped; a new one starts
	m.resize()
	return tea.Batch(m.Load(), m.scheduleRefresh(), m.showToast(common.ToastMsg{Text: "Opened profile " + msg.name}))
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
