// Package insights is the Insights screen (Wallet mode): where the money
// went. Months (incoming and outgoing per month, 12 months, per currency,
// RUB first), categories, counterparties and a calendar of a month's
// spending, each one an aggregate of the cached history computed by the
// engine (store/insights); Enter opens exactly the rows behind a figure in
// History. The screen says which range the cache covers, widens it in the
// background through the history reader (within the wallet's budget),
// reconciles the chosen month with QIWI's own totals, and writes the
// month's statement with S.
package insights

import (
	"context"
	"path/filepath"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/store/insights"
	"qiwidash/store/reader"
	"qiwidash/ui/common"
	"qiwidash/ui/feed"
)

// Engine is the aggregates the screen shows; *insights.Insights implements it.
type Engine interface {
	Months(ctx context.Context, now time.Time, n int) (map[qiwiapi.Currency][]insights.Bucket, []qiwiapi.Currency, error)
	Days(ctx context.Context, month time.Time, cur qiwiapi.Currency, now time.Time) ([]insights.Bucket, error)
	Categories(ctx context.Context, from, to time.Time, cur qiwiapi.Currency) ([]insights.CategoryTotal, error)
	Counterparties(ctx context.Context, month time.Time, cur qiwiapi.Currency, side insights.Side, byCount bool, n int) ([]insights.Counterparty, error)
}

// History is the wallet's history reader (*reader.Reader): what the cache
// covers, widening it, QIWI's totals.
type History interface {
	Covered(ctx context.Context) (from time.Time, all bool, err error)
	Sync(ctx context.Context, until time.Time) error
	QIWITotals(ctx context.Context, start, end time.Time) (*qiwiapi.Totals, error)
	Status() reader.Status
}

// Statements writes the statement of [from, to] and says where.
type Statements func(ctx context.Context, from, to time.Time) (path string, err error)

// Deps are the screen's engines.
type Deps struct {
	Engine     Engine
	History    History
	Statements Statements // nil: no S
}

// months is how many months the screen shows.
const months = 12

// topN is how many counterparties each list shows.
const topN = 5

type panel int

const (
	panelMonths panel = iota
	panelCategories
	panelCounterparties
	panelDays
	panels
)

// name is the panel's tab in tr's language.
func (p panel) name(tr *i18n.Tr) string {
	switch p {
	case panelCategories:
		return tr.T("insights.panel_categories", nil)
	case panelCounterparties:
		return tr.T("insights.panel_counterparties", nil)
	case panelDays:
		return tr.T("insights.panel_days", nil)
	}
	return tr.T("insights.panel_months", nil)
}

// Model is the Insights screen.
type Model struct {
	c             *common.Common
	d             Deps
	width, height int

	state common.LoadState
	err   error
	gen   int // bumped by every reload of the months

	months map[qiwiapi.Currency][]insights.Bucket
	curs   []qiwiapi.Currency
	curIdx int
	month  int           // selected month, index into months[cur]
	side   insights.Side // selected bar of the month
	panel  panel

	detailGen int // bumped by every change of month or currency
	detailErr error
	cats      []insights.CategoryTotal
	cps       []insights.Counterparty // recipients then senders
	byCount   bool
	days      []insights.Bucket
	sel       int // selected row of the panel (categories, counterparties, days)

	qiwi     map[int64]*qiwiapi.Totals // QIWI's totals by month start, for the reconciliation
	checkErr map[int64]error

	covered    time.Time // the cache holds every row after it
	coveredAll bool
	widening   bool
	widened    bool // tried once since the screen opened or r
	widenErr   error

	statementBusy bool
	saved         string // where the last statement went
}

// New builds the screen.
func New(c *common.Common, d Deps) *Model {
	return &Model{c: c, d: d, side: insights.Out, qiwi: map[int64]*qiwiapi.Totals{}, checkErr: map[int64]error{}}
}

// SetSize records the body size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Busy reports work in flight.
func (m *Model) Busy() bool { return m.state == common.StateLoading || m.widening || m.statementBusy }

// Init loads the months and says what the cache covers (widening it when
// it holds less than the months shown).
func (m *Model) Init() tea.Cmd { return tea.Batch(m.load(), m.coverage()) }

func (m *Model) now() time.Time { return m.c.Now().In(qiwiapi.Moscow) }

// ---- messages ----

type monthsMsg struct {
	gen    int
	months map[qiwiapi.Currency][]insights.Bucket
	curs   []qiwiapi.Currency
	err    error
}

type detailMsg struct {
	gen  int
	cats []insights.CategoryTotal
	cps  []insights.Counterparty
	days []insights.Bucket
	err  error
}

type checkMsg struct {
	start int64
	qiwi  *qiwiapi.Totals
	err   error
}

type coverageMsg struct {
	from time.Time
	all  bool
	err  error
}

type widenedMsg struct{ err error }

type widenTickMsg struct{}

type statementMsg struct {
	path string
	err  error
}

const timeout = 30 * time.Second

func (m *Model) load() tea.Cmd {
	m.gen++
	m.state = common.StateLoading
	gen, e, now := m.gen, m.d.Engine, m.now()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		ms, curs, err := e.Months(ctx, now, months)
		return monthsMsg{gen: gen, months: ms, curs: curs, err: err}
	}
}

func (m *Model) coverage() tea.Cmd {
	h := m.d.History
	if h == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		from, all, err := h.Covered(ctx)
		return coverageMsg{from: from, all: all, err: err}
	}
}

// widen reads the history of the months shown into the cache, in the
// background at the budget's background priority: the reader's Sync, the
// one walk of windows there is.
func (m *Model) widen() tea.Cmd {
	h := m.d.History
	if h == nil || m.widening {
		return nil
	}
	m.widening, m.widened = true, true
	until := m.since()
	return tea.Batch(func() tea.Msg {
		ctx, cancel := context.WithTimeout(budget.WithPriority(context.Background(), budget.Background), 10*time.Minute)
		defer cancel()
		return widenedMsg{err: h.Sync(ctx, until)}
	}, widenTick())
}

// widenTick re-reads the coverage while widening, for the progress line.
func widenTick() tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return widenTickMsg{} })
}

func (m *Model) cur() qiwiapi.Currency {
	if len(m.curs) == 0 {
		return qiwiapi.RUB
	}
	return m.curs[m.curIdx]
}

// bucket is the selected month of the selected currency.
func (m *Model) bucket() (insights.Bucket, bool) {
	ms := m.months[m.cur()]
	if m.month < 0 || m.month >= len(ms) {
		return insights.Bucket{}, false
	}
	return ms[m.month], true
}

// loadDetail reads the month's categories, counterparties and days, and
// asks QIWI's totals of the month once.
func (m *Model) loadDetail() tea.Cmd {
	b, ok := m.bucket()
	if !ok {
		return nil
	}
	m.detailGen++
	m.sel = 0
	gen, e, cur, now, byCount := m.detailGen, m.d.Engine, m.cur(), m.now(), m.byCount
	load := func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		msg := detailMsg{gen: gen}
		if msg.cats, msg.err = e.Categories(ctx, b.Start, b.End, cur); msg.err != nil {
			return msg
		}
		for _, side := range []insights.Side{insights.Out, insights.In} {
			cps, err := e.Counterparties(ctx, b.Start, cur, side, byCount, topN)
			if err != nil {
				msg.err = err
				return msg
			}
			msg.cps = append(msg.cps, cps...)
		}
		msg.days, msg.err = e.Days(ctx, b.Start, cur, now)
		return msg
	}
	return tea.Batch(load, m.check(b))
}

// since is the first second of the months shown.
func (m *Model) since() time.Time {
	return insights.MonthStart(m.now()).AddDate(0, -(months - 1), 0)
}

// check asks QIWI's totals of the month (all currencies) once; the
// reconciliation with the cache's sums is made when drawn.
func (m *Model) check(b insights.Bucket) tea.Cmd {
	h := m.d.History
	key := b.Start.Unix()
	if h == nil || m.qiwi[key] != nil {
		return nil
	}
	now := m.now()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		q, err := h.QIWITotals(ctx, b.Start, earlier(b.End, now))
		return checkMsg{start: key, qiwi: q, err: err}
	}
}

// checks is the selected month reconciled with QIWI's totals; ok=false
// while QIWI has not answered.
func (m *Model) checks(b insights.Bucket) ([]insights.Check, bool) {
	q := m.qiwi[b.Start.Unix()]
	if q == nil {
		return nil, false
	}
	var cache []insights.Bucket
	for _, ms := range m.months {
		if m.month < len(ms) {
			cache = append(cache, ms[m.month])
		}
	}
	return insights.Reconcile(b.Start, b.End, cache, q), true
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// Update handles keys and results.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case monthsMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		if msg.err != nil {
			m.state, m.err = common.StateError, msg.err
			return m, m.c.ErrorToast(msg.err)
		}
		first := m.months == nil
		m.state, m.months, m.curs = common.StateReady, msg.months, msg.curs
		if m.curIdx >= len(m.curs) {
			m.curIdx = 0
		}
		if first {
			m.month = months - 2 // last month: the last whole one
		}
		return m, m.loadDetail()
	case detailMsg:
		if msg.gen != m.detailGen {
			return m, nil
		}
		m.detailErr = msg.err
		if msg.err == nil {
			m.cats, m.cps, m.days = msg.cats, msg.cps, msg.days
		}
		m.clampSel()
		return m, nil
	case checkMsg:
		if msg.err != nil {
			m.checkErr[msg.start] = msg.err
		} else {
			m.qiwi[msg.start] = msg.qiwi
			delete(m.checkErr, msg.start)
		}
		return m, nil
	case coverageMsg:
		if msg.err != nil {
			return m, nil
		}
		m.covered, m.coveredAll = msg.from, msg.all
		if !m.coveredAll && m.covered.After(m.since()) && !m.widened {
			return m, m.widen()
		}
		return m, nil
	case widenTickMsg:
		if !m.widening {
			return m, nil
		}
		return m, tea.Batch(m.coverage(), widenTick())
	case widenedMsg:
		m.widening, m.widenErr = false, msg.err
		return m, tea.Batch(m.coverage(), m.load()) // what came in changes the sums
	case statementMsg:
		m.statementBusy = false
		if msg.err != nil {
			return m, m.c.ErrorToast(msg.err)
		}
		m.saved = msg.path
		return m, common.Toast(m.c.Tr.T("statement.saved", i18n.Args{"File": filepath.Base(msg.path), "Dir": filepath.Dir(msg.path)}))
	case common.MoneyMovedMsg, feed.WalletPaymentMsg:
		return m, m.load()
	case tea.KeyMsg:
		return m, m.key(msg)
	}
	return m, nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Panel):
		m.panel = (m.panel + 1) % panels
		m.sel = 0
	case key.Matches(msg, k.Source):
		if len(m.curs) > 1 {
			m.curIdx = (m.curIdx + 1) % len(m.curs)
			return m.loadDetail()
		}
	case key.Matches(msg, k.Sort):
		if m.panel == panelCounterparties {
			m.byCount = !m.byCount
			return m.loadDetail()
		}
	case key.Matches(msg, k.Refresh):
		m.widened = false
		m.qiwi, m.checkErr = map[int64]*qiwiapi.Totals{}, map[int64]error{}
		return tea.Batch(m.load(), m.coverage())
	case key.Matches(msg, k.Statement):
		return m.statement()
	case key.Matches(msg, k.Enter):
		return m.drill()
	case key.Matches(msg, k.Left), key.Matches(msg, k.Right):
		step := 1
		if key.Matches(msg, k.Left) {
			step = -1
		}
		if m.panel == panelDays {
			m.sel = clamp(m.sel+step, len(m.days))
			return nil
		}
		if n := clamp(m.month+step, months); n != m.month {
			m.month = n
			return m.loadDetail()
		}
	case key.Matches(msg, k.Up), key.Matches(msg, k.Down):
		step := 1
		if key.Matches(msg, k.Up) {
			step = -1
		}
		switch m.panel {
		case panelMonths:
			m.side = insights.Side(key.Matches(msg, k.Up)) // up: the incoming bar
		case panelDays:
			m.sel = clamp(m.sel+7*step, len(m.days))
		default:
			m.sel = clamp(m.sel+step, m.rows())
		}
	}
	return nil
}

func clamp(i, n int) int { return max(0, min(i, n-1)) }

func (m *Model) rows() int {
	switch m.panel {
	case panelCategories:
		return len(m.cats)
	case panelCounterparties:
		return len(m.cps)
	case panelDays:
		return len(m.days)
	}
	return 0
}

func (m *Model) clampSel() { m.sel = clamp(m.sel, max(1, m.rows())) }

// drill opens History with exactly the rows of what is selected.
func (m *Model) drill() tea.Cmd {
	var d insights.Drill
	switch b, ok := m.bucket(); {
	case !ok:
		return nil
	case m.panel == panelMonths:
		d = b.Drill(m.side, m.c.Tr)
	case m.panel == panelCategories && m.sel < len(m.cats):
		d = m.cats[m.sel].Drill(m.c.Tr)
	case m.panel == panelCounterparties && m.sel < len(m.cps):
		d = m.cps[m.sel].Drill(m.c.Tr)
	case m.panel == panelDays && m.sel < len(m.days):
		d = m.days[m.sel].Drill(insights.Out, m.c.Tr)
	default:
		return nil
	}
	q := reader.Query{Operation: qiwiapi.OperationAll, Start: d.From, End: d.To, Cond: d.Cond}
	return func() tea.Msg { return common.OpenHistoryMsg{Query: q, Back: "Insights"} }
}

// statement writes the selected month's statement (the range on screen).
func (m *Model) statement() tea.Cmd {
	b, ok := m.bucket()
	if m.d.Statements == nil || !ok || m.statementBusy {
		return nil
	}
	m.statementBusy = true
	write, to := m.d.Statements, earlier(b.End, m.now())
	writing := m.c.Tr.T("insights.writing_statement", i18n.Args{"Month": monthYear(m.c.Tr, b.Start)})
	return tea.Batch(common.Toast(writing), func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		path, err := write(ctx, b.Start, to)
		return statementMsg{path: path, err: err}
	})
}

// ShortHelp lists the screen's keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	tr := m.c.Tr
	out := []key.Binding{k.Panel, common.Relabel(k.Left, tr.T("insights.help_month", nil)), common.Relabel(k.Source, tr.T("insights.help_currency", nil)),
		common.Relabel(k.Enter, tr.T("insights.help_rows", nil))}
	if m.panel == panelCounterparties {
		out = append(out, common.Relabel(k.Sort, tr.T("insights.help_order", nil)))
	}
	if m.d.Statements != nil {
		out = append(out, k.Statement)
	}
	return out
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{m.ShortHelp(), {k.Up, k.Down, k.Right, k.Refresh}}
}
