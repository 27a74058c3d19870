package profile

import (
	"strings"
	"testing"

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
	for range formFields() {
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
		if i < len(formFields())-1 {
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
