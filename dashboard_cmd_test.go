package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"qiwidash/qiwiapi"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi/sandbox/demo"
	"qiwidash/store"
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
	for _, k := range []string{store.EnvToken, store.EnvAgentID, store.EnvAgentPassword, store.EnvAPIID, store.EnvAPIPassword, store.EnvShopID} {
		t.Setenv(k, "")
	}
	return dataHome, configHome
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
	newDeps := func(name string, c *common.Common, creds credentials) screenDeps {
		built[name]++
		deps := storeDeps(st, c, creds)
		deps.settings = settings.Deps{Accounts: st, Verifier: tuiVerifier(urls), Keyring: st.Vault().Probe}
		return deps
	}
	// A payment journaled by a run that died before sending it: opening the
	// profile must finish it, with the same id, exactly once.
	if err := st.UIJournal("wallet", cr.Wallet).Begin("payment", "+79161112233", qiwiapi.Amount{Minor: 12345, Currency: qiwiapi.RUB}, "1763600000123",
		qiwiapi.Payment{Provider: 99, ID: "1763600000123", Sum: qiwiapi.Amount{Minor: 12345, Currency: qiwiapi.RUB}, Fields: map[string]string{"account": "+79161112233"}}); err != nil {
		t.Fatal(err)
	}
	d := &dashboard{f: dashboardFlags{baseURL: "http://unused.invalid", set: map[string]bool{}}, cfg: cfg, accounts: st, newDeps: newDeps, prepare: resumeFrom(st), saveDir: t.TempDir()}
	c, screens, err := d.open("wallet")
	if err != nil {
		t.Fatal(err)
	}
	if n := sb.Wallet.PaymentCount(cr.Wallet); n != 1 || !strings.Contains(c.Notice, "Finished 1 payment") {
		t.Fatalf("resume at open: %d payments, notice %q", n, c.Notice)
	}
	if c.Journal == nil || c.IDs.Next() <= "1763600000123" {
		t.Fatal("the journal is not wired or ids do not continue after the journaled one")
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
}
