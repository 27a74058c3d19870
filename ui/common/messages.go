package common

import (
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
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

// ErrorToast returns a command that shows an error in words.
func ErrorToast(err error) tea.Cmd {
	return func() tea.Msg { return ToastMsg{Text: Explain(err), Error: true} }
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

// CopyMsg asks the shell to put text on the clipboard (OSC 52).
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

// Titled is implemented by screens; the tab label.
type Titled interface {
	Title() string
}

// Explain turns an error into a sentence for the user, with what to do.
func Explain(err error) string {
	if err == nil {
		return ""
	}
	var apiErr *qiwiapi.Error
	switch {
	case errors.Is(err, qiwiapi.ErrUnauthorized):
		return "The token was refused (wrong or expired). Log in again: qiwidash login"
	case errors.Is(err, qiwiapi.ErrForbidden):
		return "The token lacks the permission for this. Issue a token with that scope at qiwi.com/api"
	case errors.Is(err, qiwiapi.ErrRateLimited):
		if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
			return fmt.Sprintf("QIWI asks to slow down; try again in %s", apiErr.RetryAfter.Round(1e9))
		}
		return "QIWI asks to slow down; try again in a few minutes"
	case errors.As(err, &apiErr):
		return apiErr.Message()
	}
	var netErr *qiwiapi.NetworkError
	if errors.As(err, &netErr) {
		return "No connection to QIWI. Check the network and press r to retry"
	}
	if errors.Is(err, qiwiapi.ErrBadResponse) {
		return "QIWI sent an answer that could not be read. Press r to retry"
	}
	return err.Error()
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
