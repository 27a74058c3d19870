package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"qiwidash/i18n"
	"qiwidash/store"
	"qiwidash/store/moves"
	"qiwidash/ui/common"
	"qiwidash/views/settings"
)

// cobraEnglish are the words cobra and pflag print of their own in English.
var cobraEnglish = []string{"Usage:", "Flags:", "Global Flags:", "Available Commands:", "Examples:", "[flags]", "[command]",
	"for more information", "help for", "version for", "(default", "Help about any command", "Generate the autocompletion"}

// TestHelpInRussian: with --lang ru (either spelling), the config's
// language or a Russian locale, every command's help is Russian, cobra's
// words included, its flags' help in one column; --lang en wins over a
// Russian locale and is English.
func TestHelpInRussian(t *testing.T) {
	_, configHome := cleanEnv(t)
	help := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(args, &out, &errOut); err != nil || errOut.Len() > 0 {
			t.Fatalf("%v: %v, stderr %q", args, err, errOut.String())
		}
		return out.String()
	}
	russian := func(what, h string, words ...string) {
		t.Helper()
		for _, w := range append([]string{"Использование:", "Флаги:"}, words...) {
			if !strings.Contains(h, w) {
				t.Errorf("%s: no %q:\n%s", what, w, h)
			}
		}
		for _, w := range cobraEnglish {
			if strings.Contains(h, w) {
				t.Errorf("%s: English %q:\n%s", what, w, h)
			}
		}
		col := -1 // the flags' help starts in one column, Cyrillic value names or not
		for _, line := range strings.Split(h, "\n") {
			m := flagLine.FindStringSubmatch(line)
			if m == nil || !strings.HasPrefix(strings.TrimSpace(line), "-") {
				if strings.TrimSpace(line) == "" {
					col = -1 // the next list (global flags) has its own column
				}
				continue
			}
			at := utf8.RuneCountInString(line) - utf8.RuneCountInString(m[2])
			if col >= 0 && at != col {
				t.Errorf("%s: %q starts its help at %d, the others at %d", what, line, at, col)
			}
			col = at
		}
	}
	russian("--lang ru --help", help("--lang", "ru", "--help"), "Команды:", "справка по команде qiwidash", "версия qiwidash", "--profile ИМЯ", "qiwidash: панель QIWI Кошелька в терминале")
	russian("--lang=ru export --help", help("--lang=ru", "export", "--help"), "Общие флаги:", "--format ФОРМАТ", `(по умолчанию "csv")`, "qiwidash export [флаги]")
	russian("help completion bash", help("--lang", "ru", "help", "completion", "bash"), "без описаний в подсказках")
	russian("help bogus", help("--lang", "ru", "help", "bogus"), "Справки по «bogus» нет\n", "Команды:")
	for _, cmd := range []string{"sandbox", "login", "logout", "statement", "find", "listen", "help", "completion"} {
		russian(cmd+" --help", help("--lang", "ru", cmd, "--help"))
	}

	t.Setenv("LANG", "ru_RU.UTF-8")
	russian("LANG=ru_RU.UTF-8 --help", help("--help"), "Команды:")
	if h := help("--lang", "en", "--help"); !strings.Contains(h, "Usage:") || strings.Contains(h, "Использование") {
		t.Errorf("--lang en under a Russian locale:\n%s", h)
	}

	t.Setenv("LANG", "")
	dir := filepath.Join(configHome, "qiwidash")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "config.toml"), []byte("language = \"ru\"\n"), 0o600)
	russian("language = ru in the config", help("listen", "--help"), "Общие флаги:")
}

// TestMistakesInRussian: main says a mistake in Russian with a Russian
// locale: the config's mistakes each with its line (a config that says
// language = "ru" is read in Russian even with other mistakes), a flag's
// mistake, a missing profile.
func TestMistakesInRussian(t *testing.T) {
	_, configHome := cleanEnv(t)
	t.Setenv("LANG", "ru_RU.UTF-8")
	dir := filepath.Join(configHome, "qiwidash")
	os.MkdirAll(dir, 0o700)
	path := filepath.Join(dir, "config.toml")
	for _, c := range []struct {
		config string
		args   []string
		want   []string
	}{
		{"theme = \"blue\"\nmouse = \"yes\"\n", []string{"--profile", "x"}, []string{
			"qiwidash: в конфигурации 2 ошибки:\n",
			"  " + path + `:1: theme "blue": укажите auto, light или dark` + "\n",
			"  " + path + ":2: mouse: укажите true или false\n",
		}},
		{"[keys]\nfly = [\"f\"]\n", []string{"export", "--offline"}, []string{"qiwidash: " + path + `:2: keys: неизвестное действие "fly" (действия: `}},
		{"", []string{"--profile", "x"}, []string{"qiwidash: профилей ещё нет: выполните «qiwidash login» или «qiwidash --demo»\n"}},
		{"", []string{"--refresh", "soon"}, []string{`qiwidash: неверное значение "soon" флага "--refresh": `, "(см. «qiwidash --help»)"}},
		{"", []string{"export", "--bogus"}, []string{"qiwidash: неизвестный флаг: --bogus (см. «qiwidash export --help»)\n"}},
		{"", []string{"export", "--format", "xml", "--offline"}, []string{`qiwidash: export: --format "xml": укажите csv или json` + "\n"}},
		{"", []string{"exprt"}, []string{`qiwidash: неизвестная команда "exprt" для "qiwidash"` + "\n\nМожет быть, вы имели в виду:\n\texport\n"}},
		{"", []string{"login", "extra"}, []string{`qiwidash: неизвестная команда "extra" для "qiwidash login"` + "\n"}},
		{"", []string{"find"}, []string{"qiwidash: нужен хотя бы один аргумент: что искать\n"}},
		{"", []string{"--lang", "de"}, []string{`qiwidash: --lang: неизвестный язык "de": укажите ru или en` + "\n"}},
	} {
		os.WriteFile(path, []byte(c.config), 0o600)
		code, out, errOut := qiwidash(t, c.args...)
		if code != 1 || out != "" {
			t.Errorf("%v: exit %d, stdout %q", c.args, code, out)
		}
		for _, w := range c.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v with %q: stderr lacks %q:\n%s", c.args, c.config, w, errOut)
			}
		}
	}
	t.Setenv("LANG", "")
	os.WriteFile(path, []byte("language = \"ru\"\ntheme = \"blue\"\n"), 0o600)
	if _, _, errOut := qiwidash(t); errOut != "qiwidash: "+path+`:2: theme "blue": укажите auto, light или dark`+"\n" {
		t.Errorf("a Russian config with a mistake: %q", errOut)
	}
}

// TestResumeNoticePlurals: what start-up says of unfinished payments and
// top-ups counts them in Russian (1 платёж, 2 платежа, 5 платежей) and
// reads as before in English.
func TestResumeNoticePlurals(t *testing.T) {
	ru, err := newCommon(dashboardFlags{lang: "ru"}, credentials{}, "", "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	en, err := newCommon(dashboardFlags{lang: "en"}, credentials{}, "", "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		topups bool
		rep    moves.Report
		ru, en string
	}{
		{false, moves.Report{Followed: 1}, "Завершаю 1 платёж, оставшийся с прошлого запуска (тот же id: дважды не спишется)",
			"Finishing 1 payment left open by the last run (same ids, never paid twice)"},
		{false, moves.Report{Held: 2}, "2 платежа ждут вашего решения", "2 payments wait for you to act"},
		{false, moves.Report{Held: 5}, "5 платежей ждут вашего решения", "5 payments wait for you to act"},
		{false, moves.Report{Followed: 21, Held: 1}, "Завершаю 21 платёж, оставшийся с прошлого запуска (тот же id: дважды не спишется); ещё 1 ждёт вашего решения",
			"Finishing 21 payments left open by the last run (same ids, never paid twice); 1 waits for you"},
		{true, moves.Report{Held: 1}, "1 пополнение ждёт вашего решения", "1 top-up waits for you to act"},
		{true, moves.Report{Followed: 2}, "Завершаю 2 пополнения, оставшихся с прошлого запуска (те же id: дважды не пройдут)",
			"Finishing 2 top-ups left open by the last run (same ids, never paid twice)"},
		{true, moves.Report{Followed: 5, Held: 12}, "Завершаю 5 пополнений, оставшихся с прошлого запуска (те же id: дважды не пройдут); ещё 12 ждут вашего решения",
			"Finishing 5 top-ups left open by the last run (same ids, never paid twice); 12 wait for you"},
		{true, moves.Report{}, "", ""},
	} {
		if got := resumeNotice(ru, c.topups, c.rep, nil); got != c.ru {
			t.Errorf("ru %+v: %q, want %q", c.rep, got, c.ru)
		}
		if got := resumeNotice(en, c.topups, c.rep, nil); got != c.en {
			t.Errorf("en %+v: %q, want %q", c.rep, got, c.en)
		}
	}
}

func TestArgValue(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--lang", "ru"}, "ru"},
		{[]string{"export", "--lang=ru", "--offline"}, "ru"},
		{[]string{"--lang", "en", "--lang=ru"}, "ru"},
		{[]string{"--lang"}, ""},
		{[]string{"find", "--", "--lang", "ru"}, ""},
		{[]string{"--language", "ru"}, ""},
	} {
		if got := argValue(c.args, "lang"); got != c.want {
			t.Errorf("%v: %q, want %q", c.args, got, c.want)
		}
	}
}

// TestOneLanguageForEveryProfile: every profile the dashboard opens holds
// the one catalogue, so the Settings screen's live switch (Tr.Set) holds
// when the shell reopens the profile in the new language or switches to
// another.
func TestOneLanguageForEveryProfile(t *testing.T) {
	cleanEnv(t)
	accounts := settings.NewMemoryAccounts()
	for _, name := range []string{"a", "b"} {
		accounts.Add(store.Profile{Name: name}, store.Credentials{APIID: "1", APIPassword: "secret", ShopID: "2"})
	}
	tr := i18n.New(i18n.EN)
	d := &dashboard{f: dashboardFlags{tr: tr, set: map[string]bool{}}, cfg: store.DefaultConfig(), accounts: accounts, saveDir: t.TempDir(),
		newDeps: func(string, *common.Common, credentials) (screenDeps, error) { return demoDeps(), nil }}
	a, _, err := d.open("a")
	if err != nil || a.Tr != tr {
		t.Fatalf("open a: %v, its Tr the dashboard's: %v", err, a.Tr == tr)
	}
	a.Tr.Set(i18n.RU) // the Settings screen's switch
	for _, name := range []string{"a", "b"} {
		c, screens, err := d.open(name)
		if err != nil {
			t.Fatal(err)
		}
		if c.Tr != tr || c.Keys.Quit.Help().Desc != "выход" || screens[0].ModeName != "Магазин" {
			t.Errorf("%s reopened after the switch: same Tr %v, quit %q, mode %q", name, c.Tr == tr, c.Keys.Quit.Help().Desc, screens[0].ModeName)
		}
	}
}
