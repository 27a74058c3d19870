package limits

import (
	"strings"
	"testing"

	"qiwidash/i18n"
	"qiwidash/ui/uitest"
)

func TestLimitsShowEveryTypeWithGaugeAndPercent(t *testing.T) {
	env := uitest.New(t)
	m := New(env.Common)
	m.SetSize(120, 30)
	uitest.Run(m, m.Init(), 10)
	v := m.View()
	for _, name := range []string{"Turnover", "Top-ups", "Transfers to people", "Payments abroad", "Payouts (cards, banks)", "Cash withdrawal", "Allowed count: 1"} {
		if !strings.Contains(v, name) {
			t.Errorf("missing %q", name)
		}
	}
	if !strings.Contains(v, "%") || !strings.Contains(v, "[") {
		t.Error("no gauge with a percentage")
	}
	env.Common.Settings.Privacy = true
	for _, line := range strings.Split(m.View(), "\n") {
		if strings.Contains(line, "₽") && !strings.Contains(line, "•••") {
			t.Fatalf("amount visible in privacy mode: %s", line)
		}
	}
}

func TestBar(t *testing.T) {
	cases := []struct {
		spent, total int64
		pct          int
	}{{0, 100, 0}, {50, 100, 50}, {100, 100, 100}, {150, 100, 100}, {5, 0, 0}}
	for _, c := range cases {
		g, pct := bar(c.spent, c.total, 10)
		if pct != c.pct || len([]rune(g)) != 12 {
			t.Errorf("bar(%d,%d) = %q %d", c.spent, c.total, g, pct)
		}
	}
}

func TestGoldenLimitsLangs(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized {
		env := uitest.New(t)
		env.Speak(lang)
		return New(env.Common)
	}, func(tr *i18n.Tr) []uitest.Step { return []uitest.Step{{WaitFor: tr.T("limits.p2p_allowed", nil)}} })
}

// At the smallest size in Russian the longer names and titles keep the
// gauge and the amounts in their columns.
func TestGoldenLimits80x24Russian(t *testing.T) {
	env := uitest.New(t)
	tr := env.Speak(i18n.RU)
	uitest.GoldenAt(t, 80, 24, New(env.Common), uitest.Step{WaitFor: tr.T("limits.p2p_allowed", nil)})
}
