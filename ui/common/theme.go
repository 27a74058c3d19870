package common

import "github.com/charmbracelet/lipgloss"

// Theme is the semantic palette. Colours adapt to light and dark terminals;
// meaning never rests on colour alone (signs and markers carry it too).
type Theme struct {
	Text, Muted, Accent, Positive, Negative, Warning, Border, SelectedBg lipgloss.AdaptiveColor
}

// DefaultTheme is built once at start.
func DefaultTheme() Theme {
	return Theme{
		Text:       lipgloss.AdaptiveColor{Light: "#1F2328", Dark: "#E6EDF3"},
		Muted:      lipgloss.AdaptiveColor{Light: "#656D76", Dark: "#8B949E"},
		Accent:     lipgloss.AdaptiveColor{Light: "#B35900", Dark: "#FF8C00"},
		Positive:   lipgloss.AdaptiveColor{Light: "#1A7F37", Dark: "#3FB950"},
		Negative:   lipgloss.AdaptiveColor{Light: "#CF222E", Dark: "#F85149"},
		Warning:    lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#D29922"},
		Border:     lipgloss.AdaptiveColor{Light: "#D0D7DE", Dark: "#30363D"},
		SelectedBg: lipgloss.AdaptiveColor{Light: "#DDF4FF", Dark: "#1F3A5F"},
	}
}

// Styles are every lipgloss style the UI uses, built once from a Theme.
type Styles struct {
	Theme Theme

	App, Header, HeaderTitle, HeaderInfo lipgloss.Style
	Tab, ActiveTab, TabBar               lipgloss.Style
	Footer, Toast, ToastError            lipgloss.Style
	Title, Subtle, Bold, Label, Value    lipgloss.Style
	Positive, Negative, Warning, Accent  lipgloss.Style
	Selected, TableHeader, Cell          lipgloss.Style
	Box, Modal, Error                    lipgloss.Style
}

// NewStyles builds the styles from a theme.
func NewStyles(t Theme) *Styles {
	s := &Styles{Theme: t}
	s.App = lipgloss.NewStyle()
	s.Header = lipgloss.NewStyle().Padding(0, 1)
	s.HeaderTitle = lipgloss.NewStyle().Bold(true).Foreground(t.Accent)
	s.HeaderInfo = lipgloss.NewStyle().Foreground(t.Text)
	s.TabBar = lipgloss.NewStyle().BorderStyle(lipgloss.NormalBorder()).BorderBottom(true).BorderForeground(t.Border)
	s.Tab = lipgloss.NewStyle().Padding(0, 1).Foreground(t.Muted)
	s.ActiveTab = lipgloss.NewStyle().Padding(0, 1).Bold(true).Underline(true).Foreground(t.Accent)
	s.Footer = lipgloss.NewStyle().Foreground(t.Muted).Padding(0, 1)
	s.Toast = lipgloss.NewStyle().Foreground(t.Positive).Bold(true)
	s.ToastError = lipgloss.NewStyle().Foreground(t.Negative).Bold(true)
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(t.Accent)
	s.Subtle = lipgloss.NewStyle().Foreground(t.Muted)
	s.Bold = lipgloss.NewStyle().Bold(true)
	s.Label = lipgloss.NewStyle().Foreground(t.Muted)
	s.Value = lipgloss.NewStyle().Foreground(t.Text)
	s.Positive = lipgloss.NewStyle().Foreground(t.Positive)
	s.Negative = lipgloss.NewStyle().Foreground(t.Negative)
	s.Warning = lipgloss.NewStyle().Foreground(t.Warning)
	s.Accent = lipgloss.NewStyle().Foreground(t.Accent)
	s.Selected = lipgloss.NewStyle().Background(t.SelectedBg).Bold(true)
	s.TableHeader = lipgloss.NewStyle().Bold(true).Foreground(t.Muted)
	s.Cell = lipgloss.NewStyle()
	s.Box = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.Border).Padding(0, 1)
	s.Modal = lipgloss.NewStyle().Border(lipgloss.DoubleBorder()).BorderForeground(t.Accent).Padding(1, 2)
	s.Error = lipgloss.NewStyle().Foreground(t.Negative)
	return s
}
