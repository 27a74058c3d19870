package insights

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/store"
	engine "qiwidash/store/insights"
	"qiwidash/store/reader"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

// statements records what S asked for.
type statements struct {
	from, to []time.Time
}

func (s *statements) write(_ context.Context, from, to time.Time) (string, error) {
	s.from, s.to = append(s.from, from), append(s.to, to)
	return "/tmp/statement.pdf", nil
}

// newScreen is the screen over the demo wallet's history, synced whole
// into the store first (so the cache covers the 12 months and nothing
// widens: the frames are deterministic).
func newScreen(t *testing.T) (*Model, *uitest.Env, *statements) {
	t.Helper()
	return newScreenIn(t, i18n.EN)
}

// newScreenIn is newScreen speaking lang.
func newScreenIn(t *testing.T, lang i18n.Lang) (*Model, *uitest.Env, *statements) {
	t.Helper()
	env := uitest.New(t)
	env.Speak(lang)
	r := reader.New(reader.Options{Store: env.Store, API: env.Common.API.History, Wallet: env.Common.Wallet, Now: env.Common.Now, NoFill: true})
	t.Cleanup(r.Close)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := r.Sync(ctx, time.Time{}); err != nil {
		t.Fatal(err)
	}
	st := &statements{}
	m := New(env.Common, Deps{Engine: engine.New(env.Store, env.Common.Wallet), History: r, Statements: st.write})
	return m, env, st
}

const limit = 200

// loaded runs the screen's loads to the end at w x h.
func loaded(t *testing.T, w, h int) (*Model, *uitest.Env, *statements) {
	m, env, st := newScreen(t)
	m.SetSize(w, h)
	uitest.Run(m, m.Init(), limit)
	if m.state != common.StateReady || m.Busy() {
		t.Fatalf("not loaded: state %v busy %v err %v", m.state, m.Busy(), m.err)
	}
	return m, env, st
}

// press sends keys and runs what they start; it returns the messages
// meant for the shell.
func press(m *Model, keys ...string) []tea.Msg {
	var shell []tea.Msg
	for _, k := range keys {
		_, cmd := m.Update(uitest.Key(k))
		shell = append(shell, uitest.RunKeeping(m, cmd, limit, func(msg tea.Msg) bool {
			switch msg.(type) {
			case common.OpenHistoryMsg, common.ToastMsg:
				return true
			}
			return false
		})...)
	}
	return shell
}

func TestMonthsShowAYearRUBFirstAndReconcile(t *testing.T) {
	m, _, _ := loaded(t, 80, 24)
	if len(m.curs) < 2 || m.curs[0] != qiwiapi.RUB || len(m.months[qiwiapi.RUB]) != 12 {
		t.Fatalf("currencies %v, %d RUB months", m.curs, len(m.months[qiwiapi.RUB]))
	}
	b, _ := m.bucket()
	if b.Start.Format("2006-01") != "2026-10" || b.Partial {
		t.Fatalf("selected %s (partial %v), want last month 2026-10", b.Start.Format("2006-01"), b.Partial)
	}
	if !m.months[qiwiapi.RUB][11].Partial {
		t.Error("the current month is not marked partial")
	}
	view := ansi.Strip(m.View())
	for _, want := range []string{"Insights · RUB", "October 2026 ✓ agrees with QIWI's totals", "Nov*", "in │ out", "▲"} {
		if !strings.Contains(view, want) {
			t.Errorf("the view lacks %q:\n%s", want, view)
		}
	}
	if !m.coveredAll {
		t.Errorf("coverage: from %s all %v", m.covered, m.coveredAll)
	}
	for i, l := range strings.Split(view, "\n") {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line %d is %d wide", i, ansi.StringWidth(l))
		}
	}
	if n := len(strings.Split(m.View(), "\n")); n > 24 {
		t.Errorf("%d lines at 80x24", n)
	}
}

// Enter on the bar, a category, a counterparty and a day asks the shell
// to open History with exactly those rows: the drill's rows are those the
// figure summed (counted through the store here).
func TestEnterDrillsIntoHistory(t *testing.T) {
	m, env, _ := loaded(t, 120, 40)
	count := func(q reader.Query) int {
		n := 0
		var after *store.Key
		for {
			p, err := env.Store.Page(context.Background(), env.Common.Wallet, store.Filter{From: q.Start, To: q.End, Cond: q.Cond}, after, 500)
			if err != nil {
				t.Fatal(err)
			}
			n += len(p.Transactions)
			if p.Next == nil {
				return n
			}
			after = p.Next
		}
	}
	open := func(what string, want int) {
		t.Helper()
		shell := press(m, "enter")
		if len(shell) != 1 {
			t.Fatalf("%s: shell got %v", what, shell)
		}
		msg, ok := shell[0].(common.OpenHistoryMsg)
		if !ok || msg.Back != "Insights" {
			t.Fatalf("%s: %#v", what, shell[0])
		}
		if got := count(msg.Query); got != want || want == 0 {
			t.Errorf("%s: History would list %d rows, the figure counts %d", what, got, want)
		}
		if msg.Query.Cond.Label == "" {
			t.Errorf("%s: no label for History's filter line", what)
		}
	}
	b, _ := m.bucket()
	open("month out", b.OutCount)
	press(m, "up")
	open("month in", b.InCount)

	press(m, "v", "down")
	if m.panel != panelCategories || m.sel != 1 {
		t.Fatalf("panel %v sel %d", m.panel, m.sel)
	}
	open("category "+string(m.cats[1].Category), m.cats[1].Count)

	press(m, "v")
	open("counterparty", m.cps[0].Count)
	press(m, "s")
	if !m.byCount {
		t.Fatal("s did not switch to by count")
	}
	for i := 1; i < topN && i < len(m.cps) && m.cps[i].Side == m.cps[0].Side; i++ {
		if m.cps[i].Count > m.cps[i-1].Count {
			t.Errorf("by count: %d after %d", m.cps[i].Count, m.cps[i-1].Count)
		}
	}

	press(m, "v")
	day := 0
	for i, d := range m.days {
		if d.OutCount > 0 {
			day = i
			break
		}
	}
	for range day {
		press(m, "right")
	}
	open("day", m.days[day].OutCount)
}

func TestCurrencyAndMonthKeys(t *testing.T) {
	m, _, _ := loaded(t, 120, 40)
	press(m, "left")
	if b, _ := m.bucket(); b.Start.Format("2006-01") != "2026-09" {
		t.Fatalf("left: %s", b.Start.Format("2006-01"))
	}
	press(m, "c")
	if m.cur() == qiwiapi.RUB || !strings.Contains(ansi.Strip(m.View()), "Insights · "+m.cur().Code()) {
		t.Fatalf("c: %s", m.cur())
	}
	for _, c := range m.cats {
		if c.Currency != m.cur() {
			t.Errorf("category in %s after switching to %s", c.Currency, m.cur())
		}
	}
}

// S writes the statement of the month on screen and says where.
func TestStatementKey(t *testing.T) {
	m, _, st := loaded(t, 80, 24)
	shell := press(m, "S")
	if len(st.from) != 1 || st.from[0].Format(time.RFC3339) != "2026-10-01T00:00:00+03:00" || st.to[0].Format(time.RFC3339) != "2026-10-31T23:59:59+03:00" {
		t.Fatalf("statement of %v – %v", st.from, st.to)
	}
	var toast string
	for _, msg := range shell {
		if t, ok := msg.(common.ToastMsg); ok {
			toast = t.Text
		}
	}
	if toast != "Statement saved: statement.pdf in /tmp" || !strings.Contains(ansi.Strip(m.View()), "Statement saved to /tmp/statement.pdf") {
		t.Errorf("toast %q; view:\n%s", toast, ansi.Strip(m.View()))
	}
}

// Privacy hides every amount but keeps the bars' shapes.
func TestPrivacyKeepsShapes(t *testing.T) {
	m, env, _ := loaded(t, 80, 24)
	for _, p := range []panel{panelMonths, panelCategories, panelCounterparties, panelDays} {
		m.panel = p
		env.Common.Settings.Privacy = false
		open := ansi.Strip(m.View())
		env.Common.Settings.Privacy = true
		hidden := ansi.Strip(m.View())
		if !amount.MatchString(open) {
			t.Errorf("%s: no amount shows without privacy:\n%s", p.name(nil), open)
		}
		if amount.MatchString(hidden) {
			t.Errorf("%s: an amount shows in privacy mode:\n%s", p.name(nil), hidden)
		}
		if bars(open) != bars(hidden) || bars(open) == "" {
			t.Errorf("%s: the bars changed with privacy", p.name(nil))
		}
	}
}

var amount = regexp.MustCompile(`[0-9]\.[0-9]{2} [₽$€₸]`)

// bars keeps only the chart characters of a frame.
func bars(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune("█▉▊▋▌▍▎▏▇▆▅▄▃▂▁░▒▓", r) {
			return r
		}
		if r == '\n' {
			return r
		}
		return -1
	}, s)
}

// TestDrillLabelsInRussian: History's filter line names a drill-down in
// the reader's language.
func TestDrillLabelsInRussian(t *testing.T) {
	m, _, _ := newScreenIn(t, i18n.RU)
	m.SetSize(120, 40)
	uitest.Run(m, m.Init(), limit)
	label := func() string {
		t.Helper()
		for _, msg := range press(m, "enter") {
			if o, ok := msg.(common.OpenHistoryMsg); ok {
				return o.Query.Cond.Label
			}
		}
		t.Fatal("enter opened no History")
		return ""
	}
	b, _ := m.bucket()
	if got, want := label(), "RUB расход, "+b.Start.Format("2006-01"); got != want {
		t.Errorf("the month: %q, want %q", got, want)
	}
	press(m, "v")
	if got, want := label(), "RUB "+m.cats[0].Category.Name(m.c.Tr); got != want || !strings.ContainsAny(got, "абвгдежзиклмнопрстуф") {
		t.Errorf("the first category: %q, want %q", got, want)
	}
}

// The saved statement's line at 80 columns in Russian: the file's name
// whole on the first line, the folder after, nothing past the edge.
func TestStatementSavedWrapsInRussian(t *testing.T) {
	m, _, _ := newScreenIn(t, i18n.RU)
	m.SetSize(80, 24)
	m.saved = "/tmp/qiwidash-demo-1983179/receipts-deleted-when-the-demo-quits/statement-79991234567-2026-11-01-2026-11-30.pdf"
	lines := strings.Split(ansi.Strip(m.View()), "\n")
	for _, l := range lines {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line past 80 columns: %q", l)
		}
	}
	if len(lines) < 4 || lines[2] != " Выписка сохранена: statement-79991234567-2026-11-01-2026-11-30.pdf в папке" ||
		lines[3] != " /tmp/qiwidash-demo-1983179/receipts-deleted-when-the-demo-quits" {
		t.Errorf("saved:\n%s", strings.Join(lines, "\n"))
	}
}
