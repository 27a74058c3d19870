package settings

import (
	"strings"
	"testing"

	"qiwidash/i18n"
	"qiwidash/store"
)

// The profile-name rule and example say what store.CheckProfileName
// accepts: letters of any alphabet (the README's own `--profile дом`), so
// the Russian example is a Russian name and the rule does not say Latin.
func TestProfileNameRuleSaysWhatTheCheckAccepts(t *testing.T) {
	if err := store.CheckProfileName("дом"); err != nil {
		t.Fatalf("a Cyrillic name is refused: %v", err)
	}
	for _, lang := range []i18n.Lang{i18n.EN, i18n.RU} {
		tr := i18n.New(lang)
		if hint := tr.T("settings.field_name_hint", nil); store.CheckProfileName(hint) != nil {
			t.Errorf("%s: the example %q is not a valid name", lang, hint)
		}
	}
	ru := i18n.New(i18n.RU)
	if hint := ru.T("settings.field_name_hint", nil); strings.ContainsAny(hint, "abcdefghijklmnopqrstuvwxyz") {
		t.Errorf("ru: the example %q is an English name", hint)
	}
	if rule := ru.T("settings.check_name", nil); strings.Contains(rule, "латин") {
		t.Errorf("ru: the rule %q says Latin letters, but Cyrillic names are accepted", rule)
	}
}
