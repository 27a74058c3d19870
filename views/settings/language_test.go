package settings

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/store"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

// L asks the shell for the other language; the help names the key.
func TestLanguageKeySwitches(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct{ speak, want i18n.Lang }{{i18n.EN, i18n.RU}, {i18n.RU, i18n.EN}} {
		f.env.Speak(c.speak)
		m := f.screen(t, "main")
		_, cmd := m.Update(uitest.Key("L"))
		if cmd == nil {
			t.Fatalf("%s: L did nothing", c.speak)
		}
		if msg, ok := cmd().(common.SetLanguageMsg); !ok || msg.Lang != c.want {
			t.Fatalf("%s: L gave %#v, want SetLanguageMsg{%s}", c.speak, msg, c.want)
		}
		found := false
		for _, b := range m.ShortHelp() {
			found = found || b.Help().Key == "L" && b.Enabled()
		}
		if !found {
			t.Fatalf("%s: the help does not offer L", c.speak)
		}
	}
}

// The language row says where the language came from, and that a switch
// made here is for this run.
func TestLanguageRowSaysWhere(t *testing.T) {
	f := newFixture(t)
	f.env.Speak(i18n.RU)
	for _, c := range []struct {
		start i18n.Lang
		from  i18n.Source
		id    string
	}{
		{i18n.RU, i18n.SourceConfig, "settings.language_from_config"},
		{i18n.RU, i18n.SourceLocale, "settings.language_from_locale"},
		{i18n.RU, i18n.SourceFlag, "settings.language_from_flag"},
		{i18n.RU, "", "settings.language_default"},
		{i18n.EN, i18n.SourceFlag, "settings.language_switched"},
	} {
		deps := f.deps("main")
		deps.Config.Language, deps.Config.LanguageFrom = c.start, c.from
		m := New(f.env.Common, deps)
		want := f.env.Common.Tr.T(c.id, i18n.Args{"Lang": "Русский"})
		if got := m.languageWords(); got != want {
			t.Errorf("started in %s from %q: %q, want %q", c.start, c.from, got, want)
		}
	}
}

// accountsIn is the Accounts screen with three profiles, in lang, started
// in that language from the config file.
func accountsIn(t *testing.T, lang i18n.Lang, logins ...string) uitest.Sized {
	f := newFixture(t)
	f.env.Speak(lang)
	f.login(t, "main", store.Credentials{Token: f.token})
	for _, name := range logins {
		switch name {
		case "shop":
			f.login(t, "shop", store.Credentials{APIID: "merchant-api-id-1", APIPassword: "merchant-password-1", ShopID: "123456"})
		case "old":
			f.login(t, "old", store.Credentials{AgentID: "777", AgentPassword: "agent-pass-2"})
			if err := f.st.Logout(t.Context(), "old"); err != nil {
				t.Fatal(err)
			}
		}
	}
	deps := f.deps("main")
	deps.Config.Language, deps.Config.LanguageFrom = lang, i18n.SourceConfig
	return New(f.env.Common, deps)
}

func TestGoldenAccountsLangs(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized { return accountsIn(t, lang, "shop", "old") },
		func(tr *i18n.Tr) []uitest.Step {
			return []uitest.Step{{WaitFor: tr.T("settings.on_screen", nil)}}
		})
}

// loginSteps open the login form and leave the agent password out.
func loginSteps(tr *i18n.Tr) []uitest.Step {
	return []uitest.Step{{WaitFor: tr.T("settings.on_screen", nil)},
		{Send: uitest.Press("n")}, {Send: uitest.Type("work")},
		{Send: uitest.Press("tab")}, {Send: uitest.Type("secret-token-typed")},
		{Send: uitest.Press("tab")}, {Send: uitest.Type("12345")},
		{Send: uitest.Press("enter"), WaitFor: tr.T("settings.check_agent_password", nil)}}
}

func TestGoldenLoginFormLangs(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized { return accountsIn(t, lang) }, loginSteps)
}

// The login form in Russian at the smallest size: the longer labels fit.
func TestGoldenLoginForm80x24Russian(t *testing.T) {
	uitest.GoldenAt(t, 80, 24, accountsIn(t, i18n.RU), loginSteps(i18n.New(i18n.RU))...)
}

// A bad profile name at 80x24 in Russian: the whole rule is in view,
// wrapped under the form, not cut at the edge.
func TestGoldenBadName80x24Russian(t *testing.T) {
	tr := i18n.New(i18n.RU)
	uitest.GoldenAt(t, 80, 24, accountsIn(t, i18n.RU), uitest.Step{WaitFor: tr.T("settings.on_screen", nil)},
		uitest.Step{Send: uitest.Press("n")}, uitest.Step{Send: uitest.Msgs(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("дом работа/1")})}, // Type sends bytes,
		uitest.Step{Send: uitest.Press("tab")}, uitest.Step{Send: uitest.Type("secret-token-typed")},
		uitest.Step{Send: uitest.Press("tab")}, uitest.Step{Send: uitest.Type("12345")},
		uitest.Step{Send: uitest.Press("enter"), WaitFor: "буква или цифра"})
}
