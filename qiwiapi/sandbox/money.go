package sandbox

import (
	"errors"
	"math/big"
	"strconv"
	"strings"
)

// Money is kept as int64 minor units (kopecks, cents) everywhere in the
// sandbox. It is written to JSON as a literal the way QIWI writes amounts:
// 70, 3497.5, 8.74 (no trailing zeros, no exponent).

// fmtKop renders minor units as a QIWI-style decimal literal.
func fmtKop(k int64) string {
	neg := k < 0
	if neg {
		k = -k
	}
	s := strconv.FormatInt(k/100, 10)
	if f := k % 100; f != 0 {
		if f%10 == 0 {
			s += "." + strconv.FormatInt(f/10, 10)
		} else {
			s += "." + strconv.FormatInt(f/10, 10) + strconv.FormatInt(f%10, 10)
		}
	}
	if neg {
		s = "-" + s
	}
	return s
}

// amt marshals as a JSON number literal written by fmtKop.
type amt int64

func (a amt) MarshalJSON() ([]byte, error) { return []byte(fmtKop(int64(a))), nil }

// lit is a pre-formatted JSON number literal (rates).
type lit string

func (l lit) MarshalJSON() ([]byte, error) { return []byte(l), nil }

var errBadNumber = errors.New("bad number")

// parseKop parses a decimal literal (JSON number or string) and rounds it
// DOWN to minor units, as the sinap API documents for sum.amount.
func parseKop(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errBadNumber
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, errBadNumber
	}
	r.Mul(r, big.NewRat(100, 1))
	q := new(big.Int).Quo(r.Num(), r.Denom()) // truncates toward zero
	if r.Sign() < 0 && !r.IsInt() {
		q.Sub(q, big.NewInt(1))
	}
	if !q.IsInt64() || q.Int64() > 1e15 || q.Int64() < -1e15 {
		return 0, errBadNumber
	}
	return q.Int64(), nil
}

// Currency data. rubPer is the price of one unit in RUB, scaled by 1e4.
var rubPer = map[int]int64{
	643: 10000,
	840: 925000,
	978: 1002000,
	398: 1606,
}

// rateCurrencies is the fixed order of currencies in /sinap/crossRates.
var rateCurrencies = []int{643, 840, 978, 398}

// rate7 is the crossRates rate for (from, to) scaled by 1e7. As in QIWI's
// example (398 -> 643 = 6.22665), the rate is the price of one `to` unit
// expressed in `from` units: converting an amount of `to` into `from`
// multiplies by the rate.
func rate7(from, to int) int64 {
	f, t := rubPer[from], rubPer[to]
	if f == 0 || t == 0 {
		return 0
	}
	return (t*10_000_000 + f/2) / f
}

// fmtScaled writes v/10^digits as a decimal literal without trailing zeros.
func fmtScaled(v int64, digits int) string {
	p := int64(1)
	for range digits {
		p *= 10
	}
	s := strconv.FormatInt(v/p, 10)
	if f := v % p; f != 0 {
		fs := strconv.FormatInt(f, 10)
		fs = strings.Repeat("0", digits-len(fs)) + fs
		s += "." + strings.TrimRight(fs, "0")
	}
	return s
}

// rubEquivalent converts minor units of cur into RUB kopecks (rounded down).
func rubEquivalent(k int64, cur int) int64 {
	if cur == 643 {
		return k
	}
	return k * rubPer[cur] / 10000
}

// convertDebit is the RUB debit (kopecks, rounded up) for buying `k` minor
// units of currency `to`.
func convertDebit(k int64, to int) int64 {
	r := rate7(643, to)
	return (k*r + 9_999_999) / 10_000_000
}

// currencySource maps a wallet currency to its history source name.
func currencySource(cur int) string {
	switch cur {
	case 840:
		return "QW_USD"
	case 978:
		return "QW_EUR"
	case 398:
		return "QW_KZT"
	}
	return "QW_RUB"
}

func currencyAlias(cur int) string {
	switch cur {
	case 840:
		return "qw_wallet_usd"
	case 978:
		return "qw_wallet_eur"
	case 398:
		return "qw_wallet_kzt"
	}
	return "qw_wallet_rub"
}

func aliasCurrency(alias string) (int, bool) {
	switch alias {
	case "qw_wallet_rub":
		return 643, true
	case "qw_wallet_usd":
		return 840, true
	case "qw_wallet_eur":
		return 978, true
	case "qw_wallet_kzt":
		return 398, true
	}
	return 0, false
}

func currencyCode(cur int) string {
	switch cur {
	case 840:
		return "USD"
	case 978:
		return "EUR"
	case 398:
		return "KZT"
	}
	return "RUB"
}
