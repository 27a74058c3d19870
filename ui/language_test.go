package ui_test

import (
	"strings"
	"testing"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

// A language switch (Settings sends SetLanguageMsg) turns the chrome, the
// keys and the amounts to Russian at once and back; the screen in front
// stays in front; a rebound key keeps its key.
func TestLanguageSwitchesLive(t *testing.T) {
	root, env := newRootIn(t, i18n.EN)
	if err := env.Common.Keys.Rebind(map[string][]string{"refresh": {"R"}}); err != nil {
		t.Fatal(err)
	}
	load(t, root)
	root.Update(uitest.Key("2"))
	root.Update(common.SetLanguageMsg{Lang: i18n.RU}) // its command only clears the toast later
	view := root.View()
	for _, want := range []string{"Язык: русский", "время МСК", "₽"} {
		if !strings.Contains(view, want) {
			t.Errorf("after the switch to Russian the screen lacks %q:\n%s", want, view)
		}
	}
	if root.ActiveTitle() != "Balances" {
		t.Errorf("the screen in front changed to %s", root.ActiveTitle())
	}
	if k := env.Common.Keys.Refresh.Help(); k.Key != "R" || k.Desc != env.Common.Tr.T("key.refresh", nil) || k.Desc == "refresh" {
		t.Errorf("refresh after the switch: %+v", k)
	}
	if env.Common.Money(rub(123450)) != "1\u202f234,50 ₽" {
		t.Errorf("amounts are not Russian: %q", env.Common.Money(rub(123450)))
	}
	root.Update(common.SetLanguageMsg{Lang: i18n.EN})
	if view := root.View(); !strings.Contains(view, "Language: English") || strings.Contains(view, "время МСК") {
		t.Errorf("back to English:\n%s", view)
	}
}

func rub(minor int64) qiwiapi.Amount { return qiwiapi.Amount{Minor: minor, Currency: qiwiapi.RUB} }
