package qiwiapi

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseAmountInput(t *testing.T) {
	ok := []struct {
		in    string
		cur   Currency
		minor int64
	}{
		{"1500", RUB, 150000},
		{"1500.50", RUB, 150050},
		{"1500,50", RUB, 150050},
		{"1 500,50", RUB, 150050},
		{"1\u00a0500.5", RUB, 150050},
		{"1\u202f500\u202f000", USD, 150000000},
		{"  12.3  ", EUR, 1230},
		{"\u00a0150\u00a0", KZT, 15000},
		{"0.01", RUB, 1},
		{"007", RUB, 700},
		{"999 999 999 999 999.99", RUB, 99999999999999999},
		{"99999999999", RUB, 9999999999900},
		{"1500", 392, 1500}, // JPY: no minor units
		{"1.5", 933, 150},   // BYN: 2
		{"1.5", 999, 150},   // unknown currency: 2 decimals
	}
	for _, c := range ok {
		a, err := ParseAmountInput(c.in, c.cur)
		if err != nil || a.Minor != c.minor || a.Currency != c.cur {
			t.Errorf("ParseAmountInput(%q, %s) = %+v, %v; want %d minor", c.in, c.cur, a, err, c.minor)
		}
	}
	bad := []struct {
		in, cur string
		want    string // in the message
		kind    error
	}{
		{"", "RUB", "Enter the amount", ErrBadAmount},
		{"   ", "RUB", "Enter the amount", ErrBadAmount},
		{"1e3", "RUB", "not 1e3", ErrBadAmount},
		{"1E3", "RUB", "not 1e3", ErrBadAmount},
		{"-5", "RUB", "without a sign", ErrBadAmount},
		{"+5", "RUB", "without a sign", ErrBadAmount},
		{"−5", "RUB", "without a sign", ErrBadAmount},
		{"1.005", "RUB", "At most 2 digits after the point for RUB", ErrTooPrecise},
		{"1,5,0", "RUB", "Only one decimal point", ErrBadAmount},
		{"1,500.00", "USD", "Only one decimal point", ErrBadAmount},
		{"15 00", "RUB", "groups of three", ErrBadAmount},
		{"1  500", "RUB", "groups of three", ErrBadAmount},
		{"1500 000", "RUB", "groups of three", ErrBadAmount},
		{"1 500 .5", "RUB", "No space before", ErrBadAmount},
		{"1.5 0", "RUB", "No spaces after", ErrBadAmount},
		{".5", "RUB", "digit before the point", ErrBadAmount},
		{"5.", "RUB", "digits after the point", ErrBadAmount},
		{"0", "RUB", "more than zero", ErrBadAmount},
		{"0.00", "RUB", "more than zero", ErrBadAmount},
		{"1000000000000000", "RUB", "Too large", ErrBadAmount},
		{"99999999999999999999999", "RUB", "Too large", ErrBadAmount},
		{"12abc", "RUB", "Not an amount", ErrBadAmount},
		{"１２", "RUB", "Not an amount", ErrBadAmount}, // full-width digits
		{"0x10", "RUB", "Not an amount", ErrBadAmount},
		{"1.5", "JPY", "JPY has no fractions", ErrTooPrecise},
	}
	for _, c := range bad {
		cur, err := ParseCurrency(c.cur)
		if err != nil {
			t.Fatal(err)
		}
		a, err := ParseAmountInput(c.in, cur)
		if err == nil {
			t.Errorf("ParseAmountInput(%q) = %+v, want a refusal", c.in, a)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !errors.Is(err, c.kind) {
			t.Errorf("ParseAmountInput(%q): %q (is %v: %v), want %q", c.in, err, c.kind, errors.Is(err, c.kind), c.want)
		}
	}
}

// FuzzParseAmountInput: whatever is typed, the answer is a positive amount
// that formats back to the same value, or a refusal in words; never a
// panic, a sign, an exponent or an overflow. Seed corpus:
// testdata/fuzz/FuzzParseAmountInput.
func FuzzParseAmountInput(f *testing.F) {
	for _, s := range []string{"1 500,50", "1e3", "-1", "99 999 999 999", "0.001", "1\u00a0000", ""} {
		f.Add(s, uint16(643))
	}
	f.Fuzz(func(t *testing.T, s string, code uint16) {
		cur := Currency(code % 1000)
		a, err := ParseAmountInput(s, cur)
		if err != nil {
			msg := err.Error()
			if msg == "" || !utf8.ValidString(msg) {
				t.Fatalf("message %q for %q", msg, s)
			}
			if !errors.Is(err, ErrBadAmount) && !errors.Is(err, ErrTooPrecise) {
				t.Fatalf("error %v is neither ErrBadAmount nor ErrTooPrecise", err)
			}
			return
		}
		if a.Minor <= 0 || a.Currency != cur {
			t.Fatalf("%q -> %+v", s, a)
		}
		if strings.ContainsAny(s, "eE+-−") {
			t.Fatalf("%q accepted with a sign or exponent", s)
		}
		// Round trip: the plain decimal and the grouped screen form read back
		// to the same amount under the same rule.
		for _, back := range []string{a.Decimal(), strings.TrimSuffix(a.Format(), " "+cur.Symbol())} {
			b, err := ParseAmountInput(back, cur)
			if err != nil || b != a {
				t.Fatalf("%q -> %+v; its form %q reads back as %+v, %v", s, a, back, b, err)
			}
		}
		// The value is what the digits say: compare with the wire parser on
		// the text with spaces dropped and the comma made a point.
		plain := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", ".").Replace(strings.TrimSpace(s))
		w, err := ParseAmount(plain, cur)
		if err != nil || w != a {
			t.Fatalf("%q -> %+v, the wire parser on %q says %+v, %v", s, a, plain, w, err)
		}
	})
}
