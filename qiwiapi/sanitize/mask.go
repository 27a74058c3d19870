package sanitize

import (
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

// MaskNumbers masks, with MaskMiddle, only the words of a label that hold
// six digits or more ("QIWI wallet +79161112233" -> "QIWI wallet
// +79•••••••33"), so the reader still sees what kind of recipient it is.
func MaskNumbers(s string) string {
	words := strings.Split(s, " ")
	for i, w := range words {
		digits := 0
		for _, r := range w {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits >= 6 {
			words[i] = MaskMiddle(w)
		}
	}
	return strings.Join(words, " ")
}
