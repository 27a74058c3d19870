package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi"
)

// FuzzParseConfig reads any text as a TOML or YAML config: it never
// panics; a refusal is a *ConfigError that names the file and a line
// inside it; what is accepted holds only values the settings allow.
// Seed corpus: testdata/fuzz/FuzzParseConfig.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("default_profile = \"work\"\ntheme = \"dark\"\nrefresh_interval = \"30s\"\nmouse = true\n[keys]\nquit = [\"q\", \"ctrl+c\"]\n[agent]\npoll_interval = 90\n[agent.low_balance]\nRUB = \"1000.50\"\n840 = 20\n"), false)
	f.Add([]byte("default_profile: work\ntheme: light\nrefresh_interval: 5m\nkeys:\n  quit: [q]\nagent:\n  low_balance:\n    RUB: \"10\"\n"), true)
	f.Add([]byte("refresh_interval = 9223372037\n"), false)
	f.Add([]byte("[agent]\npoll_interval = -1\n"), false)
	f.Add([]byte("agent:\n  low_balance:\n    RUB: 1.5\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, yaml bool) {
		path := "config.toml"
		if yaml {
			path = "config.yaml"
		}
		cfg, err := ParseConfig(path, data, testActions)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Path != path || ce.Msg == "" || ce.Line < 0 || ce.Line > max(strings.Count(string(data), "\n"), strings.Count(string(data), "\r"))+1 {
				t.Fatalf("refusal %#v (%v)", err, err)
			}
			if strings.Contains(ce.Msg, "store.") {
				t.Fatalf("a Go type name in %q", ce.Msg)
			}
			return
		}
		switch cfg.Theme {
		case "auto", "light", "dark":
		default:
			t.Fatalf("theme %q accepted", cfg.Theme)
		}
		for _, d := range []time.Duration{cfg.RefreshInterval, cfg.Agent.PollInterval} {
			if d < 0 || (d > 0 && d < time.Second) {
				t.Fatalf("interval %v accepted", d)
			}
		}
		for cur, a := range cfg.Agent.LowBalance {
			if a.Minor < 0 || a.Currency != cur {
				t.Fatalf("low balance %v %+v accepted", cur, a)
			}
		}
		if cfg.DefaultProfile != "" && CheckProfileName(cfg.DefaultProfile) != nil {
			t.Fatalf("profile name %q accepted", cfg.DefaultProfile)
		}
	})
}

// TestIntervalOverflowRefused: a number of seconds too large for a
// duration is refused, not wrapped into another interval.
func TestIntervalOverflowRefused(t *testing.T) {
	for _, n := range []string{"9223372037", "18446744074", "92233720368547758"} {
		_, err := ParseConfig("config.toml", []byte("refresh_interval = "+n+"\n"), nil)
		if err == nil || !strings.Contains(err.Error(), "too long") {
			t.Errorf("refresh_interval = %s: %v", n, err)
		}
	}
	if _, err := ParseConfig("config.toml", []byte("refresh_interval = -9223372037\n"), nil); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("a negative overflow: %v", err)
	}
	cfg, err := ParseConfig("config.toml", []byte("refresh_interval = 86400\n"), nil)
	if err != nil || cfg.RefreshInterval != 24*time.Hour {
		t.Errorf("a day: %v %v", cfg.RefreshInterval, err)
	}
}

// FuzzParseDay reads any --from/--to text of `export`: it never panics; a
// refusal says what to write; an accepted day is that day in Moscow time
// (start, or its last second), or the RFC 3339 time as given.
// Seed corpus: testdata/fuzz/FuzzParseDay.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2024-05-01", "2024-02-29", "2023-02-29", "2024-13-01", "2024-05-01T10:00:00+03:00", "2024-05-01T10:00:00Z",
		"", "0000-01-01", "9999-12-31", "-2024-01-01", "2024-5-1", "2024-05-01 ", "yesterday", "2024-05-01T25:00:00Z"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, end bool) {
		got, err := ParseDay(s, qiwiapi.Moscow, end)
		if err != nil {
			if !strings.Contains(err.Error(), "YYYY-MM-DD") {
				t.Fatalf("%q: refusal %q does not say what to write", s, err)
			}
			return
		}
		if s == "" {
			if !got.IsZero() {
				t.Fatalf("empty gave %v", got)
			}
			return
		}
		if rfc, e := time.Parse(time.RFC3339, s); e == nil {
			if !got.Equal(rfc) {
				t.Fatalf("%q: %v, want %v", s, got, rfc)
			}
			return
		}
		day := got.In(qiwiapi.Moscow)
		want := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, qiwiapi.Moscow)
		if end {
			want = want.Add(24*time.Hour - time.Second)
		}
		if !got.Equal(want) || day.Format("2006-01-02") != s {
			t.Fatalf("%q (end %v): %v", s, end, fmt.Sprint(got))
		}
	})
}
