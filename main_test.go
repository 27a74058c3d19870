package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi/sandbox/demo"
	"qiwidash/store"
)

// TestMain lets a test run this binary as qiwidash itself (QIWIDASH_MAIN
// set): main's exit code and streams are then what a user gets.
func TestMain(m *testing.M) {
	if os.Getenv("QIWIDASH_MAIN") == "1" {
		os.Args = append([]string{"qiwidash"}, strings.Fields(os.Getenv("QIWIDASH_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// qiwidash runs main in a child process with args and returns its exit
// code, stdout and stderr.
func qiwidash(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "QIWIDASH_MAIN=1", "QIWIDASH_ARGS="+strings.Join(args, " "))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return code, out.String(), errOut.String()
}

// TestHelpExitsZeroOnStdout: every way of asking for help, of the tool or
// of one command, exits 0 and prints on stdout only (issue 12: export,
// login and sandbox --help exited 1 on stderr).
func TestHelpExitsZeroOnStdout(t *testing.T) {
	cleanEnv(t)
	for _, args := range [][]string{
		{"help"}, {"--help"}, {"-h"}, {"--demo", "--help"},
		{"sandbox", "--help"}, {"login", "--help"}, {"logout", "-h"}, {"export", "--help"}, {"listen", "--help"},
		{"completion", "--help"}, {"help", "export"}, {"help", "login"},
	} {
		code, out, errOut := qiwidash(t, args...)
		if code != 0 || errOut != "" || !strings.Contains(out, "Usage:") {
			t.Errorf("%v: exit %d, stderr %q, stdout %.80q", args, code, errOut, out)
		}
	}
	_, out, _ := qiwidash(t, "export", "--help")
	for _, flag := range []string{"--from", "--to", "--format", "--offline", "--profile", "--config", "--store", "--base-url", "--debug"} {
		if !strings.Contains(out, flag) {
			t.Errorf("export --help does not list %s:\n%s", flag, out)
		}
	}
}

// TestMistakesExitOneOnStderr: an unknown command or flag, or a bad
// value, exits 1 with one message on stderr and nothing on stdout.
func TestMistakesExitOneOnStderr(t *testing.T) {
	cleanEnv(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"bogus"}, `unknown command "bogus"`},
		{[]string{"--bogus"}, "unknown flag: --bogus"},
		{[]string{"export", "--format", "xml", "--offline"}, `--format "xml"`},
		{[]string{"sandbox", "--latency", "2m"}, "--latency between 0 and 1m"},
		{[]string{"--refresh", "soon"}, `invalid argument "soon"`},
		{[]string{"--profile", "x"}, "no profile yet"},
	} {
		code, out, errOut := qiwidash(t, c.args...)
		if code != 1 || out != "" || !strings.HasPrefix(errOut, "qiwidash: ") || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 1 and %q on stderr", c.args, code, out, errOut, c.want)
		}
	}
}

// TestVersion: a tagged clean build says its tag; a pseudo-version or a
// modified tree says (devel) with the revision and "-dirty"; the test
// binary, with no VCS stamp, says so.
func TestVersion(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "a3aa290f0c1d2e3f4a5b6c7d8e9f00112233445566"
	cases := []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}, Settings: vcs(rev, "false")}, "v1.2.0 (a3aa290f0c1d, 2026-12-01T10:00:00Z) go1.26.8"},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261201100000-a3aa290f0c1d+dirty"}, Settings: vcs(rev, "true")}, "(devel) (a3aa290f0c1d-dirty, 2026-12-01T10:00:00Z) go1.26.8"},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.1-0.20261201100000-a3aa290f0c1d"}, Settings: vcs(rev, "false")}, "(devel) (a3aa290f0c1d, 2026-12-01T10:00:00Z) go1.26.8"},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, "(devel) (no VCS revision) go1.26.8"},
		{nil, "(devel) (no build information)"},
	}
	for _, c := range cases {
		if got := version(c.bi, c.bi != nil); got != c.want {
			t.Errorf("version = %q, want %q", got, c.want)
		}
	}
	code, out, errOut := qiwidash(t, "--version")
	if code != 0 || errOut != "" || !strings.HasPrefix(out, "qiwidash (devel) ") {
		t.Errorf("--version: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestCompletionScripts: `completion bash|zsh|fish` each print a script
// for that shell on stdout; bash (and zsh, fish where installed) parse it.
func TestCompletionScripts(t *testing.T) {
	for shell, mark := range map[string]string{"bash": "complete -o default -F __start_qiwidash qiwidash", "zsh": "#compdef qiwidash", "fish": "complete -c qiwidash"} {
		var out, errOut bytes.Buffer
		if err := run([]string{"completion", shell}, &out, &errOut); err != nil || errOut.Len() > 0 {
			t.Fatalf("%s: %v %s", shell, err, errOut.String())
		}
		if !strings.Contains(out.String(), mark) {
			t.Errorf("%s script lacks %q:\n%.300s", shell, mark, out.String())
		}
		bin, err := exec.LookPath(shell)
		if err != nil {
			continue // not installed here: the text check above stands
		}
		script := filepath.Join(t.TempDir(), "qiwidash."+shell)
		os.WriteFile(script, out.Bytes(), 0o600)
		if msg, err := exec.Command(bin, "-n", script).CombinedOutput(); err != nil {
			t.Errorf("%s -n rejects the script: %v %s", shell, err, msg)
		}
	}
	// The scripts ask the binary for candidates: the subcommands come back.
	var out bytes.Buffer
	if err := run([]string{"__complete", "ex"}, &out, &bytes.Buffer{}); err != nil || !strings.Contains(out.String(), "export") {
		t.Errorf("completing \"ex\": %v %q", err, out.String())
	}
}

// TestDebugLogHoldsNoSecret: login and export with --debug against the
// sandbox write a log under $XDG_STATE_HOME with the start, the profile
// and each Wallet API request (method, path, status), and none of the
// token, the agent password, the merchant password or the whole wallet
// number, though all of them passed through the run.
func TestDebugLogHoldsNoSecret(t *testing.T) {
	cleanEnv(t)
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	keyring.MockInit()
	sb, err := demo.Start("127.0.0.1:0", demo.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	cr := sb.Creds
	input := cr.WalletToken + "\n" + cr.AgentTerminal + "\n" + cr.AgentPassword + "\n" + cr.MerchantAPIID + "\n" + cr.MerchantPassword + "\n" + cr.MerchantShopID + "\n"
	_, errOut, err := pipedLogin(t, input, "--debug", "--profile", "work", "--base-url", sb.URL, "--agent-url", sb.URL, "--merchant-url", sb.URL)
	if err != nil {
		t.Fatalf("login: %v\n%s", err, errOut)
	}
	logPath := filepath.Join(state, "qiwidash", "debug.log")
	if !strings.Contains(errOut, "debug log: "+logPath) {
		t.Errorf("login did not say where the log is: %q", errOut)
	}
	var out, errBuf bytes.Buffer
	if err := run([]string{"export", "--debug", "--profile", "work", "--from", "2024-05-01", "--to", "2024-05-31", "--format", "json"}, &out, &errBuf); err != nil {
		t.Fatalf("export: %v\n%s", err, errBuf.String())
	}
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	for _, want := range []string{"msg=start", "command=\"qiwidash login\"", "command=\"qiwidash export\"", "msg=profile name=work", "msg=request method=GET", "status=200", "path=/person-profile/v1/profile/current", "msg=end"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	if !strings.Contains(log, "/payment-history/v2/persons/") || !strings.Contains(log, "*"+cr.Wallet[len(cr.Wallet)-4:]) {
		t.Errorf("the history requests are not logged with the wallet masked:\n%s", log)
	}
	for name, secret := range map[string]string{"token": cr.WalletToken, "agent password": cr.AgentPassword, "merchant password": cr.MerchantPassword, "wallet": cr.Wallet} {
		if strings.Contains(log, secret) {
			t.Errorf("the debug log holds the %s", name)
		}
	}
	if fi, err := os.Stat(logPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("log mode: %v %v", fi.Mode(), err)
	}
}

// TestConfigMistakesAllReported: the dashboard (and every command that
// reads the config) reports each mistake with its line, a key bound to two
// actions included, before anything opens.
func TestConfigMistakesAllReported(t *testing.T) {
	_, configHome := cleanEnv(t)
	dir := filepath.Join(configHome, "qiwidash")
	os.MkdirAll(dir, 0o700)
	path := filepath.Join(dir, "config.toml")
	os.WriteFile(path, []byte("theme = \"blue\"\nmouse = \"yes\"\n[keys]\nsort = [\"r\"]\nfly = [\"f\"]\n"), 0o600)
	for _, args := range [][]string{{"--profile", "x"}, {"export", "--offline"}} {
		var out, errOut bytes.Buffer
		err := run(args, &out, &errOut)
		var all store.ConfigErrors
		if !errors.As(err, &all) || len(all) != 4 {
			t.Fatalf("%v: %v, want 4 mistakes", args, err)
		}
		for _, want := range []string{path + ":1: theme", path + ":2: mouse", path + `:4: keys: "r" is bound to two actions, sort and refresh`, path + `:5: keys: unknown action "fly"`} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%v: the message lacks %q:\n%v", args, want, err)
			}
		}
	}
}
