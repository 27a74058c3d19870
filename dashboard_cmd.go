package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/pflag"
	"github.com/zalando/go-keyring"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sandbox/demo"
	merchantsb "qiwidash/qiwiapi/sandbox/merchant"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
	"qiwidash/store/bills"
	"qiwidash/store/ingest"
	"qiwidash/store/moves"
	"qiwidash/store/reader"
	"qiwidash/ui"
	"qiwidash/ui/common"
	"qiwidash/ui/feed"
	"qiwidash/views/agent"
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
	// listen is where the in-process notification receiver serves ("" =
	// none; --demo always has one, on a free loopback port by default).
	listen string
	set    map[string]bool // the flags given on the command line
	log    *slog.Logger    // the --debug log; nil: none
	zone   *time.Location  // the config's time_zone; nil: Moscow time
	// lang is --lang ("" = not given) until runDashboard settles it with
	// the config and the locale (i18n.Choose).
	lang string
	// langFrom is where the settled language came from (Settings says it).
	langFrom i18n.Source
	// tr is the process's one catalogue: the help's language, then the
	// dashboard's. Every profile's Common holds it, so the Settings
	// screen's live switch (tr.Set) holds across profile switches and
	// reopens. nil: a new one in lang.
	tr *i18n.Tr
}

// credentials are what a profile holds; any part may be empty.
type credentials struct {
	token, wallet              string
	agentTerminal              string
	agentAuth                  topup.Auth // password, signing key or client certificate
	apiID, apiPassword, shopID string
}

// errNoProfileYet is the answer when there is nothing to open.
var errNoProfileYet = i18n.Errorf("cli.no_profile_yet", nil, nil)

// runDashboard opens the dashboard: the demo, or a saved profile.
func runDashboard(f dashboardFlags) error {
	if f.baseURL == "" {
		f.baseURL = qiwiapi.DefaultBaseURL
	}
	cfg, err := store.LoadConfig(f.config, common.DefaultKeys(nil))
	if err != nil {
		return err
	}
	if err := common.DefaultKeys(nil).Rebind(cfg.Keys); err != nil {
		return err
	}
	f.zone = cfg.TimeZone
	lang, from, err := i18n.Choose(f.lang, string(cfg.Language), os.Getenv)
	if err != nil {
		return i18n.Errorf("cli.lang_flag", nil, err)
	}
	f.lang, f.langFrom = string(lang), from
	if f.tr != nil {
		f.tr.Set(lang) // settled from the same flag, config and locale as the help: the same
	}
	orDiscard(f.log).Info("config", "path", cfg.Path, "theme", cfg.Theme, "refresh", cfg.RefreshInterval, "zone", cfg.TimeZone.String(), "lang", f.lang, "demo", f.demo)
	applyTheme(cfg.Theme)
	if f.demo {
		return runDemo(f, cfg)
	}
	return runProfile(f, cfg)
}

// dashboardFlagSet declares the dashboard's flags into f, in the order
// --help lists them, their help in f.tr's language.
func dashboardFlagSet(fs *pflag.FlagSet, f *dashboardFlags) {
	tr := f.tr
	fs.SortFlags = false
	fs.BoolVar(&f.demo, "demo", false, tr.T("cli.flag.demo", nil))
	fs.StringVar(&f.profile, "profile", "", tr.T("cli.flag.profile_open", nil))
	fs.StringVar(&f.config, "config", "", tr.T("cli.flag.config", nil))
	fs.BoolVar(&f.readOnly, "readonly", false, tr.T("cli.flag.readonly", nil))
	fs.BoolVar(&f.privacy, "privacy", false, tr.T("cli.flag.privacy", nil))
	fs.DurationVar(&f.refresh, "refresh", 0, tr.T("cli.flag.refresh", nil))
	fs.StringVar(&f.baseURL, "base-url", "", tr.T("cli.flag.base_url", i18n.Args{"URL": qiwiapi.DefaultBaseURL}))
	fs.StringVar(&f.listen, "listen", "", tr.T("cli.flag.listen", nil))
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
	newDeps func(profile string, c *common.Common, creds credentials) (screenDeps, error)
	// prepare runs once a profile's clients exist and before its screens
	// start: the money-move engines, resuming what was left unfinished.
	// Nil: nothing is journaled (the demo has it too, over its temp store).
	prepare func(ctx context.Context, profile string, c *common.Common) error
	// budgets holds one QIWI request scheduler per wallet for the process,
	// shared by every profile opened (created on first open).
	budgets *budget.Registry
	// support gives the Overview and the support console their
	// dependencies for the profile being opened (nil: none).
	support *support

	mu   sync.Mutex // Switch runs in a tea.Cmd
	deps map[string]screenDeps
}

// close stops what the opened profiles' screens left running in the
// background (the history readers' window fills), before the store closes.
func (d *dashboard) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, deps := range d.deps {
		if deps.history != nil {
			deps.history.Close()
		}
	}
}

func (d *dashboard) depsFor(name string, c *common.Common, creds credentials) (screenDeps, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if deps, ok := d.deps[name]; ok {
		return deps, nil
	}
	if d.deps == nil {
		d.deps = map[string]screenDeps{}
	}
	deps, err := d.newDeps(name, c, creds)
	if err != nil {
		return screenDeps{}, err
	}
	d.deps[name] = deps
	return deps, nil
}

// open unlocks a profile and builds its clients and screens. It may read
// the keyring and ask the API for the wallet number: the UI calls it from a
// tea.Cmd.
func (d *dashboard) open(name string) (*common.Common, []ui.Screen, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, creds, f, err := d.clients(ctx, name)
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
	deps, err := d.depsFor(name, c, creds)
	if err != nil {
		return nil, nil, err
	}
	deps.settings.Active = name
	deps.settings.Config = configInfo(d.cfg, f)
	orDiscard(f.log).Info("profile", "name", name, "wallet", c.API != nil, "agent", c.Agent != nil, "merchant", c.Merchant != nil, "privacy", f.privacy, "readonly", f.readOnly)
	if d.support != nil {
		deps.overview, deps.find = d.support.deps(ctx, name)
	}
	return c, buildScreens(c, deps), nil
}

// clients unlocks a profile and builds its clients, the wallet's on the
// process's scheduler for that wallet.
func (d *dashboard) clients(ctx context.Context, name string) (*common.Common, credentials, dashboardFlags, error) {
	sess, err := d.accounts.Unlock(ctx, name)
	if err != nil {
		return nil, credentials{}, dashboardFlags{}, err
	}
	ps := sess.Profile.Settings
	f := d.f.forProfile(d.cfg, ps)
	cr := sess.Credentials
	creds := credentials{
		token: cr.Token, wallet: sess.Profile.Wallet,
		agentTerminal: cr.AgentID, agentAuth: cr.TopupAuth(),
		apiID: cr.APIID, apiPassword: cr.APIPassword, shopID: cr.ShopID,
	}
	d.mu.Lock()
	if d.budgets == nil {
		d.budgets = budget.NewRegistry(budget.Options{})
	}
	budgets := d.budgets
	d.mu.Unlock()
	c, err := newCommon(f, creds, d.saveDir, orDefault(ps.AgentURL, cr.TopupAuth().Endpoint()), orDefault(ps.MerchantURL, pull.DefaultBaseURL), budgets)
	return c, creds, f, err
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
		Language: i18n.Lang(f.lang), LanguageFrom: f.langFrom,
	}
}

// tuiVerifier checks logins made in the Accounts screen against the given
// hosts ("" = production).
func tuiVerifier(urls store.Settings) store.Verifier {
	return store.APIVerifier{
		BaseURL: urls.BaseURL,
		Agent: func(ctx context.Context, c store.Credentials) error {
			return verifyAgent(ctx, c, urls.AgentURL)
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
	eng := newEngines(st)
	defer eng.Close()
	var rx *profileListener
	if f.listen != "" {
		rx = &profileListener{addr: f.listen, profile: name, nudge: eng.NudgeWallet}
		defer rx.close()
	}
	d := &dashboard{f: f, cfg: cfg, accounts: st, newDeps: profileDeps(st, cfg, urls, rx), prepare: eng.prepare, saveDir: os.TempDir()}
	d.support = newSupport(st, st, d, cfg.Agent.LowBalance)
	defer d.close()
	c, screens, err := d.open(name)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGHUP, syscall.SIGTERM)
	defer stop()
	return runUI(ctx, c, screens, ui.Options{Profile: name, RefreshInterval: f.forProfile(cfg, store.Settings{}).refresh, Switch: d.open, Mouse: cfg.Mouse})
}

// profileListener is the in-process receiver of --listen. It serves the
// profile the dashboard opens with (a switch to another profile does not
// move it): wallet webhooks are checked with the key of the wallet's
// active hook (never registered or replaced from here), bill callbacks
// with QIWI_NOTIFY_PASSWORD, and what is accepted goes into the store
// (store/ingest) and the Live feed. A nil *profileListener means no --listen.
type profileListener struct {
	addr, profile string
	// nudge tells the money-move engines of a verified wallet payment.
	nudge func(wallet string, txnID int64)

	url      string
	feed     *feed.Feed
	pr       *ingest.Profile
	in       *ingest.Ingest
	stopSync context.CancelFunc
}

// wire gives a profile's screens their Live screen: the receiver's (started
// at the serving profile's first open), or a note saying why there is none.
func (l *profileListener) wire(st *store.Store, profile string, c *common.Common, deps *screenDeps) error {
	hasLive := c.API != nil || c.Merchant != nil
	switch {
	case l == nil:
		if hasLive { // read when shown: the language may have switched
			deps.liveStatus = func() string { return c.Tr.T("cli.not_listening", nil) }
		}
		return nil
	case profile != l.profile:
		if hasLive {
			args := i18n.Args{"Addr": l.addr, "Serving": strconv.Quote(l.profile), "Profile": profile}
			deps.liveStatus = func() string { return c.Tr.T("cli.not_listening_here", args) }
		}
		return nil
	}
	if l.in == nil {
		if err := l.start(st, c, deps.history); err != nil {
			return err
		}
	}
	deps.events, deps.receiverURL, deps.liveStatus = l.feed, l.url, l.pr.Status
	return nil
}

// start serves the profile's notifications; a wallet payment refreshes the
// history through the screens' reader (nil: no wallet).
func (l *profileListener) start(st *store.Store, c *common.Common, history *reader.Reader) error {
	pr := ingest.NewProfile(walletHooks(c), c.Merchant != nil, c.MerchantShopID, os.Getenv(ingest.EnvNotifyPassword))
	pr.Tr = c.Tr
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = pr.Learn(ctx) // no hook yet, or offline: the Live screen says so; webhooks retry
	sctx, stopSync := context.WithCancel(context.Background())
	o := ingest.Options{Checks: pr.Checks(notify.Config{}), Store: st, Wallet: c.Wallet, Tr: c.Tr}
	if c.API != nil {
		o.Confirm = ingest.ConfirmWithAPI(c.API.History) // a webhook's status is confirmed inside the wallet's budget
	}
	if history != nil {
		sync := historySync(sctx, history, nil)
		o.OnWalletPayment = func(wallet string, txnID int64) {
			if l.nudge != nil {
				l.nudge(wallet, txnID) // the payment's screen settles without waiting for the history
			}
			sync(wallet, txnID)
		}
	}
	in := ingest.New(o)
	f := feed.Subscribe(in)
	url, err := in.Start(l.addr)
	if err != nil {
		stopSync()
		in.Close()
		f.Close()
		return i18n.Errorf("cli.listen_failed", nil, err)
	}
	l.url, l.feed, l.pr, l.in, l.stopSync = url, f, pr, in, stopSync
	return nil
}

// close stops the receiver and the syncs it started, before the store closes.
func (l *profileListener) close() {
	if l == nil || l.in == nil {
		return
	}
	l.stopSync()
	l.in.Close()
	l.feed.Close()
}

// profileDeps builds a real profile's screen dependencies: the store, the
// config's agent settings, the Accounts screen and the Live screen (rx nil:
// no --listen).
func profileDeps(st *store.Store, cfg store.Config, urls store.Settings, rx *profileListener) func(string, *common.Common, credentials) (screenDeps, error) {
	return func(profile string, c *common.Common, creds credentials) (screenDeps, error) {
		deps := storeDeps(st, c, creds)
		deps.agent.Thresholds = cfg.Agent.LowBalance
		deps.agent.Refresh = cfg.Agent.PollInterval
		deps.settings = settings.Deps{Accounts: st, Verifier: tuiVerifier(urls), URLs: urls, Keyring: st.Vault().Probe}
		if err := rx.wire(st, profile, c, &deps); err != nil {
			return screenDeps{}, err
		}
		return deps, nil
	}
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
		return "", i18n.Errorf("cli.no_such_profile", i18n.Args{"Name": name, "Quoted": strconv.Quote(name), "Saved": strings.Join(names, ", ")}, nil)
	case name != "":
		return "", errNoProfileYet
	case env || slices.Contains(names, cfg.DefaultProfile):
		return cfg.DefaultProfile, nil
	case len(names) == 1:
		return names[0], nil
	case len(names) == 0:
		return "", errNoProfileYet
	}
	return "", i18n.Errorf("cli.no_default_profile", i18n.Args{"Count": len(names), "Saved": strings.Join(names, ", "), "Default": strconv.Quote(cfg.DefaultProfile)}, nil)
}

// runDemo starts the three sandboxes in-process, a local receiver for what
// they push, and opens a "demo" profile with every mode. Its accounts live
// in memory; its store (payment journal, history cache, bills, top-ups) is
// a file in a temp dir that is removed when the demo ends, SIGHUP and
// SIGTERM included. No keyring is used: secrets stay in the process.
func runDemo(f dashboardFlags, cfg store.Config) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGHUP, syscall.SIGTERM, os.Interrupt)
	defer stop()
	dir, err := os.MkdirTemp("", "qiwidash-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(filepath.Join(dir, "qiwidash.db"), store.Options{Keyring: newMemoryKeyring(), Getenv: func(string) string { return "" }})
	if err != nil {
		return err
	}
	defer st.Close()

	hookKey := &ingest.WebhookKey{}
	eng := newEngines(st)
	defer eng.Close()                                      // after the receiver, which nudges it
	var demoHistory atomic.Pointer[qiwiapi.HistoryService] // confirms webhook statuses
	recv := ingest.New(ingest.Options{Store: st, Checks: notify.Config{
		VerifyWebhook:  hookKey.Verify,
		ShopID:         merchantsb.DemoShopID(),
		NotifyPassword: merchantsb.DemoNotifyPassword(),
	}, OnWalletPayment: eng.NudgeWallet, // a followed payment settles at once; History refreshes on the feed
		Confirm: func(ctx context.Context, wallet string, txnID int64, typ string) (string, error) {
			h := demoHistory.Load() // the wallet's client exists once the demo profile is open
			if h == nil {
				return "", i18n.Errorf("cli.demo.not_open", nil, nil)
			}
			return ingest.ConfirmWithAPI(h)(ctx, wallet, txnID, typ)
		}, Tr: f.tr})
	defer recv.Close() // after the sandbox, before the store
	events := feed.Subscribe(recv)
	defer events.Close()
	recvURL, err := recv.Start(f.listen)
	if err != nil {
		return i18n.Errorf("cli.demo.receiver", nil, err)
	}

	sb, err := demo.Start("127.0.0.1:0", demo.Options{Seed: 1, CallbackURL: recvURL + notify.DefaultBillPath, Live: true})
	if err != nil {
		return i18n.Errorf("cli.demo.sandbox", nil, err)
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
	// The demo's other profiles, each with its own data: a family wallet,
	// a restricted wallet, an agent terminal, a shop (the Overview).
	others := sb.Profiles()
	for _, p := range others {
		accounts.Add(store.Profile{Name: p.Name, Wallet: p.Wallet, Settings: urls}, store.Credentials{Token: p.Token,
			AgentID: p.Terminal, AgentPassword: p.TerminalPassword, APIID: p.APIID, APIPassword: p.APIPassword, ShopID: p.ShopID})
	}
	// Show a low-balance warning in the demo: the USD agent account is below it.
	thresholds := map[qiwiapi.Currency]qiwiapi.Amount{qiwiapi.USD: {Minor: 2_000_000, Currency: qiwiapi.USD}}
	newDeps := func(_ string, c *common.Common, creds credentials) (screenDeps, error) {
		deps := storeDeps(st, c, creds)
		deps.events, deps.receiverURL = events, recvURL
		deps.agent.Thresholds = thresholds
		deps.settings = settings.Deps{Accounts: accounts, Verifier: tuiVerifier(urls), URLs: urls, InMemory: true}
		return deps, nil
	}
	d := &dashboard{f: f, cfg: cfg, accounts: accounts, newDeps: newDeps, prepare: eng.prepare, saveDir: demoSaveDir(dir)}
	d.support = newSupport(st, accounts, d, thresholds)
	defer d.close()
	c, screens, err := d.open("demo")
	if err != nil {
		return err
	}
	demoHistory.Store(c.API.History)
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := ingest.RegisterWebhook(rctx, c.API, recvURL+notify.DefaultWebhookPath, hookKey); err != nil {
		return i18n.Errorf("cli.demo.webhook", i18n.Args{"Why": c.Explain(err)}, nil)
	}
	if err := seedDemoBills(rctx, c.Merchant, merchantsb.SeededBills(), nil, c.Now, bills.NewStoreFor(st, c.MerchantShopID)); err != nil {
		return i18n.Errorf("cli.demo.bills", i18n.Args{"Why": c.Explain(err)}, nil)
	}
	for _, p := range others {
		if p.ShopID == "" {
			continue
		}
		m, err := pull.NewClient(pull.Credentials{APIID: p.APIID, APIPassword: p.APIPassword, ShopID: p.ShopID}, pull.WithBaseURL(sb.URL))
		if err != nil {
			return err
		}
		if err := seedDemoBills(rctx, m, p.ShopBills, p.Lifetimes, c.Now, bills.NewStoreFor(st, p.ShopID)); err != nil {
			return i18n.Errorf("cli.demo.bills", i18n.Args{"Why": c.Explain(err)}, nil)
		}
	}
	opts := ui.Options{Badge: "DEMO", Profile: "demo", RefreshInterval: f.forProfile(cfg, urls).refresh, Switch: d.open, Mouse: cfg.Mouse}
	return runUI(ctx, c, screens, opts)
}

// seedDemoBills lists the demo shop's seeded bills (waiting, paid,
// refunded, rejected, expired...) on the Bills screen, as if issued here,
// reading each from the sandbox like any bill.
func seedDemoBills(ctx context.Context, m *pull.Client, ids []string, lifetimes map[string]time.Time, clock func() time.Time, into bills.Store) error {
	for _, id := range ids {
		b, _, err := m.Bills.Get(ctx, id)
		if err != nil {
			return err
		}
		now := clock()
		if err := into.SaveBill(ctx, bills.Bill{
			ID: b.BillID, Payer: b.User, Amount: b.Amount, Comment: b.Comment,
			Created: now, Status: b.Status, Updated: now, Lifetime: lifetimes[id],
		}); err != nil {
			return err
		}
	}
	return nil
}

// demoSaveDir is where the demo saves receipts: inside its temp dir, under
// a name that tells whoever reads the path that it goes away.
func demoSaveDir(dir string) string {
	return filepath.Join(dir, "receipts-deleted-when-the-demo-quits")
}

// memoryKeyring is the demo's keyring: it keeps secrets in this process
// only and never reaches the OS keyring.
type memoryKeyring struct {
	mu sync.Mutex
	m  map[string]string
}

func newMemoryKeyring() *memoryKeyring { return &memoryKeyring{m: map[string]string{}} }

func (k *memoryKeyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[service+"\x00"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (k *memoryKeyring) Set(service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[service+"\x00"+user] = secret
	return nil
}

func (k *memoryKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[service+"\x00"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(k.m, service+"\x00"+user)
	return nil
}

// newHistoryReader is the engine's history reader of the profile's wallet,
// on the wallet's request scheduler.
func newHistoryReader(st *store.Store, c *common.Common) *reader.Reader {
	o := reader.Options{Store: st, API: c.API.History, Wallet: c.Wallet, Now: c.Now}
	if b, ok := c.API.Gate().(reader.Budget); ok {
		o.Budget = b // the status line shows the wallet's scheduler
	}
	return reader.New(o)
}

// storeDeps keeps each screen's state in the SQLite store, scoped to the
// profile's wallet, terminal and shop so profiles never see each other's.
func storeDeps(st *store.Store, c *common.Common, creds credentials) screenDeps {
	deps := demoDeps()
	if c.API != nil {
		deps.history = newHistoryReader(st, c)
		deps.insights = insightsDeps(st, c, deps.history)
	}
	if c.Agent != nil {
		deps.agent.Samples = agent.NewStoreSamplesFor(st, creds.agentTerminal)
	}
	if c.Merchant != nil {
		deps.merchant.Bills = bills.NewStoreFor(st, c.MerchantShopID)
	}
	return deps
}

// engines are the process's money-move engines over the store, one per
// paying account (a wallet's payments and invoice pays, a terminal's
// top-ups), whichever profile opened it. prepare starts a profile's engines
// and resumes what a crash or the last run left open: re-asked, or re-sent
// with the same id. An account opened again (the same profile, or another
// profile on the same wallet or terminal) stops its earlier engine first,
// so one saga runs per entry.
type engines struct {
	st      *store.Store
	mu      sync.Mutex
	running map[string]interface{ Close() } // by "wallet:" or "agent:" and the account
	wallets map[string]*moves.Wallet        // by wallet number
}

func newEngines(st *store.Store) *engines {
	return &engines{st: st, running: map[string]interface{ Close() }{}, wallets: map[string]*moves.Wallet{}}
}

// start runs e as the one engine of account key, stopping an earlier one.
func (g *engines) start(key string, e interface{ Close() }) {
	if old := g.running[key]; old != nil {
		old.Close()
	}
	g.running[key] = e
}

// prepare is the dashboard's prepare step.
func (g *engines) prepare(ctx context.Context, profile string, c *common.Common) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	var notes []string
	if c.API != nil {
		w, err := moves.NewWallet(ctx, g.st, c.API, moves.WalletOptions{Profile: profile, Wallet: c.Wallet, Tr: c.Tr})
		if err != nil {
			return err
		}
		c.Moves = w
		g.start("wallet:"+c.Wallet, w)
		g.wallets[c.Wallet] = w
		rep, err := w.Resume(ctx)
		notes = append(notes, resumeNotice(c, false, rep, err))
	}
	if c.Agent != nil {
		t, err := moves.NewTopups(g.st, c.Agent, moves.TopupOptions{Profile: profile, Tr: c.Tr})
		if err != nil {
			return err
		}
		c.Topups = t
		g.start("agent:"+c.Agent.TerminalID(), t)
		rep, err := t.Resume(ctx)
		notes = append(notes, resumeNotice(c, true, rep, err))
	}
	c.Notice = strings.Join(slices.DeleteFunc(notes, func(s string) bool { return s == "" }), "; ")
	return nil // not fatal: open entries are tried again at the next start
}

// Close stops every engine, before the store closes: what is open stays
// journaled and is picked up at the next start.
func (g *engines) Close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for key, e := range g.running {
		e.Close()
		delete(g.running, key)
	}
	clear(g.wallets)
}

// NudgeWallet tells the engines that a verified notification reported txn
// txnID of wallet: the payment followed under that id reads its status now
// (store/ingest's OnWalletPayment).
func (g *engines) NudgeWallet(wallet string, txnID int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, w := range g.wallets {
		if w.Owns(wallet) {
			w.Nudge(txnID)
		}
	}
}

// resumeNotice tells the user, in words, what start-up did with the
// payments (or with topups, the top-ups) a previous run left unfinished.
func resumeNotice(c *common.Common, topups bool, rep moves.Report, err error) string {
	failed, finishing, wait, waitToo := "cli.resume.payments_failed", "cli.resume.payments_finishing", "cli.resume.payments_wait", "cli.resume.payments_wait_too"
	if topups {
		failed, finishing, wait, waitToo = "cli.resume.topups_failed", "cli.resume.topups_finishing", "cli.resume.topups_wait", "cli.resume.topups_wait_too"
	}
	switch {
	case err != nil:
		return c.Tr.T(failed, i18n.Args{"Why": c.Explain(err)})
	case rep.Held > 0 && rep.Followed > 0:
		return c.Tr.N(finishing, rep.Followed, nil) + "; " + c.Tr.N(waitToo, rep.Held, nil)
	case rep.Held > 0:
		return c.Tr.N(wait, rep.Held, nil)
	case rep.Followed > 0:
		return c.Tr.N(finishing, rep.Followed, nil)
	}
	return ""
}

// demoDeps keeps everything in memory.
func demoDeps() screenDeps {
	return screenDeps{
		agent:    agent.Deps{Samples: agent.NewMemorySamples(), Refresh: agent.DefaultRefresh},
		merchant: merchantview.Deps{Bills: bills.NewMemory()},
	}
}

// newCommon builds the clients the credentials allow and the shared UI state.
// The Wallet API client's history requests pass budgets' scheduler for the
// wallet (nil: a scheduler of the client's own).
func newCommon(f dashboardFlags, creds credentials, saveDir, agentURL, merchantURL string, budgets *budget.Registry) (*common.Common, error) {
	tr := f.tr
	if tr == nil {
		tr = i18n.New(i18n.Lang(f.lang))
	}
	c := &common.Common{
		Styles:   common.NewStyles(common.DefaultTheme()),
		Keys:     common.DefaultKeys(tr),
		Tr:       tr,
		Settings: &common.Settings{Privacy: f.privacy, ReadOnly: f.readOnly},
		Zone:     f.zone,
		SaveDir:  saveDir,
		IDs:      qiwiapi.NewIDGenerator(0, time.Now),
	}
	c.Now = func() time.Time { return time.Now().In(c.Loc()) } // the clock in the screens' one zone
	if creds.token != "" {
		opts := []qiwiapi.Option{qiwiapi.WithBaseURL(f.baseURL), qiwiapi.WithUserAgent("qiwidash/0.1")}
		if hc := httpClient(f.log, 30*time.Second); hc != nil {
			opts = append(opts, qiwiapi.WithHTTPClient(hc))
		}
		api, err := qiwiapi.NewClient(creds.token, opts...)
		if err != nil {
			return nil, err
		}
		c.API, c.Wallet = api, creds.wallet
		if c.Wallet == "" {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			p, _, err := api.Profile.Current(ctx, qiwiapi.ProfileOptions{SkipContractInfo: true, SkipUserInfo: true})
			if err != nil {
				return nil, i18n.Errorf("cli.wallet_number", i18n.Args{"Why": c.Explain(err)}, nil)
			}
			c.Wallet = p.Wallet()
		}
		if budgets != nil { // the wallet is known now: one scheduler per wallet for the process
			if c.API, err = qiwiapi.NewClient(creds.token, append(opts, qiwiapi.WithGate(budgets.For(c.Wallet)))...); err != nil {
				return nil, err
			}
		}
	}
	if creds.agentTerminal != "" {
		opts, err := creds.agentAuth.Options()
		if err != nil {
			return nil, err
		}
		opts = append(opts, topup.WithBaseURL(agentURL), topup.WithSandboxPolling(2*time.Second))
		if f.log != nil { // the request log wraps the login's transport: a client certificate stays
			base, err := creds.agentAuth.Transport()
			if err != nil {
				return nil, err
			}
			opts = append(opts, topup.WithHTTPClient(httpClientOver(base, f.log, 60*time.Second)))
		}
		ag, err := topup.NewClient(creds.agentTerminal, opts...)
		if err != nil {
			return nil, err
		}
		c.Agent = ag
	}
	if creds.apiID != "" {
		opts := []pull.Option{pull.WithBaseURL(merchantURL)}
		if hc := httpClient(f.log, 30*time.Second); hc != nil {
			opts = append(opts, pull.WithHTTPClient(hc))
		}
		m, err := pull.NewClient(pull.Credentials{APIID: creds.apiID, APIPassword: creds.apiPassword, ShopID: creds.shopID}, opts...)
		if err != nil {
			return nil, err
		}
		c.Merchant, c.MerchantShopID = m, creds.shopID
	}
	return c, nil
}

// runUI runs the program until the user quits or ctx ends (a signal):
// either way it returns, so the caller's deferred clean-up runs.
func runUI(ctx context.Context, c *common.Common, screens []ui.Screen, opts ui.Options) error {
	root := ui.New(c, screens, opts)
	popts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithReportFocus(), tea.WithContext(ctx), tea.WithFPS(ui.FPS)}
	if opts.Mouse {
		popts = append(popts, tea.WithMouseCellMotion())
	}
	_, err := tea.NewProgram(root, popts...).Run()
	if ctx.Err() != nil && errors.Is(err, tea.ErrProgramKilled) {
		return nil // ended by a signal: a normal end
	}
	return err
}
