package common

import (
	"testing"

	"qiwidash/qiwiapi"
)

func TestPrivacyMasksTheNumberNotTheKindOfRecipient(t *testing.T) {
	c := &Common{Settings: &Settings{Privacy: true}}
	if got := c.PersonalNumbers("QIWI wallet +79161112233"); got != "QIWI wallet +79•••••••33" {
		t.Fatalf("got %q", got)
	}
	c.Settings.Privacy = false
	if got := c.PersonalNumbers("QIWI wallet +79161112233"); got != "QIWI wallet +79161112233" {
		t.Fatalf("privacy off changed it: %q", got)
	}
}

func TestMoneyAndPersonalInPrivacyMode(t *testing.T) {
	c := &Common{Settings: &Settings{Privacy: true}}
	a := qiwiapi.Amount{Minor: -12345, Currency: qiwiapi.RUB}
	if got := c.SignedMoney(a); got != "-••• ₽" {
		t.Errorf("SignedMoney = %q", got)
	}
	if got := c.Personal("+79161112233"); got != "+79•••••••33" {
		t.Errorf("Personal = %q", got)
	}
	if got := MaskMiddle("abc"); got != "•••" {
		t.Errorf("MaskMiddle short = %q", got)
	}
	c.Settings.Privacy = false
	if got := c.SignedMoney(a); got != "-123.45 ₽" {
		t.Errorf("SignedMoney visible = %q", got)
	}
}

func TestTruncateAndPad(t *testing.T) {
	if got := Truncate("Морозова Анна", 6); got != "Мороз…" {
		t.Errorf("Truncate = %q", got)
	}
	if got := PadLeft("7", 3); got != "  7" {
		t.Errorf("PadLeft = %q", got)
	}
}
