package ui

import (
	"io"
	"os"
	"strings"

	"github.com/atotto/clipboard"
	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/ui/common"
)

// copyToClipboard copies text inside a command (Update stays free of I/O)
// and answers with a toast that says where it went.
func copyToClipboard(tr *i18n.Tr, text, what string) tea.Cmd {
	return func() tea.Msg {
		return copyWith(tr, text, what, os.Stdout, os.Getenv, clipboard.WriteAll)
	}
}

// copyWith writes text to the system clipboard (xclip, xsel, wl-copy,
// pbcopy, Windows' own: what atotto/clipboard finds) and as OSC 52 to the
// terminal, which reaches the user's clipboard over SSH when the terminal
// allows it. The toast claims a copy only when the system clipboard took
// it: OSC 52 has no answer, so it says the terminal may have ignored it.
// The toast is in tr's language.
func copyWith(tr *i18n.Tr, text, what string, term io.Writer, getenv func(string) string, system func(string) error) common.ToastMsg {
	seq := osc52.New(text)
	switch {
	case getenv("TMUX") != "":
		seq = seq.Tmux() // needs tmux's allow-passthrough
	case strings.HasPrefix(getenv("TERM"), "screen"):
		seq = seq.Screen()
	}
	_, oscErr := seq.WriteTo(term)
	if system != nil && system(text) == nil {
		return common.ToastMsg{Text: tr.T("clipboard.copied", i18n.Args{"What": what})}
	}
	if oscErr != nil {
		return common.ToastMsg{Text: tr.T("clipboard.failed", i18n.Args{"What": what}), Error: true}
	}
	return common.ToastMsg{Text: tr.T("clipboard.sent", i18n.Args{"What": what})}
}
