// Package i18n is qiwidash's message catalogue: every string a person
// reads, in Russian and English, with Russian plural forms and Russian
// number and date formats.
//
// The catalogues are embedded TOML files, one pair per area of the app
// (locales/<area>.en.toml and locales/<area>.ru.toml), so work on
// different screens touches different files. A message id is
// "<table>.<key>" as written in the file ("header.profile").
//
// A *Tr is the catalogue in one language; the dashboard shares one, and
// the Settings screen switches it live (Set). A nil *Tr is English, so
// code and tests that never chose a language read as before.
//
// Every screen, the CLI, the engine's messages and the statement PDF speak
// through it. Adding text:
//   - its strings go into locales/<package>.en.toml and .ru.toml (one
//     table per package: [history] in history.*.toml);
//   - the screen calls c.Tr.T("history.title", nil), with named values
//     (i18n.Args{"Name": n}, {{.Name}} in the file), never by concatenating
//     halves of a sentence; ids are written out in full where they are used
//     (TestCatalogue looks for each id as a literal in the code);
//   - counted nouns use c.Tr.N(id, count, args) with one/few/many/other in
//     Russian, one/other in English;
//   - amounts go through c.Money/c.SignedMoney, dates in words through
//     c.DateWords; CSV, JSON and files a machine reads stay as they are;
//   - key descriptions given with common.Relabel take c.Tr.T too;
//   - the engine hands up failures as Errorf (an *Error), worded in the
//     reader's language by Tr.Error or package explain, which also words
//     qiwiapi's errors (qiwiapi itself speaks no language);
//   - goldens of the screen in both languages (uitest.GoldenLangs);
//     TestRussianGoldensHaveNoEnglish reads every Russian golden for
//     English left (testdata/english.txt lists the Latin words allowed:
//     names, QIWI's values, key names).
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Lang is a language the dashboard speaks.
type Lang string

// The languages.
const (
	EN Lang = "en"
	RU Lang = "ru"
)

// Parse reads a language as a user writes it ("ru", "RU", "en").
func Parse(s string) (Lang, error) {
	switch l := Lang(strings.ToLower(strings.TrimSpace(s))); l {
	case EN, RU:
		return l, nil
	}
	return "", Errorf("lang.unknown", Args{"Got": strconv.Quote(s)}, nil)
}

// FromLocale is the language of a POSIX locale name ("ru_RU.UTF-8" → ru);
// ok is false for a blank one. C, POSIX and languages the dashboard does
// not speak are English.
func FromLocale(locale string) (l Lang, ok bool) {
	if locale == "" {
		return "", false
	}
	name, _, _ := strings.Cut(locale, ".") // the codeset
	name, _, _ = strings.Cut(name, "@")    // the modifier
	lang, _, _ := strings.Cut(name, "_")   // the territory
	if strings.EqualFold(lang, "ru") {
		return RU, true
	}
	return EN, true
}

// Source is where the language came from.
type Source string

// The sources, in the order Choose asks them.
const (
	SourceFlag    Source = "flag"   // --lang
	SourceConfig  Source = "config" // language = "…" in the config file
	SourceLocale  Source = "locale" // LC_ALL, LC_MESSAGES or LANG
	SourceDefault Source = ""       // none of them: English
)

// Choose settles the language and says where it came from: the --lang
// flag, else the config's language, else the locale (LC_ALL, then
// LC_MESSAGES, then LANG, the first one set, as POSIX reads them), else
// English. flag and config are "" when not given; a wrong one is an error
// (the config's is checked when the config is read, so it is valid here).
func Choose(flag, config string, getenv func(string) string) (Lang, Source, error) {
	for _, c := range []struct {
		s    string
		from Source
	}{{flag, SourceFlag}, {config, SourceConfig}} {
		if c.s != "" {
			l, err := Parse(c.s)
			return l, c.from, err
		}
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l, ok := FromLocale(getenv(v)); ok {
			return l, SourceLocale, nil
		}
	}
	return EN, SourceDefault, nil
}

//go:embed locales/*.toml
var locales embed.FS

// catalogue is every file of locales, parsed once.
var catalogue = sync.OnceValues(func() (*goi18n.Bundle, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(locales, "locales/*.toml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, err := b.LoadMessageFileFS(locales, f); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", f, err)
		}
	}
	return b, nil
})

// Tr translates into one language. One Tr is shared by the whole
// dashboard (screens and the engine below them hold the same pointer), so
// Set switches every reader at once; it is safe from any goroutine.
type Tr struct {
	cur atomic.Pointer[speaker]
}

// speaker is one language's localizer.
type speaker struct {
	lang Lang
	loc  *goi18n.Localizer
}

// New is the catalogue in lang ("": English). It panics on a broken
// catalogue: the files are embedded, and TestCatalogue reads them all.
func New(lang Lang) *Tr {
	t := &Tr{}
	t.Set(lang)
	return t
}

// Set switches t to lang ("": English): the Settings screen's live
// language switch.
func (t *Tr) Set(lang Lang) {
	if lang == "" {
		lang = EN
	}
	b, err := catalogue()
	if err != nil {
		panic(err)
	}
	t.cur.Store(&speaker{lang: lang, loc: goi18n.NewLocalizer(b, string(lang))})
}

var english = sync.OnceValue(func() *Tr { return New(EN) })

func (t *Tr) or() *speaker {
	if t == nil {
		return english().cur.Load()
	}
	return t.cur.Load()
}

// Lang is the language t speaks (English for nil).
func (t *Tr) Lang() Lang { return t.or().lang }

// Args are a message's named values ({{.Name}} in the catalogue).
type Args = map[string]any

// T is the message id in t's language, with args filled in. A missing
// message shows as its id (TestCatalogue keeps every id in both
// languages).
func (t *Tr) T(id string, args Args) string {
	s, err := t.or().loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: args})
	if err != nil {
		return id
	}
	return s
}

// N is the plural message id for count ({{.Count}} in the catalogue):
// in Russian one (1, 21 платёж), few (2-4, 22 платежа) or many (5-20, 11,
// 25 платежей); in English one or other.
func (t *Tr) N(id string, count int, args Args) string {
	data := Args{"Count": count}
	maps.Copy(data, args)
	s, err := t.or().loc.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// ids lists the message ids of one language's files, by file (tests).
func ids(lang Lang) (map[string]string, error) {
	files, err := fs.Glob(locales, "locales/*."+string(lang)+".toml")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, f := range files {
		data, err := fs.ReadFile(locales, f)
		if err != nil {
			return nil, err
		}
		mf, err := goi18n.ParseMessageFileBytes(data, f, map[string]goi18n.UnmarshalFunc{"toml": toml.Unmarshal})
		if err != nil {
			return nil, err
		}
		for _, m := range mf.Messages {
			out[m.ID] = path.Base(f)
		}
	}
	return out, nil
}
