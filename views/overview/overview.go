// Package overview is the Overview mode's Profiles screen: one row per
// profile (credentials, balances, the agent's with its low mark, bills,
// restrictions in words, last sync, what failed), painted from the store
// at once and filled in as each profile answers; totals per currency; the
// alerts, each told once with a toast and the terminal bell. Enter opens
// the profile's dashboard. It renders what store/overview builds.
package overview

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/store"
	"qiwidash/store/overview"
	"qiwidash/ui/common"
)

// RefreshEvery is how old the last refresh may be before opening the
// screen again refreshes (a profile switch rebuilds the screens).
const RefreshEvery = time.Minute

// Shared is what the Overview remembers for the whole run, across
// profile switches: the alerts already told, the last refresh.
type Shared struct {
	mu        sync.Mutex
	told      map[string]bool
	refreshed time.Time
	rows      []overview.Row
}

// NewShared starts a run's memory.
func NewShared() *Shared { return &Shared{told: map[string]bool{}} }

// Deps are what the screen needs.
type Deps struct {
	Engine *overview.Engine
	Shared *Shared
	// Bell rings the terminal bell (nil: none).
	Bell func()
	// Active is the profile whose dashboard is open.
	Active string
}

type loadedMsg struct {
	gen  int
	rows []overview.Row
	err  error
}

type rowMsg struct {
	gen int
	row overview.Row
	ch  <-chan overview.Row
}

type refreshedMsg struct{ gen int }

// Model is the Profiles screen.
type Model struct {
	c             *common.Common
	d             Deps
	width, height int
	state         common.LoadState
	gen           int
	rows          []overview.Row
	cur           int
	err           error
	refreshing    bool      // a refresh has profiles not yet answered
	readAt        time.Time // when the last refresh ended
	cancel        context.CancelFunc
}

// New builds the screen.
func New(c *common.Common, d Deps) *Model {
	if d.Shared == nil {
		d.Shared = NewShared()
	}
	return &Model{c: c, d: d}
}

// AllProfiles: a profile switch opens the profile's own screens.
func (m *Model) AllProfiles() bool { return true }

// Busy reports profiles still being read.
func (m *Model) Busy() bool { return m.state == common.StateLoading || m.refreshing }

// SetSize records the body size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Init paints from the store, then refreshes unless a refresh of this run
// is recent (the rows it read are shown).
func (m *Model) Init() tea.Cmd {
	sh := m.d.Shared
	sh.mu.Lock()
	recent := !sh.refreshed.IsZero() && m.c.Now().Sub(sh.refreshed) < RefreshEvery
	if len(sh.rows) > 0 {
		m.rows, m.state = append([]overview.Row(nil), sh.rows...), common.StateReady
	}
	sh.mu.Unlock()
	if recent && len(m.rows) > 0 {
		return nil
	}
	return tea.Batch(m.load(), m.refresh())
}

func (m *Model) load() tea.Cmd {
	m.gen++
	if len(m.rows) == 0 {
		m.state = common.StateLoading
	}
	gen, e := m.gen, m.d.Engine
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		rows, err := e.Load(ctx)
		return loadedMsg{gen: gen, rows: rows, err: err}
	}
}

// refresh reads every profile live; rows come one by one as they answer.
func (m *Model) refresh() tea.Cmd {
	if m.cancel != nil {
		m.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	gen := m.gen
	m.refreshing = true
	m.d.Shared.mu.Lock()
	m.d.Shared.refreshed = m.c.Now()
	m.d.Shared.mu.Unlock()
	ch := m.d.Engine.Refresh(ctx, m.c.Tr)
	return next(gen, ch)
}

func next(gen int, ch <-chan overview.Row) tea.Cmd {
	return func() tea.Msg {
		r, ok := <-ch
		if !ok {
			return refreshedMsg{gen: gen}
		}
		return rowMsg{gen: gen, row: r, ch: ch}
	}
}

// Update handles keys and results.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		if msg.err != nil {
			m.state, m.err = common.StateError, msg.err
			return m, m.c.ErrorToast(msg.err)
		}
		m.state, m.err = common.StateReady, nil
		m.merge(msg.rows)
		return m, m.alert()
	case rowMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.merge([]overview.Row{msg.row})
		return m, tea.Batch(m.alert(), next(msg.gen, msg.ch))
	case refreshedMsg:
		if msg.gen == m.gen {
			m.refreshing, m.readAt = false, m.c.Now()
		}
		return m, nil
	case common.RefreshMsg: // the refresh interval, or the terminal regaining focus
		if m.refreshing {
			return m, nil // the one in flight answers soon enough
		}
		return m, tea.Batch(m.load(), m.refresh())
	case tea.KeyMsg:
		k := m.c.Keys
		switch {
		case key.Matches(msg, k.Down):
			m.cur = min(m.cur+1, max(0, len(m.rows)-1))
		case key.Matches(msg, k.Up):
			m.cur = max(0, m.cur-1)
		case key.Matches(msg, k.Refresh):
			return m, tea.Batch(m.load(), m.refresh())
		case key.Matches(msg, k.Enter):
			if m.cur < len(m.rows) {
				return m, common.SwitchProfile(m.rows[m.cur].Profile)
			}
		}
	}
	return m, nil
}

// merge replaces the rows of the same profiles (a first paint lists them all).
func (m *Model) merge(rows []overview.Row) {
	if len(m.rows) == 0 || len(rows) > 1 {
		fresh := map[string]overview.Row{}
		for _, r := range m.rows {
			if r.Fresh {
				fresh[r.Profile] = r // an answer that came before the paint
			}
		}
		m.rows = append([]overview.Row(nil), rows...)
		for i, r := range m.rows {
			if f, ok := fresh[r.Profile]; ok && !r.Fresh {
				m.rows[i] = f
			}
		}
	} else {
		found := false
		for i := range m.rows {
			if m.rows[i].Profile == rows[0].Profile {
				m.rows[i], found = rows[0], true
			}
		}
		if !found {
			m.rows = append(m.rows, rows[0])
		}
	}
	m.cur = min(m.cur, max(0, len(m.rows)-1))
	m.d.Shared.mu.Lock()
	m.d.Shared.rows = append([]overview.Row(nil), m.rows...)
	m.d.Shared.mu.Unlock()
}

// alert tells each new alert once in the run: a toast and the bell.
func (m *Model) alert() tea.Cmd {
	sh := m.d.Shared
	sh.mu.Lock()
	var fresh []overview.Alert
	for _, r := range m.rows {
		for _, a := range r.Alerts() {
			if !sh.told[a.Key] {
				sh.told[a.Key] = true
				fresh = append(fresh, a)
			}
		}
	}
	sh.mu.Unlock()
	if len(fresh) == 0 {
		return nil
	}
	text := sanitize.Text(fresh[0].Profile) + ": " + sanitize.Text(fresh[0].Text(m.writer()))
	if len(fresh) > 1 {
		text = m.c.Tr.N("overview.toast_more", len(fresh)-1, i18n.Args{"Alert": text})
	}
	bell := m.d.Bell
	return tea.Batch(func() tea.Msg {
		if bell != nil {
			bell()
		}
		return nil
	}, func() tea.Msg { return common.ToastMsg{Text: text, Error: true} })
}

// View draws the rows, the totals and the alerts.
func (m *Model) View() string {
	s := m.c.Styles
	if len(m.rows) == 0 {
		switch m.state {
		case common.StateError:
			return s.Error.Render(" "+m.c.Explain(m.err)) + "\n\n " + m.c.Tr.T("overview.retry", nil)
		case common.StateLoading:
			return s.Subtle.Render(" " + m.c.Tr.T("overview.loading", nil))
		}
		return s.Subtle.Render(" " + m.c.Tr.T("overview.none", nil))
	}
	tr := m.c.Tr
	wide := m.width >= 120
	var b strings.Builder
	status := tr.T("overview.from_cache", nil)
	switch {
	case m.refreshing:
		status = tr.T("overview.reading_all", nil)
	case !m.readAt.IsZero():
		status = tr.T("overview.read_at", i18n.Args{"Time": m.when(m.readAt, "15:04")})
	}
	b.WriteString(s.Subtle.Render(" "+tr.N("overview.summary", len(m.rows), i18n.Args{"Status": status})) + "\n")
	profile, holds, wallet, agent, bills := tr.T("overview.col_profile", nil), tr.T("overview.col_holds_short", nil), tr.T("overview.col_wallet", nil),
		tr.T("overview.col_agent", nil), tr.T("overview.col_bills", nil)
	head := "   " + common.PadRight(profile, 10) + " " + common.PadRight(holds, 5) + " " + common.PadRight(wallet, 20) + " " +
		common.PadRight(agent, 16) + " " + common.PadRight(bills, 5) + " " + tr.T("overview.col_state", nil)
	if wide {
		holds = tr.T("overview.col_holds", nil)
		head = "   " + common.PadRight(profile, 11) + " " + common.PadRight(holds, 21) + " " + common.PadRight(wallet, 24) + " " +
			common.PadRight(agent, 20) + " " + common.PadRight(bills, 13) + " " + tr.T("overview.col_state", nil)
	}
	b.WriteString(s.TableHeader.Render(common.Truncate(head, m.width)) + "\n")
	for i, r := range m.rows {
		line := m.line(r, wide)
		if i == m.cur {
			b.WriteString(s.Selected.Render(common.Truncate("▶ "+line, m.width)) + "\n")
		} else {
			b.WriteString("  " + common.Truncate(line, m.width-2) + "\n")
		}
	}
	wallets, agents := overview.Totals(m.rows)
	label := " " + tr.T("overview.totals", nil) + "  "
	w, a := tr.T("overview.totals_wallets", nil), tr.T("overview.totals_agents", nil)
	if wide {
		b.WriteString("\n" + s.Label.Render(strings.TrimRight(label, " ")) + "  " + w + " " + m.moneyList(wallets, 0) + "  ·  " + a + " " + m.moneyList(agents, 0) + "\n")
	} else { // the two lists one under the other
		words := max(len([]rune(w)), len([]rune(a)))
		b.WriteString("\n" + s.Label.Render(strings.TrimRight(label, " ")) + "  " + common.PadRight(w, words) + " " + m.moneyList(wallets, 0) + "\n" +
			strings.Repeat(" ", len([]rune(label))) + common.PadRight(a, words) + " " + m.moneyList(agents, 0) + "\n")
	}
	var alerts []overview.Alert
	for _, r := range m.rows {
		alerts = append(alerts, r.Alerts()...)
	}
	if len(alerts) > 0 {
		b.WriteString("\n" + s.Title.Render(" "+tr.T("overview.alerts", i18n.Args{"Count": len(alerts)})) + "\n")
		room := max(1, m.height-len(m.rows)-8)
		for i, a := range alerts {
			if i == room-1 && len(alerts) > room {
				b.WriteString(s.Subtle.Render("   "+tr.T("overview.alerts_more", i18n.Args{"Count": len(alerts) - i})) + "\n")
				break
			}
			b.WriteString(common.Truncate("   "+s.Warning.Render("! ")+sanitize.Text(a.Profile)+": "+sanitize.Text(a.Text(m.writer())), m.width) + "\n")
		}
	}
	return b.String()
}

// line is one profile: what it holds, its money, and its state in words.
func (m *Model) line(r overview.Row, wide bool) string {
	name := sanitize.Text(r.Profile)
	if r.Profile == m.d.Active {
		name += "*"
	}
	holds := m.holds(r.Has, wide)
	walletCol, agentCol := 20, 16
	if wide {
		walletCol, agentCol = 24, 20
	}
	wallet := "—"
	if r.Has.Wallet {
		wallet = m.moneyList(r.Balances, walletCol)
	}
	agent := "—"
	if r.Has.Agent {
		var parts, low []string // a low balance first: it must not hide behind "+N"
		for _, a := range r.AgentBalance {
			if a.Low {
				low = append(low, m.c.Tr.T("overview.low", i18n.Args{"Amount": m.c.Money(a.Amount)}))
			} else {
				parts = append(parts, m.c.Money(a.Amount))
			}
		}
		parts = append(low, parts...)
		agent = fit(parts, agentCol)
	}
	bills := "—"
	if r.Has.Merchant {
		bills = fmt.Sprintf("%d/%d", r.BillsWaiting, r.PaidToday)
		if wide {
			bills = m.c.Tr.T("overview.bills", i18n.Args{"Waiting": r.BillsWaiting, "Paid": r.PaidToday})
		}
	}
	state := m.status(r)
	if wide {
		if !r.LastSync.IsZero() && len(r.Restrictions) == 0 && r.Failed == "" {
			state += m.c.Styles.Subtle.Render(" · " + m.c.Tr.T("overview.synced", i18n.Args{"Time": m.c.ShortDate(r.LastSync, false)}))
		}
		return fmt.Sprintf(" %s %s %s %s %s %s", common.PadRight(name, 11), common.PadRight(holds, 21), common.PadRight(wallet, walletCol),
			common.PadRight(agent, agentCol), common.PadRight(bills, 13), state)
	}
	return fmt.Sprintf(" %s %s %s %s %-5s %s", common.PadRight(name, 10), common.PadRight(holds, 5), common.PadRight(wallet, walletCol),
		common.PadRight(agent, agentCol), bills, state)
}

// status says in words what stands out: a restriction first, then a failure.
func (m *Model) status(r overview.Row) string {
	s, tr := m.c.Styles, m.c.Tr
	switch {
	case len(r.Restrictions) > 0:
		return s.Negative.Render(tr.T("overview.restricted", i18n.Args{"Restrictions": sanitize.Text(strings.Join(r.Restrictions, "; "))}))
	case r.Failed != "":
		return s.Error.Render(tr.T("overview.failed", i18n.Args{"Why": sanitize.Text(r.Failed)}))
	case len(r.Stuck) > 0:
		return s.Warning.Render(tr.N("overview.stuck", len(r.Stuck), nil))
	case !r.Fresh && r.Read.IsZero():
		return s.Subtle.Render(tr.T("overview.reading", nil))
	case !r.Fresh:
		return s.Subtle.Render(tr.T("overview.cached", i18n.Args{"Time": m.c.ShortDate(r.Read, false)}))
	}
	return s.Positive.Render(tr.T("overview.ok", nil))
}

// holds names the credentials a profile holds: "wallet+agent+merchant",
// "W A M" in a narrow column.
func (m *Model) holds(has store.Modes, wide bool) string {
	tr := m.c.Tr
	var parts []string
	add := func(on bool, name, short string) {
		if on && wide {
			parts = append(parts, name)
		} else if on {
			parts = append(parts, short)
		}
	}
	add(has.Wallet, tr.T("overview.holds_wallet", nil), tr.T("overview.holds_wallet_short", nil))
	add(has.Agent, tr.T("overview.holds_agent", nil), tr.T("overview.holds_agent_short", nil))
	add(has.Merchant, tr.T("overview.holds_merchant", nil), tr.T("overview.holds_merchant_short", nil))
	switch {
	case len(parts) == 0:
		return tr.T("overview.holds_none", nil)
	case wide:
		return strings.Join(parts, "+")
	}
	return strings.Join(parts, " ")
}

// moneyList is amounts joined, cut to width with "+N" for the rest (0: all).
func (m *Model) moneyList(as []qiwiapi.Amount, width int) string {
	if len(as) == 0 {
		return "—"
	}
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = m.c.Money(a)
	}
	if width == 0 {
		return strings.Join(parts, ", ")
	}
	return fit(parts, width)
}

// fit joins parts within width, ending with "+N" when some do not fit.
func fit(parts []string, width int) string {
	out := ""
	for i, p := range parts {
		next := p
		if out != "" {
			next = out + ", " + p
		}
		rest := ""
		if i < len(parts)-1 {
			rest = fmt.Sprintf(" +%d", len(parts)-1-i)
		}
		if len([]rune(next+rest)) > width && out != "" {
			return out + fmt.Sprintf(" +%d", len(parts)-i)
		}
		out = next
	}
	return common.Truncate(out, width)
}

// ShortHelp lists the screen's keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{common.Relabel(k.Enter, m.c.Tr.T("overview.open_profile", nil)), k.Refresh, k.Find}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.c.Keys.Up, m.c.Keys.Down}, m.ShortHelp()}
}

// writer writes alerts' amounts, times and ids as every screen does:
// masked in privacy mode, in the screens' zone.
func (m *Model) writer() overview.Writer {
	return overview.Writer{Tr: m.c.Tr, Money: m.c.Money, Time: m.when, Personal: m.c.Personal}
}

// when is t in the screens' zone by layout; "—" for none.
func (m *Model) when(t time.Time, layout string) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(m.c.Loc()).Format(layout)
}
