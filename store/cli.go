package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
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
	// Keys checks the config's [keys] (nil: only their form).
	Keys KeySpec
	// HTTPClient carries the Wallet API's requests (the --debug log's;
	// nil: the client's own).
	HTTPClient *http.Client
	// Terminal says Stdout is a terminal: what export writes there (QIWI's
	// comments, names, accounts) passes sanitize.Text line by line, so no
	// escape sequence in a comment reaches it raw. A file or a pipe gets
	// the data as it is.
	Terminal bool
	// SyncHistory brings the wallet's cached history up to date from now
	// down to from (zero: all of it) before an export: the engine's history
	// reader (store/reader) does it. nil: the cache is exported as it is.
	SyncHistory func(ctx context.Context, st *Store, api *qiwiapi.HistoryService, wallet string, from time.Time) error
	// Tr is the language of the prompts and messages (nil: English);
	// what export writes is the same in both.
	Tr *i18n.Tr
}

// Target is what the login, logout and export subcommands work on (their
// --profile, --config, --store and --base-url flags); "" is the default.
type Target struct {
	Profile string // default: default_profile from the config
	Config  string // default: FindConfig's
	Store   string // default: DefaultPath()
	BaseURL string // Wallet API; default: the profile's, else production
}

// LoginOptions are `login`'s: the target and the agent and merchant hosts.
type LoginOptions struct {
	Target
	AgentURL, MerchantURL string // "" = production
	// The Top-Up agent's signature or client-certificate login: PEM files
	// by path (the key's passphrase is asked for and kept in the keyring).
	AgentKey, AgentCert, AgentCA, AgentSignAlg string
}

// ExportOptions are `export`'s.
type ExportOptions struct {
	Target
	From, To string // YYYY-MM-DD (Moscow time) or RFC 3339; "" = open
	Format   string // "csv" or "json"
	Offline  bool   // export the cache as it is, without a sync
}

// open loads the config and the store and settles the profile name.
func (c *CLI) open(f *Target) (*Store, Config, error) {
	cfg, err := LoadConfig(f.Config, c.Keys)
	if err != nil {
		return nil, cfg, err
	}
	if f.Profile == "" {
		f.Profile = cfg.DefaultProfile
	}
	path := f.Store
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

// Login is `qiwidash login`: it asks for the credentials the user has,
// checks them with the APIs and saves them.
func (c *CLI) Login(ctx context.Context, o LoginOptions) error {
	f := &o.Target
	st, _, err := c.open(f)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.vault.Probe(); err != nil {
		return err
	}
	fmt.Fprintln(c.Stderr, c.Tr.T("accounts.logging_in", i18n.Args{"Name": strconv.Quote(f.Profile)}))
	var cr Credentials
	if cr.Token, err = c.secret(c.Tr.T("accounts.prompt.token", nil)); err != nil {
		return err
	}
	if cr.AgentID, err = c.line(c.Tr.T("accounts.prompt.agent_id", nil)); err != nil {
		return err
	}
	if strings.TrimSpace(cr.AgentID) != "" {
		cr.AgentKeyFile, cr.AgentCertFile, cr.AgentCAFile, cr.AgentSignAlg = o.AgentKey, o.AgentCert, o.AgentCA, o.AgentSignAlg
		if cr.AgentKeyFile != "" {
			if cr.AgentPassphrase, err = c.secret(c.Tr.T("accounts.prompt.passphrase", i18n.Args{"File": cr.AgentKeyFile})); err != nil {
				return err
			}
		}
		// A signature replaces the password; a certificate login keeps it.
		if cr.AgentKeyFile == "" || cr.AgentCertFile != "" {
			if cr.AgentPassword, err = c.secret(c.Tr.T("accounts.prompt.agent_password", nil)); err != nil {
				return err
			}
		}
	} else if o.AgentKey != "" || o.AgentCert != "" {
		return i18n.Errorf("accounts.agent_files_need_id", nil, nil)
	}
	if cr.APIID, err = c.line(c.Tr.T("accounts.prompt.api_id", nil)); err != nil {
		return err
	}
	if strings.TrimSpace(cr.APIID) != "" {
		if cr.APIPassword, err = c.secret(c.Tr.T("accounts.prompt.api_password", nil)); err != nil {
			return err
		}
		if cr.ShopID, err = c.line(c.Tr.T("accounts.prompt.shop_id", nil)); err != nil {
			return err
		}
	}
	v := APIVerifier{BaseURL: f.BaseURL, HTTPClient: c.HTTPClient}
	if c.Agent != nil {
		v.Agent = func(ctx context.Context, cr Credentials) error { return c.Agent(ctx, cr, o.AgentURL) }
	}
	if c.Merchant != nil {
		v.Merchant = func(ctx context.Context, id, pw, shop string) error {
			return c.Merchant(ctx, id, pw, shop, o.MerchantURL)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	p, err := st.Login(ctx, f.Profile, cr, v)
	if err != nil {
		return err
	}
	set := p.Settings
	set.BaseURL, set.AgentURL, set.MerchantURL = f.BaseURL, o.AgentURL, o.MerchantURL
	if err := st.SaveSettings(ctx, p.Name, set); err != nil {
		return err
	}
	args := i18n.Args{"Name": strconv.Quote(p.Name), "Modes": modeWords(c.Tr, p.Modes()), "Wallet": p.Wallet}
	if p.Wallet != "" {
		fmt.Fprintln(c.Stdout, c.Tr.T("accounts.saved_wallet", args))
	} else {
		fmt.Fprintln(c.Stdout, c.Tr.T("accounts.saved", args))
	}
	return nil
}

// modeWords are a profile's modes as login reports them ("wallet+agent"),
// in tr's language.
func modeWords(tr *i18n.Tr, m Modes) string {
	var parts []string
	if m.Wallet {
		parts = append(parts, tr.T("accounts.mode.wallet", nil))
	}
	if m.Agent {
		parts = append(parts, tr.T("accounts.mode.agent", nil))
	}
	if m.Merchant {
		parts = append(parts, tr.T("accounts.mode.merchant", nil))
	}
	if len(parts) == 0 {
		return tr.T("accounts.mode.none", nil)
	}
	return strings.Join(parts, "+")
}

// Logout is `qiwidash logout`: it removes the profile's secrets.
func (c *CLI) Logout(ctx context.Context, f Target) error {
	st, _, err := c.open(&f)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Logout(ctx, f.Profile); err != nil {
		return err
	}
	fmt.Fprintln(c.Stdout, c.Tr.T("accounts.logged_out", i18n.Args{"Name": strconv.Quote(f.Profile)}))
	return nil
}

// ParseDay reads 2024-05-01 (start or end of that day in loc) or an RFC 3339 time.
func ParseDay(s string, loc *time.Location, endOfDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return time.Time{}, i18n.Errorf("accounts.bad_day", i18n.Args{"Value": strconv.Quote(s)}, nil)
	}
	if endOfDay {
		t = t.Add(24*time.Hour - time.Second)
	}
	return t, nil
}

// Export is `qiwidash export`: it syncs the range when online and writes
// the cached history to Stdout.
func (c *CLI) Export(ctx context.Context, o ExportOptions) error {
	if o.Format != "csv" && o.Format != "json" {
		return i18n.Errorf("accounts.export_format", i18n.Args{"Value": strconv.Quote(o.Format)}, nil)
	}
	lo, err := ParseDay(o.From, qiwiapi.Moscow, false)
	if err != nil {
		return i18n.Errorf("accounts.export_from", nil, err)
	}
	hi, err := ParseDay(o.To, qiwiapi.Moscow, true)
	if err != nil {
		return i18n.Errorf("accounts.export_to", nil, err)
	}
	ws, err := c.OpenWallet(ctx, WalletFlags{Target: o.Target, Offline: o.Offline}, lo, "export")
	if err != nil {
		return err
	}
	defer ws.Store.Close()
	st, wallet := ws.Store, ws.Wallet
	out := c.Stdout
	if c.Terminal {
		tw := &terminalWriter{w: c.Stdout}
		defer tw.Flush()
		out = tw
	}
	n, err := st.Export(ctx, out, wallet, Filter{From: lo, To: hi}, o.Format)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.Stderr, c.Tr.N("accounts.exported", n, nil))
	return nil
}

// WalletFlags are the flags of the commands that read a wallet's history
// (export, statement): the profile and where its config and store are.
type WalletFlags struct {
	Target
	Offline bool // do not sync: read the cache as it is
}

// WalletSession is an open wallet for a command: the store (the caller
// closes it), the wallet number and the Wallet API client.
type WalletSession struct {
	Store   *Store
	Wallet  string
	API     *qiwiapi.Client
	Profile string
}

// OpenWallet unlocks the profile's token (the keyring, else QIWI_TOKEN),
// and unless wf.Offline syncs the wallet's history from now down to from
// (SyncHistory); what names the command in errors.
func (c *CLI) OpenWallet(ctx context.Context, wf WalletFlags, from time.Time, what string) (*WalletSession, error) {
	f := &wf.Target
	st, _, err := c.open(f)
	if err != nil {
		return nil, err
	}
	ws, err := c.openWallet(ctx, st, f, wf.Offline, from, what)
	if err != nil {
		st.Close()
		return nil, err
	}
	return ws, nil
}

func (c *CLI) openWallet(ctx context.Context, st *Store, f *Target, offline bool, from time.Time, what string) (*WalletSession, error) {
	sess, err := st.Unlock(ctx, f.Profile)
	if err != nil {
		return nil, err
	}
	if !sess.Modes().Wallet {
		return nil, i18n.Errorf("accounts.no_token", i18n.Args{"Command": what, "Name": strconv.Quote(f.Profile)}, nil)
	}
	base := f.BaseURL
	if base == "" {
		base = sess.Profile.Settings.BaseURL
	}
	opts := []qiwiapi.Option{}
	if base != "" {
		opts = append(opts, qiwiapi.WithBaseURL(base))
	}
	if c.HTTPClient != nil {
		opts = append(opts, qiwiapi.WithHTTPClient(c.HTTPClient))
	}
	cl, err := qiwiapi.NewClient(sess.Credentials.Token, opts...)
	if err != nil {
		return nil, err
	}
	wallet := sess.Profile.Wallet
	if !offline {
		if wallet == "" {
			p, _, err := cl.Profile.Current(ctx, qiwiapi.ProfileOptions{SkipContractInfo: true, SkipUserInfo: true})
			if err != nil {
				return nil, i18n.Errorf("accounts.wallet_number", i18n.Args{"Command": what}, err)
			}
			wallet = p.Wallet()
		}
		if c.SyncHistory == nil {
			fmt.Fprintln(c.Stderr, c.Tr.T("accounts.no_sync", nil))
		} else if err := c.SyncHistory(ctx, st, cl.History, wallet, from); err != nil {
			s, _ := st.SyncStatus(ctx, wallet)
			fmt.Fprintln(c.Stderr, c.Tr.T("accounts.sync_failed", i18n.Args{"Why": ErrorText(c.Tr, err), "Cache": s.Describe(c.Tr, qiwiapi.Moscow)}))
		}
	}
	if wallet == "" {
		return nil, i18n.Errorf("accounts.wallet_unknown", i18n.Args{"Command": what, "Name": strconv.Quote(f.Profile)}, nil)
	}
	return &WalletSession{Store: st, Wallet: wallet, API: cl, Profile: f.Profile}, nil
}

// ErrorText is err as the command line says it: in English its own text,
// as it always was; in Russian the config's mistakes each with its line,
// a QIWI failure in words (explain.Error) and the catalogue's messages in
// Russian.
func ErrorText(tr *i18n.Tr, err error) string {
	var mistakes ConfigErrors
	switch {
	case tr.Lang() != i18n.RU:
		return err.Error()
	case errors.As(err, &mistakes):
		return mistakes.In(tr)
	}
	return explain.Error(tr, err)
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
