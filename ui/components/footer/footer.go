// Package footer is the dashboard's bottom: a status line (a spinner while
// work is in flight, then the latest toast) and the short help.
//
// The spinner ticks only while something is in flight: an idle dashboard
// schedules no timer at all, so it costs no CPU.
package footer

import (
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"qiwidash/qiwiapi/sanitize"
	"qiwidash/ui/common"
)

// ToastDuration is how long a toast stays.
const ToastDuration = 4 * time.Second

// frameEvery is the spinner's speed.
const frameEvery = 100 * time.Millisecond

var frames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// TickMsg advances the spinner; it is sent only while busy.
type TickMsg struct{}

// ClearToastMsg removes the toast it was scheduled for.
type ClearToastMsg struct{ id int }

// Model is the footer.
type Model struct {
	s     *common.Styles
	width int
	help  help.Model
	keys  []key.Binding

	status  string // what is in flight, "" when nothing
	frame   int
	ticking bool // a TickMsg is on its way

	toast   common.ToastMsg
	toastID int
}

// New builds the footer with the theme's styles.
func New(s *common.Styles) *Model {
	h := help.New()
	h.Styles.ShortKey, h.Styles.ShortDesc = s.Accent, s.Subtle
	h.Styles.FullKey, h.Styles.FullDesc = s.Accent, s.Subtle
	h.Styles.ShortSeparator, h.Styles.Ellipsis = s.Subtle, s.Subtle
	return &Model{s: s, help: h}
}

// Init does nothing: the spinner starts when work does.
func (m *Model) Init() tea.Cmd { return nil }

// SetStatus says what is in flight ("" when nothing). It starts the
// spinner when work begins; the spinner stops by itself when it ends.
func (m *Model) SetStatus(status string) tea.Cmd {
	m.status = status
	if status == "" || m.ticking {
		return nil
	}
	m.ticking = true
	return tick()
}

// Ticking reports whether a spinner tick is scheduled (for tests).
func (m *Model) Ticking() bool { return m.ticking }

func tick() tea.Cmd {
	return tea.Tick(frameEvery, func(time.Time) tea.Msg { return TickMsg{} })
}

// Show puts a toast in the status line and schedules its removal.
func (m *Model) Show(t common.ToastMsg) tea.Cmd {
	m.toast = t
	m.toastID++
	id := m.toastID
	return tea.Tick(ToastDuration, func(time.Time) tea.Msg { return ClearToastMsg{id: id} })
}

// SetKeys sets the bindings the short help shows.
func (m *Model) SetKeys(keys []key.Binding) { m.keys = keys }

// Update advances the spinner and clears toasts.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case TickMsg:
		if m.status == "" {
			m.ticking = false
			return m, nil
		}
		m.frame = (m.frame + 1) % len(frames)
		return m, tick()
	case common.ToastMsg:
		return m, m.Show(msg)
	case ClearToastMsg:
		if msg.id == m.toastID {
			m.toast = common.ToastMsg{}
		}
	}
	return m, nil
}

// SetSize sets the width.
func (m *Model) SetSize(width, _ int) {
	m.width = width
	m.help.Width = width - m.s.Footer.GetHorizontalFrameSize()
}

// ShortHelp: the footer shows others' keys; it has none.
func (m *Model) ShortHelp() []key.Binding { return nil }

// FullHelp: see ShortHelp.
func (m *Model) FullHelp() [][]key.Binding { return nil }

// Height is the footer's height: the status line and the help line.
func (m *Model) Height() int { return 2 }

// View draws the status line and the short help.
func (m *Model) View() string {
	status := ""
	if m.status != "" {
		status = m.s.Accent.Render(frames[m.frame]) + " " + m.status + " "
	}
	if m.toast.Text != "" {
		st, prefix := m.s.Toast, "✓ "
		if m.toast.Error {
			st, prefix = m.s.ToastError, "✗ "
		}
		// A toast may quote QIWI (an error's userMessage) or a file: sanitized.
		status += st.Render(prefix + common.Truncate(sanitize.Text(m.toast.Text), m.width-4))
	}
	// MaxWidth: bubbles' help can overrun its width by one item.
	return m.s.Footer.MaxWidth(m.width).Render(lipgloss.JoinVertical(lipgloss.Left, status, m.help.ShortHelpView(m.keys)))
}
