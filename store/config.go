package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
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

	"qiwidash/i18n"
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
	// TimeZone is the one zone every screen shows times in; Moscow time
	// (QIWI's) unless time_zone names another (an IANA name).
	TimeZone *time.Location
	// Language is the language the dashboard speaks (i18n.RU, i18n.EN);
	// "" when language is not set (then the locale decides).
	Language i18n.Lang
	Agent    AgentConfig
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
		TimeZone:        qiwiapi.Moscow,
		Agent:           AgentConfig{LowBalance: map[qiwiapi.Currency]qiwiapi.Amount{}, PollInterval: time.Minute},
	}
}

// rawConfig is the file as written; both TOML and YAML use these names.
type rawConfig struct {
	// Every value is read as it is written and checked in apply, so one
	// wrong type does not hide the mistakes after it.
	DefaultProfile  any            `toml:"default_profile" yaml:"default_profile"`
	Theme           any            `toml:"theme" yaml:"theme"`
	Keys            map[string]any `toml:"keys" yaml:"keys"`
	RefreshInterval any            `toml:"refresh_interval" yaml:"refresh_interval"`
	Mouse           any            `toml:"mouse" yaml:"mouse"`
	Privacy         any            `toml:"privacy" yaml:"privacy"`
	ReadOnly        any            `toml:"read_only" yaml:"read_only"`
	TimeZone        any            `toml:"time_zone" yaml:"time_zone"`
	Language        any            `toml:"language" yaml:"language"`
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

// ConfigErrors is every mistake found in a configuration file, in line
// order; errors.As finds the first *ConfigError.
type ConfigErrors []*ConfigError

func (es ConfigErrors) Error() string {
	if len(es) == 1 {
		return es[0].Error()
	}
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = "  " + e.Error()
	}
	return fmt.Sprintf("the config has %d mistakes:\n%s", len(es), strings.Join(lines, "\n"))
}

// Unwrap lets errors.As and errors.Is look at each mistake.
func (es ConfigErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
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

// StateDir is $XDG_STATE_HOME/qiwidash, or ~/.local/state/qiwidash on
// every Unix: the --debug log lives here.
func StateDir() (string, error) {
	return xdgDir("XDG_STATE_HOME", filepath.Join(".local", "state"), os.UserCacheDir)
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
// default file gives the defaults). keys says which actions [keys] may
// rebind and which keys they hold before the config (nil: not checked).
func LoadConfig(path string, keys KeySpec) (Config, error) {
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
	return ParseConfig(path, data, keys)
}

// KeySpec is what a config's [keys] table is checked against; the UI's
// key map (ui/common.KeyMap) is one.
type KeySpec interface {
	// ActionNames are the actions the config may rebind.
	ActionNames() []string
	// ActionKeys is each of those actions' keys before the config.
	ActionKeys() map[string][]string
	// FixedKeys are the keys no config moves (ctrl+c, the screen
	// numbers), each with what it does: an action's name ("quit": binding
	// ctrl+c to quit as well is harmless) or words ("screen 1").
	FixedKeys() map[string]string
	// Together lists the sets of actions that are live at the same moment
	// (the global ones with one screen's own, a dialog's, a form's). A key
	// may serve at most one action of each set.
	Together() [][]string
}

var (
	yamlLineRe = regexp.MustCompile(`line (\d+)`)
	// The YAML decoder names our Go types; the user wrote settings.
	yamlUnknownRe = regexp.MustCompile(`field (.+?) not found in type store\.\w+`)
	yamlIntoRe    = regexp.MustCompile(` into store\.\w+`)
)

// yamlError turns one YAML decoder message into a ConfigError with its line.
func yamlError(path, msg string) *ConfigError {
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = yamlUnknownRe.ReplaceAllString(msg, `unknown setting "$1"`)
	msg = yamlIntoRe.ReplaceAllString(msg, " as settings (write key: value lines)")
	line := 0
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.TrimSpace(yamlLineRe.ReplaceAllString(msg, ""))
		msg = strings.TrimPrefix(msg, ": ")
	}
	return &ConfigError{Path: path, Line: line, Msg: strings.TrimSpace(msg)}
}

// ParseConfig parses config text; the format follows the file extension
// (.yaml/.yml, anything else is TOML). A refusal is a ConfigErrors that
// holds every mistake found, each with its line; only a syntax error stops
// the reading at the first.
func ParseConfig(path string, data []byte, keys KeySpec) (Config, error) {
	cfg := DefaultConfig()
	cfg.Path = path
	var raw rawConfig
	var errs ConfigErrors
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
			var te *yaml.TypeError
			if !errors.As(err, &te) {
				return cfg, ConfigErrors{yamlError(path, err.Error())}
			}
			for _, msg := range te.Errors { // unknown settings: the rest was read
				errs = append(errs, yamlError(path, msg))
			}
		}
	default:
		md, err := toml.Decode(string(data), &raw)
		if err != nil {
			var pe toml.ParseError
			if errors.As(err, &pe) {
				return cfg, ConfigErrors{{Path: path, Line: pe.Position.Line, Msg: pe.Message}}
			}
			return cfg, ConfigErrors{{Path: path, Line: tomlErrLine(err), Msg: strings.TrimPrefix(err.Error(), "toml: ")}}
		}
		seen := map[string]bool{}
		for _, k := range md.Undecoded() {
			seen[k.String()] = true
			if len(k) > 1 && seen[toml.Key(k[:len(k)-1]).String()] {
				continue // inside an unknown table: the table is the mistake
			}
			errs = append(errs, &ConfigError{Path: path, Line: lineOf(data, k[len(k)-1]), Msg: fmt.Sprintf("unknown setting %q", k.String())})
		}
	}
	errs = append(errs, raw.apply(&cfg, path, data, keys)...)
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
		return cfg, errs
	}
	return cfg, nil
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

// apply checks every setting and fills cfg; it returns every mistake.
func (raw *rawConfig) apply(cfg *Config, path string, data []byte, keys KeySpec) ConfigErrors {
	var errs ConfigErrors
	bad := func(key, format string, args ...any) {
		errs = append(errs, &ConfigError{Path: path, Line: lineOf(data, key), Msg: fmt.Sprintf(format, args...)})
	}
	text := func(key string, v any) (string, bool) {
		s, ok := v.(string)
		if !ok {
			bad(key, "%s: write it as a string in quotes", key)
		}
		return s, ok
	}
	flag := func(key string, v any, dst *bool) {
		if v == nil {
			return
		}
		b, ok := v.(bool)
		if !ok {
			bad(key, "%s: use true or false", key)
			return
		}
		*dst = b
	}
	if raw.DefaultProfile != nil {
		if s, ok := text("default_profile", raw.DefaultProfile); ok {
			if err := CheckProfileName(s); err != nil {
				bad("default_profile", "default_profile: %v", err)
			} else {
				cfg.DefaultProfile = s
			}
		}
	}
	if raw.Theme != nil {
		if s, ok := text("theme", raw.Theme); ok {
			switch t := strings.ToLower(s); t {
			case "auto", "light", "dark":
				cfg.Theme = t
			default:
				bad("theme", "theme %q: use auto, light or dark", s)
			}
		}
	}
	errs = append(errs, raw.applyKeys(cfg, path, data, keys)...)
	if raw.RefreshInterval != nil {
		if d, err := parseInterval(raw.RefreshInterval); err != nil {
			bad("refresh_interval", "refresh_interval: %v", err)
		} else {
			cfg.RefreshInterval = d
		}
	}
	flag("mouse", raw.Mouse, &cfg.Mouse)
	flag("privacy", raw.Privacy, &cfg.Privacy)
	flag("read_only", raw.ReadOnly, &cfg.ReadOnly)
	if raw.TimeZone != nil {
		if s, ok := text("time_zone", raw.TimeZone); ok {
			if loc, err := loadZone(s); err != nil {
				bad("time_zone", "time_zone %q: %v", s, err)
			} else {
				cfg.TimeZone = loc
			}
		}
	}
	if raw.Language != nil {
		if s, ok := text("language", raw.Language); ok {
			if l, err := i18n.Parse(s); err != nil {
				bad("language", "language: %v", err)
			} else {
				cfg.Language = l
			}
		}
	}
	if raw.Agent == nil {
		return errs
	}
	if raw.Agent.PollInterval != nil {
		if d, err := parseInterval(raw.Agent.PollInterval); err != nil {
			bad("poll_interval", "agent.poll_interval: %v", err)
		} else {
			cfg.Agent.PollInterval = d
		}
	}
	for code, v := range raw.Agent.LowBalance {
		cur, err := qiwiapi.ParseCurrency(code)
		if err != nil {
			bad(code, "agent.low_balance: %v", err)
			continue
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
			bad(code, "agent.low_balance.%s: write the amount as a string (\"%s\" = \"1000.50\"), money is never read as a float", code, code)
			continue
		default:
			bad(code, "agent.low_balance.%s: %v is not an amount", code, v)
			continue
		}
		a, err := qiwiapi.ParseAmount(lit, cur)
		switch {
		case err != nil:
			bad(code, "agent.low_balance.%s: %q: %v", code, lit, err)
		case a.Minor < 0:
			bad(code, "agent.low_balance.%s: the threshold cannot be negative", code)
		default:
			cfg.Agent.LowBalance[cur] = a
		}
	}
	return errs
}

// applyKeys checks [keys]: known actions, keys written as strings, and no
// key that would do two things at once (with what the other actions keep
// of their defaults). keys nil: only the form is checked.
func (raw *rawConfig) applyKeys(cfg *Config, path string, data []byte, keys KeySpec) ConfigErrors {
	var errs ConfigErrors
	bad := func(key, format string, args ...any) {
		errs = append(errs, &ConfigError{Path: path, Line: lineOf(data, key), Msg: fmt.Sprintf(format, args...)})
	}
	var known []string
	if keys != nil {
		known = keys.ActionNames()
		sort.Strings(known)
	}
	for _, a := range slices.Sorted(maps.Keys(raw.Keys)) {
		if keys != nil && !slices.Contains(known, a) {
			bad(a, "keys: unknown action %q (actions: %s)", a, strings.Join(known, ", "))
			continue
		}
		var list []string
		switch v := raw.Keys[a].(type) {
		case string:
			list = []string{v}
		case []any:
			for _, k := range v {
				if s, ok := k.(string); ok {
					list = append(list, s)
				}
			}
			if len(list) < len(v) {
				bad(a, "keys: action %q: write each key in quotes, e.g. [\"q\", \"ctrl+c\"]", a)
				continue
			}
		default:
			bad(a, "keys: action %q: write its keys as a list, e.g. [\"q\", \"ctrl+c\"]", a)
			continue
		}
		if len(list) == 0 {
			bad(a, "keys: action %q has no keys", a)
			continue
		}
		if slices.ContainsFunc(list, func(k string) bool { return strings.TrimSpace(k) == "" }) {
			bad(a, "keys: action %q has an empty key", a)
			continue
		}
		cfg.Keys[a] = list
	}
	if keys == nil {
		return errs
	}
	fixed := keys.FixedKeys()
	for _, a := range slices.Sorted(maps.Keys(cfg.Keys)) {
		for _, k := range slices.Compact(slices.Sorted(slices.Values(cfg.Keys[a]))) {
			if does, ok := fixed[k]; ok && does != a {
				bad(a, "keys: %q always does %s; it cannot also do %s", k, does, a)
			}
		}
	}
	bound := keys.ActionKeys()
	maps.Copy(bound, cfg.Keys)
	reported := map[[3]string]bool{}
	for _, group := range keys.Together() {
		owner := map[string]string{}
		for _, a := range group {
			for _, k := range bound[a] {
				o, taken := owner[k]
				if !taken {
					owner[k] = a
					continue
				}
				if o == a {
					continue
				}
				pair := [3]string{k, min(o, a), max(o, a)}
				_, oSet := cfg.Keys[o]
				_, aSet := cfg.Keys[a]
				if reported[pair] || (!oSet && !aSet) {
					continue
				}
				reported[pair] = true
				switch {
				case oSet && aSet:
					bad(a, "keys: %q is bound to two actions, %s and %s: give one of them another key", k, o, a)
				case aSet:
					bad(a, "keys: %q is bound to two actions, %s and %s (its default key): give one of them another key", k, a, o)
				default:
					bad(o, "keys: %q is bound to two actions, %s and %s (its default key): give one of them another key", k, o, a)
				}
			}
		}
	}
	return errs
}

// loadZone reads an IANA zone name ("Europe/Moscow", "UTC", "Local").
// "MSK" and "Moscow" mean QIWI's own +03:00.
func loadZone(name string) (*time.Location, error) {
	switch strings.TrimSpace(name) {
	case "":
		return nil, errors.New("empty: write an IANA name such as Europe/Moscow or UTC")
	case "MSK", "Moscow":
		return qiwiapi.Moscow, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, errors.New("not a time zone name (write an IANA name such as Europe/Moscow, Asia/Almaty or UTC)")
	}
	return loc, nil
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
