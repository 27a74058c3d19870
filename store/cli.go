package store

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
)

// CLI runs the login, logout and export subcommands. package main fills it
// with the terminal and the agent/merchant checks; tests fill it with buffers.
type CLI struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// ReadSecret prompts and reads a line without echo (nil: a plain line from Stdin).
	ReadSecret func(prompt string) (string, error)
	Getenv     func(string) string
	Keyring    Keyring // nil: the OS keyring
	// Agent and Merchant check those credentials (see APIVerifier).
	Agent    func(ctx context.Context, c Credentials, baseURL string) error
	Merchant func(ctx context.Context, apiID, apiPassword, shopID, baseURL string) error
	// Actions are the key-binding action names the config may use (nil: no check of [keys]).
	Actions []string
	// Terminal says Stdout is a terminal: what export writes there (QIWI's
	// comments, names, accounts) passes sanitize.Text line by line, so no
	// escape sequence in a comment reaches it raw. A file or a pipe gets
	// the data as it is.
	Terminal bool
	// SyncHistory brings the wallet's cached history up to date from now
	// down to from (zero: all of it) before an export: the engine's history
	// reader (store/reader) does it. nil: the cache is exported as it is.
	SyncHistory func(ctx context.Context, st *Store, api *qiwiapi.HistoryService, wallet string, from time.Time) error
}

type commonFlags struct {
	profile, config, db, baseURL string
}

func (c *CLI) flags(name string) (*flag.FlagSet, *commonFlags) {
	fs := flag.NewFlagSet("qiwidash "+name, flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	f := &commonFlags{}
	fs.StringVar(&f.profile, "profile", "", "profile name (default: default_profile from the config, else \"default\")")
	fs.StringVar(&f.config, "config", "", "config file (default: $XDG_CONFIG_HOME/qiwidash/config.toml or .yaml)")
	fs.StringVar(&f.db, "store", "", "store file (default: $XDG_DATA_HOME/qiwidash/qiwidash.db)")
	fs.StringVar(&f.baseURL, "base-url", "", "Wallet API base URL (default: "+qiwiapi.DefaultBaseURL+")")
	return fs, f
}

// open loads the config and the store and settles the profile name.
func (c *CLI) open(f *commonFlags) (*Store, Config, error) {
	cfg, err := LoadConfig(f.config, c.Actions)
	if err != nil {
		return nil, cfg, err
	}
	if f.profile == "" {
		f.profile = cfg.DefaultProfile
	}
	path := f.db
	if path == "" {
		if path, err = DefaultPath(); err != nil {
			return nil, cfg, err
		}
	}
	st, err := Open(path, Options{Keyring: c.Keyring, Getenv: c.Getenv})
	return st, cfg, err
}

// line reads one answer: the bytes up to a newline, one at a time, so
// nothing past the line is taken from Stdin (a secret read next, without
// echo, straight from the terminal, finds its line there). At the end of
// the input it returns what there is, "" when nothing.
func (c *CLI) line(prompt string) (string, error) {
	fmt.Fprint(c.Stderr, prompt)
	var b []byte
	one := make([]byte, 1)
	for {
		n, err := c.Stdin.Read(one)
		if n == 1 {
			if one[0] == '\n' {
				break
			}
			b = append(b, one[0])
			continue
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
	}
	return strings.TrimRight(string(b), "\r"), nil
}

func (c *CLI) secret(prompt string) (string, error) {
	if c.ReadSecret != nil {
		return c.ReadSecret(prompt)
	}
	return c.line(prompt)
}

// Login is `qiwidash login [--profile NAME] [--base-url URL]`: it asks for
// the credentials the user has, checks them with the APIs and saves them.
func (c *CLI) Login(ctx context.Context, args []string) error {
	fs, f := c.flags("login")
	agentURL := fs.String("agent-url", "", "Top-Up agent API URL (default: production; private-api.qiwi.com with --agent-cert)")
	agentKey := fs.String("agent-key", "", "Top-Up agent: PEM RSA private key file (2048 bits or more): signs requests, or is --agent-cert's key")
	agentCert := fs.String("agent-cert", "", "Top-Up agent: PEM client certificate file from QIWI (login by certificate; needs --agent-key)")
	agentCA := fs.String("agent-ca", "", "Top-Up agent: PEM CA certificate file QIWI gave with the client certificate (optional)")
	agentAlg := fs.String("agent-sign-alg", "", "Top-Up agent signature algorithm: SHA1withRSA (default) or MD5withRSA")
	merchantURL := fs.String("merchant-url", "", "Pull REST API base URL (default: production)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, _, err := c.open(f)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.vault.Probe(); err != nil {
		return err
	}
	fmt.Fprintf(c.Stderr, "Logging in profile %q. Press Enter to skip what you do not have.\n", f.profile)
	var cr Credentials
	if cr.Token, err = c.secret("Wallet API token (hidden): "); err != nil {
		return err
	}
	if cr.AgentID, err = c.line("Top-Up agent terminal id: "); err != nil {
		return err
	}
	if strings.TrimSpace(cr.AgentID) != "" {
		cr.AgentKeyFile, cr.AgentCertFile, cr.AgentCAFile, cr.AgentSignAlg = *agentKey, *agentCert, *agentCA, *agentAlg
		if cr.AgentKeyFile != "" {
			if cr.AgentPassphrase, err = c.secret("Passphrase of " + cr.AgentKeyFile + " (hidden; Enter if it has none): "); err != nil {
				return err
			}
		}
		// A signature replaces the password; a certificate login keeps it.
		if cr.AgentKeyFile == "" || cr.AgentCertFile != "" {
			if cr.AgentPassword, err = c.secret("Top-Up agent password (hidden): "); err != nil {
				return err
			}
		}
	} else if *agentKey != "" || *agentCert != "" {
		return errors.New("login: --agent-key and --agent-cert need the Top-Up agent terminal id")
	}
	if cr.APIID, err = c.line("Merchant API_ID: "); err != nil {
		return err
	}
	if strings.TrimSpace(cr.APIID) != "" {
		if cr.APIPassword, err = c.secret("Merchant API_PASSWORD (hidden): "); err != nil {
			return err
		}
		if cr.ShopID, err = c.line("Merchant shop id: "); err != nil {
			return err
		}
	}
	v := APIVerifier{BaseURL: f.baseURL}
	if c.Agent != nil {
		v.Agent = func(ctx context.Context, cr Credentials) error { return c.Agent(ctx, cr, *agentURL) }
	}
	if c.Merchant != nil {
		v.Merchant = func(ctx context.Context, id, pw, shop string) error {
			return c.Merchant(ctx, id, pw, shop, *merchantURL)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	p, err := st.Login(ctx, f.profile, cr, v)
	if err != nil {
		return err
	}
	set := p.Settings
	set.BaseURL, set.AgentURL, set.MerchantURL = f.baseURL, *agentURL, *merchantURL
	if err := st.SaveSettings(ctx, p.Name, set); err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "Profile %q saved (modes: %s", p.Name, p.Modes())
	if p.Wallet != "" {
		fmt.Fprintf(c.Stdout, "; wallet +%s", p.Wallet)
	}
	fmt.Fprintln(c.Stdout, "). Secrets are in the OS keyring.")
	return nil
}

// Logout is `qiwidash logout [--profile NAME]`: it removes the profile's secrets.
func (c *CLI) Logout(ctx context.Context, args []string) error {
	fs, f := c.flags("logout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, _, err := c.open(f)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Logout(ctx, f.profile); err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "Removed the credentials of profile %q from the keyring.\n", f.profile)
	return nil
}

// parseDay reads 2024-05-01 (start or end of that day in loc) or an RFC 3339 time.
func parseDay(s string, loc *time.Location, endOfDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: use YYYY-MM-DD or an RFC 3339 time", s)
	}
	if endOfDay {
		t = t.Add(24*time.Hour - time.Second)
	}
	return t, nil
}

// Export is `qiwidash export --from --to --format csv|json [--profile]`:
// it syncs the range when online and writes the cached history to Stdout.
func (c *CLI) Export(ctx context.Context, args []string) error {
	fs, f := c.flags("export")
	from := fs.String("from", "", "first day, YYYY-MM-DD (Moscow time) or RFC 3339")
	to := fs.String("to", "", "last day, YYYY-MM-DD or RFC 3339 (default: now)")
	format := fs.String("format", "csv", "csv or json")
	offline := fs.Bool("offline", false, "do not sync; export the cache as it is")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "csv" && *format != "json" {
		return fmt.Errorf("export: --format %q: use csv or json", *format)
	}
	lo, err := parseDay(*from, qiwiapi.Moscow, false)
	if err != nil {
		return fmt.Errorf("export: --from %w", err)
	}
	hi, err := parseDay(*to, qiwiapi.Moscow, true)
	if err != nil {
		return fmt.Errorf("export: --to %w", err)
	}
	st, _, err := c.open(f)
	if err != nil {
		return err
	}
	defer st.Close()
	sess, err := st.Unlock(ctx, f.profile)
	if err != nil {
		return err
	}
	if !sess.Modes().Wallet {
		return fmt.Errorf("export: profile %q has no Wallet API token", f.profile)
	}
	base := f.baseURL
	if base == "" {
		base = sess.Profile.Settings.BaseURL
	}
	opts := []qiwiapi.Option{}
	if base != "" {
		opts = append(opts, qiwiapi.WithBaseURL(base))
	}
	cl, err := qiwiapi.NewClient(sess.Credentials.Token, opts...)
	if err != nil {
		return err
	}
	wallet := sess.Profile.Wallet
	if !*offline {
		if wallet == "" {
			p, _, err := cl.Profile.Current(ctx, qiwiapi.ProfileOptions{SkipContractInfo: true, SkipUserInfo: true})
			if err != nil {
				return fmt.Errorf("export: reading the wallet number: %w", err)
			}
			wallet = p.Wallet()
		}
		if c.SyncHistory == nil {
			fmt.Fprintln(c.Stderr, "qiwidash: exporting the cache as it is (no history sync configured)")
		} else if err := c.SyncHistory(ctx, st, cl.History, wallet, lo); err != nil {
			s, _ := st.SyncStatus(ctx, wallet)
			fmt.Fprintf(c.Stderr, "qiwidash: could not sync (%v); exporting %s\n", err, s.Describe())
		}
	}
	if wallet == "" {
		return fmt.Errorf("export: the wallet number of profile %q is unknown; run without --offline once", f.profile)
	}
	out := c.Stdout
	if c.Terminal {
		tw := &terminalWriter{w: c.Stdout}
		defer tw.Flush()
		out = tw
	}
	n, err := st.Export(ctx, out, wallet, Filter{From: lo, To: hi}, *format)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Stderr, "qiwidash: exported %d transactions\n", n)
	return nil
}

// terminalWriter passes each line through sanitize.Text before it reaches
// a terminal (newlines stay); Flush writes an unfinished last line.
type terminalWriter struct {
	w       io.Writer
	pending []byte
}

func (t *terminalWriter) Write(p []byte) (int, error) {
	t.pending = append(t.pending, p...)
	for {
		i := bytes.IndexByte(t.pending, '\n')
		if i < 0 {
			return len(p), nil
		}
		if _, err := io.WriteString(t.w, sanitize.Text(string(t.pending[:i]))+"\n"); err != nil {
			return 0, err
		}
		t.pending = t.pending[i+1:]
	}
}

// Flush writes what is left after the last newline.
func (t *terminalWriter) Flush() error {
	if len(t.pending) == 0 {
		return nil
	}
	_, err := io.WriteString(t.w, sanitize.Text(string(t.pending)))
	t.pending = nil
	return err
}
