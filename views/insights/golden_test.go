package insights

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"qiwidash/i18n"
	"qiwidash/ui/uitest"
)

// Golden screens (ASCII profile: what NO_COLOR shows): go test
// ./views/insights -update rewrites testdata/*.golden.

func TestGoldenMonths80x24(t *testing.T) {
	m, _, _ := newScreen(t)
	if uitest.GoldenAt(t, 80, 24, m, uitest.Step{WaitFor: "✓ agrees with QIWI's totals"}).(*Model).Busy() {
		t.Fatal("the golden frame was taken while work was in flight")
	}
}

func TestGoldenCategories160x50(t *testing.T) {
	m, _, _ := newScreen(t)
	uitest.GoldenAt(t, 160, 50, m, uitest.Step{WaitFor: "✓ agrees with QIWI's totals"},
		uitest.Step{Send: uitest.Press("v"), WaitFor: "↑/↓ category"})
}

func TestGoldenDays80x24(t *testing.T) {
	m, _, _ := newScreen(t)
	uitest.GoldenAt(t, 80, 24, m, uitest.Step{WaitFor: "✓ agrees with QIWI's totals"},
		uitest.Step{Send: uitest.Press("v", "v", "v"), WaitFor: "arrows: day"})
}

func TestGoldenMonths160x50(t *testing.T) {
	m, _, _ := newScreen(t)
	final := uitest.GoldenAt(t, 160, 50, m, uitest.Step{WaitFor: "✓ agrees with QIWI's totals"}).(*Model)
	for i, l := range strings.Split(ansi.Strip(final.View()), "\n") {
		if w := ansi.StringWidth(l); w > 160 || strings.HasSuffix(l, "…") {
			t.Errorf("line %d is cut (%d wide): %q", i, w, l)
		}
	}
}

// Each panel in every language (testdata/<test>/<lang>.golden).
func panelLangs(t *testing.T, panel int, hintID string) {
	t.Helper()
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized {
		m, _, _ := newScreenIn(t, lang)
		return m
	}, func(tr *i18n.Tr) []uitest.Step {
		steps := []uitest.Step{{WaitFor: tr.T("insights.check_agrees", nil)}}
		if panel > 0 {
			v := make([]string, panel)
			for i := range v {
				v[i] = "v"
			}
			steps = append(steps, uitest.Step{Send: uitest.Press(v...), WaitFor: tr.T(hintID, nil)})
		}
		return steps
	})
}

func TestLangsMonths(t *testing.T)         { panelLangs(t, 0, "") }
func TestLangsCategories(t *testing.T)     { panelLangs(t, 1, "insights.categories_hint") }
func TestLangsCounterparties(t *testing.T) { panelLangs(t, 2, "insights.counterparties_hint") }
func TestLangsDays(t *testing.T)           { panelLangs(t, 3, "insights.days_hint") }

// In Russian at the smallest size the month's line and the calendar stay
// readable.
func TestGoldenMonths80x24Russian(t *testing.T) {
	m, _, _ := newScreenIn(t, i18n.RU)
	uitest.GoldenAt(t, 80, 24, m, uitest.Step{WaitFor: i18n.New(i18n.RU).T("insights.check_agrees", nil)})
}

func TestGoldenDays80x24Russian(t *testing.T) {
	tr := i18n.New(i18n.RU)
	m, _, _ := newScreenIn(t, i18n.RU)
	uitest.GoldenAt(t, 80, 24, m, uitest.Step{WaitFor: tr.T("insights.check_agrees", nil)},
		uitest.Step{Send: uitest.Press("v", "v", "v"), WaitFor: tr.T("insights.days_hint", nil)})
}
