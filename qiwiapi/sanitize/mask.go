package sanitize

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// MaskMiddle is the privacy rule for personal data (accounts, phones,
// names, comments): the first two and last two characters stay visible
// (three at the start after a "+"), the rest become dots:
// "+79991234567" -> "+79•••••••67". Four characters or fewer are all
// dots. The screens' privacy mode and the support console's case report
// mask with this one rule.
func MaskMiddle(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= 4 {
		return strings.Repeat("•", n)
	}
	r := []rune(s)
	keep := 2
	if r[0] == '+' {
		keep = 3
	}
	return string(r[:keep]) + strings.Repeat("•", n-keep-2) + string(r[n-2:])
}

// accountRe finds account numbers inside a label: six or more digits,
// maybe after a "+", maybe in groups split by single spaces.
var accountRe = regexp.MustCompile(`\+?[0-9](?: ?[0-9]){5,}`)

// MaskNumbers masks, with MaskMiddle, only the account numbers inside a
// label ("QIWI wallet +79161112233" -> "QIWI wallet +79•••••••33", "card
// 4111 1111 1111 1111 (Visa)" -> "card 41•••••••••••••••••11 (Visa)"), so
// the reader still sees what kind of recipient it is.
func MaskNumbers(s string) string { return accountRe.ReplaceAllStringFunc(s, MaskMiddle) }
