package history

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/ui/uitest"
)

// Golden screens: go test ./views/history -update rewrites testdata/*.golden.
//
// The program runs for real under teatest (sandbox on loopback, fixed seed
// and clock, ASCII profile, 120x40). The test waits for a marker that only
// appears once every load is done, quits, and compares the final model's
// View() — not the byte stream, whose frame boundaries depend on timing.

// tableLoaded replaces "loading…" once the page and the totals are in.
const tableLoaded = "row 1 of 50 · more on scroll"

// golden checks the screen and that no work was in flight in that frame.
func golden(t *testing.T, env *uitest.Env, steps ...uitest.Step) {
	t.Helper()
	if uitest.Golden(t, New(env.Common, newReader(t, env.Common, false)), steps...).(*Model).Busy() {
		t.Fatal("the golden frame was taken while work was in flight")
	}
}

func TestGoldenTable(t *testing.T) {
	env := uitest.New(t)
	golden(t, env, uitest.Step{WaitFor: tableLoaded})
}

// failedID is a failed payment of the first page, to show the explained error.
func failedID(t *testing.T, env *uitest.Env) int64 {
	t.Helper()
	probe := New(env.Common, newReader(t, env.Common, false))
	probe.SetSize(uitest.Width, uitest.Height)
	uitest.Run(probe, probe.Init(), limit)
	for _, r := range probe.rows {
		if r.Status == qiwiapi.StatusError && r.ErrorCode != 0 {
			return int64(r.TxnID)
		}
	}
	t.Fatal("no failed payment in the first page")
	return 0
}

func TestGoldenDetail(t *testing.T) {
	env := uitest.New(t)
	id := failedID(t, env)

	golden(t, env, uitest.Step{WaitFor: tableLoaded},
		uitest.Step{Send: uitest.Press("g")}, uitest.Step{Send: uitest.Type(itoa(id))},
		// The pane's last field is drawn once the details came back.
		uitest.Step{Send: uitest.Press("enter"), WaitFor: "Greeting card"})
}

// TestGoldenTable80x24: date, direction, status and amount stay at the
// smallest size; the columns after them go first.
func TestGoldenTable80x24(t *testing.T) {
	env := uitest.New(t)
	uitest.GoldenAt(t, 80, 24, New(env.Common, newReader(t, env.Common, false)), uitest.Step{WaitFor: tableLoaded})
}

// loadedIn is tableLoaded as lang's status line says it.
func loadedIn(tr *i18n.Tr) string {
	return tr.T("history.row_of", i18n.Args{"Row": 1, "Total": 50}) + " · " + tr.T("history.more_on_scroll", nil)
}

// langModel is the screen in lang over a fresh sandbox.
func langModel(t *testing.T, lang i18n.Lang) uitest.Sized {
	env := uitest.New(t)
	env.Speak(lang)
	return New(env.Common, newReader(t, env.Common, false))
}

// The table, the detail pane and the prompts in every language
// (testdata/<test>/<lang>.golden).
func TestLangsTable(t *testing.T) {
	uitest.GoldenLangs(t, langModel, func(tr *i18n.Tr) []uitest.Step {
		return []uitest.Step{{WaitFor: loadedIn(tr)}}
	})
}

// TestLangsDetail: a failed payment, opened by its id (g), with the
// error explained in the reader's language.
func TestLangsDetail(t *testing.T) {
	id := failedID(t, uitest.New(t)) // the sandbox's seed is fixed: the same payment in every one
	uitest.GoldenLangs(t, langModel, func(tr *i18n.Tr) []uitest.Step {
		return []uitest.Step{{WaitFor: loadedIn(tr)},
			{Send: uitest.Press("g")}, {Send: uitest.Type(itoa(id))},
			{Send: uitest.Press("enter"), WaitFor: tr.T("history.field_greeting", nil)}}
	})
}

// TestLangsFilterForm: the "/" filter narrowing as it is typed, then the
// date range prompt refusing a date that is none.
func TestLangsFilterForm(t *testing.T) {
	uitest.GoldenLangs(t, langModel, func(tr *i18n.Tr) []uitest.Step {
		return []uitest.Step{{WaitFor: loadedIn(tr)},
			{Send: uitest.Press("/")},
			// One message of runes: uitest.Type sends bytes, which splits Cyrillic.
			{Send: uitest.Msgs(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("кошел")}), WaitFor: `"кошел"`},
			{Send: uitest.Press("enter", "R"), WaitFor: tr.T("history.prompt_range", nil)},
			{Send: uitest.Type("2026-13-01"), WaitFor: "2026-13-01"},
			{Send: uitest.Press("enter"), WaitFor: tr.T("history.not_date", i18n.Args{"Value": `"2026-13-01"`})}}
	})
}

// TestGoldenTable80x24Russian: in Russian, too, date, direction, status
// and amount stay at the smallest size.
func TestGoldenTable80x24Russian(t *testing.T) {
	tr := i18n.New(i18n.RU)
	uitest.GoldenAt(t, 80, 24, langModel(t, i18n.RU), uitest.Step{WaitFor: loadedIn(tr)})
}

// TestGoldenRangeRefused80x24Russian: a refused date range at the
// smallest size in Russian: the rule is whole, above the prompt.
func TestGoldenRangeRefused80x24Russian(t *testing.T) {
	tr := i18n.New(i18n.RU)
	uitest.GoldenAt(t, 80, 24, langModel(t, i18n.RU), uitest.Step{WaitFor: loadedIn(tr)},
		uitest.Step{Send: uitest.Press("R"), WaitFor: tr.T("history.prompt_range", nil)},
		uitest.Step{Send: uitest.Type("2026-13-45"), WaitFor: "2026-13-45"},
		uitest.Step{Send: uitest.Press("enter"), WaitFor: "01-31"})
}
