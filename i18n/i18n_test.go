package i18n

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCatalogue: the catalogue parses, every id is in both languages (in
// the same area's file), and every id is used by the code.
func TestCatalogue(t *testing.T) {
	if _, err := catalogue(); err != nil {
		t.Fatal(err)
	}
	en, err := ids(EN)
	if err != nil {
		t.Fatal(err)
	}
	ru, err := ids(RU)
	if err != nil {
		t.Fatal(err)
	}
	if len(en) < 70 {
		t.Fatalf("only %d English ids: the catalogue did not load", len(en))
	}
	for id, file := range en {
		want := strings.Replace(file, ".en.", ".ru.", 1)
		if got, ok := ru[id]; !ok {
			t.Errorf("%s (%s) has no Russian", id, file)
		} else if got != want {
			t.Errorf("%s is in %s and in %s: keep an id in its area's pair", id, file, got)
		}
	}
	for id, file := range ru {
		if _, ok := en[id]; !ok {
			t.Errorf("%s (%s) has no English", id, file)
		}
	}
	used := literals(t, "..")
	for id := range en {
		if !used[id] {
			t.Errorf("%s is used nowhere: remove it, or call it by its literal id", id)
		}
	}
}

// literals is every string literal in the module's Go code, tests aside.
func literals(t *testing.T, root string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					out[s] = true
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !out["key.up"] {
		t.Fatalf("the walk from %s found no ids (%d literals)", root, len(out))
	}
	return out
}

func TestPluralsRussian(t *testing.T) {
	ru, en := New(RU), New(EN)
	for n, want := range map[int]string{
		0: "0 счетов", 1: "1 счёт", 2: "2 счёта", 4: "4 счёта", 5: "5 счетов",
		11: "11 счетов", 12: "12 счетов", 14: "14 счетов", 21: "21 счёт", 22: "22 счёта",
		25: "25 счетов", 101: "101 счёт", 111: "111 счетов",
	} {
		if got := ru.N("merchant.count_bills", n, nil); got != want {
			t.Errorf("ru %d: %q, want %q", n, got, want)
		}
	}
	for n, want := range map[int]string{0: "0 bills", 1: "1 bill", 2: "2 bills", 21: "21 bills"} {
		if got := en.N("merchant.count_bills", n, nil); got != want {
			t.Errorf("en %d: %q, want %q", n, got, want)
		}
	}
}

func TestTranslate(t *testing.T) {
	var none *Tr
	if got := none.T("header.profile", Args{"Name": "work"}); got != "profile work" || none.Lang() != EN {
		t.Fatalf("nil Tr: %q %s, want English", got, none.Lang())
	}
	if got := New(RU).T("header.profile", Args{"Name": "work"}); got != "профиль work" {
		t.Fatalf("ru: %q", got)
	}
	if got := New(RU).T("no.such.id", nil); got != "no.such.id" {
		t.Fatalf("missing id: %q, want the id itself", got)
	}
}

func TestChoose(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, c := range []struct {
		name, flag, config string
		env                func(string) string
		want               Lang
	}{
		{"nothing", "", "", env(), EN},
		{"LANG ru", "", "", env("LANG", "ru_RU.UTF-8"), RU},
		{"LANG C", "", "", env("LANG", "C"), EN},
		{"LANG POSIX", "", "", env("LANG", "POSIX"), EN},
		{"LANG German", "", "", env("LANG", "de_DE.UTF-8"), EN},
		{"LANG bare ru", "", "", env("LANG", "ru"), RU},
		{"LANG Ukrainian Russian", "", "", env("LANG", "ru_UA.KOI8-U"), RU},
		{"LC_MESSAGES over LANG", "", "", env("LANG", "en_US.UTF-8", "LC_MESSAGES", "ru_RU.UTF-8"), RU},
		{"LC_ALL over LC_MESSAGES", "", "", env("LC_MESSAGES", "ru_RU.UTF-8", "LC_ALL", "C"), EN},
		{"LC_ALL ru", "", "", env("LANG", "en_GB.UTF-8", "LC_ALL", "ru_RU@euro"), RU},
		{"config over locale", "", "en", env("LC_ALL", "ru_RU.UTF-8"), EN},
		{"config ru", "", "ru", env(), RU},
		{"flag over config", "ru", "en", env("LANG", "en_US.UTF-8"), RU},
		{"flag en over everything", "en", "ru", env("LC_ALL", "ru_RU.UTF-8"), EN},
		{"flag any case", "RU", "", env(), RU},
	} {
		got, _, err := Choose(c.flag, c.config, c.env)
		if err != nil || got != c.want {
			t.Errorf("%s: %s %v, want %s", c.name, got, err, c.want)
		}
	}
	if _, _, err := Choose("de", "", os.Getenv); err == nil || !strings.Contains(err.Error(), "use ru or en") {
		t.Fatalf("--lang de: %v", err)
	}
}

func TestDateWords(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 32, 59, 0, time.FixedZone("MSK", 3*3600))
	if got := New(RU).DateWords(at); got != "1 дек 2026, 09:32" {
		t.Errorf("ru: %q", got)
	}
	if got := New(EN).DateWords(at); got != "1 Dec 2026, 09:32" {
		t.Errorf("en: %q", got)
	}
	for m, want := range map[time.Month]string{time.January: "15 янв 2027, 00:05", time.May: "15 мая 2027, 00:05", time.September: "15 сен 2027, 00:05"} {
		if got := New(RU).DateWords(time.Date(2027, m, 15, 0, 5, 0, 0, time.UTC)); got != want {
			t.Errorf("ru %s: %q, want %q", m, got, want)
		}
	}
}

func TestQWERTY(t *testing.T) {
	for in, want := range map[rune]rune{'й': 'q', 'р': 'h', 'о': 'j', 'л': 'k', 'Р': 'H', 'П': 'G', 'з': 'p', 'н': 'y', 'т': 'n', 'ь': 'm', 'я': 'z'} {
		if got, ok := QWERTY(in); !ok || got != want {
			t.Errorf("%c: %c %v, want %c", in, got, ok, want)
		}
	}
	for _, r := range "qх]ъ?1 ё" {
		if got, ok := QWERTY(r); ok {
			t.Errorf("%c maps to %c: only letter keys move", r, got)
		}
	}
	latin := map[rune]bool{}
	for _, l := range ruLayout {
		if latin[l] {
			t.Errorf("two keys type %c", l)
		}
		latin[l] = true
	}
	if len(latin) != 52 {
		t.Errorf("%d Latin letters covered, want 26 in two cases", len(latin))
	}
}

// An engine failure reads in the reader's language, its cause included;
// Error() is English; Set switches a shared Tr for every holder at once.
func TestErrorAndSet(t *testing.T) {
	cause := errors.New("disk full")
	err := fmt.Errorf("outer: %w", Errorf("switcher.failed", Args{"Name": "x", "Why": "disk full"}, cause))
	tr := New(EN)
	if got := tr.Error(err); got != "Could not open profile x: disk full" {
		t.Fatalf("en: %q", got)
	}
	if !errors.Is(err, cause) {
		t.Fatal("the cause is not in the chain")
	}
	tr.Set(RU)
	if got := tr.Error(err); got != "Не удалось открыть профиль x: disk full" {
		t.Fatalf("ru after Set: %q", got)
	}
	var e *Error
	if !errors.As(err, &e) || e.Error() != "Could not open profile x: disk full" {
		t.Fatalf("Error() is not English: %v", e)
	}
	if got := tr.Error(cause); got != "disk full" {
		t.Fatalf("a plain error: %q", got)
	}
}
