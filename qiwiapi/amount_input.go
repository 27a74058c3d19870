package qiwiapi

import "strings"

// MaxInputUnits is how many digits a typed amount may have before the
// decimal point: 15 (999 999 999 999 999), far above any QIWI limit and far
// below what an int64 of minor units holds, so no typed amount overflows.
const MaxInputUnits = 15

// refuse is a refusal of a typed amount: an *InvalidError without a
// subject (its text is the sentence to show under the field), with
// ErrBadAmount or ErrTooPrecise for errors.Is.
func refuse(kind error, rule Rule, values map[string]any) error {
	return &InvalidError{Subject: SubjectAmount, Rules: []Rule{rule}, Values: values, Kind: kind}
}

// isGroupSpace reports the characters people put between thousands: a
// space, a no-break space (U+00A0, what copying "1 500 ₽" gives) and a
// narrow no-break space (U+202F).
func isGroupSpace(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\u202f' }

// ParseAmountInput is the one rule for an amount a person types, on every
// form: digits, optionally in groups of three separated by one space or
// no-break space ("1 500 000"), then optionally one "." or "," and at most
// the currency's decimals (2 for RUB, USD, EUR, KZT; 0 for JPY; 2 for a
// currency we do not know). No sign, no exponent, no other character, at
// most MaxInputUnits digits before the point, and more than zero. The
// error is a sentence to show under the field.
//
// Wire literals from QIWI (signs, exponents) are read by ParseAmount,
// never by this.
func ParseAmountInput(s string, cur Currency) (Amount, error) {
	s = strings.TrimFunc(s, func(r rune) bool { return isGroupSpace(r) || r == '\t' })
	if s == "" {
		return Amount{}, refuse(ErrBadAmount, RuleAmountEmpty, nil)
	}
	digits := cur.Digits()
	var intPart, frac []byte
	sepSeen, lastWasSpace := false, false
	groupLen, groups := 0, 0 // digits in the current group; groups closed by a space
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if sepSeen {
				frac = append(frac, byte(r))
			} else {
				intPart = append(intPart, byte(r))
				groupLen++
			}
			lastWasSpace = false
		case isGroupSpace(r):
			if sepSeen {
				return Amount{}, refuse(ErrBadAmount, RuleAmountSpaceAfterDot, nil)
			}
			if lastWasSpace || groupLen == 0 || groupLen > 3 || (groups > 0 && groupLen != 3) {
				return Amount{}, refuse(ErrBadAmount, RuleAmountGroups, nil)
			}
			groups++
			groupLen, lastWasSpace = 0, true
		case r == '.' || r == ',':
			if sepSeen {
				return Amount{}, refuse(ErrBadAmount, RuleAmountTwoPoints, nil)
			}
			if lastWasSpace {
				return Amount{}, refuse(ErrBadAmount, RuleAmountSpaceBeforeDot, nil)
			}
			if len(intPart) == 0 {
				return Amount{}, refuse(ErrBadAmount, RuleAmountDigitFirst, nil)
			}
			sepSeen = true
		case r == '-' || r == '+' || r == '−':
			return Amount{}, refuse(ErrBadAmount, RuleAmountSign, nil)
		case r == 'e' || r == 'E':
			return Amount{}, refuse(ErrBadAmount, RuleAmountExponent, nil)
		default:
			return Amount{}, refuse(ErrBadAmount, RuleAmountNotAmount, nil)
		}
	}
	if lastWasSpace {
		return Amount{}, refuse(ErrBadAmount, RuleAmountGroups, nil)
	}
	if groups > 0 && groupLen != 3 {
		return Amount{}, refuse(ErrBadAmount, RuleAmountGroups, nil)
	}
	if sepSeen && len(frac) == 0 {
		return Amount{}, refuse(ErrBadAmount, RuleAmountNoFraction, nil)
	}
	if len(frac) > digits {
		if digits == 0 {
			return Amount{}, refuse(ErrTooPrecise, RuleAmountWholeUnits, map[string]any{"Currency": cur.Code()})
		}
		return Amount{}, refuse(ErrTooPrecise, RuleAmountTooPrecise, map[string]any{"Digits": digits, "Currency": cur.Code()})
	}
	units := strings.TrimLeft(string(intPart), "0")
	if len(units) > MaxInputUnits {
		return Amount{}, refuse(ErrBadAmount, RuleAmountTooLarge, map[string]any{"Max": MaxInputUnits})
	}
	var minor int64
	for _, c := range units {
		minor = minor*10 + int64(c-'0')
	}
	for k := 0; k < digits; k++ {
		minor *= 10
		if k < len(frac) {
			minor += int64(frac[k] - '0')
		}
	}
	if minor == 0 {
		return Amount{}, refuse(ErrBadAmount, RuleAmountZero, nil)
	}
	return Amount{Minor: minor, Currency: cur}, nil
}
