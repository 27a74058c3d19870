package agent

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/ui/common"
)

// noAgent says the profile has no agent credentials and how to add them.
func noAgent(c *common.Common) string {
	return " " + c.Tr.T("agent.no_agent", nil) + "\n\n " + c.Tr.T("agent.no_agent_hint", nil)
}

// balanceLoadedMsg is one Ping with the samples it added.
type balanceLoadedMsg struct {
	gen      int
	balances []qiwiapi.Amount
	trend    map[qiwiapi.Currency][]qiwiapi.Amount
	at       time.Time
	err      error
	storeErr error
}

// balanceTickMsg is the refresh timer of one timer generation.
type balanceTickMsg struct{ gen int }

// BalanceModel is the Agent balance screen: each currency's balance, its
// trend, and a warning when it falls below the threshold.
type BalanceModel struct {
	c    *common.Common
	deps Deps

	// SampleCount is how many samples the trend line shows.
	SampleCount int

	width, height int
	state         common.LoadState
	err           error
	storeErr      error
	loadGen       int
	tickGen       int

	balances []qiwiapi.Amount
	trend    map[qiwiapi.Currency][]qiwiapi.Amount
	low      map[qiwiapi.Currency]bool
	updated  time.Time
}

// NewBalance builds the Agent balance screen.
func NewBalance(c *common.Common, deps Deps) *BalanceModel {
	return &BalanceModel{c: c, deps: deps, SampleCount: DefaultSamples, low: map[qiwiapi.Currency]bool{}}
}

// Busy reports a load in flight.
func (m *BalanceModel) Busy() bool { return m.c.Agent != nil && m.state == common.StateLoading }

// SetSize records the body size.
func (m *BalanceModel) SetSize(w, h int) { m.width, m.height = w, h }

// Init loads the balances and starts the refresh timer (a new timer
// generation, so an earlier chain of ticks dies).
func (m *BalanceModel) Init() tea.Cmd {
	if m.c.Agent == nil {
		return nil
	}
	m.tickGen++
	return tea.Batch(m.load(), m.schedule())
}

func (m *BalanceModel) schedule() tea.Cmd {
	if m.deps.Refresh <= 0 {
		return nil
	}
	gen := m.tickGen
	return tea.Tick(m.deps.Refresh, func(time.Time) tea.Msg { return balanceTickMsg{gen: gen} })
}

func (m *BalanceModel) load() tea.Cmd {
	if m.c.Agent == nil {
		return nil
	}
	m.loadGen++
	m.state = common.StateLoading
	gen, client, samples, n, now := m.loadGen, m.c.Agent, m.deps.Samples, m.SampleCount, m.c.Now
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		msg := balanceLoadedMsg{gen: gen, at: now()}
		msg.balances, _, msg.err = client.Ping(ctx)
		if msg.err != nil || samples == nil {
			return msg
		}
		msg.trend = map[qiwiapi.Currency][]qiwiapi.Amount{}
		for _, b := range msg.balances {
			if err := samples.Add(ctx, b, msg.at); err != nil && msg.storeErr == nil {
				msg.storeErr = err
			}
			recent, err := samples.Recent(ctx, b.Currency, n)
			if err != nil && msg.storeErr == nil {
				msg.storeErr = err
			}
			msg.trend[b.Currency] = recent
		}
		return msg
	}
}

// Update handles the timer, keys and load results.
func (m *BalanceModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		return m, m.load()
	case balanceTickMsg:
		if msg.gen != m.tickGen {
			return m, nil // an older timer chain
		}
		return m, tea.Batch(m.load(), m.schedule())
	case balanceLoadedMsg:
		if msg.gen != m.loadGen {
			return m, nil
		}
		if msg.err != nil {
			m.state, m.err = common.StateError, msg.err
			return m, m.c.ErrorToast(msg.err)
		}
		m.state, m.err, m.storeErr = common.StateReady, nil, msg.storeErr
		m.balances, m.updated = msg.balances, msg.at
		if msg.trend != nil {
			m.trend = msg.trend
		}
		return m, m.checkThresholds()
	case tea.KeyMsg:
		if key.Matches(msg, m.c.Keys.Refresh) {
			return m, m.load()
		}
	}
	return m, nil
}

// checkThresholds toasts once when a balance crosses below its threshold;
// it toasts again only after the balance went back above it.
func (m *BalanceModel) checkThresholds() tea.Cmd {
	var crossed []string
	for _, b := range m.balances {
		low := m.isLow(b)
		if low && !m.low[b.Currency] {
			t := m.deps.Thresholds[b.Currency]
			crossed = append(crossed, m.c.Tr.T("agent.balance_low_item", i18n.Args{"Currency": b.Currency.Code(), "Amount": m.c.Money(b), "Threshold": m.c.Money(t)}))
		}
		m.low[b.Currency] = low
	}
	alert := m.headerAlert()
	if len(crossed) == 0 {
		return alert
	}
	text := m.c.Tr.T("agent.balance_low_toast", i18n.Args{"List": strings.Join(crossed, ", ")})
	return tea.Batch(alert, func() tea.Msg { return common.ToastMsg{Text: text, Error: true} })
}

// headerAlert keeps the shell's header warning in step with the balances:
// "LOW agent balance: USD" while any is below its threshold, cleared after.
func (m *BalanceModel) headerAlert() tea.Cmd {
	var codes []string
	for _, c := range m.Low() {
		codes = append(codes, c.Code())
	}
	text := ""
	if len(codes) > 0 {
		text = m.c.Tr.T("agent.balance_low_alert", i18n.Args{"Codes": strings.Join(codes, ", ")})
	}
	return func() tea.Msg { return common.HeaderAlertMsg{Key: "agent-balance", Text: text} }
}

func (m *BalanceModel) isLow(b qiwiapi.Amount) bool {
	t, ok := m.deps.Thresholds[b.Currency]
	return ok && t.Currency == b.Currency && b.Minor < t.Minor
}

// Low reports the currencies currently below their threshold.
func (m *BalanceModel) Low() []qiwiapi.Currency {
	var out []qiwiapi.Currency
	for _, b := range m.balances {
		if m.isLow(b) {
			out = append(out, b.Currency)
		}
	}
	return out
}

// View draws the header, one line per currency and the trend.
func (m *BalanceModel) View() string {
	s := m.c.Styles
	if m.c.Agent == nil {
		return s.Subtle.Render(noAgent(m.c))
	}
	tr := m.c.Tr
	if len(m.balances) == 0 {
		switch m.state {
		case common.StateLoading:
			return s.Subtle.Render(" " + tr.T("agent.balance_loading", nil))
		case common.StateError:
			return s.Error.Render(" "+m.c.Explain(m.err)) + "\n\n" + s.Subtle.Render(" "+tr.T("agent.retry", nil))
		}
	}
	var b strings.Builder
	low := m.Low()
	if len(low) > 0 {
		codes := make([]string, len(low))
		for i, c := range low {
			codes[i] = c.Code()
		}
		b.WriteString(s.Warning.Bold(true).Render(" "+tr.T("agent.balance_low_title", i18n.Args{"Codes": strings.Join(codes, ", ")})) + "\n")
	} else {
		b.WriteString(s.Title.Render(" "+tr.T("agent.balance_title", nil)) + "\n")
	}
	info := []string{tr.T("agent.terminal", i18n.Args{"ID": m.c.Personal(m.c.Agent.TerminalID())}), m.refreshText()}
	if !m.updated.IsZero() {
		info = append(info, tr.T("agent.updated", i18n.Args{"Time": m.c.Clock(m.updated)}))
	}
	b.WriteString(s.Subtle.Render(" "+strings.Join(info, " · ")) + "\n\n")

	n := m.SampleCount
	// The state before the trend: at 80 columns the trend is what is cut.
	b.WriteString(s.TableHeader.Render(fmt.Sprintf(" %-4s %20s %20s  %-5s %s", tr.T("agent.balance_col_ccy", nil), tr.T("agent.balance_col_balance", nil),
		tr.T("agent.balance_col_threshold", nil), tr.T("agent.balance_col_state", nil), tr.T("agent.balance_col_trend", i18n.Args{"N": n}))) + "\n")
	lowWord, okWord := common.PadRight(tr.T("agent.balance_state_low", nil), 6), tr.T("agent.balance_state_ok", nil)
	okPad := strings.Repeat(" ", max(0, 6-len([]rune(okWord))))
	for _, bal := range m.balances {
		threshold := "—"
		if t, ok := m.deps.Thresholds[bal.Currency]; ok {
			threshold = m.c.Money(t)
		}
		spark := Sparkline(m.trend[bal.Currency], n)
		line := fmt.Sprintf(" %-4s %20s %20s  ", bal.Currency.Code(), m.c.Money(bal), threshold)
		if m.isLow(bal) {
			b.WriteString(s.Warning.Render(line+lowWord+spark) + "\n")
		} else {
			b.WriteString(line + s.Positive.Render(okWord) + okPad + spark + "\n")
		}
	}
	if m.state == common.StateError && m.err != nil {
		b.WriteString("\n" + s.Error.Render(" "+tr.T("agent.balance_refresh_failed", i18n.Args{"Why": m.c.Explain(m.err)})) + "\n")
	}
	if m.storeErr != nil {
		b.WriteString("\n" + s.Error.Render(" "+tr.T("agent.balance_trend_unsaved", i18n.Args{"Why": m.c.Explain(m.storeErr)})) + "\n")
	}
	b.WriteString("\n" + s.Subtle.Render(" "+tr.T("agent.balance_trend_note", nil)) + "\n")
	return b.String()
}

func (m *BalanceModel) refreshText() string {
	if m.deps.Refresh <= 0 {
		return m.c.Tr.T("agent.balance_refresh_off", nil)
	}
	return m.c.Tr.T("agent.balance_refresh_every", i18n.Args{"Every": shortDuration(m.c.Tr, m.deps.Refresh)})
}

// ShortHelp lists the screen's keys.
func (m *BalanceModel) ShortHelp() []key.Binding { return []key.Binding{m.c.Keys.Refresh} }

// FullHelp lists every key of the screen.
func (m *BalanceModel) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

var sparkLevels = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws the last width amounts (oldest first) with block
// characters scaled between their minimum and maximum; a flat series is a
// flat line at the lowest level. Amounts are compared in minor units.
func Sparkline(values []qiwiapi.Amount, width int) string {
	if width <= 0 || len(values) == 0 {
		return ""
	}
	if len(values) > width {
		values = values[len(values)-width:]
	}
	minors := make([]int64, len(values))
	for i, v := range values {
		minors[i] = v.Minor
	}
	lo, hi := slices.Min(minors), slices.Max(minors)
	top := int64(len(sparkLevels) - 1)
	out := make([]rune, len(minors))
	for i, v := range minors {
		level := int64(0)
		if hi > lo {
			// Round to the nearest level; integer arithmetic, no floats.
			level = ((v-lo)*top*2 + (hi - lo)) / ((hi - lo) * 2)
		}
		out[i] = sparkLevels[level]
	}
	return string(out)
}

// shortDuration prints 30s, 5m, 1h30m, 9m58s without zero parts (in
// Russian 30 с, 5 мин, 1 ч 30 мин, 9 мин 58 с).
func shortDuration(tr *i18n.Tr, d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Second {
		return tr.T("agent.dur_now", nil)
	}
	h, mnt, sec := d/time.Hour, (d%time.Hour)/time.Minute, (d%time.Minute)/time.Second
	var parts []string
	if h > 0 {
		parts = append(parts, tr.T("agent.dur_h", i18n.Args{"N": int(h)}))
	}
	if mnt > 0 {
		parts = append(parts, tr.T("agent.dur_m", i18n.Args{"N": int(mnt)}))
	}
	if sec > 0 && h == 0 {
		parts = append(parts, tr.T("agent.dur_s", i18n.Args{"N": int(sec)}))
	}
	sep := ""
	if tr.Lang() == i18n.RU {
		sep = " " // "1 ч 30 мин": units of words, not letters
	}
	return strings.Join(parts, sep)
}
