package main

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"qiwidash/store"
)

// debugLog is the --debug log: $XDG_STATE_HOME/qiwidash/debug.log, text
// lines of log/slog, appended. What it holds: the start (version, command,
// the names of the flags given), the config and the profile opened, each
// HTTP request to QIWI (method, host, path with account numbers masked,
// status, duration) and the end. Never a header, a query, a body or a
// flag's value: the secrets travel there.
type debugLog struct {
	path  string
	file  *os.File
	slog  *slog.Logger
	start time.Time
}

func openDebugLog() (*debugLog, error) {
	dir, err := store.StateDir()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "debug.log")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	h := slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})
	return &debugLog{path: path, file: f, slog: slog.New(h), start: time.Now()}, nil
}

// logger is the log's slog.Logger, nil without --debug.
func (l *debugLog) logger() *slog.Logger {
	if l == nil {
		return nil
	}
	return l.slog
}

// orDiscard is log, or a logger that discards when log is nil.
func orDiscard(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return log
}

// end notes how the command ended and closes the file.
func (l *debugLog) end(err error) {
	if l == nil {
		return
	}
	took := time.Since(l.start).Round(time.Millisecond)
	if err != nil {
		l.slog.Error("end", "error", err.Error(), "took", took)
	} else {
		l.slog.Info("end", "took", took)
	}
	l.file.Close()
}

// httpClient is an HTTP client that logs each request to log, for a QIWI
// client's WithHTTPClient option; nil when log is nil (the client keeps its own).
func httpClient(log *slog.Logger, timeout time.Duration) *http.Client {
	return httpClientOver(http.DefaultTransport, log, timeout)
}

// httpClientOver is httpClient over base (e.g. an agent's client
// certificate transport); nil without a log.
func httpClientOver(base http.RoundTripper, log *slog.Logger, timeout time.Duration) *http.Client {
	if log == nil {
		return nil
	}
	return &http.Client{Timeout: timeout, Transport: loggingTransport{base: base, log: log}}
}

// loggingTransport logs what a request was and how it ended: never its
// headers, query or body.
type loggingTransport struct {
	base http.RoundTripper
	log  *slog.Logger
}

func (t loggingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.base.RoundTrip(r)
	attrs := []any{"method", r.Method, "host", r.URL.Host, "path", maskDigits(r.URL.Path), "took", time.Since(start).Round(time.Millisecond)}
	if err != nil {
		var ue *url.Error // its text repeats the URL, query included
		if errors.As(err, &ue) {
			err = ue.Err
		}
		t.log.Warn("request failed", append(attrs, "error", err.Error())...)
		return resp, err
	}
	t.log.Info("request", append(attrs, "status", resp.StatusCode)...)
	return resp, nil
}

// longDigits are account, phone and card numbers in a path.
var longDigits = regexp.MustCompile(`\d{7,}`)

// maskDigits keeps the last four digits of each long number.
func maskDigits(s string) string {
	return longDigits.ReplaceAllStringFunc(s, func(d string) string {
		return strings.Repeat("*", len(d)-4) + d[len(d)-4:]
	})
}

// pseudoVersion is the version Go stamps on an untagged commit.
var pseudoVersion = regexp.MustCompile(`-(\d+\.)?\d{14}-[0-9a-f]{12}`)

// version is what --version prints after the name: the module's version
// when the binary was built from a clean tagged commit, else "(devel)";
// then the VCS revision (with "-dirty" for uncommitted changes) and its
// time, and the Go version.
func version(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil {
		return "(devel) (no build information)"
	}
	set := map[string]string{}
	for _, s := range bi.Settings {
		set[s.Key] = s.Value
	}
	v := bi.Main.Version
	if v == "" || pseudoVersion.MatchString(v) || strings.HasSuffix(v, "+dirty") {
		v = "(devel)"
	}
	rev := set["vcs.revision"]
	switch {
	case rev == "":
		v += " (no VCS revision)"
	default:
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if set["vcs.modified"] == "true" {
			rev += "-dirty"
		}
		if t := set["vcs.time"]; t != "" {
			rev += ", " + t
		}
		v += " (" + rev + ")"
	}
	if bi.GoVersion != "" {
		v += " " + bi.GoVersion
	}
	return v
}
