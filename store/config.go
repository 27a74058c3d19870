package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"

	"qiwidash/qiwiapi"
)

// Config is the user's configuration file, checked and with defaults filled.
type Config struct {
	Path            string              // the file it came from; "" when none exists
	DefaultProfile  string              // profile opened without --profile
	Theme           string              // "auto", "light" or "dark"
	Keys            map[string][]string // action -> keys, for Binding.SetKeys
	RefreshInterval time.Duration       // 0: no automatic refresh
	Mouse           bool
	Privacy         bool // start with personal data masked
	ReadOnly        bool // start with money-moving actions disabled
	Agent           AgentConfig
}

// AgentConfig is the payment agent dashboard's settings.
type AgentConfig struct {
	LowBalance   map[qiwiapi.Currency]qiwiapi.Amount // warn below these balances
	PollInterval time.Duration                       // balance and status polling
}

// DefaultConfig is what applies when the file is missing or silent.
func DefaultConfig() Config {
	return Config{
		DefaultProfile:  "default",
		Theme:           "auto",
		Keys:            map[string][]string{},
		RefreshInterval: time.Minute,
		Agent:           AgentConfig{LowBalance: map[qiwiapi.Currency]qiwiapi.Amount{}, PollInterval: time.Minute},
	}
}

// rawConfig is the file as written; both TOML and YAML use these names.
type rawConfig struct {
	DefaultProfile  *string             `toml:"default_profile" yaml:"default_profile"`
	Theme           *string             `toml:"theme" yaml:"theme"`
	Keys            map[string][]string `toml:"keys" yaml:"keys"`
	RefreshInterval any                 `toml:"refresh_interval" yaml:"refresh_interval"`
	Mouse           *bool               `toml:"mouse" yaml:"mouse"`
	Privacy         *bool               `toml:"privacy" yaml:"privacy"`
	ReadOnly        *bool               `toml:"read_only" yaml:"read_only"`
	Agent           *struct {
		LowBalance   map[string]any `toml:"low_balance" yaml:"low_balance"`
		PollInterval any            `toml:"poll_interval" yaml:"poll_interval"`
	} `toml:"agent" yaml:"agent"`
}

// ConfigError is a problem in the configuration file, with its line.
type ConfigError struct {
	Path string
	Line int // 0 when unknown
	Msg  string
}

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// homeDir is $HOME (overridable in tests through the environment).
func homeDir() (string, error) {
	if h := os.Getenv("HOME"); h != "" {
		return h, nil
	}
	return os.UserHomeDir()
}

// xdgDir is $env, else ~/fallback on Unix (macOS included), else winDir().
func xdgDir(env, fallback string, winDir func() (string, error)) (string, error) {
	if d := os.Getenv(env); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "qiwidash"), nil
	}
	if runtime.GOOS == "windows" {
		d, err := winDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(d, "qiwidash"), nil
	}
	h, err := homeDir()
	if err != nil {
		return "", fmt.Errorf("no home directory to keep qiwidash files in: %w", err)
	}
	return filepath.Join(h, fallback, "qiwidash"), nil
}

// ConfigDir is $XDG_CONFIG_HOME/qiwidash, or ~/.config/qiwidash on every Unix.
func ConfigDir() (string, error) { return xdgDir("XDG_CONFIG_HOME", ".config", os.UserConfigDir) }

// DataDir is $XDG_DATA_HOME/qiwidash, or ~/.local/share/qiwidash on every Unix.
// The store lives here rather than in the cache dir: its journal is not disposable.
func DataDir() (string, error) {
	return xdgDir("XDG_DATA_HOME", filepath.Join(".local", "share"), os.UserConfigDir)
}

// DefaultPath is where the store file lives.
func DefaultPath() (string, error) {
	d, err := DataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "qiwidash.db"), nil
}

// FindConfig returns the config file in ConfigDir (config.toml, config.yaml
// or config.yml), or "" when there is none.
func FindConfig() (string, error) {
	dir, err := ConfigDir()
	if err != nil {
		return "", err
	}
	var found []string
	for _, name := range []string{"config.toml", "config.yaml", "config.yml"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("both %s exist; keep one", strings.Join(found, " and "))
}

// LoadConfig reads the file at path ("" finds the default one; a missing
// default file gives the defaults). actions are the names key rebinding
// may use; any other name is refused (nil actions: names are not checked).
func LoadConfig(path string, actions []string) (Config, error) {
	cfg := DefaultConfig()
	explicit := path != ""
	if !explicit {
		p, err := FindConfig()
		if err != nil {
			return cfg, err
		}
		if p == "" {
			return cfg, nil
		}
		path = p
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("config: %w", err)
	}
	return ParseConfig(path, data, actions)
}

var (
	yamlLineRe = regexp.MustCompile(`line (\d+)`)
	// The YAML decoder names our Go types; the user wrote settings.
	yamlUnknownRe = regexp.MustCompile(`field (.+?) not found in type store\.\w+`)
	yamlIntoRe    = regexp.MustCompile(` into store\.\w+`)
)

// ParseConfig parses config text; the format follows the file extension
// (.yaml/.yml, anything else is TOML).
func ParseConfig(path string, data []byte, actions []string) (Config, error) {
	cfg := DefaultConfig()
	cfg.Path = path
	var raw rawConfig
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
			msg := strings.TrimPrefix(err.Error(), "yaml: ")
			msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
			msg = yamlUnknownRe.ReplaceAllString(msg, `unknown setting "$1"`)
			msg = yamlIntoRe.ReplaceAllString(msg, " as settings (write key: value lines)")
			line := 0
			if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
				line, _ = strconv.Atoi(m[1])
				msg = strings.TrimSpace(yamlLineRe.ReplaceAllString(msg, ""))
				msg = strings.TrimPrefix(msg, ": ")
			}
			return cfg, &ConfigError{Path: path, Line: line, Msg: strings.TrimSpace(msg)}
		}
	default:
		md, err := toml.Decode(string(data), &raw)
		if err != nil {
			var pe toml.ParseError
			if errors.As(err, &pe) {
				return cfg, &ConfigError{Path: path, Line: pe.Position.Line, Msg: pe.Message}
			}
			return cfg, &ConfigError{Path: path, Line: tomlErrLine(err), Msg: strings.TrimPrefix(err.Error(), "toml: ")}
		}
		if und := md.Undecoded(); len(und) > 0 {
			k := und[0]
			return cfg, &ConfigError{Path: path, Line: lineOf(data, k[len(k)-1]), Msg: fmt.Sprintf("unknown setting %q", k.String())}
		}
	}
	return cfg, raw.apply(&cfg, path, data, actions)
}

var tomlLineRe = regexp.MustCompile(`line (\d+)`)

func tomlErrLine(err error) int {
	if m := tomlLineRe.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// lineOf finds the line where key is written as a key ("key =", "key:",
// quoted or not); 0 if not found.
func lineOf(data []byte, key string) int {
	for i, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		for _, k := range []string{key, `"` + key + `"`, `'` + key + `'`} {
			if rest, ok := strings.CutPrefix(l, k); ok {
				rest = strings.TrimSpace(rest)
				if strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, ":") {
					return i + 1
				}
			}
		}
	}
	return 0
}

func (raw *rawConfig) apply(cfg *Config, path string, data []byte, actions []string) error {
	bad := func(key, format string, args ...any) error {
		return &ConfigError{Path: path, Line: lineOf(data, key), Msg: fmt.Sprintf(format, args...)}
	}
	if raw.DefaultProfile != nil {
		if err := CheckProfileName(*raw.DefaultProfile); err != nil {
			return bad("default_profile", "default_profile: %v", err)
		}
		cfg.DefaultProfile = *raw.DefaultProfile
	}
	if raw.Theme != nil {
		switch t := strings.ToLower(*raw.Theme); t {
		case "auto", "light", "dark":
			cfg.Theme = t
		default:
			return bad("theme", "theme %q: use auto, light or dark", *raw.Theme)
		}
	}
	if len(raw.Keys) > 0 {
		names := make([]string, 0, len(raw.Keys))
		for a := range raw.Keys {
			names = append(names, a)
		}
		sort.Strings(names)
		for _, a := range names {
			if actions != nil && !slices.Contains(actions, a) {
				known := slices.Clone(actions)
				sort.Strings(known)
				return bad(a, "keys: unknown action %q (actions: %s)", a, strings.Join(known, ", "))
			}
			keys := raw.Keys[a]
			if len(keys) == 0 {
				return bad(a, "keys: action %q has no keys", a)
			}
			for _, k := range keys {
				if strings.TrimSpace(k) == "" {
					return bad(a, "keys: action %q has an empty key", a)
				}
			}
			cfg.Keys[a] = keys
		}
	}
	if raw.RefreshInterval != nil {
		d, err := parseInterval(raw.RefreshInterval)
		if err != nil {
			return bad("refresh_interval", "refresh_interval: %v", err)
		}
		cfg.RefreshInterval = d
	}
	if raw.Mouse != nil {
		cfg.Mouse = *raw.Mouse
	}
	if raw.Privacy != nil {
		cfg.Privacy = *raw.Privacy
	}
	if raw.ReadOnly != nil {
		cfg.ReadOnly = *raw.ReadOnly
	}
	if raw.Agent != nil {
		if raw.Agent.PollInterval != nil {
			d, err := parseInterval(raw.Agent.PollInterval)
			if err != nil {
				return bad("poll_interval", "agent.poll_interval: %v", err)
			}
			cfg.Agent.PollInterval = d
		}
		for code, v := range raw.Agent.LowBalance {
			cur, err := qiwiapi.ParseCurrency(code)
			if err != nil {
				return bad(code, "agent.low_balance: %v", err)
			}
			var lit string
			switch x := v.(type) {
			case string:
				lit = x
			case int64:
				lit = strconv.FormatInt(x, 10)
			case int:
				lit = strconv.Itoa(x)
			case float64:
				return bad(code, "agent.low_balance.%s: write the amount as a string (\"%s\" = \"1000.50\"), money is never read as a float", code, code)
			default:
				return bad(code, "agent.low_balance.%s: %v is not an amount", code, v)
			}
			a, err := qiwiapi.ParseAmount(lit, cur)
			if err != nil {
				return bad(code, "agent.low_balance.%s: %q: %v", code, lit, err)
			}
			if a.Minor < 0 {
				return bad(code, "agent.low_balance.%s: the threshold cannot be negative", code)
			}
			cfg.Agent.LowBalance[cur] = a
		}
	}
	return nil
}

// maxSeconds is the longest interval a time.Duration holds, in seconds.
const maxSeconds = int64(1<<63-1) / int64(time.Second)

func toInt64(v any) int64 {
	if n, ok := v.(int); ok {
		return int64(n)
	}
	return v.(int64)
}

// parseInterval reads "30s", "5m", "0" / "off", or a number of seconds.
func parseInterval(v any) (time.Duration, error) {
	var d time.Duration
	switch x := v.(type) {
	case string:
		s := strings.TrimSpace(strings.ToLower(x))
		if s == "0" || s == "off" || s == "" {
			return 0, nil
		}
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q is not a duration (use 30s, 5m or 0 for off)", x)
		}
	case int64, int:
		n := toInt64(x)
		if n < 0 {
			return 0, errors.New("cannot be negative")
		}
		if n > maxSeconds {
			return 0, fmt.Errorf("%d seconds is too long for an interval", n)
		}
		d = time.Duration(n) * time.Second
	default:
		return 0, fmt.Errorf("%v is not a duration (use \"30s\", \"5m\" or 0 for off)", v)
	}
	if d < 0 {
		return 0, errors.New("cannot be negative")
	}
	if d > 0 && d < time.Second {
		return 0, errors.New("must be at least 1s (or 0 for off)")
	}
	return d, nil
}
