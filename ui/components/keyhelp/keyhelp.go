// Package keyhelp is the full help ("?"): every key of the screen in front
// and every key of the shell, in as many columns as the width holds. When
// the list is taller than the space, it scrolls; nothing is cut off.
package keyhelp

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"qiwidash/i18n"
	"qiwidash/ui/common"
)

// Section is a titled group of bindings.
type Section struct {
	Title string
	Keys  [][]key.Binding
}

// Model is the help page.
type Model struct {
	s             *common.Styles
	k             *common.KeyMap
	tr            *i18n.Tr
	width, height int
	sections      []Section
	offset        int
	open          bool
}

// New builds the help page, in tr's language.
func New(s *common.Styles, k *common.KeyMap, tr *i18n.Tr) *Model {
	return &Model{s: s, k: k, tr: tr}
}

// Open shows the sections from the top.
func (m *Model) Open(sections ...Section) {
	m.sections, m.offset, m.open = sections, 0, true
}

// Close hides the page.
func (m *Model) Close() { m.open = false }

// IsOpen reports whether the page is shown.
func (m *Model) IsOpen() bool { return m.open }

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// Update scrolls on the motion keys and the wheel; the help key and esc
// close the page.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k := m.k
	switch msg := msg.(type) {
	case common.ScrollMsg:
		m.scroll(msg.Delta)
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Help), key.Matches(msg, k.Back):
			m.open = false
		case key.Matches(msg, k.Up):
			m.scroll(-1)
		case key.Matches(msg, k.Down):
			m.scroll(1)
		case key.Matches(msg, k.PageUp):
			m.scroll(-m.page())
		case key.Matches(msg, k.PageDown):
			m.scroll(m.page())
		case key.Matches(msg, k.Top):
			m.offset = 0
		case key.Matches(msg, k.Bottom):
			m.scroll(1 << 20)
		}
	}
	return m, nil
}

func (m *Model) page() int { return max(1, m.height-1) }

func (m *Model) scroll(d int) {
	m.offset = max(0, min(m.offset+d, len(m.lines())-m.page()))
}

// SetSize sets the space the page has.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.scroll(0)
}

// ShortHelp is the page's own keys.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{common.Relabel(m.k.Down, m.tr.T("keyhelp.scroll", nil)), common.Relabel(m.k.Help, m.tr.T("keyhelp.close", nil))}
}

// FullHelp is ShortHelp.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// entry is one binding as "key  description".
type entry struct{ key, desc string }

// lines lays every enabled binding out in columns, section by section.
func (m *Model) lines() []string {
	var out []string
	seen := map[string]bool{} // a key listed by the screen is not repeated
	for _, sec := range m.sections {
		var entries []entry
		for _, group := range sec.Keys {
			for _, b := range group {
				h := b.Help()
				if !b.Enabled() || h.Key == "" || seen[h.Key] {
					continue
				}
				seen[h.Key] = true
				entries = append(entries, entry{h.Key, h.Desc})
			}
		}
		if len(entries) == 0 {
			continue
		}
		keyW, descW := 0, 0
		for _, e := range entries {
			keyW = max(keyW, lipgloss.Width(e.key))
			descW = max(descW, lipgloss.Width(e.desc))
		}
		colW := keyW + 2 + descW + 3
		usable := max(1, m.width-2)
		cols := max(1, usable/colW)
		if cols == 1 {
			colW = usable // one column: descriptions may be cut to the width
		}
		rows := (len(entries) + cols - 1) / cols
		if len(out) > 0 {
			out = append(out, "")
		}
		out = append(out, " "+m.s.Title.Render(sec.Title))
		for r := range rows {
			var line strings.Builder
			line.WriteString(" ")
			for c := range cols {
				i := c*rows + r
				if i >= len(entries) {
					break
				}
				e := entries[i]
				cell := m.s.Accent.Render(common.PadRight(e.key, keyW)) + "  " + m.s.Subtle.Render(e.desc)
				line.WriteString(common.PadRight(cell, colW))
			}
			out = append(out, strings.TrimRight(line.String(), " "))
		}
	}
	return out
}

// View draws the visible part of the page and, when it scrolls, where it is.
func (m *Model) View() string {
	lines := m.lines()
	page := m.page()
	end := min(len(lines), m.offset+page)
	shown := lines[min(m.offset, end):end]
	where := " "
	if len(lines) > page {
		where = m.tr.T("keyhelp.where", i18n.Args{"From": m.offset + 1, "To": end, "Total": len(lines), "Up": m.k.Up.Help().Key, "Down": m.k.Down.Help().Key})
	}
	footer := m.s.Subtle.Render(where + m.tr.T("keyhelp.closes", i18n.Args{"Help": m.k.Help.Help().Key, "Back": m.k.Back.Help().Key}))
	return strings.Join(append(shown, footer), "\n")
}
