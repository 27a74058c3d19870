// Package limits is the Limits screen: every limit type with a gauge of
// spent against max, what is left, the period, and the P2P count limit.
package limits

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/ui/common"
	"qiwidash/ui/feed"
)

type loadedMsg struct {
	gen      int
	limits   *qiwiapi.Limits
	p2pCount int
	p2pErr   error
	err      error
}

// limitName explains a limit type in words (QIWI's name for one it does
// not know).
func limitName(tr *i18n.Tr, t qiwiapi.LimitType) string {
	switch t {
	case qiwiapi.LimitTurnover:
		return tr.T("limits.turnover", nil)
	case qiwiapi.LimitRefill:
		return tr.T("limits.refill", nil)
	case qiwiapi.LimitPaymentsP2P:
		return tr.T("limits.p2p", nil)
	case qiwiapi.LimitPaymentsInternationals:
		return tr.T("limits.internationals", nil)
	case qiwiapi.LimitPaymentsPayout:
		return tr.T("limits.payout", nil)
	case qiwiapi.LimitWithdrawCash:
		return tr.T("limits.withdraw_cash", nil)
	}
	return string(t)
}

// Model is the Limits screen.
type Model struct {
	c             *common.Common
	width, height int
	state         common.LoadState
	gen           int
	err           error
	data          loadedMsg
}

// New builds the screen.
func New(c *common.Common) *Model { return &Model{c: c} }

// Init loads the limits.
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
		msg.limits, _, msg.err = api.Limits.Actual(ctx, wallet, qiwiapi.AllLimitTypes...)
		if msg.err == nil {
			msg.p2pCount, _, msg.p2pErr = api.Limits.P2PPaymentCount(ctx, wallet)
		}
		return msg
	}
}

// Update handles keys and results.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		return m, m.load()
	case common.MoneyMovedMsg, feed.WalletPaymentMsg:
		// Money moved somewhere: what this screen shows is stale.
		return m, m.load()
	case loadedMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		if msg.err != nil {
			m.state, m.err = common.StateError, msg.err
			return m, m.c.ErrorToast(msg.err)
		}
		m.state, m.data = common.StateReady, msg
	case tea.KeyMsg:
		if key.Matches(msg, m.c.Keys.Refresh) {
			return m, m.load()
		}
	}
	return m, nil
}

// View draws one gauge per limit.
func (m *Model) View() string {
	s, tr := m.c.Styles, m.c.Tr
	if m.data.limits == nil {
		if m.state == common.StateError {
			return s.Error.Render(" "+m.c.Explain(m.err)) + "\n\n " + tr.T("limits.retry", i18n.Args{"Key": m.c.Keys.Refresh.Help().Key})
		}
		return s.Subtle.Render(" " + tr.T("limits.loading", nil))
	}
	barWidth := max(8, min(40, m.width-111))
	if m.narrow() {
		barWidth = max(8, min(20, m.width-77))
	}
	var b strings.Builder
	countries := make([]string, 0, len(m.data.limits.Limits))
	for c := range m.data.limits.Limits {
		countries = append(countries, c)
	}
	sort.Strings(countries)
	for _, country := range countries {
		b.WriteString(s.Title.Render(" "+tr.T("limits.title", i18n.Args{"Country": country})) + "\n")
		limit, used, left, most := tr.T("limits.col_limit", nil), tr.T("limits.col_used", nil), tr.T("limits.col_left", nil), tr.T("limits.col_max", nil)
		header := fmt.Sprintf("   %-24s %-*s %15s %15s %15s  %s", limit, barWidth+6, used, tr.T("limits.col_spent", nil), left, most, tr.T("limits.col_period", nil))
		if m.narrow() {
			header = fmt.Sprintf("   %-24s %-*s %15s %15s", limit, barWidth+6, used, left, most)
		}
		b.WriteString(s.TableHeader.Render(header) + "\n")
		for _, l := range m.data.limits.Limits[country] {
			b.WriteString("   " + m.limitLine(l, barWidth) + "\n")
		}
		b.WriteString("\n")
	}
	p2p := fmt.Sprint(m.data.p2pCount)
	if m.data.p2pErr != nil {
		p2p = s.Subtle.Render(m.c.Explain(m.data.p2pErr))
	}
	b.WriteString(s.Title.Render(" "+tr.T("limits.p2p_title", nil)) + "\n   " + s.Label.Render(tr.T("limits.p2p_allowed", nil)+" ") + p2p + "\n")
	return b.String()
}

func (m *Model) limitLine(l qiwiapi.Limit, barWidth int) string {
	s := m.c.Styles
	name := limitName(m.c.Tr, l.Type)
	rest, maxA, spent, err := l.Amounts()
	if err != nil {
		return fmt.Sprintf("%-24s %s", name, s.Error.Render(m.c.Tr.T("limits.unreadable", i18n.Args{"Why": m.c.Explain(err)})))
	}
	gauge, pct := bar(spent.Minor, maxA.Minor, barWidth)
	style := s.Positive
	switch {
	case pct >= 90:
		style = s.Negative
	case pct >= 70:
		style = s.Warning
	}
	period := l.Interval.DateFrom.Raw + " – " + l.Interval.DateTill.Raw
	if !l.Interval.DateFrom.IsZero() && !l.Interval.DateTill.IsZero() {
		period = l.Interval.DateFrom.Format("02.01.2006") + " – " + l.Interval.DateTill.Format("02.01.2006")
	}
	if m.narrow() {
		return fmt.Sprintf("%-24s %s %4d%% %15s %15s", common.Truncate(name, 24), style.Render(gauge), pct, m.c.Money(rest), m.c.Money(maxA))
	}
	return fmt.Sprintf("%-24s %s %4d%% %15s %15s %15s  %s", common.Truncate(name, 24), style.Render(gauge), pct,
		m.c.Money(spent), m.c.Money(rest), m.c.Money(maxA), period)
}

// narrow drops the spent and period columns below 120 columns; the
// percentage still says how much is used.
func (m *Model) narrow() bool { return m.width < 120 }

// bar draws spent/max as a gauge of width cells; the percentage is printed
// beside it so the meaning does not rest on colour.
func bar(spent, total int64, width int) (string, int) {
	pct := 0
	if total > 0 {
		pct = int(min(100, spent*100/total))
	}
	filled := pct * width / 100
	return "[" + strings.Repeat("█", filled) + strings.Repeat("·", width-filled) + "]", pct
}

// ShortHelp lists the screen's keys.
func (m *Model) ShortHelp() []key.Binding { return []key.Binding{m.c.Keys.Refresh} }

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
