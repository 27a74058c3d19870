// Package confirm is the modal dialog that asks before anything is done.
// It shows the lines exactly as the screen wrote them: privacy mode never
// hides what is being agreed to (screens write confirmations in full).
package confirm

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"qiwidash/ui/common"
)

// Model is the dialog; closed when msg is nil.
type Model struct {
	c             *common.Common
	width, height int
	msg           *common.ConfirmMsg
}

// New builds a closed dialog.
func New(c *common.Common) *Model { return &Model{c: c} }

// Open shows a confirmation.
func (m *Model) Open(msg common.ConfirmMsg) { m.msg = &msg }

// Close drops the confirmation (a profile switch).
func (m *Model) Close() { m.msg = nil }

// IsOpen reports whether a confirmation is shown.
func (m *Model) IsOpen() bool { return m.msg != nil }

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// Update answers the dialog: the yes key runs its command, the no key
// cancels with a toast; every other key is swallowed.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok || m.msg == nil {
		return m, nil
	}
	switch {
	case key.Matches(k, m.c.Keys.Yes):
		yes := m.msg.Yes
		m.msg = nil
		return m, yes
	case key.Matches(k, m.c.Keys.No):
		m.msg = nil
		return m, common.Toast(m.c.Tr.T("confirm.cancelled", nil))
	}
	return m, nil
}

// SetSize sets the space the dialog is centred in.
func (m *Model) SetSize(width, height int) { m.width, m.height = width, height }

// ShortHelp is the dialog's keys.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{common.Relabel(m.c.Keys.Yes, m.c.Tr.T("confirm.confirm", nil)), common.Relabel(m.c.Keys.No, m.c.Tr.T("confirm.cancel", nil))}
}

// FullHelp is ShortHelp.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the dialog in the middle of its space. Narrow terminals wrap
// the text instead of cutting the box.
func (m *Model) View() string {
	if m.msg == nil {
		return ""
	}
	s := m.c.Styles
	lines := append([]string{s.Title.Render(m.msg.Title), ""}, m.msg.Lines...)
	if m.c.Settings != nil && m.c.Settings.Privacy {
		lines = append(lines, "", s.Subtle.Render(m.c.Tr.T("confirm.privacy", nil)))
	}
	lines = append(lines, "", s.Accent.Render(m.c.Keys.Yes.Help().Key)+" "+m.c.Tr.T("confirm.confirm", nil)+"   "+s.Accent.Render(m.c.Keys.No.Help().Key)+" "+m.c.Tr.T("confirm.cancel", nil))
	content := strings.Join(lines, "\n")
	frame := s.Modal.GetHorizontalFrameSize()
	box := s.Modal.Width(min(lipgloss.Width(content)+frame, m.width-2) - s.Modal.GetHorizontalBorderSize()).Render(content)
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, box)
}
