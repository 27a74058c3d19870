package invoices

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/teatest"

	"qiwidash/i18n"
	"qiwidash/ui/uitest"
)

// TestGoldenListLangs: the unpaid invoices and the selected one's details
// in both languages.
func TestGoldenListLangs(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized {
		env := uitest.New(t)
		env.Speak(lang)
		return New(env.Common)
	}, func(tr *i18n.Tr) []uitest.Step {
		return []uitest.Step{{WaitFor: strings.TrimSpace(tr.T("invoices.detail.link", nil))}}
	})
}

// TestGoldenConfirmLangs: the pay and the reject confirmations (title,
// then their lines) in both languages.
func TestGoldenConfirmLangs(t *testing.T) {
	for _, lang := range uitest.Langs {
		t.Run(string(lang), func(t *testing.T) {
			env := uitest.New(t)
			env.Speak(lang)
			d := newDriver(t, env, 50)
			d.selectAffordable()
			d.Press("P", "x")
			if len(d.Confirms) != 2 {
				t.Fatalf("confirmations = %d, want 2", len(d.Confirms))
			}
			var b strings.Builder
			for _, c := range d.Confirms {
				b.WriteString(c.Title + "\n\n" + strings.Join(c.Lines, "\n") + "\n\n")
			}
			teatest.RequireEqualOutput(t, []byte(b.String()))
		})
	}
}

// TestGoldenList80x24Russian: at the smallest size in Russian the amount
// and what is left of the term stay; the invoice number goes.
func TestGoldenList80x24Russian(t *testing.T) {
	env := uitest.New(t)
	tr := env.Speak(i18n.RU)
	uitest.GoldenAt(t, 80, 24, New(env.Common), uitest.Step{WaitFor: strings.TrimSpace(tr.T("invoices.detail.link", nil))})
}

// Paying in Russian says so in Russian.
func TestPayInRussian(t *testing.T) {
	env := uitest.New(t)
	env.Speak(i18n.RU)
	d := newDriver(t, env, 50)
	inv := d.selectAffordable()
	d.Press("P")
	d.yes()
	want := "Оплачено " + env.Common.Money(inv.Sum) + " магазину " + d.m.merchant(inv)
	if got := d.LastToast(); got.Error || !strings.HasPrefix(got.Text, want) {
		t.Fatalf("toast %+v, want %q…", got, want)
	}
}
