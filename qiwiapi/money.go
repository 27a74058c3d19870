package qiwiapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Currency is an ISO 4217 numeric currency code, as QIWI puts it on the wire
// (643 in history and balances, "643" in sinap payments; both decode).
type Currency int

// Currencies QIWI wallets hold.
const (
	RUB Currency = 643
	USD Currency = 840
	EUR Currency = 978
	KZT Currency = 398
)

type currencyInfo struct {
	code   string
	symbol string
	digits int
}

// currencies lists what we know how to format; unknown codes still round-trip.
var currencies = map[Currency]currencyInfo{
	RUB: {"RUB", "₽", 2},
	USD: {"USD", "$", 2},
	EUR: {"EUR", "€", 2},
	KZT: {"KZT", "₸", 2},
	933: {"BYN", "Br", 2},
	980: {"UAH", "₴", 2},
	156: {"CNY", "¥", 2},
	392: {"JPY", "¥", 0},
}

// Code is the alphabetic ISO code ("RUB"), or the number when unknown.
func (c Currency) Code() string {
	if info, ok := currencies[c]; ok {
		return info.code
	}
	return strconv.Itoa(int(c))
}

// Symbol is the sign used on screen; unknown currencies fall back to Code.
func (c Currency) Symbol() string {
	if info, ok := currencies[c]; ok {
		return info.symbol
	}
	return c.Code()
}

// Digits is the number of minor-unit digits (2 for kopecks, cents, tiyn).
func (c Currency) Digits() int {
	if info, ok := currencies[c]; ok {
		return info.digits
	}
	return 2
}

func (c Currency) String() string { return c.Code() }

// ParseCurrency accepts "643", "RUB" or "rub".
func ParseCurrency(s string) (Currency, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 1000 {
		return Currency(n), nil
	}
	up := strings.ToUpper(s)
	for c, info := range currencies {
		if info.code == up {
			return c, nil
		}
	}
	return 0, fmt.Errorf("unknown currency %q", s)
}

// UnmarshalJSON accepts both the number 643 and the string "643" (or "RUB").
func (c *Currency) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		return nil
	}
	if unq, err := strconv.Unquote(s); err == nil {
		s = unq
	}
	if s == "0" || s == "" { // the zero value, as MarshalJSON writes it: "no currency"
		*c = 0
		return nil
	}
	cur, err := ParseCurrency(s)
	if err != nil {
		return err
	}
	*c = cur
	return nil
}

// Amount is an exact sum of money: an integer count of minor units (kopecks)
// plus its currency. It never passes through float64.
type Amount struct {
	Minor    int64
	Currency Currency
}

// ErrTooPrecise is returned for amounts with more decimals than the currency has.
var ErrTooPrecise = errors.New("amount has more decimal places than the currency allows")

// ErrBadAmount is returned for text that is not a decimal number.
var ErrBadAmount = errors.New("not a valid amount")

// ParseAmount reads a decimal literal ("1234.5", "-70", "1e2", "0.10") exactly.
// More decimal places than the currency has are refused, never rounded,
// unless every extra digit is zero.
func ParseAmount(s string, cur Currency) (Amount, error) {
	minor, err := parseMinor(s, cur.Digits(), false)
	if err != nil {
		return Amount{}, err
	}
	return Amount{Minor: minor, Currency: cur}, nil
}

// ParseAmountFloor reads a decimal literal and rounds it down (towards zero)
// to the currency's minor unit, the way QIWI rounds payment sums.
func ParseAmountFloor(s string, cur Currency) (Amount, error) {
	minor, err := parseMinor(s, cur.Digits(), true)
	if err != nil {
		return Amount{}, err
	}
	return Amount{Minor: minor, Currency: cur}, nil
}

// parseMinor converts a JSON-number-shaped literal into minor units.
func parseMinor(s string, digits int, floor bool) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ErrBadAmount
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 30 || e < -30 {
			return 0, ErrBadAmount
		}
		exp = e
		s = s[:i]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && frac == "" || hasDot && frac == "" && intPart == "" {
		return 0, ErrBadAmount
	}
	digitsOnly := intPart + frac
	if digitsOnly == "" {
		return 0, ErrBadAmount
	}
	for _, r := range digitsOnly {
		if r < '0' || r > '9' {
			return 0, ErrBadAmount
		}
	}
	// value = digitsOnly * 10^(exp - len(frac)); we want value * 10^digits.
	shift := exp - len(frac) + digits
	digitsOnly = strings.TrimLeft(digitsOnly, "0")
	if shift < 0 {
		cut := len(digitsOnly) + shift
		var dropped string
		if cut <= 0 {
			dropped, digitsOnly = digitsOnly, ""
		} else {
			dropped, digitsOnly = digitsOnly[cut:], digitsOnly[:cut]
		}
		if strings.Trim(dropped, "0") != "" && !floor {
			return 0, ErrTooPrecise
		}
	} else {
		if len(digitsOnly)+shift > 19 {
			return 0, fmt.Errorf("%w: too large", ErrBadAmount)
		}
		if digitsOnly != "" {
			digitsOnly += strings.Repeat("0", shift)
		}
	}
	if digitsOnly == "" {
		return 0, nil
	}
	if len(digitsOnly) > 18 {
		return 0, fmt.Errorf("%w: too large", ErrBadAmount)
	}
	v, err := strconv.ParseInt(digitsOnly, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: too large", ErrBadAmount)
	}
	if neg {
		v = -v
	}
	return v, nil
}

// Decimal renders the plain wire form: "1234.50", "-70.00", "8" for JPY.
func (a Amount) Decimal() string {
	return formatMinor(a.Minor, a.Currency.Digits(), "", ".")
}

// Number renders the shortest exact form ("70", "3497.5"), as QIWI writes it.
func (a Amount) Number() string {
	s := a.Decimal()
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// String is "1234.50 RUB".
func (a Amount) String() string { return a.Decimal() + " " + a.Currency.Code() }

// Format is the screen form with grouped thousands and the currency sign:
// "1 234.50 ₽", "-70.00 $".
func (a Amount) Format() string { return a.FormatWith(" ", ".") }

// FormatWith is Format with other separators: group between thousands,
// point before the fraction ("\u202f" and "," make "1 234,50 ₽", the
// Russian form).
func (a Amount) FormatWith(group, point string) string {
	return formatMinor(a.Minor, a.Currency.Digits(), group, point) + " " + a.Currency.Symbol()
}

// Signed is Format with an explicit sign, so meaning never hangs on colour alone.
func (a Amount) Signed() string {
	if a.Minor > 0 {
		return "+" + a.Format()
	}
	return a.Format()
}

func formatMinor(minor int64, digits int, group, point string) string {
	neg := minor < 0
	var u uint64
	if neg {
		u = uint64(-(minor + 1)) + 1 // safe for math.MinInt64
	} else {
		u = uint64(minor)
	}
	s := strconv.FormatUint(u, 10)
	if len(s) <= digits {
		s = strings.Repeat("0", digits-len(s)+1) + s
	}
	intPart, frac := s[:len(s)-digits], s[len(s)-digits:]
	if group != "" {
		var b strings.Builder
		for i, r := range intPart {
			if i > 0 && (len(intPart)-i)%3 == 0 {
				b.WriteString(group)
			}
			b.WriteRune(r)
		}
		intPart = b.String()
	}
	out := intPart
	if digits > 0 {
		out += point + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// IsZero reports a zero sum.
func (a Amount) IsZero() bool { return a.Minor == 0 }

// Neg is the amount with the opposite sign.
func (a Amount) Neg() Amount { return Amount{Minor: -a.Minor, Currency: a.Currency} }

// ErrCurrencyMismatch is returned when adding amounts of different currencies.
var ErrCurrencyMismatch = errors.New("currencies differ")

// Add sums two amounts of one currency, refusing overflow.
func (a Amount) Add(b Amount) (Amount, error) {
	if a.Currency != b.Currency {
		return Amount{}, fmt.Errorf("%w: %s and %s", ErrCurrencyMismatch, a.Currency, b.Currency)
	}
	if (b.Minor > 0 && a.Minor > math.MaxInt64-b.Minor) || (b.Minor < 0 && a.Minor < math.MinInt64-b.Minor) {
		return Amount{}, fmt.Errorf("%w: sum overflows", ErrBadAmount)
	}
	return Amount{Minor: a.Minor + b.Minor, Currency: a.Currency}, nil
}

// wireAmount is the {"amount": 70, "currency": 643} object QIWI uses everywhere.
type wireAmount struct {
	Amount   json.RawMessage `json:"amount"`
	Currency Currency        `json:"currency"`
}

// UnmarshalJSON decodes {"amount": 8.74, "currency": 643}; the amount may be a
// number or a string, and is read from its literal text. An answer with more
// decimals than the currency has (8.745) is read rounded down to its minor
// unit, as QIWI rounds sums: refusing it would make a whole answer, a payment
// among them, unreadable. Sending is strict (ParseAmount refuses it).
func (a *Amount) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	var w wireAmount
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	lit := string(bytes.TrimSpace(w.Amount))
	if unq, err := strconv.Unquote(lit); err == nil {
		lit = unq
	}
	if lit == "" || lit == "null" {
		*a = Amount{Currency: w.Currency}
		return nil
	}
	minor, err := parseMinor(lit, w.Currency.Digits(), true)
	if err != nil {
		return fmt.Errorf("amount %q: %w", lit, err)
	}
	*a = Amount{Minor: minor, Currency: w.Currency}
	return nil
}

// MarshalJSON writes {"amount":70,"currency":643} with the exact literal.
func (a Amount) MarshalJSON() ([]byte, error) {
	return []byte(`{"amount":` + a.Number() + `,"currency":` + strconv.Itoa(int(a.Currency)) + `}`), nil
}

// Decimal is an exact decimal for non-money numbers (exchange rates).
// It keeps the literal it was read from.
type Decimal string

// UnmarshalJSON keeps a JSON number or numeric string verbatim after checking it.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		*d = ""
		return nil
	}
	if unq, err := strconv.Unquote(s); err == nil {
		s = unq
	}
	if !json.Valid([]byte(s)) {
		return fmt.Errorf("%w: %q", ErrBadAmount, s)
	}
	var n json.Number
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		return fmt.Errorf("%w: %q", ErrBadAmount, s)
	}
	*d = Decimal(n)
	return nil
}

// MarshalJSON writes the number literal.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d == "" {
		return []byte("null"), nil
	}
	return []byte(d), nil
}
