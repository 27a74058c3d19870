package common

import (
	"testing"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
)

func TestPrivacyMasksTheNumberNotTheKindOfRecipient(t *testing.T) {
	c := &Common{Settings: &Settings{Privacy: true}}
	for _, at := range []Place{Detail, List} {
		if got := c.Account("QIWI wallet +79161112233", at); got != "QIWI wallet +79•••••••33" {
			t.Fatalf("got %q", got)
		}
	}
	c.Settings.Privacy = false
	if got := c.Account("QIWI wallet +79161112233", Detail); got != "QIWI wallet +79161112233" {
		t.Fatalf("privacy off changed it: %q", got)
	}
}

// TestListRule: with privacy off a list masks accounts (a label in its
// numbers only); QIWI's own masks, dates and short numbers are left alone,
// and a detail shows everything.
func TestListRule(t *testing.T) {
	c := &Common{Settings: &Settings{}}
	for in, want := range map[string]string{
		"+79161112233":                 "+79•••••••33",
		"STEAMGAMES.COM":               "ST••••••••••OM",
		"card 4111111111111111 (Visa)": "card 41••••••••••••11 (Visa)",
		"card 4111 1111 1111 1111":     "card 41•••••••••••••••11",
		"QIWI wallet +79161112233":     "QIWI wallet +79•••••••33",
		"2200****4334":                 "2200****4334",
		"bill 2026-12-01 no. 12345":    "bill 2026-12-01 no. 12345",
		"ООО «Цветы» 1234567":          "ООО «Цветы» 12•••67",
	} {
		if got := c.Account(in, List); got != want {
			t.Errorf("Account(%q, List) = %q, want %q", in, got, want)
		}
		if got := c.Account(in, Detail); got != in {
			t.Errorf("Account(%q, Detail) = %q with privacy off", in, got)
		}
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
	if got := c.Document("abc"); got != "•••" {
		t.Errorf("Document short = %q", got)
	}
	if got := c.Money(qiwiapi.Amount{Minor: 100, Currency: qiwiapi.USD}); got != "••• $" {
		t.Errorf("Money = %q", got)
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

// TestRussianFormats: with the Russian catalogue money has Russian
// separators (privacy still hides it) and word dates Russian months, in
// the screens' zone; without one, today's English.
func TestRussianFormats(t *testing.T) {
	sum := qiwiapi.Amount{Minor: 11548604, Currency: qiwiapi.RUB}
	at := time.Date(2026, 12, 1, 6, 32, 0, 0, time.UTC) // 09:32 in Moscow
	ru := &Common{Tr: i18n.New(i18n.RU), Settings: &Settings{}}
	en := &Common{Settings: &Settings{}}
	for _, c := range []struct {
		c                        *Common
		money, signed, neg, date string
		short, shortSec, zone    string
	}{
		{ru, "115\u202f486,04 ₽", "+115\u202f486,04 ₽", "-115\u202f486,04 ₽", "1 дек 2026, 09:32", "01.12 09:32", "01.12 09:32:00", "МСК"},
		{en, "115 486.04 ₽", "+115 486.04 ₽", "-115 486.04 ₽", "1 Dec 2026, 09:32", "12-01 09:32", "12-01 09:32:00", "MSK"},
	} {
		// 12-01 reads as 12 January to a Russian: day.month there
		if got := c.c.ShortDate(at, false); got != c.short {
			t.Errorf("ShortDate %q, want %q", got, c.short)
		}
		if got := c.c.ShortDate(at, true); got != c.shortSec {
			t.Errorf("ShortDate(seconds) %q, want %q", got, c.shortSec)
		}
		if got := c.c.ShortDate(time.Time{}, false); got != "—" {
			t.Errorf("ShortDate(zero) %q", got)
		}
		if got := c.c.ZoneName(); got != c.zone {
			t.Errorf("ZoneName %q, want %q", got, c.zone)
		}
		cet := &Common{Tr: c.c.Tr, Settings: &Settings{}, Zone: time.FixedZone("CET", 3600)}
		if got := cet.ZoneName(); got != "CET" {
			t.Errorf("ZoneName(CET) %q: other zones keep their name", got)
		}
		if got := c.c.Money(sum); got != c.money {
			t.Errorf("Money %q, want %q", got, c.money)
		}
		if got := c.c.SignedMoney(sum); got != c.signed {
			t.Errorf("SignedMoney %q, want %q", got, c.signed)
		}
		if got := c.c.SignedMoney(sum.Neg()); got != c.neg {
			t.Errorf("SignedMoney(neg) %q, want %q", got, c.neg)
		}
		if got := c.c.DateWords(at); got != c.date {
			t.Errorf("DateWords %q, want %q", got, c.date)
		}
		if got := c.c.DateWords(time.Time{}); got != "—" {
			t.Errorf("DateWords(zero) %q", got)
		}
		c.c.Settings.Privacy = true
		if got := c.c.SignedMoney(sum.Neg()); got != "-••• ₽" {
			t.Errorf("privacy: %q", got)
		}
	}
}

// Amounts in Russian: U+202F between thousands, the decimal comma; English
// as Amount.Format writes it.
func TestMoneyRussian(t *testing.T) {
	ru, en := &Common{Tr: i18n.New(i18n.RU)}, &Common{Tr: i18n.New(i18n.EN)}
	rub := func(minor int64) qiwiapi.Amount { return qiwiapi.Amount{Minor: minor, Currency: qiwiapi.RUB} }
	for _, c := range []struct {
		a        qiwiapi.Amount
		ru, sign string
	}{
		{rub(11548604), "115\u202f486,04 ₽", "+115\u202f486,04 ₽"},
		{rub(-7000), "-70,00 ₽", "-70,00 ₽"},
		{rub(5), "0,05 ₽", "+0,05 ₽"},
		{rub(0), "0,00 ₽", "0,00 ₽"},
		{rub(100000000), "1\u202f000\u202f000,00 ₽", "+1\u202f000\u202f000,00 ₽"},
		{rub(-123456789), "-1\u202f234\u202f567,89 ₽", "-1\u202f234\u202f567,89 ₽"},
		{qiwiapi.Amount{Minor: 123450, Currency: qiwiapi.USD}, "1\u202f234,50 $", "+1\u202f234,50 $"},
	} {
		if got := ru.Money(c.a); got != c.ru {
			t.Errorf("ru Money(%v) = %q, want %q", c.a, got, c.ru)
		}
		if got := ru.SignedMoney(c.a); got != c.sign {
			t.Errorf("ru SignedMoney(%v) = %q, want %q", c.a, got, c.sign)
		}
		if got := en.Money(c.a); got != c.a.Format() {
			t.Errorf("en Money(%v) = %q, want Format's %q", c.a, got, c.a.Format())
		}
		if got := en.SignedMoney(c.a); got != c.a.Signed() {
			t.Errorf("en SignedMoney(%v) = %q, want Signed's %q", c.a, got, c.a.Signed())
		}
	}
}
