package webhooks

import (
	"context"
	"strings"
	"testing"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/ui/uitest"
)

// driver runs the screen like the shell (uitest.Driver) with the typed model
// at hand.
type driver struct {
	*uitest.Driver
	m *Model
}

func newDriver(t *testing.T, env *uitest.Env) *driver {
	m := New(env.Common)
	m.SetSize(uitest.Width, uitest.Height-6)
	return &driver{Driver: uitest.NewDriver(t, m), m: m}
}

// yes answers the only confirmation asked, which must mention wantLine.
func (d *driver) yes(wantLine string) {
	d.T.Helper()
	if len(d.Confirms) != 1 {
		d.T.Fatalf("confirmations = %d, want 1", len(d.Confirms))
	}
	if all := strings.Join(d.Confirms[0].Lines, " "); !strings.Contains(all, wantLine) {
		d.T.Fatalf("confirmation %q lacks %q", all, wantLine)
	}
	d.Yes()
}

// secretsHidden fails if the hook id or key appears on screen.
func (d *driver) secretsHidden() {
	d.T.Helper()
	view := d.m.View()
	if d.m.hook != nil && strings.Contains(view, d.m.hook.HookID) {
		d.T.Fatal("the hook id is on screen unmasked")
	}
	if d.m.key != "" && strings.Contains(view, d.m.key) {
		d.T.Fatal("the key is on screen unmasked")
	}
}

const hookURL = "https://example.com/qiwi/hook"

func TestRegisterThenDelete(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env)
	if d.m.state != stateNone || !strings.Contains(d.m.View(), "No webhook registered") {
		t.Fatalf("state %v:\n%s", d.m.state, d.m.View())
	}
	if errs := d.ErrorToasts(); len(errs) != 0 {
		t.Fatalf("a missing webhook was reported as an error: %v", errs)
	}
	d.Press("n")
	if !d.m.InputFocused() {
		t.Fatal("the register prompt does not take the keys")
	}
	d.Type(hookURL)
	d.Press("tab", "left", "enter") // BOTH -> OUT, register
	if d.m.state != stateReady || d.m.hook == nil {
		t.Fatalf("no active hook after registering: state %v, toasts %v", d.m.state, d.Toasts)
	}
	view := d.m.View()
	for _, want := range []string{hookURL, "OUT — outgoing payments", "WEB", qiwiapi.MaskSecret(d.m.key)} {
		if !strings.Contains(view, want) {
			t.Errorf("screen lacks %q:\n%s", want, view)
		}
	}
	d.secretsHidden()
	d.Press("y")
	if len(d.Copies) != 1 || d.Copies[0].Text != d.m.key || d.m.key == "" {
		t.Fatalf("y copied %+v, want the full key", d.Copies)
	}
	d.Press("D")
	d.yes(hookURL)
	if d.m.state != stateNone || d.m.hook != nil || !strings.Contains(d.m.View(), "No webhook registered") {
		t.Fatalf("hook still shown after delete:\n%s", d.m.View())
	}
}

func TestURLOver100CharsRefusedAsYouType(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env)
	d.Press("n")
	long := "https://example.com/" + strings.Repeat("a", 81) // 101 characters
	d.Type(long[:100])
	if p := d.m.prompt.Get("url").Problem; p != "" || !strings.Contains(d.m.View(), "100/100") {
		t.Fatalf("100 characters refused: %q\n%s", p, d.m.View())
	}
	d.Type(long[100:])
	want := "At most 100 characters: 101 now, remove 1"
	if p := d.m.prompt.Get("url").Problem; p != want || !strings.Contains(d.m.View(), want) || !strings.Contains(d.m.View(), "101/100") {
		t.Fatalf("problem = %q:\n%s", p, d.m.View())
	}
	if d.m.prompt.Value("url") != long {
		t.Fatal("the URL was cut")
	}
	d.Press("enter", "enter")
	if d.m.prompt == nil || d.m.hook != nil {
		t.Fatal("a too long URL was sent")
	}
	d.Press("esc")
	if d.m.prompt != nil || d.m.InputFocused() {
		t.Fatal("esc did not close the prompt")
	}
}

func TestNewKeyAndTest(t *testing.T) {
	env := uitest.New(t)
	if _, _, err := env.Common.API.Webhooks.Register(context.Background(), hookURL, qiwiapi.HookBoth); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, env)
	old := d.m.key
	if old == "" {
		t.Fatal("the key was not read")
	}
	d.Press("K")
	d.yes("old key stops working")
	if d.m.key == "" || d.m.key == old {
		t.Fatal("the key did not change")
	}
	d.secretsHidden()
	d.Press("t")
	if last := d.LastToast(); last.Error || last.Text != "Test notification: Webhook sent" {
		t.Fatalf("toast = %+v", last)
	}
	d.Press("n")
	if d.m.prompt != nil || len(d.ErrorToasts()) != 1 {
		t.Fatal("a second webhook could be registered")
	}
}

func TestGoldenActive(t *testing.T) {
	env := uitest.New(t)
	if _, _, err := env.Common.API.Webhooks.Register(context.Background(), hookURL, qiwiapi.HookBoth); err != nil {
		t.Fatal(err)
	}
	uitest.Golden(t, New(env.Common), uitest.Step{WaitFor: "Signing key"})
}

func TestGoldenNone(t *testing.T) {
	env := uitest.New(t)
	uitest.Golden(t, New(env.Common), uitest.Step{WaitFor: "No webhook registered"})
}

// The register form on the kit: the URL counted against QIWI's 100.
func TestGoldenRegisterForm(t *testing.T) {
	uitest.GoldenSizes(t, func(t *testing.T) uitest.Sized { return New(uitest.New(t).Common) }, uitest.Step{WaitFor: "No webhook registered"},
		uitest.Step{Send: uitest.Press("n")}, uitest.Step{Send: uitest.Type("ftp://example.com/hook")}, uitest.Step{WaitFor: "Not a web address"})
}

func TestGoldenActive80x24(t *testing.T) {
	env := uitest.New(t)
	if _, _, err := env.Common.API.Webhooks.Register(context.Background(), hookURL, qiwiapi.HookBoth); err != nil {
		t.Fatal(err)
	}
	uitest.GoldenAt(t, 80, 24, New(env.Common), uitest.Step{WaitFor: "Signing key"})
}

// webhooksIn is the screen in lang, with a hook registered when active.
func webhooksIn(t *testing.T, lang i18n.Lang, active bool) uitest.Sized {
	env := uitest.New(t)
	env.Speak(lang)
	if active {
		if _, _, err := env.Common.API.Webhooks.Register(context.Background(), hookURL, qiwiapi.HookBoth); err != nil {
			t.Fatal(err)
		}
	}
	return New(env.Common)
}

func TestGoldenActiveLangs(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized { return webhooksIn(t, lang, true) },
		func(tr *i18n.Tr) []uitest.Step { return []uitest.Step{{WaitFor: tr.T("webhooks.signing_key", nil)}} })
}

func TestGoldenRegisterFormLangs(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized { return webhooksIn(t, lang, false) },
		func(tr *i18n.Tr) []uitest.Step {
			return []uitest.Step{{WaitFor: tr.T("webhooks.none", nil)},
				{Send: uitest.Press("n")}, {Send: uitest.Type("ftp://example.com/hook")}, {WaitFor: "ftp://example.com/hook"}}
		})
}
