package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi"
)

var testActions = []string{"quit", "refresh", "help", "up", "down"}

func TestConfigTOML(t *testing.T) {
	cfg, err := ParseConfig("config.toml", []byte(`
default_profile = "work"
theme = "dark"
refresh_interval = "30s"
mouse = true
privacy = true
read_only = true

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
	if cfg.DefaultProfile != "work" || cfg.Theme != "dark" || cfg.RefreshInterval != 30*time.Second || !cfg.Mouse || !cfg.Privacy || !cfg.ReadOnly {
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
	if cfg.Theme != "light" || cfg.RefreshInterval != 0 || cfg.Keys["help"][0] != "?" {
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
		{"config.yaml", "theme: dark\nkeys:\n  nope: [x]\n", 3, `unknown action "nope"`},
		{"config.yaml", "theme: dark\n  mouse: : :\n", 2, ""},
		{"config.yaml", "theme: dark\ncolour: red\n", 2, "colour"},
	}
	for _, c := range cases {
		_, err := ParseConfig(c.name, []byte(c.text), testActions)
		ce, ok := err.(*ConfigError)
		if !ok {
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
