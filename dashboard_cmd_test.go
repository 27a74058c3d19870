package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/pflag"
	"github.com/zalando/go-keyring"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sandbox/demo"
	merchantsb "qiwidash/qiwiapi/sandbox/merchant"
	"qiwidash/store"
	"qiwidash/store/bills"
	"qiwidash/store/moves"
	"qiwidash/ui"
	"qiwidash/ui/common"
	"qiwidash/views/settings"
)

// cleanEnv points every XDG directory at a temp dir and clears QIWI_*.
func cleanEnv(t *testing.T) (dataHome, configHome string) {
	t.Helper()
	dataHome, configHome = t.TempDir(), t.TempDir()
	t.Setenv("XDG_DATA_HOME", dataHome)
	t.Setenv("XDG_CONFIG_HOME", configHome)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	for _, k := range []string{store.EnvToken, store.EnvAgentID, store.EnvAgentPassword, store.EnvAPIID, store.EnvAPIPassword, store.EnvShopID, "LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(k, "") // the locale too: the tests read English whatever the machine's
	}
	return dataHome, configHome
}

// TestLanguageReachesTheScreens: the language settled from --lang, the
// config and the locale is the screens' (money, key help), and a wrong
// --lang is refused by every command.
func TestLanguageReachesTheScreens(t *testing.T) {
	cleanEnv(t)
	rub := qiwiapi.Amount{Minor: 11548604, Currency: qiwiapi.RUB}
	for lang, want := range map[string][2]string{
		"ru": {"115\u202f486,04 ₽", "выход"},
		"en": {"115 486.04 ₽", "quit"},
		"":   {"115 486.04 ₽", "quit"},
	} {
		cm, err := newCommon(dashboardFlags{lang: lang}, credentials{}, "", "", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := cm.Money(rub); got != want[0] {
			t.Errorf("%q: Money %q, want %q", lang, got, want[0])
		}
		if got := cm.Keys.Quit.Help().Desc; got != want[1] {
			t.Errorf("%q: quit is %q, want %q", lang, got, want[1])
		}
	}
	for _, args := range [][]string{{"--lang", "de"}, {"--lang", "de", "export", "--offline"}} {
		var out, errOut bytes.Buffer
		if err := run(args, &out, &errOut); err == nil || err.Error() != `--lang: unknown language "de": use ru or en` {
			t.Errorf("%v: %v", args, err)
		}
	}
}

func TestRunWithoutProfileSaysWhatToDo(t *testing.T) {
	cleanEnv(t)
	var out, errOut bytes.Buffer
	err := run([]string{"--profile", "x"}, &out, &errOut)
	if !errors.Is(err, errNoProfileYet) || err.Error() != "no profile yet: run 'qiwidash login' or 'qiwidash --demo'" {
		t.Fatalf("err = %v", err)
	}
	if err := run(nil, &out, &errOut); !errors.Is(err, errNoProfileYet) {
		t.Fatalf("without --profile: err = %v", err)
	}
}

func TestRunRefusesBadConfig(t *testing.T) {
	_, configHome := cleanEnv(t)
	dir := filepath.Join(configHome, "qiwidash")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "config.toml"), []byte("[keys]\nfly = [\"f\"]\n"), 0o600)
	var out, errOut bytes.Buffer
	err := run([]string{"--profile", "x"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), `unknown action "fly"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestPickProfile(t *testing.T) {
	cleanEnv(t)
	keyring.MockInit()
	env := map[string]string{}
	st, err := store.Open(filepath.Join(t.TempDir(), "q.db"), store.Options{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	cfg := store.DefaultConfig()
	ok := store.VerifierFunc(func(context.Context, store.Credentials) (store.Verified, error) {
		return store.Verified{Wallet: "79990000000"}, nil
	})
	login := func(name string) {
		t.Helper()
		if _, err := st.Login(ctx, name, store.Credentials{Token: "token-" + name + "-0123456789"}, ok); err != nil {
			t.Fatal(err)
		}
	}
	pick := func(flag string) (string, error) { return pickProfile(ctx, st, flag, cfg) }

	if _, err := pick(""); !errors.Is(err, errNoProfileYet) {
		t.Fatalf("empty store: %v", err)
	}
	env[store.EnvToken] = "env-token-0123456789"
	if got, err := pick(""); err != nil || got != "default" {
		t.Fatalf("env, no profile: %q %v", got, err)
	}
	delete(env, store.EnvToken)
	login("work")
	if got, err := pick(""); err != nil || got != "work" {
		t.Fatalf("the only profile: %q %v", got, err)
	}
	login("home")
	if _, err := pick(""); err == nil || !strings.Contains(err.Error(), "--profile") {
		t.Fatalf("two profiles, no default: %v", err)
	}
	cfg.DefaultProfile = "home"
	if got, err := pick(""); err != nil || got != "home" {
		t.Fatalf("config default: %q %v", got, err)
	}
	if got, err := pick("work"); err != nil || got != "work" {
		t.Fatalf("flag: %q %v", got, err)
	}
	if _, err := pick("nope"); err == nil || !strings.Contains(err.Error(), "saved: home, work") {
		t.Fatalf("unknown flag profile: %v", err)
	}
}

// TestOpenProfilesAndSwitch logs two profiles in against the demo sandbox
// (mock keyring, temp store), opens one the way the binary does and
// switches to the other through the shell.
func TestOpenProfilesAndSwitch(t *testing.T) {
	cleanEnv(t)
	keyring.MockInit()
	sb, err := demo.Start("127.0.0.1:0", demo.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	st, err := store.Open(filepath.Join(t.TempDir(), "q.db"), store.Options{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	urls := store.Settings{BaseURL: sb.URL, AgentURL: sb.URL, MerchantURL: sb.URL}
	cr := sb.Creds
	for name, c := range map[string]store.Credentials{
		"wallet": {Token: cr.WalletToken},
		"agent":  {AgentID: cr.AgentTerminal, AgentPassword: cr.AgentPassword},
	} {
		if _, err := st.Login(ctx, name, c, tuiVerifier(urls)); err != nil {
			t.Fatalf("login %s: %v", name, err)
		}
		if err := st.SaveSettings(ctx, name, urls); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Login(ctx, "bad", store.Credentials{AgentID: cr.AgentTerminal, AgentPassword: "wrong-password-1"}, tuiVerifier(urls)); err == nil {
		t.Fatal("a wrong agent password was accepted")
	}
	cfg := store.DefaultConfig()
	cfg.Keys = map[string][]string{"quit": {"Q"}}
	built := map[string]int{}
	newDeps := func(name string, c *common.Common, creds credentials) (screenDeps, error) {
		built[name]++
		deps := storeDeps(st, c, creds)
		deps.settings = settings.Deps{Accounts: st, Verifier: tuiVerifier(urls), Keyring: st.Vault().Probe}
		return deps, nil
	}
	// A payment journaled by a run that died before sending it: opening the
	// profile must finish it, with the same id, exactly once.
	seeded := qiwiapi.Payment{Provider: 99, ID: "1763600000123", Sum: qiwiapi.Amount{Minor: 12345, Currency: qiwiapi.RUB}, Fields: map[string]string{"account": "+79161112233"}}
	je, err := st.Journal().Begin(ctx, store.Intent{Kind: store.KindWalletPayment, ClientID: seeded.ID, Profile: "wallet", Account: cr.Wallet,
		Recipient: "+79161112233", Amount: seeded.Sum, ProviderID: seeded.Provider, Request: moves.EncodePayment(seeded)})
	if err != nil {
		t.Fatal(err)
	}
	eng := newEngines(st)
	d := &dashboard{f: dashboardFlags{baseURL: "http://unused.invalid", set: map[string]bool{}, tr: i18n.New(i18n.EN)}, cfg: cfg, accounts: st, newDeps: newDeps, prepare: eng.prepare, saveDir: t.TempDir()}
	c, screens, err := d.open("wallet")
	if err != nil {
		t.Fatal(err)
	}
	if c.Moves == nil || !strings.Contains(c.Notice, "Finishing 1 payment") {
		t.Fatalf("resume at open: engine %v, notice %q", c.Moves != nil, c.Notice)
	}
	actx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	got := *je
	for got.State == store.StatePending || got.State == store.StateSent {
		if got, err = c.Moves.Await(actx, got); err != nil {
			t.Fatal(err)
		}
	}
	if n := sb.Wallet.PaymentCount(cr.Wallet); n != 1 || got.State != store.StateAccepted {
		t.Fatalf("resume at open: %d payments, entry %s (%s)", n, got.State, got.LastError)
	}
	// A notification about it settles it (the ingest hook).
	sb.Wallet.SettleNow()
	eng.NudgeWallet("+"+cr.Wallet, got.TxnID())
	for got.State == store.StateAccepted {
		if got, err = c.Moves.Await(actx, got); err != nil {
			t.Fatal(err)
		}
	}
	if got.State != store.StateSucceeded {
		t.Fatalf("after the nudge: %s (%s)", got.State, got.LastError)
	}
	next, err := c.Moves.Pay(ctx, qiwiapi.Payment{Provider: 99, Sum: seeded.Sum, Fields: seeded.Fields}, "+79161112233")
	if err != nil || len(next.ClientID) < len(seeded.ID) || next.ClientID <= seeded.ID {
		t.Fatalf("ids do not continue after the journaled one: %q, %v", next.ClientID, err)
	}
	if c.API == nil || c.Agent != nil || c.Wallet != cr.Wallet || c.Keys.Quit.Keys()[0] != "Q" {
		t.Fatalf("common: api %v agent %v wallet %q quit %v", c.API != nil, c.Agent != nil, c.Wallet, c.Keys.Quit.Keys())
	}
	last := screens[len(screens)-1]
	if screens[0].Mode != "Wallet" || last.Mode != "Settings" || last.Title != "Accounts" {
		t.Fatalf("screens: first %s/%s, last %s/%s", screens[0].Mode, screens[0].Title, last.Mode, last.Title)
	}
	root := ui.New(c, screens, ui.Options{Profile: "wallet", Switch: d.open})
	root.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	_, cmd := root.Update(common.SwitchProfileMsg{Name: "agent"})
	root.Update(cmd())
	if root.ProfileName() != "agent" || root.ActiveTitle() != "Balance" {
		t.Fatalf("after switch: %s on %s", root.ProfileName(), root.ActiveTitle())
	}
	_, cmd = root.Update(common.SwitchProfileMsg{Name: "wallet"})
	root.Update(cmd())
	if root.ProfileName() != "wallet" || built["wallet"] != 1 || built["agent"] != 1 {
		t.Fatalf("switch back: %s, deps built %v (want once per profile)", root.ProfileName(), built)
	}
	_, cmd = root.Update(common.SwitchProfileMsg{Name: "nobody"})
	root.Update(cmd())
	if root.ProfileName() != "wallet" || !strings.Contains(root.View(), "Could not open profile nobody") {
		t.Fatalf("failed switch: %s\n%s", root.ProfileName(), root.View())
	}
	// Settings' language switch: the profile opens again in Russian (its
	// deps are not built again), the same screen in front, tabs and keys
	// Russian; a later profile switch is an ordinary one.
	root.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'2'}})
	front := root.ActiveTitle()
	_, cmd = root.Update(common.SetLanguageMsg{Lang: i18n.RU})
	root.Update(cmd())
	view := root.View()
	if root.ActiveTitle() != front || built["wallet"] != 1 || !strings.Contains(view, "Язык: русский") || !strings.Contains(view, "Балансы") || !strings.Contains(view, "обновить") {
		t.Fatalf("after the switch to Russian: %s (was %s), deps built %v\n%s", root.ActiveTitle(), front, built, view)
	}
	_, cmd = root.Update(common.SwitchProfileMsg{Name: "agent"})
	root.Update(cmd())
	if view := root.View(); root.ActiveTitle() != "Balance" || !strings.Contains(view, "Открыт профиль agent") || !strings.Contains(view, "Баланс") {
		t.Fatalf("a switch after the language switch: %s\n%s", root.ActiveTitle(), view)
	}
}

// TestHelpListsEveryFlag: --help and 'qiwidash help' print the same text
// on stdout, with one line for every dashboard flag, the commands and the
// environment the dashboard reads.
func TestHelpListsEveryFlag(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run([]string{"--demo", "--help"}, &out, &errOut); err != nil || errOut.Len() > 0 {
		t.Fatalf("--help: %v, stderr %q", err, errOut.String())
	}
	help := out.String()
	out.Reset()
	if err := run([]string{"help"}, &out, &errOut); err != nil || out.String() != help {
		t.Fatalf("'qiwidash help' differs from --help (%v):\n%s\n---\n%s", err, out.String(), help)
	}
	var names []string
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	dashboardFlagSet(fs, &dashboardFlags{})
	fs.VisitAll(func(fl *pflag.Flag) { names = append(names, fl.Name) })
	want := []string{"demo", "profile", "config", "readonly", "privacy", "refresh", "base-url", "listen"}
	if !slices.Equal(names, want) {
		t.Fatalf("flags %v, want %v", names, want)
	}
	for _, name := range append(want, "debug", "version", "help") {
		n := 0
		for _, line := range strings.Split(help, "\n") {
			if f := strings.Fields(line); len(f) > 0 && (f[0] == "--"+name || strings.HasSuffix(f[0], ",") && len(f) > 1 && f[1] == "--"+name) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("--%s is on %d lines of the help, want 1:\n%s", name, n, help)
		}
	}
	for _, want := range []string{"QIWI_NOTIFY_PASSWORD", "QIWI_TOKEN", "sandbox", "login", "logout", "export", "listen", "completion", "qiwidash --demo"} {
		if !strings.Contains(help, want) {
			t.Errorf("help does not mention %s", want)
		}
	}
}

// reserveAddr finds a free loopback port for a receiver that the sandbox
// must know (its callback URL) before the receiver starts.
func reserveAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// loginAll saves a profile with the demo's wallet and merchant credentials.
func loginAll(t *testing.T, st *store.Store, sb *demo.Running, name string) store.Settings {
	t.Helper()
	ctx := context.Background()
	urls := store.Settings{BaseURL: sb.URL, AgentURL: sb.URL, MerchantURL: sb.URL}
	cr := sb.Creds
	if _, err := st.Login(ctx, name, store.Credentials{Token: cr.WalletToken, APIID: cr.MerchantAPIID, APIPassword: cr.MerchantPassword, ShopID: cr.MerchantShopID}, tuiVerifier(urls)); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveSettings(ctx, name, urls); err != nil {
		t.Fatal(err)
	}
	return urls
}

// TestDashboardListen is --listen for a real profile: the Live screen is
// there with the receiver's URL and what it checks; the hook the user
// registered gives the key (none is registered from here); a wallet
// payment lands in the history cache and a bill callback in the bills.
// Another profile, and a run without --listen, say why nothing arrives.
func TestDashboardListen(t *testing.T) {
	cleanEnv(t)
	keyring.MockInit()
	t.Setenv("QIWI_NOTIFY_PASSWORD", merchantsb.DemoNotifyPassword())
	ctx := context.Background()
	addr := reserveAddr(t)
	sb, err := demo.Start("", demo.Options{Seed: 1, SettleDelay: time.Millisecond, HistoryPerMinute: -1, CallbackURL: "http://" + addr + notify.DefaultBillPath})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	st, err := store.Open(filepath.Join(t.TempDir(), "q.db"), store.Options{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	urls := loginAll(t, st, sb, "shop")
	loginAll(t, st, sb, "other")
	cr := sb.Creds
	api, _ := qiwiapi.NewClient(cr.WalletToken, qiwiapi.WithBaseURL(sb.URL))
	if _, _, err := api.Webhooks.Register(ctx, "http://"+addr+notify.DefaultWebhookPath, qiwiapi.HookBoth); err != nil {
		t.Fatal(err)
	}
	cfg := store.DefaultConfig()
	rx := &profileListener{addr: addr, profile: "shop"}
	defer rx.close()
	d := &dashboard{f: dashboardFlags{baseURL: "http://unused.invalid", set: map[string]bool{}, tr: i18n.New(i18n.EN)}, cfg: cfg, accounts: st,
		newDeps: profileDeps(st, cfg, urls, rx), prepare: newEngines(st).prepare, saveDir: t.TempDir()}
	liveView := func(name string) string {
		t.Helper()
		c, screens, err := d.open(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range screens {
			if s.Mode == "Live" {
				s.View.(interface{ SetSize(int, int) }).SetSize(120, 30)
				return s.View.View()
			}
		}
		t.Fatalf("%s: no Live screen (wallet %v)", name, c.API != nil)
		return ""
	}
	v := liveView("shop")
	for _, want := range []string{"listening on http://" + addr, "checked with the key of the active webhook → http://" + addr, "Bill callbacks checked"} {
		if !strings.Contains(v, want) {
			t.Errorf("Live screen lacks %q:\n%s", want, v)
		}
	}
	if v := liveView("other"); !strings.Contains(v, `serves profile "shop"`) {
		t.Errorf("another profile's Live screen:\n%s", v)
	}

	sb.Wallet.ResetRequests()
	id, _ := strconv.ParseInt(sb.Wallet.AddIncoming(cr.Wallet, 77700, 643, sb.Wallet.OtherWallets()[0]), 10, 64)
	eventually(t, "the incoming transfer in the cache", func() bool {
		got, err := st.Cached(ctx, cr.Wallet, id, qiwiapi.TypeIn)
		return err == nil && got.Sum.Minor == 77700
	})
	for _, r := range sb.Wallet.Requests() {
		if r.Method == "PUT" || r.Method == "DELETE" {
			t.Errorf("the receiver changed the webhook: %s %s", r.Method, r.Path)
		}
	}
	mapi, _ := pull.NewClient(pull.Credentials{APIID: cr.MerchantAPIID, APIPassword: cr.MerchantPassword, ShopID: cr.MerchantShopID}, pull.WithBaseURL(sb.URL))
	if _, _, err := mapi.Bills.Create(ctx, "listen-1", &pull.CreateBill{User: "+79161234567", Amount: qiwiapi.Amount{Minor: 100, Currency: qiwiapi.RUB}}); err != nil {
		t.Fatal(err)
	}
	if err := sb.Merchant.PayBill(cr.MerchantShopID, "listen-1"); err != nil {
		t.Fatal(err)
	}
	bills := bills.NewStoreFor(st, cr.MerchantShopID)
	eventually(t, "the bill's callback in the store", func() bool {
		all, _ := bills.Bills(ctx)
		for _, b := range all {
			if b.ID == "listen-1" {
				return b.Status == pull.BillPaid && b.ViaCallback
			}
		}
		return false
	})

	// Without --listen: a Live screen that says how to start one.
	d2 := &dashboard{f: d.f, cfg: cfg, accounts: st, newDeps: profileDeps(st, cfg, urls, nil), saveDir: t.TempDir()}
	_, screens, err := d2.open("other")
	if err != nil {
		t.Fatal(err)
	}
	last := screens[len(screens)-2]
	last.View.(interface{ SetSize(int, int) }).SetSize(120, 30)
	if last.Mode != "Live" || !strings.Contains(last.View.View(), "Not listening: start with --listen 127.0.0.1:8090") {
		t.Errorf("without --listen: %s/%s\n%s", last.Mode, last.Title, last.View.View())
	}
}

// syncBuffer is a bytes.Buffer safe for the receiver's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestListenProfileWritesStore is 'qiwidash listen --profile NAME': the
// profile is unlocked from the keyring, the key read from its active hook,
// and what is accepted is printed and written into the store.
func TestListenProfileWritesStore(t *testing.T) {
	cleanEnv(t)
	keyring.MockInit()
	ctx := context.Background()
	addr := reserveAddr(t)
	sb, err := demo.Start("", demo.Options{Seed: 1, SettleDelay: time.Millisecond, HistoryPerMinute: -1, CallbackURL: "http://" + addr + notify.DefaultBillPath})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	path, err := store.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(path, store.Options{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	loginAll(t, st, sb, "shop")
	st.Close()
	cr := sb.Creds
	api, _ := qiwiapi.NewClient(cr.WalletToken, qiwiapi.WithBaseURL(sb.URL))
	if _, _, err := api.Webhooks.Register(ctx, "http://"+addr+notify.DefaultWebhookPath, qiwiapi.HookBoth); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"QIWI_NOTIFY_PASSWORD": merchantsb.DemoNotifyPassword()}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- listen(lctx, listenOptions{addr: addr, profile: "shop"}, func(k string) string { return env[k] }, &out)
	}()
	eventually(t, "listening", func() bool { return strings.Contains(out.String(), "listening on") })
	if s := out.String(); !strings.Contains(s, "profile shop: saving") || !strings.Contains(s, "checked with the key of the active webhook") ||
		strings.Contains(s, merchantsb.DemoNotifyPassword()) {
		t.Fatalf("start-up lines:\n%s", s)
	}
	id, _ := strconv.ParseInt(sb.Wallet.AddIncoming(cr.Wallet, 4200, 643, sb.Wallet.OtherWallets()[0]), 10, 64)
	eventually(t, "a history sync", func() bool { return strings.Contains(out.String(), "history synced:") })
	mapi, _ := pull.NewClient(pull.Credentials{APIID: cr.MerchantAPIID, APIPassword: cr.MerchantPassword, ShopID: cr.MerchantShopID}, pull.WithBaseURL(sb.URL))
	if _, _, err := mapi.Bills.Create(ctx, "cli-1", &pull.CreateBill{User: "+79161234567", Amount: qiwiapi.Amount{Minor: 100, Currency: qiwiapi.RUB}}); err != nil {
		t.Fatal(err)
	}
	if err := sb.Merchant.PayBill(cr.MerchantShopID, "cli-1"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the bill callback", func() bool { return strings.Contains(out.String(), "id=cli-1") })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("listen: %v\n%s", err, errOut.String())
	}
	if s := out.String(); strings.Contains(s, "rejected") {
		t.Errorf("something was rejected:\n%s", s)
	}

	st, err = store.Open(path, store.Options{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got, err := st.Cached(ctx, cr.Wallet, id, qiwiapi.TypeIn); err != nil || got.Sum.Minor != 4200 {
		t.Errorf("the transfer is not cached: %+v %v", got, err)
	}
	var b bills.Bill
	all, _ := bills.NewStoreFor(st, cr.MerchantShopID).Bills(ctx)
	for _, x := range all {
		if x.ID == "cli-1" {
			b = x
		}
	}
	if b.Status != pull.BillPaid || !b.ViaCallback {
		t.Errorf("bill record %+v", b)
	}
}

// TestDemoStoreNeverTouchesTheOSKeyring: the demo's store keeps secrets in
// the process (the OS keyring is made to fail here), and receipts go to a
// folder whose name says it is temporary.
func TestDemoStoreNeverTouchesTheOSKeyring(t *testing.T) {
	cleanEnv(t)
	keyring.MockInitWithError(errors.New("the demo touched the OS keyring"))
	t.Cleanup(keyring.MockInit)
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "qiwidash.db"), store.Options{Keyring: newMemoryKeyring(), Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	ok := store.VerifierFunc(func(context.Context, store.Credentials) (store.Verified, error) {
		return store.Verified{Wallet: "79990000000"}, nil
	})
	if _, err := st.Login(ctx, "demo", store.Credentials{Token: "token-demo-0123456789"}, ok); err != nil {
		t.Fatal(err)
	}
	sess, err := st.Unlock(ctx, "demo")
	if err != nil || sess.Credentials.Token != "token-demo-0123456789" {
		t.Fatalf("unlock: %+v %v", sess, err)
	}
	if got := demoSaveDir(dir); !strings.HasPrefix(got, dir) || !strings.Contains(filepath.Base(got), "deleted-when-the-demo-quits") {
		t.Errorf("receipts folder %q", got)
	}
}

// Two profiles on one wallet share one money-move engine: opening the
// second stops the first, so no journal entry is followed (or an invoice
// re-paid) by two sagas at once.
func TestOneEnginePerWallet(t *testing.T) {
	sb, err := demo.Start("127.0.0.1:0", demo.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	st, err := store.Open(filepath.Join(t.TempDir(), "q.db"), store.Options{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g := newEngines(st)
	defer g.Close()
	var opened []*common.Common
	for _, profile := range []string{"family", "family-readonly"} {
		api, err := qiwiapi.NewClient(sb.Creds.WalletToken, qiwiapi.WithBaseURL(sb.URL))
		if err != nil {
			t.Fatal(err)
		}
		c := &common.Common{API: api, Wallet: sb.Creds.Wallet}
		if err := g.prepare(context.Background(), profile, c); err != nil {
			t.Fatal(err)
		}
		opened = append(opened, c)
	}
	if len(g.running) != 1 || len(g.wallets) != 1 || g.wallets[sb.Creds.Wallet] != opened[1].Moves {
		t.Fatalf("%d engines running for one wallet (%d followed), want the last profile's only", len(g.running), len(g.wallets))
	}
}

// TestOneTimeZone: the config's time_zone reaches every screen through
// Common (Loc, the clock, the header's name); without it, Moscow time.
func TestOneTimeZone(t *testing.T) {
	_, configHome := cleanEnv(t)
	dir := filepath.Join(configHome, "qiwidash")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "config.toml"), []byte("time_zone = \"Asia/Almaty\"\n"), 0o600)
	cfg, err := store.LoadConfig("", common.DefaultKeys(nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		zone *time.Location
		want string
	}{{cfg.TimeZone, "Asia/Almaty"}, {nil, "MSK"}} {
		cm, err := newCommon(dashboardFlags{zone: c.zone}, credentials{}, "", "", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if cm.Loc().String() != c.want || cm.Now().Location() != cm.Loc() {
			t.Errorf("zone %v: Loc %v, clock in %v", c.zone, cm.Loc(), cm.Now().Location())
		}
		at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		want := at.In(cm.Loc()).Format("2006-01-02 15:04")
		if got := cm.Date(at); got != want || cm.ZoneName() == "" {
			t.Errorf("zone %v: Date %q, want %q; name %q", c.zone, got, want, cm.ZoneName())
		}
	}
}
