package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sandbox/demo"
	merchantsb "qiwidash/qiwiapi/sandbox/merchant"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
	"qiwidash/ui"
	"qiwidash/ui/common"
	"qiwidash/views/agent"
	"qiwidash/views/history"
	"qiwidash/views/live"
	merchantview "qiwidash/views/merchant"
	"qiwidash/views/settings"
)

// dashboardFlags are the flags of the default command.
type dashboardFlags struct {
	demo     bool
	readOnly bool
	privacy  bool
	baseURL  string
	refresh  time.Duration
	profile  string
	config   string
	set      map[string]bool // the flags given on the command line
}

// credentials are what a profile holds; any part may be empty.
type credentials struct {
	token, wallet                string
	agentTerminal, agentPassword string
	apiID, apiPassword, shopID   string
}

// errNoProfileYet is the answer when there is nothing to open.
var errNoProfileYet = errors.New("no profile yet: run 'qiwidash login' or 'qiwidash --demo'")

func runDashboard(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("qiwidash", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	var f dashboardFlags
	fs.BoolVar(&f.demo, "demo", false, "run against the embedded sandbox, no account needed")
	fs.StringVar(&f.profile, "profile", "", "profile to open (default: default_profile from the config, else the only one)")
	fs.StringVar(&f.config, "config", "", "config file (default: $XDG_CONFIG_HOME/qiwidash/config.toml or .yaml)")
	fs.BoolVar(&f.readOnly, "readonly", false, "hide every action that moves money (default: read_only from the config)")
	fs.BoolVar(&f.privacy, "privacy", false, "start with amounts and personal data masked (default: privacy from the config)")
	fs.StringVar(&f.baseURL, "base-url", qiwiapi.DefaultBaseURL, "Wallet API base URL (default: the profile's)")
	fs.DurationVar(&f.refresh, "refresh", 0, "refresh interval, 0 = off (default: refresh_interval from the config)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unknown command %q (see 'qiwidash help')", fs.Arg(0))
	}
	f.set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	cfg, err := store.LoadConfig(f.config, common.DefaultKeys().ActionNames())
	if err != nil {
		return err
	}
	if err := common.DefaultKeys().Rebind(cfg.Keys); err != nil {
		return err
	}
	applyTheme(cfg.Theme)
	if f.demo {
		return runDemo(f, cfg)
	}
	return runProfile(f, cfg)
}

// applyTheme forces the palette's light or dark side; "auto" asks the terminal.
func applyTheme(theme string) {
	switch theme {
	case "light":
		lipgloss.SetHasDarkBackground(false)
	case "dark":
		lipgloss.SetHasDarkBackground(true)
	}
}

// forProfile settles the switches for one profile: a flag wins, then the
// profile's own setting, then the config file.
func (f dashboardFlags) forProfile(cfg store.Config, p store.Settings) dashboardFlags {
	out := f
	if !f.set["privacy"] {
		out.privacy = cfg.Privacy
		if p.Privacy != nil {
			out.privacy = *p.Privacy
		}
	}
	if !f.set["readonly"] {
		out.readOnly = cfg.ReadOnly
		if p.ReadOnly != nil {
			out.readOnly = *p.ReadOnly
		}
	}
	if !f.set["base-url"] && p.BaseURL != "" {
		out.baseURL = p.BaseURL
	}
	if !f.set["refresh"] {
		out.refresh = cfg.RefreshInterval
	}
	return out
}

// dashboard opens profiles: the first at start and every later switch.
type dashboard struct {
	f        dashboardFlags
	cfg      store.Config
	accounts settings.Accounts
	saveDir  string
	// newDeps builds the stores and feeds behind one profile's screens.
	// They are kept per profile, so switching back finds them again and no
	// profile sees another's top-ups or bills.
	newDeps func(profile string, c *common.Common, creds credentials) screenDeps
	// prepare runs once a profile's clients exist and before its screens
	// start: the journal, the payment ids and resuming unfinished payments.
	// Nil in demo mode (nothing is persisted there).
	prepare func(ctx context.Context, profile string, c *common.Common) error

	mu   sync.Mutex // Switch runs in a tea.Cmd
	deps map[string]screenDeps
}

func (d *dashboard) depsFor(name string, c *common.Common, creds credentials) screenDeps {
	d.mu.Lock()
	defer d.mu.Unlock()
	if deps, ok := d.deps[name]; ok {
		return deps
	}
	if d.deps == nil {
		d.deps = map[string]screenDeps{}
	}
	deps := d.newDeps(name, c, creds)
	d.deps[name] = deps
	return deps
}

// open unlocks a profile and builds its clients and screens. It may read
// the keyring and ask the API for the wallet number: the UI calls it from a
// tea.Cmd.
func (d *dashboard) open(name string) (*common.Common, []ui.Screen, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sess, err := d.accounts.Unlock(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	ps := sess.Profile.Settings
	f := d.f.forProfile(d.cfg, ps)
	cr := sess.Credentials
	creds := credentials{
		token: cr.Token, wallet: sess.Profile.Wallet,
		agentTerminal: cr.AgentID, agentPassword: cr.AgentPassword,
		apiID: cr.APIID, apiPassword: cr.APIPassword, shopID: cr.ShopID,
	}
	c, err := newCommon(f, creds, d.saveDir, orDefault(ps.AgentURL, topup.DefaultURL), orDefault(ps.MerchantURL, pull.DefaultBaseURL))
	if err != nil {
		return nil, nil, err
	}
	if err := c.Keys.Rebind(d.cfg.Keys); err != nil {
		return nil, nil, err
	}
	if d.prepare != nil {
		if err := d.prepare(ctx, name, c); err != nil {
			return nil, nil, err
		}
	}
	deps := d.depsFor(name, c, creds)
	deps.settings.Active = name
	deps.settings.Config = configInfo(d.cfg, f)
	return c, buildScreens(c, deps), nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// configInfo is what the Accounts screen shows of the configuration.
func configInfo(cfg store.Config, f dashboardFlags) settings.Info {
	path := cfg.Path
	if path == "" {
		if dir, err := store.ConfigDir(); err == nil {
			path = filepath.Join(dir, "config.toml")
		}
	}
	return settings.Info{
		ConfigPath: path, ConfigExists: cfg.Path != "", DefaultProfile: cfg.DefaultProfile, Theme: cfg.Theme,
		RefreshInterval: f.refresh, Privacy: f.privacy, ReadOnly: f.readOnly,
	}
}

// tuiVerifier checks logins made in the Accounts screen against the given
// hosts ("" = production).
func tuiVerifier(urls store.Settings) store.Verifier {
	return store.APIVerifier{
		BaseURL: urls.BaseURL,
		Agent: func(ctx context.Context, id, password string) error {
			return verifyAgent(ctx, id, password, urls.AgentURL)
		},
		Merchant: func(ctx context.Context, apiID, apiPassword, shopID string) error {
			return verifyMerchant(ctx, apiID, apiPassword, shopID, urls.MerchantURL)
		},
	}
}

// runProfile is the real start: the store, the profile (--profile, else the
// config's default_profile, else the only one), its secrets from the keyring
// or QIWI_* variables, and the dashboard.
func runProfile(f dashboardFlags, cfg store.Config) error {
	path, err := store.DefaultPath()
	if err != nil {
		return err
	}
	st, err := store.Open(path, store.Options{Getenv: os.Getenv})
	if err != nil {
		return err
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	name, err := pickProfile(ctx, st, f.profile, cfg)
	if err != nil {
		return err
	}
	var urls store.Settings
	if f.set["base-url"] {
		urls.BaseURL = f.baseURL
	}
	newDeps := func(_ string, c *common.Common, creds credentials) screenDeps {
		deps := storeDeps(st, c, creds)
		deps.agent.Thresholds = cfg.Agent.LowBalance
		deps.agent.Refresh = cfg.Agent.PollInterval
		deps.settings = settings.Deps{Accounts: st, Verifier: tuiVerifier(urls), URLs: urls, Keyring: st.Vault().Probe}
		return deps
	}
	d := &dashboard{f: f, cfg: cfg, accounts: st, newDeps: newDeps, prepare: resumeFrom(st), saveDir: os.TempDir()}
	c, screens, err := d.open(name)
	if err != nil {
		return err
	}
	return runUI(c, screens, ui.Options{Profile: name, RefreshInterval: f.forProfile(cfg, store.Settings{}).refresh, Switch: d.open, Mouse: cfg.Mouse})
}

// pickProfile settles which profile to open. QIWI_* variables open any
// name for this run, saved or not.
func pickProfile(ctx context.Context, st *store.Store, name string, cfg store.Config) (string, error) {
	profiles, err := st.Profiles(ctx)
	if err != nil {
		return "", err
	}
	_, env := st.Vault().Env()
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = p.Name
	}
	switch {
	case name != "" && (env || slices.Contains(names, name)):
		return name, nil
	case name != "" && len(names) > 0:
		return "", fmt.Errorf("no profile %q (saved: %s): run 'qiwidash login --profile %s'", name, strings.Join(names, ", "), name)
	case name != "":
		return "", errNoProfileYet
	case env || slices.Contains(names, cfg.DefaultProfile):
		return cfg.DefaultProfile, nil
	case len(names) == 1:
		return names[0], nil
	case len(names) == 0:
		return "", errNoProfileYet
	}
	return "", fmt.Errorf("%d profiles are saved (%s) and none is the default %q: choose one with --profile NAME or set default_profile in the config",
		len(names), strings.Join(names, ", "), cfg.DefaultProfile)
}

// runDemo starts the three sandboxes in-process, a local receiver for what
// they push, and opens an in-memory "demo" profile with every mode. Nothing
// is written outside a temp dir; no keyring is used.
func runDemo(f dashboardFlags, cfg store.Config) error {
	dir, err := os.MkdirTemp("", "qiwidash-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	events := live.NewFeed()
	defer events.Close()
	hookKey := &live.WebhookKey{}
	recvURL, stopRecv, err := live.StartReceiver("127.0.0.1:0", events.Config(notify.Config{
		VerifyWebhook:  hookKey.Verify,
		ShopID:         merchantsb.DemoShopID(),
		NotifyPassword: merchantsb.DemoNotifyPassword(),
	}))
	if err != nil {
		return fmt.Errorf("starting the demo receiver: %w", err)
	}
	defer stopRecv()

	sb, err := demo.Start("127.0.0.1:0", demo.Options{Seed: 1, CallbackURL: recvURL + notify.DefaultBillPath, Live: true})
	if err != nil {
		return fmt.Errorf("starting the demo sandbox: %w", err)
	}
	defer sb.Close()
	cr := sb.Creds
	urls := store.Settings{BaseURL: sb.URL, AgentURL: sb.URL, MerchantURL: sb.URL}
	accounts := settings.NewMemoryAccounts()
	accounts.Add(store.Profile{Name: "demo", Wallet: cr.Wallet, Settings: urls}, store.Credentials{
		Token:   cr.WalletToken,
		AgentID: cr.AgentTerminal, AgentPassword: cr.AgentPassword,
		APIID: cr.MerchantAPIID, APIPassword: cr.MerchantPassword, ShopID: cr.MerchantShopID,
	})
	newDeps := func(string, *common.Common, credentials) screenDeps {
		deps := demoDeps()
		deps.events, deps.receiverURL = events, recvURL
		// Show a low-balance warning in the demo: the USD agent account is below it.
		deps.agent.Thresholds = map[qiwiapi.Currency]qiwiapi.Amount{qiwiapi.USD: {Minor: 2_000_000, Currency: qiwiapi.USD}}
		deps.settings = settings.Deps{Accounts: accounts, Verifier: tuiVerifier(urls), URLs: urls, InMemory: true}
		return deps
	}
	d := &dashboard{f: f, cfg: cfg, accounts: accounts, newDeps: newDeps, saveDir: dir}
	c, screens, err := d.open("demo")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := live.RegisterWebhook(ctx, c.API, recvURL+notify.DefaultWebhookPath, hookKey); err != nil {
		return fmt.Errorf("registering the demo webhook: %s", common.Explain(err))
	}
	opts := ui.Options{Badge: "DEMO", Profile: "demo", RefreshInterval: f.forProfile(cfg, urls).refresh, Switch: d.open, Mouse: cfg.Mouse}
	return runUI(c, screens, opts)
}

// storeDeps keeps each screen's state in the SQLite store, scoped to the
// profile's wallet, terminal and shop so profiles never see each other's.
func storeDeps(st *store.Store, c *common.Common, creds credentials) screenDeps {
	deps := demoDeps()
	if c.API != nil {
		deps.history = history.NewCachedSource(st, &store.Syncer{Store: st, API: c.API.History}, c.Wallet)
	}
	if c.Agent != nil {
		deps.agent.Journal = agent.NewStoreJournalFor(st, creds.agentTerminal)
		deps.agent.Samples = agent.NewStoreSamplesFor(st, creds.agentTerminal)
	}
	if c.Merchant != nil {
		deps.merchant.Bills = merchantview.NewStoreBillsFor(st, c.MerchantShopID)
	}
	return deps
}

// resumeFrom journals the wallet screens' payments in the store, continues
// client ids after the last one used, and finishes what a crash left open:
// re-asked by status, or re-sent with the same id.
func resumeFrom(st *store.Store) func(ctx context.Context, profile string, c *common.Common) error {
	return func(ctx context.Context, profile string, c *common.Common) error {
		if c.API == nil {
			return nil
		}
		c.Journal = st.UIJournal(profile, c.Wallet)
		j := st.Journal()
		last, err := j.LastClientID(ctx, store.KindWalletPayment)
		if err != nil {
			return err
		}
		if lc, err := j.LastClientID(ctx, store.KindConversion); err == nil && lc > last {
			last = lc
		}
		c.IDs = qiwiapi.NewIDGenerator(last, time.Now)
		rep, err := j.Resume(ctx, store.WalletResenders(c.Wallet, c.API.Payments, c.API.History))
		c.Notice = resumeNotice(rep, err)
		return nil // not fatal: open entries are tried again at the next start
	}
}

// resumeNotice tells the user, in words, what start-up did with payments a
// previous run left unfinished.
func resumeNotice(rep store.ResumeReport, err error) string {
	switch {
	case err != nil:
		return "Unfinished payments could not be checked: " + common.Explain(err)
	case len(rep.Open) > 0:
		return fmt.Sprintf("%d unfinished payment(s) still unresolved; they are re-checked at the next start", len(rep.Open))
	case len(rep.Resumed) > 0:
		return fmt.Sprintf("Finished %d payment(s) left open by the last run (same ids, never paid twice)", len(rep.Resumed))
	}
	return ""
}

// demoDeps keeps everything in memory.
func demoDeps() screenDeps {
	return screenDeps{
		agent:    agent.Deps{Journal: agent.NewMemoryJournal(), Samples: agent.NewMemorySamples(), Refresh: agent.DefaultRefresh},
		merchant: merchantview.Deps{Bills: merchantview.NewMemoryBills()},
	}
}

// newCommon builds the clients the credentials allow and the shared UI state.
func newCommon(f dashboardFlags, creds credentials, saveDir, agentURL, merchantURL string) (*common.Common, error) {
	c := &common.Common{
		Styles:   common.NewStyles(common.DefaultTheme()),
		Keys:     common.DefaultKeys(),
		Settings: &common.Settings{Privacy: f.privacy, ReadOnly: f.readOnly},
		Now:      time.Now,
		SaveDir:  saveDir,
		IDs:      qiwiapi.NewIDGenerator(0, time.Now),
	}
	if creds.token != "" {
		api, err := qiwiapi.NewClient(creds.token, qiwiapi.WithBaseURL(f.baseURL), qiwiapi.WithUserAgent("qiwidash/0.1"))
		if err != nil {
			return nil, err
		}
		c.API, c.Wallet = api, creds.wallet
		if c.Wallet == "" {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			p, _, err := api.Profile.Current(ctx, qiwiapi.ProfileOptions{SkipContractInfo: true, SkipUserInfo: true})
			if err != nil {
				return nil, fmt.Errorf("reading the wallet number: %s", common.Explain(err))
			}
			c.Wallet = p.Wallet()
		}
	}
	if creds.agentTerminal != "" {
		opts := []topup.Option{topup.WithPassword(topup.NewPassword(creds.agentPassword)), topup.WithBaseURL(agentURL), topup.WithSandboxPolling(2 * time.Second)}
		ag, err := topup.NewClient(creds.agentTerminal, opts...)
		if err != nil {
			return nil, err
		}
		c.Agent = ag
	}
	if creds.apiID != "" {
		m, err := pull.NewClient(pull.Credentials{APIID: creds.apiID, APIPassword: creds.apiPassword, ShopID: creds.shopID}, pull.WithBaseURL(merchantURL))
		if err != nil {
			return nil, err
		}
		c.Merchant, c.MerchantShopID = m, creds.shopID
	}
	return c, nil
}

func runUI(c *common.Common, screens []ui.Screen, opts ui.Options) error {
	root := ui.New(c, screens, opts)
	popts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithReportFocus()}
	if opts.Mouse {
		popts = append(popts, tea.WithMouseCellMotion())
	}
	_, err := tea.NewProgram(root, popts...).Run()
	return err
}
