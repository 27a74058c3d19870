// Package switcher opens another saved profile without a restart: it asks
// for the profile off the UI loop, shows that it is opening, drops answers
// overtaken by a newer request, and hands the opened profile to the shell.
package switcher

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/ui/common"
)

// Open opens a profile by name: its Common and whatever the shell needs
// (its screens). It runs inside a tea.Cmd (it may read the keyring and ask
// the API). ok false means the credentials open nothing.
type Open[P any] func(name string) (p P, ok bool, err error)

// AnswerMsg is Open's answer to one request; the shell passes it back to Update.
type AnswerMsg[P any] struct {
	gen  int
	name string
	p    P
	err  error
}

// Model is the switcher; P is the shell's opened profile.
type Model[P any] struct {
	open    Open[P]
	tr      *i18n.Tr
	gen     int    // the latest request; older answers are dropped
	opening string // the profile being opened, "" when none

	opened     *P
	openedName string
	failure    string // why the last switch failed, until taken
}

// New builds a switcher speaking tr's language; open nil means switching
// is not offered.
func New[P any](tr *i18n.Tr, open Open[P]) *Model[P] { return &Model[P]{tr: tr, open: open} }

// Init does nothing.
func (m *Model[P]) Init() tea.Cmd { return nil }

// Opening is the profile being opened, "" when none.
func (m *Model[P]) Opening() string { return m.opening }

// Take returns the profile opened by the last Update, once.
func (m *Model[P]) Take() (P, string, bool) {
	if m.opened == nil {
		var zero P
		return zero, "", false
	}
	p := *m.opened
	m.opened = nil
	return p, m.openedName, true
}

// Failure returns, once, why the last switch failed (for a toast).
func (m *Model[P]) Failure() (string, bool) {
	f := m.failure
	m.failure = ""
	return f, f != ""
}

// Update starts a switch on common.SwitchProfileMsg and takes its answer.
// A failed switch changes nothing; Failure says why.
func (m *Model[P]) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.SwitchProfileMsg:
		if m.open == nil {
			m.failure = m.tr.T("switcher.unavailable", i18n.Args{"Name": msg.Name})
			return m, nil
		}
		m.gen++
		m.opening = msg.Name
		gen, open, name, noScreen := m.gen, m.open, msg.Name, m.tr.T("switcher.no_screen", nil)
		return m, func() tea.Msg {
			p, ok, err := open(name)
			if err == nil && !ok {
				err = errors.New(noScreen)
			}
			return AnswerMsg[P]{gen: gen, name: name, p: p, err: err}
		}
	case AnswerMsg[P]:
		if msg.gen != m.gen {
			return m, nil
		}
		m.opening = ""
		if msg.err != nil {
			why, _, _ := strings.Cut(explain.Error(m.tr, msg.err), "\n") // one line in the footer
			m.failure = m.tr.T("switcher.failed", i18n.Args{"Name": msg.name, "Why": why})
			return m, nil
		}
		m.opened, m.openedName = &msg.p, msg.name
	}
	return m, nil
}

// SetSize: the switcher draws only its status.
func (m *Model[P]) SetSize(int, int) {}

// ShortHelp: the switcher has no keys (Settings > Accounts starts it).
func (m *Model[P]) ShortHelp() []key.Binding { return nil }

// FullHelp: see ShortHelp.
func (m *Model[P]) FullHelp() [][]key.Binding { return nil }

// View is the status while a profile opens.
func (m *Model[P]) View() string {
	if m.opening == "" {
		return ""
	}
	return m.tr.T("switcher.opening", i18n.Args{"Name": m.opening})
}
