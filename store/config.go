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
	Line int    // 0 when unknown
	Msg  string // the mistake in English
	// Err is the mistake as a catalogue message (an *i18n.Error whose
	// English is Msg), so In says it in the reader's language.
	Err error
}

// configError is the mistake id (with args and a cause) at line of path.
func configError(path string, line int, id string, args i18n.Args, cause error) *ConfigError {
	err := i18n.Errorf(id, args, cause)
	return &ConfigError{Path: path, Line: line, Msg: err.Error(), Err: err}
}

func (e *ConfigError) Error() string { return e.In(nil) }

// In is the mistake with its file and line, in tr's language (nil:
// English).
func (e *ConfigError) In(tr *i18n.Tr) string {
	msg := e.Msg
	if e.Err != nil {
		msg = tr.Error(e.Err)
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, msg)
}

// ConfigErrors is every mistake found in a configuration file, in line
// order; errors.As finds the first *ConfigError.
type ConfigErrors []*ConfigError

func (es ConfigErrors) Error() string { return es.In(nil) }

// In is every mistake, one a line, in tr's language (nil: English).
func (es ConfigErrors) In(tr *i18n.Tr) string {
	if len(es) == 1 {
		return es[0].In(tr)
	}
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = "  " + e.In(tr)
	}
	return tr.N("config.mistakes", len(es), nil) + "\n" + strings.Join(lines, "\n")
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
		return "", i18n.Errorf("config.no_home", nil, err)
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
	return "", i18n.Errorf("config.both_files", i18n.Args{"Files": strings.Join(found, " and "), "List": strings.Join(found, ", ")}, nil)
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
		return cfg, i18n.Errorf("config.read", nil, err)
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
	line := 0
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.TrimSpace(yamlLineRe.ReplaceAllString(msg, ""))
		msg = strings.TrimPrefix(msg, ": ")
	}
	if m := yamlUnknownRe.FindStringSubmatch(msg); m != nil && m[0] == strings.TrimSpace(msg) {
		return configError(path, line, "config.unknown_setting", i18n.Args{"Name": strconv.Quote(m[1])}, nil)
	}
	msg = yamlUnknownRe.ReplaceAllString(msg, `unknown setting "$1"`)
	msg = yamlIntoRe.ReplaceAllString(msg, " as settings (write key: value lines)")
	return configError(path, line, "config.yaml", i18n.Args{"Text": strings.TrimSpace(msg)}, nil)
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
				return cfg, ConfigErrors{configError(path, pe.Position.Line, "config.toml", i18n.Args{"Text": pe.Message}, nil)}
			}
			return cfg, ConfigErrors{configError(path, tomlErrLine(err), "config.toml", i18n.Args{"Text": strings.TrimPrefix(err.Error(), "toml: ")}, nil)}
		}
		seen := map[string]bool{}
		for _, k := range md.Undecoded() {
			seen[k.String()] = true
			if len(k) > 1 && seen[toml.Key(k[:len(k)-1]).String()] {
				continue // inside an unknown table: the table is the mistake
			}
			errs = append(errs, configError(path, lineOf(data, k[len(k)-1]), "config.unknown_setting", i18n.Args{"Name": strconv.Quote(k.String())}, nil))
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
	bad := func(key, id string, args i18n.Args, cause error) {
		errs = append(errs, configError(path, lineOf(data, key), id, args, cause))
	}
	text := func(key string, v any) (string, bool) {
		s, ok := v.(string)
		if !ok {
			bad(key, "config.not_text", i18n.Args{"Key": key}, nil)
		}
		return s, ok
	}
	flag := func(key string, v any, dst *bool) {
		if v == nil {
			return
		}
		b, ok := v.(bool)
		if !ok {
			bad(key, "config.not_bool", i18n.Args{"Key": key}, nil)
			return
		}
		*dst = b
	}
	if raw.DefaultProfile != nil {
		if s, ok := text("default_profile", raw.DefaultProfile); ok {
			if err := CheckProfileName(s); err != nil {
				bad("default_profile", "config.default_profile", nil, err)
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
				bad("theme", "config.theme", i18n.Args{"Value": strconv.Quote(s)}, nil)
			}
		}
	}
	errs = append(errs, raw.applyKeys(cfg, path, data, keys)...)
	if raw.RefreshInterval != nil {
		if d, err := parseInterval(raw.RefreshInterval); err != nil {
			bad("refresh_interval", "config.refresh_interval", nil, err)
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
				bad("time_zone", "config.time_zone", i18n.Args{"Value": strconv.Quote(s)}, err)
			} else {
				cfg.TimeZone = loc
			}
		}
	}
	if raw.Language != nil {
		if s, ok := text("language", raw.Language); ok {
			if l, err := i18n.Parse(s); err != nil {
				bad("language", "config.language", i18n.Args{"Value": strconv.Quote(s)}, nil)
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
			bad("poll_interval", "config.poll_interval", nil, err)
		} else {
			cfg.Agent.PollInterval = d
		}
	}
	for code, v := range raw.Agent.LowBalance {
		cur, err := qiwiapi.ParseCurrency(code)
		if err != nil {
			bad(code, "config.low_balance_currency", nil, err)
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
			bad(code, "config.low_balance_float", i18n.Args{"Code": code}, nil)
			continue
		default:
			bad(code, "config.low_balance_type", i18n.Args{"Code": code, "Value": fmt.Sprint(v)}, nil)
			continue
		}
		a, err := qiwiapi.ParseAmount(lit, cur)
		switch {
		case err != nil:
			bad(code, "config.low_balance_amount", i18n.Args{"Code": code, "Value": strconv.Quote(lit)}, err)
		case a.Minor < 0:
			bad(code, "config.low_balance_negative", i18n.Args{"Code": code}, nil)
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
	bad := func(key, id string, args i18n.Args, cause error) {
		errs = append(errs, configError(path, lineOf(data, key), id, args, cause))
	}
	var known []string
	if keys != nil {
		known = keys.ActionNames()
		sort.Strings(known)
	}
	for _, a := range slices.Sorted(maps.Keys(raw.Keys)) {
		if keys != nil && !slices.Contains(known, a) {
			bad(a, "config.keys_unknown", i18n.Args{"Action": strconv.Quote(a), "Actions": strings.Join(known, ", ")}, nil)
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
				bad(a, "config.keys_quotes", i18n.Args{"Action": strconv.Quote(a)}, nil)
				continue
			}
		default:
			bad(a, "config.keys_list", i18n.Args{"Action": strconv.Quote(a)}, nil)
			continue
		}
		if len(list) == 0 {
			bad(a, "config.keys_none", i18n.Args{"Action": strconv.Quote(a)}, nil)
			continue
		}
		if slices.ContainsFunc(list, func(k string) bool { return strings.TrimSpace(k) == "" }) {
			bad(a, "config.keys_empty", i18n.Args{"Action": strconv.Quote(a)}, nil)
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
				bad(a, "config.keys_fixed", i18n.Args{"Key": strconv.Quote(k), "Does": does, "Action": a}, nil)
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
					bad(a, "config.keys_twice", i18n.Args{"Key": strconv.Quote(k), "A": o, "B": a}, nil)
				case aSet:
					bad(a, "config.keys_twice_default", i18n.Args{"Key": strconv.Quote(k), "A": a, "B": o}, nil)
				default:
					bad(o, "config.keys_twice_default", i18n.Args{"Key": strconv.Quote(k), "A": o, "B": a}, nil)
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
		return nil, i18n.Errorf("config.zone_empty", nil, nil)
	case "MSK", "Moscow":
		return qiwiapi.Moscow, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, i18n.Errorf("config.zone_unknown", nil, nil)
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
			return 0, i18n.Errorf("config.interval_text", i18n.Args{"Value": strconv.Quote(x)}, nil)
		}
	case int64, int:
		n := toInt64(x)
		if n < 0 {
			return 0, i18n.Errorf("config.interval_negative", nil, nil)
		}
		if n > maxSeconds {
			return 0, i18n.Errorf("config.interval_long", i18n.Args{"Seconds": n}, nil)
		}
		d = time.Duration(n) * time.Second
	default:
		return 0, i18n.Errorf("config.interval_type", i18n.Args{"Value": fmt.Sprint(v)}, nil)
	}
	if d < 0 {
		return 0, i18n.Errorf("config.interval_negative", nil, nil)
	}
	if d > 0 && d < time.Second {
		return 0, i18n.Errorf("config.interval_short", nil, nil)
	}
	return d, nil
}
