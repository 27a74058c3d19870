package common

import (
	"errors"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi"
	"qiwidash/store/reader"
)

// ToastMsg shows a short, non-blocking message in the footer.
type ToastMsg struct {
	Text  string
	Error bool
}

// Toast returns a command that shows text.
func Toast(text string) tea.Cmd {
	return func() tea.Msg { return ToastMsg{Text: text} }
}

// ErrorToast returns a command that shows an error in words, in the
// user's language.
func (c *Common) ErrorToast(err error) tea.Cmd {
	text := c.Explain(err)
	return func() tea.Msg { return ToastMsg{Text: text, Error: true} }
}

// ConfirmMsg asks the shell to show a confirmation; Yes runs on "y".
type ConfirmMsg struct {
	Title string
	Lines []string // exactly what will happen
	Yes   tea.Cmd
}

// Confirm returns a command that asks before running yes.
func Confirm(title string, lines []string, yes tea.Cmd) tea.Cmd {
	return func() tea.Msg { return ConfirmMsg{Title: title, Lines: lines, Yes: yes} }
}

// CopyMsg asks the shell to put text on the clipboard (the system one and
// OSC 52; the toast says which took it).
type CopyMsg struct {
	Text, What string
}

// Copy returns a command that copies text and names it in the toast.
func Copy(text, what string) tea.Cmd {
	return func() tea.Msg { return CopyMsg{Text: text, What: what} }
}

// MoneyMovedMsg says a balance changed (a payment was accepted or
// settled, an invoice paid); the shell reloads the header balance.
type MoneyMovedMsg struct{}

// MoneyMoved returns a command that announces a balance change.
func MoneyMoved() tea.Cmd {
	return func() tea.Msg { return MoneyMovedMsg{} }
}

// HeaderAlertMsg puts a warning in the header (e.g. a low agent balance),
// keyed by its source; an empty Text clears that source's warning.
type HeaderAlertMsg struct {
	Key, Text string
}

// InputFocused is implemented by screens that have a text input focused, so
// the shell does not treat their letters as global keys (q must type "q").
type InputFocused interface {
	InputFocused() bool
}

// Busy is implemented by screens with work in flight (the footer spinner).
type Busy interface {
	Busy() bool
}

// Explain turns an error into a sentence for the user in their language,
// with what to do.
func (c *Common) Explain(err error) string {
	why := explain.Error(c.Tr, err)
	var netErr *qiwiapi.NetworkError
	switch {
	case errors.As(err, &netErr):
		return c.Tr.T("explain.check_network", i18n.Args{"Why": why})
	case errors.Is(err, qiwiapi.ErrBadResponse):
		return c.Tr.T("explain.retry", i18n.Args{"Why": why})
	}
	return why
}

// SwitchProfileMsg asks the shell to open another saved profile: new
// clients and screens, without restarting.
type SwitchProfileMsg struct {
	Name string
}

// SwitchProfile returns a command that asks the shell to open profile name.
func SwitchProfile(name string) tea.Cmd {
	return func() tea.Msg { return SwitchProfileMsg{Name: name} }
}

// OpenHistoryMsg asks the shell to show History with exactly the rows of
// Query (a drill-down from Insights); Esc there comes back to the screen
// titled Back.
type OpenHistoryMsg struct {
	Query reader.Query
	Back  string
}

// ShowScreenMsg asks the shell to show the screen titled Title in the
// current mode (History going back to where a drill-down came from).
type ShowScreenMsg struct {
	Title string
}

// Drillable is implemented by History: Drill shows exactly q's rows until
// Esc, which restores the earlier query and goes back to the screen back.
type Drillable interface {
	Drill(q reader.Query, back string) tea.Cmd
}

// SetLanguageMsg asks the shell to switch the dashboard's language now:
// every screen, the chrome and the engine's messages (the Settings screen
// sends it).
type SetLanguageMsg struct {
	Lang i18n.Lang
}

// SetLanguage returns a command that switches the language to lang.
func SetLanguage(lang i18n.Lang) tea.Cmd {
	return func() tea.Msg { return SetLanguageMsg{Lang: lang} }
}
