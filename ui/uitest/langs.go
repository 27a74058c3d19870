package uitest

import (
	"testing"

	"qiwidash/i18n"
)

// Langs are the languages every screen's goldens are drawn in.
var Langs = []i18n.Lang{i18n.EN, i18n.RU}

// Speak switches the environment to lang: the one catalogue the screens
// and the engines share, and the key help. It returns the catalogue, for a
// test's own expectations.
func (e *Env) Speak(lang i18n.Lang) *i18n.Tr {
	e.Common.Tr.Set(lang)
	e.Common.Keys.Speak(e.Common.Tr)
	return e.Common.Tr
}

// GoldenLangs draws a screen at 120x40 once per language in Langs, each in
// a subtest named by the language (testdata/<test>/en.golden and
// ru.golden), with a model made afresh by mk for that language (most call
// Env.Speak). steps are given the language's catalogue, so a wait names
// the text as that language shows it. The Russian goldens are read by
// i18n's TestRussianGoldensHaveNoEnglish.
func GoldenLangs(t *testing.T, mk func(t *testing.T, lang i18n.Lang) Sized, steps func(tr *i18n.Tr) []Step) {
	t.Helper()
	for _, lang := range Langs {
		t.Run(string(lang), func(t *testing.T) {
			var s []Step
			if steps != nil {
				s = steps(i18n.New(lang))
			}
			GoldenAt(t, 120, 40, mk(t, lang), s...)
		})
	}
}
