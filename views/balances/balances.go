// Package balances is the Balances screen: every account with its amount
// and currency, the default marked, opening accounts from QIWI's offers,
// choosing the default, and the cross-rates table.
package balances

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/ui/common"
	"qiwidash/ui/feed"
)

// loadedMsg carries accounts, offers and rates for one load generation.
type loadedMsg struct {
	gen      int
	accounts []qiwiapi.Account
	offers   []qiwiapi.Offer
	rates    []qiwiapi.CrossRate
	err      error
}

// actionDoneMsg reports an account change; it triggers a reload.
type actionDoneMsg struct {
	text string
	err  error
}

// Model is the Balances screen.
type Model struct {
	c             *common.Common
	width, height int
	state         common.LoadState
	gen           int
	err           error

	accounts []qiwiapi.Account
	offers   []qiwiapi.Offer
	rates    []qiwiapi.CrossRate
	cursor   int // over accounts, then offers
}

// New builds the screen.
func New(c *common.Common) *Model { return &Model{c: c} }

// Init starts the first load.
func (m *Model) Init() tea.Cmd { return m.load() }

// Busy reports work in flight.
func (m *Model) Busy() bool { return m.state == common.StateLoading }

// SetSize records the body size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

func (m *Model) load() tea.Cmd {
	m.gen++
	m.state = common.StateLoading
	gen, api, wallet := m.gen, m.c.API, m.c.Wallet
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		msg := loadedMsg{gen: gen}
		msg.accounts, _, msg.err = api.Balances.List(ctx, wallet)
		if msg.err != nil {
			return msg
		}
		msg.offers, _, msg.err = api.Balances.Offers(ctx, wallet)
		if msg.err != nil {
			return msg
		}
		msg.rates, _, msg.err = api.Payments.CrossRates(ctx)
		return msg
	}
}

// Update handles keys and load results.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		return m, m.load()
	case common.ScrollMsg:
		m.cursor = common.Clamp(m.cursor+msg.Delta, m.rows())
		return m, nil
	case common.MoneyMovedMsg, feed.WalletPaymentMsg:
		// Money moved somewhere: what this screen shows is stale.
		return m, m.load()
	case loadedMsg:
		if msg.gen != m.gen {
			return m, nil // stale: a newer load is under way
		}
		if msg.err != nil {
			m.state, m.err = common.StateError, msg.err
			return m, m.c.ErrorToast(msg.err)
		}
		m.state, m.err = common.StateReady, nil
		m.accounts, m.offers, m.rates = msg.accounts, msg.offers, msg.rates
		m.cursor = min(m.cursor, max(0, m.rows()-1))
		return m, nil
	case actionDoneMsg:
		if msg.err != nil {
			return m, m.c.ErrorToast(msg.err)
		}
		return m, tea.Batch(common.Toast(msg.text), m.load())
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	}
	return m, nil
}

func (m *Model) rows() int { return len(m.accounts) + len(m.offers) }

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.Down):
		m.cursor = min(max(0, m.rows()-1), m.cursor+1)
	case key.Matches(msg, k.Refresh):
		return m.load()
	case key.Matches(msg, k.Default):
		return m.askDefault()
	case key.Matches(msg, k.Enter), key.Matches(msg, k.New):
		return m.askCreate()
	case key.Matches(msg, k.Copy):
		if a, ok := m.selectedAccount(); ok && a.Balance != nil {
			return common.Copy(a.Balance.Decimal(), m.c.Tr.T("balances.copy_balance", nil))
		}
	}
	return nil
}

func (m *Model) selectedAccount() (qiwiapi.Account, bool) {
	if m.cursor < len(m.accounts) {
		return m.accounts[m.cursor], true
	}
	return qiwiapi.Account{}, false
}

func (m *Model) selectedOffer() (qiwiapi.Offer, bool) {
	i := m.cursor - len(m.accounts)
	if i >= 0 && i < len(m.offers) {
		return m.offers[i], true
	}
	return qiwiapi.Offer{}, false
}

func (m *Model) askDefault() tea.Cmd {
	a, ok := m.selectedAccount()
	if !ok || a.DefaultAccount || !a.HasBalance || m.c.Settings.ReadOnly {
		return nil
	}
	api, wallet, tr := m.c.API, m.c.Wallet, m.c.Tr
	args := i18n.Args{"Account": a.Alias, "Currency": a.Currency.Code()}
	done := tr.T("balances.default_done", args)
	return common.Confirm(tr.T("balances.default_title", nil),
		[]string{tr.T("balances.default_line", args)},
		func() tea.Msg {
			_, err := api.Balances.SetDefault(context.Background(), wallet, a.Alias)
			return actionDoneMsg{text: done, err: err}
		})
}

func (m *Model) askCreate() tea.Cmd {
	o, ok := m.selectedOffer()
	if !ok || m.c.Settings.ReadOnly {
		return nil
	}
	api, wallet, tr := m.c.API, m.c.Wallet, m.c.Tr
	args := i18n.Args{"Account": o.Alias, "Currency": o.Currency.Code()}
	done := tr.T("balances.open_done", args)
	return common.Confirm(tr.T("balances.open_title", nil),
		[]string{tr.T("balances.open_line", args)},
		func() tea.Msg {
			_, err := api.Balances.Create(context.Background(), wallet, o.Alias)
			return actionDoneMsg{text: done, err: err}
		})
}

// View draws accounts, offers and rates.
func (m *Model) View() string {
	s, tr := m.c.Styles, m.c.Tr
	switch m.state {
	case common.StateLoading:
		if len(m.accounts) == 0 {
			return s.Subtle.Render(" " + tr.T("balances.loading", nil))
		}
	case common.StateError:
		if len(m.accounts) == 0 {
			return s.Error.Render(" " + m.c.Explain(m.err) + "\n\n " + tr.T("balances.retry", i18n.Args{"Key": m.c.Keys.Refresh.Help().Key}))
		}
	}
	var b strings.Builder
	b.WriteString(s.Title.Render(" "+tr.T("balances.accounts", nil)) + "\n")
	b.WriteString(s.TableHeader.Render(fmt.Sprintf("   %-18s %-22s %-5s %20s", tr.T("balances.col_account", nil), tr.T("balances.col_type", nil),
		tr.T("balances.col_currency", nil), tr.T("balances.col_balance", nil))) + "\n")
	for i, a := range m.accounts {
		bal := tr.T("balances.no_balance", nil)
		if a.Balance != nil {
			bal = m.c.Money(*a.Balance)
		} else if a.Pending() {
			bal = tr.T("balances.pending", nil)
		}
		mark := " "
		if a.DefaultAccount {
			mark = "*"
		}
		line := fmt.Sprintf("%s %-18s %-22s %-5s %20s", mark, common.Truncate(a.Alias, 18), common.Truncate(a.Type.Title, 22), a.Currency.Code(), bal)
		b.WriteString(m.row(i, line) + "\n")
	}
	b.WriteString(s.Subtle.Render("   "+tr.T("balances.default_mark", nil)) + "\n\n")
	if len(m.offers) > 0 {
		b.WriteString(s.Title.Render(" "+tr.T("balances.offers", nil)) + "\n")
		press := tr.T("balances.press_to_open", i18n.Args{"Key": m.c.Keys.Enter.Help().Key})
		for i, o := range m.offers {
			line := fmt.Sprintf("+ %-18s %-22s %-5s", o.Alias, common.Truncate(press, 22), o.Currency.Code())
			b.WriteString(m.row(len(m.accounts)+i, line) + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString(m.ratesView())
	return b.String()
}

func (m *Model) row(i int, line string) string {
	if i == m.cursor {
		return m.c.Styles.Selected.Render("▶" + line)
	}
	return " " + line
}

func (m *Model) ratesView() string {
	if len(m.rates) == 0 {
		return ""
	}
	s := m.c.Styles
	var b strings.Builder
	b.WriteString(s.Title.Render(" "+m.c.Tr.T("balances.rates", nil)) + s.Subtle.Render("  "+m.c.Tr.T("balances.rates_note", nil)) + "\n")
	cols := max(1, (m.width-2)/26)
	_, point := m.c.Tr.Separators()
	for i, r := range m.rates {
		rate := strings.Replace(string(r.Rate), ".", point, 1) // as QIWI sends it, with the reader's decimal point
		cell := fmt.Sprintf("%s→%s %-14s", r.From.Code(), r.To.Code(), rate)
		b.WriteString(" " + common.PadRight(cell, 25))
		if (i+1)%cols == 0 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// ShortHelp lists the screen's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	def, enter := k.Default, k.Enter
	def.SetEnabled(!m.c.Settings.ReadOnly)
	enter = common.Relabel(enter, m.c.Tr.T("balances.key_open", nil))
	enter.SetEnabled(!m.c.Settings.ReadOnly)
	return []key.Binding{k.Up, k.Down, def, enter, k.Copy, k.Refresh}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
