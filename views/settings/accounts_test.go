package settings

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

const badToken = "0123456789abcdef0123456789abcdef"

// fixture is a real store on a temp dir with the mock keyring, and the demo
// sandbox as what logins are checked against.
type fixture struct {
	env   *uitest.Env
	st    *store.Store
	v     store.Verifier
	token string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := uitest.New(t)
	keyring.MockInit()
	st, err := store.Open(filepath.Join(t.TempDir(), "qiwidash.db"), store.Options{
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return uitest.Now },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	v := store.APIVerifier{
		BaseURL:  env.Sandbox.URL,
		Agent:    func(context.Context, store.Credentials) error { return nil },
		Merchant: func(context.Context, string, string, string) error { return nil },
	}
	return &fixture{env: env, st: st, v: v, token: env.Demo.Creds.WalletToken}
}

func (f *fixture) deps(active string) Deps {
	return Deps{
		Accounts: f.st,
		Verifier: f.v,
		Active:   active,
		Keyring:  f.st.Vault().Probe,
		Config: Info{
			ConfigPath: "/home/user/.config/qiwidash/config.toml", DefaultProfile: "default",
			Theme: "auto", RefreshInterval: time.Minute,
		},
	}
}

func (f *fixture) login(t *testing.T, name string, c store.Credentials) {
	t.Helper()
	if _, err := f.st.Login(context.Background(), name, c, f.v); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) screen(t *testing.T, active string) *Model {
	t.Helper()
	m := New(f.env.Common, f.deps(active))
	m.SetSize(uitest.Width, uitest.Height)
	uitest.Run(m, m.Init(), 20)
	return m
}

// fill opens the form and types the name and the token.
func fill(m *Model, name, token string) {
	m.Update(uitest.Key("n"))
	m.Update(uitest.Key(name))
	m.Update(uitest.Key("tab"))
	m.Update(uitest.Key(token))
}

func noSecret(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Fatalf("%s shows a secret in clear", what)
		}
	}
}

func TestLoginBadTokenShowsReasonSavesNothing(t *testing.T) {
	f := newFixture(t)
	m := f.screen(t, "")
	fill(m, "work", badToken)
	if !m.InputFocused() {
		t.Fatal("the form does not hold the keys")
	}
	noSecret(t, "the form", m.View(), badToken)
	_, cmd := m.Update(uitest.Key("enter"))
	uitest.Run(m, cmd, 20)
	p := m.FormProblem()
	if !strings.Contains(p, "refused the wallet credentials") || !strings.Contains(p, "401") || !strings.Contains(p, "Nothing was saved") {
		t.Fatalf("problem = %q, want the refusal with its reason", p)
	}
	noSecret(t, "the refusal", p+m.View(), badToken)
	if !strings.Contains(m.View(), "QIWI refused") {
		t.Fatal("the refusal is not on screen")
	}
	if ps, _ := f.st.Profiles(context.Background()); len(ps) != 0 {
		t.Fatalf("a refused login saved %v", ps)
	}
	if _, err := keyring.Get(store.KeyringService, "work/token"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("a refused login wrote the keyring: %v", err)
	}
	// esc closes the form and forgets what was typed.
	m.Update(uitest.Key("esc"))
	if m.InputFocused() || strings.Contains(m.View(), "Log in a profile") {
		t.Fatal("esc did not close the form")
	}
}

func TestLoginGoodTokenSavedAndListedMasked(t *testing.T) {
	f := newFixture(t)
	m := f.screen(t, "")
	if !strings.Contains(m.View(), "No saved profile") {
		t.Fatalf("empty list:\n%s", m.View())
	}
	fill(m, "work", f.token)
	_, cmd := m.Update(uitest.Key("enter"))
	if !m.Busy() {
		t.Fatal("not busy while checking")
	}
	var toasts []string
	for _, msg := range drain(m, cmd) {
		if t, ok := msg.(common.ToastMsg); ok {
			toasts = append(toasts, t.Text)
		}
	}
	if m.InputFocused() || m.FormProblem() != "" {
		t.Fatalf("form still open: %q", m.FormProblem())
	}
	if got := m.Profiles(); len(got) != 1 || got[0] != "work" {
		t.Fatalf("profiles = %v", got)
	}
	view := m.View()
	noSecret(t, "the list", view+strings.Join(toasts, "\n"), f.token)
	if !strings.Contains(view, "token "+qiwiapi.MaskSecret(f.token)) || !strings.Contains(view, "+"+f.env.Common.Wallet) {
		t.Fatalf("masked token or wallet missing:\n%s", view)
	}
	if len(toasts) != 1 || !strings.Contains(toasts[0], "Profile work saved (modes: wallet") {
		t.Fatalf("toasts = %q", toasts)
	}
	sess, err := f.st.Unlock(context.Background(), "work")
	if err != nil || sess.Credentials.Token != f.token || sess.Source != store.FromKeyring {
		t.Fatalf("the keyring does not hold the token: %v", err)
	}
}

// drain runs cmd like uitest.Run and returns every message it produced.
func drain(m tea.Model, cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			out = append(out, msg)
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
	return out
}

func TestFormRefusesHalfGroupsLocally(t *testing.T) {
	f := newFixture(t)
	m := f.screen(t, "")
	m.Update(uitest.Key("n"))
	m.Update(uitest.Key("work"))
	for range 2 { // name, token, then the agent terminal id
		m.Update(uitest.Key("tab"))
	}
	m.Update(uitest.Key("12345"))
	if _, cmd := m.Update(uitest.Key("enter")); cmd != nil {
		t.Fatal("a half-filled agent group was sent")
	}
	if p := m.FormProblem(); p != "The agent terminal id needs its password" {
		t.Fatalf("problem = %q", p)
	}
	m.Update(uitest.Key("esc"))
	m.Update(uitest.Key("n"))
	m.Update(uitest.Key("bad name"))
	m.Update(uitest.Key("enter"))
	if p := m.FormProblem(); !strings.Contains(p, "Profile name") {
		t.Fatalf("problem = %q", p)
	}
}

func TestLogoutRemovesSecrets(t *testing.T) {
	f := newFixture(t)
	f.login(t, "work", store.Credentials{Token: f.token})
	m := f.screen(t, "work")
	_, cmd := m.Update(uitest.Key("x"))
	confirm, ok := cmd().(common.ConfirmMsg)
	if !ok || confirm.Title != "Log out of profile work?" {
		t.Fatalf("x gave %#v, want a confirmation", confirm)
	}
	if !strings.Contains(strings.Join(confirm.Lines, " "), "removed from the OS keyring") {
		t.Fatalf("confirmation lines = %q", confirm.Lines)
	}
	uitest.Run(m, confirm.Yes, 20)
	if _, err := keyring.Get(store.KeyringService, "work/token"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("token still in the keyring: %v", err)
	}
	view := m.View()
	if !strings.Contains(view, "logged out") || strings.Contains(view, "token ") {
		t.Fatalf("after logout:\n%s", view)
	}
	// enter on a logged-out profile opens the form for it.
	m.Update(uitest.Key("enter"))
	if !m.InputFocused() || !strings.Contains(m.View(), "> work") {
		t.Fatalf("enter on a logged-out profile:\n%s", m.View())
	}
}

func TestDeleteForgetsProfile(t *testing.T) {
	f := newFixture(t)
	f.login(t, "a", store.Credentials{Token: f.token})
	f.login(t, "b", store.Credentials{Token: f.token})
	m := f.screen(t, "a")
	m.Update(uitest.Key("j"))
	_, cmd := m.Update(uitest.Key("D"))
	confirm, ok := cmd().(common.ConfirmMsg)
	if !ok || confirm.Title != "Delete profile b?" {
		t.Fatalf("D gave %#v", confirm)
	}
	uitest.Run(m, confirm.Yes, 20)
	if got := m.Profiles(); len(got) != 1 || got[0] != "a" {
		t.Fatalf("profiles = %v", got)
	}
	if _, err := f.st.Profile(context.Background(), "b"); !errors.Is(err, store.ErrNoProfile) {
		t.Fatalf("b still saved: %v", err)
	}
}

func TestEnterSwitchesProfile(t *testing.T) {
	f := newFixture(t)
	f.login(t, "a", store.Credentials{Token: f.token})
	f.login(t, "b", store.Credentials{AgentID: "12345", AgentPassword: "agent-pass-1"})
	m := f.screen(t, "a")
	// A password shows no character at all (issue 10: "sand…pass").
	if !strings.Contains(m.View(), "agent 12345 / "+store.PasswordMask+"\n") {
		t.Fatalf("agent secrets not masked:\n%s", m.View())
	}
	noSecret(t, "the list", m.View(), "agent-pass-1", f.token)
	m.Update(uitest.Key("down"))
	_, cmd := m.Update(uitest.Key("enter"))
	if cmd == nil {
		t.Fatal("enter did nothing")
	}
	if got := cmd(); got != (common.SwitchProfileMsg{Name: "b"}) {
		t.Fatalf("enter gave %#v", got)
	}
}

func TestNoKeyringSaysHow(t *testing.T) {
	f := newFixture(t)
	deps := f.deps("")
	deps.Keyring = func() error { return &store.KeyringError{Op: "read", Err: errors.New("no secret service")} }
	m := New(f.env.Common, deps)
	uitest.Run(m, m.Init(), 10)
	view := m.View()
	if !strings.Contains(view, "No OS keyring") || !strings.Contains(view, "gnome-keyring") || !strings.Contains(view, "QIWI_TOKEN") {
		t.Fatalf("no keyring help:\n%s", view)
	}
}

func TestMemoryAccountsForDemo(t *testing.T) {
	f := newFixture(t)
	acc := NewMemoryAccounts()
	acc.Add(store.Profile{Name: "demo", Wallet: f.env.Common.Wallet}, store.Credentials{Token: f.token})
	m := New(f.env.Common, Deps{Accounts: acc, Verifier: f.v, Active: "demo", InMemory: true})
	uitest.Run(m, m.Init(), 10)
	view := m.View()
	if !strings.Contains(view, "* demo") || !strings.Contains(view, "memory") || !strings.Contains(view, "nothing is written") {
		t.Fatalf("demo list:\n%s", view)
	}
	fill(m, "second", badToken)
	_, cmd := m.Update(uitest.Key("enter"))
	uitest.Run(m, cmd, 10)
	if !strings.Contains(m.FormProblem(), "refused") {
		t.Fatalf("problem = %q", m.FormProblem())
	}
	if ps, _ := acc.Profiles(context.Background()); len(ps) != 1 {
		t.Fatalf("a refused demo login was kept: %v", ps)
	}
}

func TestGoldenAccounts(t *testing.T) {
	f := newFixture(t)
	f.login(t, "main", store.Credentials{Token: f.token})
	f.login(t, "shop", store.Credentials{APIID: "merchant-api-id-1", APIPassword: "merchant-password-1", ShopID: "123456"})
	f.login(t, "old", store.Credentials{AgentID: "777", AgentPassword: "agent-pass-2"})
	if err := f.st.Logout(context.Background(), "old"); err != nil {
		t.Fatal(err)
	}
	final := uitest.Golden(t, New(f.env.Common, f.deps("main")), uitest.Step{WaitFor: "the profile on screen"})
	noSecret(t, "the golden screen", final.View(), f.token, "merchant-password-1", "merchant-api-id-1", "agent-pass-2")
}

// Enter on the profile already on screen does not reopen it (that would
// rebuild every screen and lose their state): it only says so. Once it was
// logged in again here, enter reopens it with the new credentials.
func TestEnterOnOpenProfileOnlySaysSo(t *testing.T) {
	f := newFixture(t)
	f.login(t, "a", store.Credentials{Token: f.token})
	f.login(t, "b", store.Credentials{AgentID: "12345", AgentPassword: "agent-pass-1"})
	m := New(f.env.Common, f.deps("a"))
	m.SetSize(uitest.Width, uitest.Height)
	uitest.Run(m, m.Init(), 20)
	if got := m.Profiles(); len(got) != 2 || got[0] != "a" || m.cursor != 0 {
		t.Fatalf("profiles %v, cursor %d", got, m.cursor)
	}
	var switches []common.SwitchProfileMsg
	var toasts []common.ToastMsg
	enter := func() {
		_, cmd := m.Update(uitest.Key("enter"))
		if cmd == nil {
			t.Fatal("enter did nothing at all")
		}
		switch msg := cmd().(type) {
		case common.SwitchProfileMsg:
			switches = append(switches, msg)
		case common.ToastMsg:
			toasts = append(toasts, msg)
		default:
			t.Fatalf("enter gave %#v", msg)
		}
	}
	enter()
	if len(switches) != 0 {
		t.Fatalf("enter on the open profile asked to reopen it: %v", switches)
	}
	if len(toasts) != 1 || toasts[0].Error || toasts[0].Text != "Profile a is already open" {
		t.Fatalf("toasts = %+v", toasts)
	}
	for _, b := range m.ShortHelp() {
		if b.Help().Desc == "open profile" && b.Enabled() {
			t.Fatal("help offers to open the profile that is open")
		}
	}
	// Another profile still opens.
	m.Update(uitest.Key("down"))
	enter()
	if len(switches) != 1 || switches[0].Name != "b" {
		t.Fatalf("switches = %v", switches)
	}
	// Logged in again here: enter reopens it with the new credentials.
	fill(m, "a", f.token)
	_, cmd := m.Update(uitest.Key("enter"))
	uitest.Run(m, cmd, 20)
	if m.InputFocused() {
		t.Fatalf("the login failed: %q", m.FormProblem())
	}
	if r, _ := m.selected(); r.name != "a" {
		t.Fatalf("cursor on %q after the login, want a", r.name)
	}
	enter()
	if len(switches) != 2 || switches[1].Name != "a" {
		t.Fatalf("after logging in again: switches = %v", switches)
	}
}

// The login form on the kit: secrets typed without echo, the groups as
// headings, the local refusal under the fields, at 80x24 and 120x40.
func TestGoldenLoginForm(t *testing.T) {
	uitest.GoldenSizes(t, func(t *testing.T) uitest.Sized {
		f := newFixture(t)
		f.login(t, "main", store.Credentials{Token: f.token})
		return New(f.env.Common, f.deps("main"))
	}, uitest.Step{WaitFor: "the profile on screen"},
		uitest.Step{Send: uitest.Press("n")}, uitest.Step{Send: uitest.Type("work")},
		uitest.Step{Send: uitest.Press("tab")}, uitest.Step{Send: uitest.Type("secret-token-typed")},
		uitest.Step{Send: uitest.Press("tab")}, uitest.Step{Send: uitest.Type("12345")},
		uitest.Step{Send: uitest.Press("enter"), WaitFor: "needs its password"})
}

// Issue 11 item 10: the form takes a signature login (terminal id and a
// key file, no password; the passphrase typed hidden) and saves it.
func TestFormSignatureLogin(t *testing.T) {
	f := newFixture(t)
	var got store.Credentials
	v := f.v.(store.APIVerifier)
	v.Agent = func(_ context.Context, c store.Credentials) error { got = c; return nil }
	f.v = v
	m := f.screen(t, "")
	m.Update(uitest.Key("n"))
	m.Update(uitest.Key("signed"))
	for range 2 { // name, token
		m.Update(uitest.Key("tab"))
	}
	m.Update(uitest.Key("770001"))
	for range 2 { // password
		m.Update(uitest.Key("tab"))
	}
	m.Update(uitest.Key("/keys/private.key"))
	for range 2 { // certificate
		m.Update(uitest.Key("tab"))
	}
	m.Update(uitest.Key("open sesame"))
	noSecret(t, "the form", m.View(), "open sesame")
	_, cmd := m.Update(uitest.Key("enter"))
	uitest.Run(m, cmd, 20)
	if p := m.FormProblem(); p != "" {
		t.Fatalf("problem %q", p)
	}
	if got.AgentID != "770001" || got.AgentKeyFile != "/keys/private.key" || got.AgentPassphrase != "open sesame" || got.AgentPassword != "" {
		t.Fatalf("verified %+v", got)
	}
	sess, err := f.st.Unlock(context.Background(), "signed")
	if err != nil || sess.Credentials.AgentKeyFile != "/keys/private.key" || !sess.Profile.Has.Agent {
		t.Fatalf("saved %+v %v", sess, err)
	}
}

func TestGoldenAccounts80x24(t *testing.T) {
	f := newFixture(t)
	f.login(t, "main", store.Credentials{Token: f.token})
	f.login(t, "shop", store.Credentials{APIID: "merchant-api-id-1", APIPassword: "merchant-password-1", ShopID: "123456"})
	final := uitest.GoldenAt(t, 80, 24, New(f.env.Common, f.deps("main")), uitest.Step{WaitFor: "the profile on screen"})
	noSecret(t, "the golden screen", final.View(), f.token, "merchant-password-1", "merchant-api-id-1")
}
