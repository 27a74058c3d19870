// Package tabs is the tab bar: the modes (Wallet, Agent, ...) and the
// active mode's screens on one line. It remembers where it drew each tab,
// so a click hits the tab under the pointer at any width.
package tabs

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"qiwidash/ui/common"
)

// Tab is one screen as the bar knows it: its mode and title (what the
// shell knows it by) and their names on the bar, in the user's language
// ("" = Mode and Title).
type Tab struct {
	Mode, Title    string
	ModeName, Name string
}

// modeName is how the bar writes mode.
func (m *Model) modeName(mode string) string {
	for _, t := range m.tabs {
		if t.Mode == mode && t.ModeName != "" {
			return t.ModeName
		}
	}
	return mode
}

// Target is what a click hit: a screen (its index in the tab list) or,
// with Mode set, a mode.
type Target struct {
	Screen int
	Mode   string
}

// zone is the columns [from, to) of one drawn tab.
type zone struct {
	from, to int
	target   Target
}

// Model is the tab bar.
type Model struct {
	tabs   []Tab
	active int
	width  int

	// Styles, built once: normal and tight (no padding) tabs.
	bar, tab, active0, tight, tightActive lipgloss.Style
	sep                                   string

	cache string
	zones []zone
	dirty bool
}

// New builds the tab bar with the theme's styles.
func New(s *common.Styles) *Model {
	return &Model{
		bar: s.TabBar, tab: s.Tab, active0: s.ActiveTab,
		tight:       s.Tab.Padding(0, 0).MarginRight(1),
		tightActive: s.ActiveTab.Padding(0, 0).MarginRight(1),
		sep:         s.Subtle.Render("│ "),
		dirty:       true,
	}
}

// SetTabs sets the screens and which one is in front.
func (m *Model) SetTabs(tabs []Tab, active int) {
	m.tabs, m.active, m.dirty = tabs, active, true
}

// SetActive puts screen i in front.
func (m *Model) SetActive(i int) {
	if i != m.active {
		m.active, m.dirty = i, true
	}
}

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// Update does nothing: the shell decides which screen is in front.
func (m *Model) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }

// SetSize sets the width.
func (m *Model) SetSize(width, _ int) {
	if width != m.width {
		m.width, m.dirty = width, true
	}
}

// ShortHelp: the bar's keys are the shell's (tab, [ ]).
func (m *Model) ShortHelp() []key.Binding { return nil }

// FullHelp: see ShortHelp.
func (m *Model) FullHelp() [][]key.Binding { return nil }

// Height is the bar's height: the line and its bottom border.
func (m *Model) Height() int { return 1 + m.bar.GetVerticalFrameSize() }

// Modes lists the modes in the order their first screen appears.
func (m *Model) Modes() []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range m.tabs {
		if !seen[t.Mode] {
			seen[t.Mode] = true
			out = append(out, t.Mode)
		}
	}
	return out
}

// InMode lists the indexes of the screens of the active screen's mode.
func (m *Model) InMode() []int {
	var out []int
	for i, t := range m.tabs {
		if len(m.tabs) > m.active && t.Mode == m.tabs[m.active].Mode {
			out = append(out, i)
		}
	}
	return out
}

// At reports the tab drawn at column x of the bar's line.
func (m *Model) At(x int) (Target, bool) {
	m.View() // the zones are the last drawing's
	for _, z := range m.zones {
		if x >= z.from && x < z.to {
			return z.target, true
		}
	}
	return Target{}, false
}

// View draws the bar, from the cache when nothing changed.
func (m *Model) View() string {
	if !m.dirty {
		return m.cache
	}
	var line string
	for compact := 0; compact <= levels; compact++ {
		line, m.zones = m.line(compact)
		if lipgloss.Width(line) <= m.width {
			break
		}
	}
	m.cache, m.dirty = m.bar.Width(m.width).Render(line), false
	return m.cache
}

// levels of compactness: 0 full, 1 tight spacing, 2 inactive screens by
// their number (the number keys reach them), 3 inactive modes by a short
// word. The active mode and screen always keep their names.
const levels = 3

// shortMode is a mode's name in at most four letters ("Merchant" -> "Merc").
func shortMode(mode string) string {
	r := []rune(mode)
	if len(r) <= 5 {
		return mode
	}
	return string(r[:4])
}

func (m *Model) line(compact int) (string, []zone) {
	if len(m.tabs) == 0 {
		return "", nil
	}
	tab, active := m.tab, m.active0
	if compact >= 1 {
		tab, active = m.tight, m.tightActive
	}
	var (
		parts []string
		zones []zone
		x     int
	)
	add := func(text string, t *Target) {
		w := lipgloss.Width(text)
		if t != nil {
			zones = append(zones, zone{from: x, to: x + w, target: *t})
		}
		parts = append(parts, text)
		x += w
	}
	current := m.tabs[m.active].Mode
	if modes := m.Modes(); len(modes) > 1 {
		for _, mode := range modes {
			t, name := &Target{Mode: mode}, m.modeName(mode)
			switch {
			case mode == current:
				add(active.Render("["+name+"]"), t)
			case compact >= 3:
				add(tab.Render(shortMode(name)), t)
			default:
				add(tab.Render(name), t)
			}
		}
		add(m.sep, nil)
	}
	for n, i := range m.InMode() {
		name := m.tabs[i].Name
		if name == "" {
			name = m.tabs[i].Title
		}
		label := fmt.Sprintf("%d %s", n+1, name)
		t := &Target{Screen: i}
		switch {
		case i == m.active:
			add(active.Render("▶"+label), t)
		case compact >= 2:
			add(tab.Render(fmt.Sprint(n+1)), t)
		default:
			add(tab.Render(" "+label), t)
		}
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, parts...), zones
}
