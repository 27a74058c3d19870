// Package header is the dashboard's top line: the app, the badge, the
// profile and wallet, the main balance, warnings and switches. When it
// does not fit, the least important parts go first.
package header

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/ui/common"
)

// info is what the header shows about the wallet.
type info struct {
	level   string
	balance *qiwiapi.Amount
	err     error
}

// LoadedMsg is the answer of Reload.
type LoadedMsg struct {
	info info
	gen  int
}

// Model is the header. It renders only when something it shows changed.
type Model struct {
	c       *common.Common
	badge   string
	profile string
	width   int

	info   info
	gen    int
	alerts map[string]string // warnings by source (common.HeaderAlertMsg)

	// The last drawn line and what it was drawn from (privacy and
	// read-only are switches others flip, so they are part of the key).
	cache        string
	dirty        bool
	lastPrivacy  bool
	lastReadOnly bool
}

// New builds the header for a profile.
func New(c *common.Common, badge, profile string) *Model {
	return &Model{c: c, badge: badge, profile: profile, dirty: true}
}

// Init loads the wallet's level and balance.
func (m *Model) Init() tea.Cmd { return m.Reload() }

// Reload asks the API for the level and balance again (off the UI loop).
func (m *Model) Reload() tea.Cmd {
	m.gen++
	gen, api, wallet := m.gen, m.c.API, m.c.Wallet
	if api == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		var in info
		p, _, err := api.Profile.Current(ctx, qiwiapi.ProfileOptions{SkipUserInfo: true})
		if err != nil {
			in.err = err
			return LoadedMsg{info: in, gen: gen}
		}
		in.level = p.IdentificationLevel()
		accounts, _, err := api.Balances.List(ctx, wallet)
		if err != nil {
			in.err = err
		}
		for _, a := range accounts {
			if a.Balance != nil && (a.DefaultAccount || in.balance == nil && a.Currency == qiwiapi.RUB) {
				b := *a.Balance
				in.balance = &b
			}
		}
		return LoadedMsg{info: in, gen: gen}
	}
}

// Update takes the loaded info and the header warnings.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case LoadedMsg:
		if msg.gen == m.gen {
			m.info, m.dirty = msg.info, true
		}
	case common.HeaderAlertMsg:
		if msg.Text == "" {
			delete(m.alerts, msg.Key)
		} else {
			if m.alerts == nil {
				m.alerts = map[string]string{}
			}
			m.alerts[msg.Key] = msg.Text
		}
		m.dirty = true
	}
	return m, nil
}

// SetSize sets the width (the header is one line).
func (m *Model) SetSize(width, _ int) {
	if width != m.width {
		m.width, m.dirty = width, true
	}
}

// ShortHelp: the header has no keys.
func (m *Model) ShortHelp() []key.Binding { return nil }

// FullHelp: the header has no keys.
func (m *Model) FullHelp() [][]key.Binding { return nil }

// Height is the header's height in lines.
func (m *Model) Height() int { return 1 }

// View draws the header line.
func (m *Model) View() string {
	privacy, readOnly := m.c.Settings.Privacy, m.c.Settings.ReadOnly
	if !m.dirty && privacy == m.lastPrivacy && readOnly == m.lastReadOnly {
		return m.cache
	}
	m.cache, m.dirty, m.lastPrivacy, m.lastReadOnly = m.draw(), false, privacy, readOnly
	return m.cache
}

type part struct {
	text string
	keep int // higher survives longer
}

func (m *Model) draw() string {
	s, tr := m.c.Styles, m.c.Tr
	parts := []part{{s.HeaderTitle.Render("qiwidash"), 9}}
	if m.badge != "" {
		parts = append(parts, part{s.Warning.Render("[" + m.badge + "]"), 6})
	}
	if m.profile != "" {
		parts = append(parts, part{tr.T("header.profile", i18n.Args{"Name": s.Bold.Render(m.profile)}), 3})
	}
	parts = append(parts, part{s.Subtle.Render(tr.T("header.times", i18n.Args{"Zone": m.c.ZoneName()})), 6}) // the one zone of every screen
	if m.c.Wallet != "" {
		parts = append(parts, part{tr.T("header.wallet", i18n.Args{"Wallet": m.c.Personal("+" + m.c.Wallet)}), 5})
	}
	if m.info.level != "" {
		parts = append(parts, part{tr.T("header.level", i18n.Args{"Level": m.info.level}), 1})
	}
	if m.info.balance != nil {
		parts = append(parts, part{s.Bold.Render(m.c.Money(*m.info.balance)), 8})
	}
	for _, k := range slices.Sorted(maps.Keys(m.alerts)) {
		parts = append(parts, part{s.Warning.Render("! " + m.alerts[k]), 7})
	}
	if m.c.Settings.Privacy {
		parts = append(parts, part{s.Subtle.Render(tr.T("header.privacy", nil)), 4})
	}
	if m.c.Settings.ReadOnly {
		parts = append(parts, part{s.Subtle.Render(tr.T("header.read_only", nil)), 4})
	}
	if m.info.err != nil {
		parts = append(parts, part{s.Error.Render("! " + common.Truncate(m.c.Explain(m.info.err), 50)), 2})
	}
	sep := s.Subtle.Render(" │ ")
	join := func() string {
		texts := make([]string, len(parts))
		for i, p := range parts {
			texts[i] = p.text
		}
		return s.Header.Render(strings.Join(texts, sep))
	}
	line := join()
	for lipgloss.Width(line) > m.width && len(parts) > 1 {
		drop := 0
		for i, p := range parts {
			if p.keep < parts[drop].keep {
				drop = i
			}
		}
		parts = slices.Delete(parts, drop, drop+1)
		line = join()
	}
	return line
}
