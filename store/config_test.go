package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
)

// testKeySpec is a small key map: the screens' actions, a fixed ctrl+c and
// a dialog whose "y" and "n" live apart from the screens' keys.
type testKeySpec struct{}

func (testKeySpec) ActionNames() []string {
	return []string{"quit", "refresh", "help", "up", "down", "sort", "copy", "yes"}
}

func (testKeySpec) ActionKeys() map[string][]string {
	return map[string][]string{"quit": {"q"}, "refresh": {"r"}, "help": {"?"}, "up": {"up", "k"}, "down": {"down", "j"},
		"sort": {"s"}, "copy": {"y"}, "yes": {"y"}}
}

func (testKeySpec) FixedKeys() map[string]string {
	return map[string]string{"ctrl+c": "quit", "1": "screen 1"}
}

func (testKeySpec) Together() [][]string {
	return [][]string{{"quit", "refresh", "help", "up", "down", "sort", "copy"}, {"yes"}}
}

var testActions KeySpec = testKeySpec{}

func TestConfigTOML(t *testing.T) {
	cfg, err := ParseConfig("config.toml", []byte(`
default_profile = "work"
theme = "dark"
refresh_interval = "30s"
mouse = true
privacy = true
read_only = true
time_zone = "Asia/Almaty"
language = "ru"

[keys]
quit = ["q", "ctrl+c"]
refresh = ["r", "f5"]

[agent]
poll_interval = 90
[agent.low_balance]
RUB = "1000.50"
840 = 20
`), testActions)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DefaultProfile != "work" || cfg.Theme != "dark" || cfg.RefreshInterval != 30*time.Second || !cfg.Mouse || !cfg.Privacy || !cfg.ReadOnly || cfg.TimeZone.String() != "Asia/Almaty" || cfg.Language != i18n.RU {
		t.Errorf("cfg = %+v", cfg)
	}
	if got := cfg.Keys["quit"]; len(got) != 2 || got[1] != "ctrl+c" {
		t.Errorf("keys = %v", cfg.Keys)
	}
	if cfg.Agent.PollInterval != 90*time.Second {
		t.Errorf("poll = %v", cfg.Agent.PollInterval)
	}
	if a := cfg.Agent.LowBalance[qiwiapi.RUB]; a.Minor != 100050 {
		t.Errorf("RUB threshold = %v", a)
	}
	if a := cfg.Agent.LowBalance[qiwiapi.USD]; a.Minor != 2000 {
		t.Errorf("USD threshold = %v", a)
	}
}

func TestConfigYAMLAndZeroRefresh(t *testing.T) {
	cfg, err := ParseConfig("config.yaml", []byte("theme: light\nrefresh_interval: 0\nkeys:\n  help: [\"?\"]\n"), testActions)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Theme != "light" || cfg.RefreshInterval != 0 || cfg.Keys["help"][0] != "?" || cfg.TimeZone != qiwiapi.Moscow || cfg.Language != "" {
		t.Errorf("cfg = %+v", cfg)
	}
	if cfg, err := ParseConfig("config.yaml", nil, testActions); err != nil || cfg.Theme != "auto" {
		t.Errorf("empty file: %v %+v", err, cfg)
	}
}

func TestConfigErrorsHaveLines(t *testing.T) {
	cases := []struct {
		name, text string
		line       int
		words      string
	}{
		{"config.toml", "theme = \"dark\"\n\n[keys]\nquitt = [\"q\"]\n", 4, `unknown action "quitt"`},
		{"config.toml", "theme = \"dark\"\nmouse = yes please\n", 2, ""},
		{"config.toml", "theme = \"blue\"\n", 1, "auto, light or dark"},
		{"config.toml", "colour = 1\n", 1, `unknown setting "colour"`},
		{"config.toml", "[agent.low_balance]\nRUB = 10.5\n", 2, "as a string"},
		{"config.toml", "refresh_interval = \"soon\"\n", 1, "not a duration"},
		{"config.toml", "theme = \"dark\"\ntime_zone = \"Mars/Olympus\"\n", 2, `time_zone "Mars/Olympus": not a time zone name`},
		{"config.toml", "time_zone = 3\n", 1, "time_zone: write it as a string"},
		{"config.yaml", "time_zone: ../../etc/passwd\n", 1, "not a time zone name"},
		{"config.toml", "theme = \"dark\"\nlanguage = \"de\"\n", 2, `language: unknown language "de": use ru or en`},
		{"config.yaml", "mouse: true\nlanguage: 1\n", 2, "language: write it as a string"},
		{"config.yaml", "theme: dark\nkeys:\n  nope: [x]\n", 3, `unknown action "nope"`},
		{"config.yaml", "theme: dark\n  mouse: : :\n", 2, ""},
		{"config.yaml", "theme: dark\ncolour: red\n", 2, "colour"},
	}
	for _, c := range cases {
		_, err := ParseConfig(c.name, []byte(c.text), testActions)
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%s %q: err = %v, want *ConfigError", c.name, c.text, err)
			continue
		}
		if ce.Line != c.line || !strings.Contains(ce.Error(), c.words) {
			t.Errorf("%s %q: %q (line %d), want line %d and %q", c.name, c.text, ce.Error(), ce.Line, c.line, c.words)
		}
	}
}

func TestConfigPathsFollowXDG(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("XDG_DATA_HOME", "")
	if d, _ := ConfigDir(); d != filepath.Join(home, ".config", "qiwidash") {
		t.Errorf("ConfigDir = %s", d)
	}
	if p, _ := DefaultPath(); p != filepath.Join(home, ".local", "share", "qiwidash", "qiwidash.db") {
		t.Errorf("DefaultPath = %s", p)
	}
	x := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", x)
	cfg, err := LoadConfig("", testActions)
	if err != nil || cfg.Path != "" || cfg.Theme != "auto" {
		t.Fatalf("no file: %v %+v", err, cfg)
	}
	os.MkdirAll(filepath.Join(x, "qiwidash"), 0o700)
	os.WriteFile(filepath.Join(x, "qiwidash", "config.yaml"), []byte("theme: dark\n"), 0o600)
	cfg, err = LoadConfig("", testActions)
	if err != nil || cfg.Theme != "dark" {
		t.Fatalf("yaml file: %v %+v", err, cfg)
	}
}

// TestConfigReportsEveryMistake: a file with several mistakes names each
// one with its line, in line order, in TOML and in YAML; a wrong type does
// not hide what follows it.
func TestConfigReportsEveryMistake(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string // "line:words", in order
	}{
		{"config.toml", "theme = \"blue\"\nmouse = \"yes\"\ncolour = 1\nrefresh_interval = \"soon\"\n[keys]\nfly = [\"f\"]\nhelp = []\n[agent.low_balance]\nRUB = 10.5\nXYZ = \"1\"\n",
			[]string{"1:theme \"blue\"", "2:mouse: use true or false", "3:unknown setting \"colour\"", "4:refresh_interval", "6:unknown action \"fly\"", "7:action \"help\" has no keys", "9:as a string", "10:agent.low_balance"}},
		{"config.yaml", "theme: blue\ncolour: red\nprivacy: 3\nkeys:\n  fly: [f]\n  quit: q\nsize: 2\n",
			[]string{"1:theme \"blue\"", "2:unknown setting \"colour\"", "3:privacy: use true or false", "5:unknown action \"fly\"", "7:unknown setting \"size\""}},
	}
	for _, c := range cases {
		cfg, err := ParseConfig(c.name, []byte(c.text), testActions)
		var all ConfigErrors
		if !errors.As(err, &all) {
			t.Fatalf("%s: err = %v, want ConfigErrors", c.name, err)
		}
		if len(all) != len(c.want) {
			t.Errorf("%s: %d mistakes, want %d:\n%v", c.name, len(all), len(c.want), err)
			continue
		}
		for i, w := range c.want {
			line, words, _ := strings.Cut(w, ":")
			if got := all[i]; strconv.Itoa(got.Line) != line || !strings.Contains(got.Msg, words) || got.Path != c.name {
				t.Errorf("%s: mistake %d is %q (line %d), want line %s and %q", c.name, i+1, got.Msg, got.Line, line, words)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("%s:%s: ", c.name, line)) {
				t.Errorf("%s: the message does not name line %s:\n%v", c.name, line, err)
			}
		}
		if c.name == "config.yaml" && strings.Join(cfg.Keys["quit"], ",") != "q" {
			t.Errorf("a single key as a string: %v", cfg.Keys)
		}
	}
}

// TestConfigRefusesAKeyBoundTwice: a key that would do two things on the
// same screen is refused, naming the key and both actions, whether the
// other action has it from the config or by default; a key shared by
// actions never live together (copy and a dialog's yes) is fine.
func TestConfigRefusesAKeyBoundTwice(t *testing.T) {
	cases := []struct {
		text string
		line int
		want string // "" = accepted
	}{
		{"[keys]\nsort = [\"r\"]\n", 2, `"r" is bound to two actions, sort and refresh (its default key)`},
		{"[keys]\nquit = [\"x\"]\nsort = [\"S\", \"x\"]\n", 3, `"x" is bound to two actions, quit and sort`},
		{"[keys]\nhelp = [\"ctrl+c\"]\n", 2, `"ctrl+c" always does quit; it cannot also do help`},
		{"[keys]\nyes = [\"1\"]\n", 2, `"1" always does screen 1; it cannot also do yes`},
		{"[keys]\nquit = [\"q\", \"ctrl+c\"]\n", 0, ""},         // ctrl+c quits anyway
		{"[keys]\nsort = [\"r\"]\nrefresh = [\"f5\"]\n", 0, ""}, // refresh moved away: fine
		{"[keys]\nyes = [\"s\"]\n", 0, ""},                      // the dialog's keys live apart
		{"[keys]\nquit = [\"q\", \"q\"]\n", 0, ""},              // twice for one action is harmless
		{"[keys]\nrefresh = [\"y\"]\n", 2, `"y" is bound to two actions, refresh and copy (its default key)`},
	}
	for _, c := range cases {
		_, err := ParseConfig("config.toml", []byte(c.text), testActions)
		if c.want == "" {
			if err != nil {
				t.Errorf("%q refused: %v", c.text, err)
			}
			continue
		}
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Line != c.line || !strings.Contains(ce.Msg, c.want) {
			t.Errorf("%q: %v, want line %d and %q", c.text, err, c.line, c.want)
		}
	}
	// With no key map there is nothing to compare with.
	if _, err := ParseConfig("config.toml", []byte("[keys]\nsort = [\"r\"]\n"), nil); err != nil {
		t.Errorf("without a key map: %v", err)
	}
}

// TestConfigMistakesInRussian: every mistake reads in Russian with its
// file and line (In), counted properly (2 ошибки, 5 ошибок); Error() and
// In(nil) are the English as before.
func TestConfigMistakesInRussian(t *testing.T) {
	ru := i18n.New(i18n.RU)
	_, err := ParseConfig("config.toml", []byte("theme = \"blue\"\n"), testActions)
	var all ConfigErrors
	if !errors.As(err, &all) || all.In(ru) != `config.toml:1: theme "blue": укажите auto, light или dark` || all.In(nil) != err.Error() {
		t.Fatalf("one mistake: %q / %v", all.In(ru), err)
	}
	_, err = ParseConfig("config.yaml", []byte("theme: blue\ncolour: red\n"), testActions)
	if !errors.As(err, &all) || all.In(ru) != "в конфигурации 2 ошибки:\n  config.yaml:1: theme \"blue\": укажите auto, light или dark\n  config.yaml:2: неизвестная настройка \"colour\"" {
		t.Errorf("two mistakes:\n%s", all.In(ru))
	}
	_, err = ParseConfig("config.toml", []byte("mouse = 1\nprivacy = 2\nrefresh_interval = \"-5s\"\ntime_zone = \"Mars/Olympus\"\n[agent.low_balance]\nRUB = 10.5\n"), testActions)
	if !errors.As(err, &all) || len(all) != 5 {
		t.Fatalf("five mistakes: %v", err)
	}
	for _, want := range []string{"в конфигурации 5 ошибок:", "config.toml:2: privacy: укажите true или false", "config.toml:3: refresh_interval: не может быть отрицательным",
		`config.toml:4: time_zone "Mars/Olympus": это не часовой пояс`, `config.toml:6: agent.low_balance.RUB: запишите сумму строкой`} {
		if !strings.Contains(all.In(ru), want) {
			t.Errorf("no %q in:\n%s", want, all.In(ru))
		}
	}
	if strings.Contains(err.Error(), "ошиб") || !strings.HasPrefix(err.Error(), "the config has 5 mistakes:") {
		t.Errorf("English: %v", err)
	}
}
