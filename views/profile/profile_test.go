package profile

import (
	"strings"
	"testing"

	"qiwidash/i18n"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

func TestProfileShowsMaskedIdentification(t *testing.T) {
	env := uitest.New(t)
	m := New(env.Common)
	m.SetSize(120, 60)
	uitest.Run(m, m.Init(), 10)
	v := m.View()
	for _, want := range []string{"VERIFIED", "Nickname", "Restrictions", "none"} {
		if !strings.Contains(v, want) {
			t.Errorf("missing %q", want)
		}
	}
	env.Common.Settings.Privacy = true
	if strings.Contains(m.View(), env.Common.Wallet) {
		t.Error("wallet number shown in privacy mode")
	}
}

func TestIdentificationFormValidatesThenConfirms(t *testing.T) {
	env := uitest.New(t)
	m := New(env.Common)
	m.SetSize(120, 60)
	uitest.Run(m, m.Init(), 10)
	m.Update(uitest.Key("n"))
	if !m.InputFocused() {
		t.Fatal("form not open")
	}
	// Enter through every field with nothing typed: refused in words.
	for range formFields(nil) {
		m.Update(uitest.Key("enter"))
	}
	if !strings.Contains(m.View(), "Fill the required fields") || !strings.Contains(m.View(), "✗ Required") || m.form.FocusKey() != "last" {
		t.Fatalf("empty form not refused:\n%s", m.View())
	}
	m.openForm()
	for i, v := range []string{"Петров", "Пётр", "", "1990-05-17", "4400111222", "", "", ""} {
		for _, r := range v {
			m.Update(uitest.Key(string(r)))
		}
		if i < len(formFields(nil))-1 {
			m.Update(uitest.Key("tab"))
		}
	}
	_, cmd := m.Update(uitest.Key("enter"))
	msg, ok := cmd().(common.ConfirmMsg)
	if !ok {
		t.Fatalf("no confirmation: %s", m.formErr)
	}
	if strings.Contains(strings.Join(msg.Lines, " "), "4400111222") {
		t.Fatal("the passport number is shown unmasked in the confirmation")
	}
	uitest.Run(m, msg.Yes, 10)
	var posted bool
	for _, r := range env.Sandbox.Server.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/identification") && strings.Contains(string(r.Body), "4400111222") {
			posted = true
		}
	}
	if !posted {
		t.Fatal("the identification was not sent")
	}
}

// The identification form on the kit, refused for empty required fields.
func TestGoldenIdentificationForm(t *testing.T) {
	uitest.GoldenSizes(t, func(t *testing.T) uitest.Sized { return New(uitest.New(t).Common) }, uitest.Step{WaitFor: "VERIFIED"},
		uitest.Step{Send: uitest.Press("n")}, uitest.Step{Send: uitest.Type("Petrov")},
		uitest.Step{Send: uitest.Press("tab", "tab", "tab")}, uitest.Step{Send: uitest.Type("1990-05-17")},
		uitest.Step{Send: uitest.Press("enter", "enter", "enter", "enter", "enter"), WaitFor: "Fill the required fields"})
}

// profileIn is the screen in lang.
func profileIn(t *testing.T, lang i18n.Lang) uitest.Sized {
	env := uitest.New(t)
	env.Speak(lang)
	return New(env.Common)
}

func TestGoldenProfileLangs(t *testing.T) {
	uitest.GoldenLangs(t, profileIn, func(tr *i18n.Tr) []uitest.Step {
		return []uitest.Step{{WaitFor: tr.T("profile.restrictions_none", nil)}}
	})
}

// The Profile in Russian at the smallest size: the longer labels keep
// their column.
func TestGoldenProfile80x24Russian(t *testing.T) {
	uitest.GoldenAt(t, 80, 24, profileIn(t, i18n.RU), uitest.Step{WaitFor: "VERIFIED"})
}

// identificationSteps open the form and submit it half filled.
func identificationSteps(tr *i18n.Tr) []uitest.Step {
	return []uitest.Step{{WaitFor: "VERIFIED"},
		{Send: uitest.Press("n")}, {Send: uitest.Press("Петров")}, // typed at once: teatest types bytes
		{Send: uitest.Press("tab", "tab", "tab")}, {Send: uitest.Type("1990-05-17")},
		{Send: uitest.Press("enter", "enter", "enter", "enter", "enter"), WaitFor: tr.T("profile.fill_required", nil)}}
}

func TestGoldenIdentificationFormLangs(t *testing.T) {
	uitest.GoldenLangs(t, profileIn, identificationSteps)
}

func TestGoldenIdentificationForm80x24Russian(t *testing.T) {
	uitest.GoldenAt(t, 80, 24, profileIn(t, i18n.RU), identificationSteps(i18n.New(i18n.RU))...)
}
