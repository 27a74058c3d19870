package ui

import (
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
)

// copyToClipboard writes OSC 52, which works over SSH and in tmux, inside a
// command so Update stays free of I/O.
func copyToClipboard(text string) tea.Cmd {
	return func() tea.Msg {
		termenv.NewOutput(os.Stdout).Copy(text)
		return nil
	}
}
