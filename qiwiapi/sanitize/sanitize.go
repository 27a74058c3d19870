// Package sanitize makes untrusted text safe to write to a terminal.
//
// Anything that comes from outside (a notification, an API answer, a file,
// a flag) may carry control characters: an ESC starts a sequence that can
// set the window title, write the clipboard (OSC 52) or clear the screen; a
// bidi override reorders what the reader sees; invisible format characters
// make two different ids look alike. Text passes Text at the point where it
// is rendered, so none of them reaches the terminal raw.
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Replacement stands for a character that is neither printable nor a
// control with a picture of its own (C1 controls, bidi and other invisible
// format characters, bytes that are not UTF-8).
const Replacement = '\uFFFD'

// Text returns s with every C0 control (newlines and tabs included), DEL,
// C1 control, bidi control and invisible format character replaced by a
// visible placeholder of width one: C0 and DEL by their Unicode control
// pictures (ESC becomes ␛), the others by U+FFFD. The zero-width joiner
// and non-joiner stay, so emoji sequences and scripts that need them keep
// their shape. Text that needs no change is returned as is.
func Text(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				b.WriteRune(Replacement)
				continue
			}
		}
		if p, bad := placeholder(r); bad {
			b.WriteRune(p)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// clean reports whether s needs no change (the common case: no allocation).
func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= 0x80 {
			return !dirtyFrom(s, i)
		}
	}
	return true
}

func dirtyFrom(s string, from int) bool {
	for i, r := range s[from:] {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[from+i:]); size <= 1 {
				return true
			}
		}
		if _, bad := placeholder(r); bad {
			return true
		}
	}
	return false
}

// placeholder says whether r must not reach a terminal, and what shows
// instead.
func placeholder(r rune) (rune, bool) {
	switch {
	case r < 0x20:
		return 0x2400 + r, true // ␀ … ␟ (ESC is ␛)
	case r == 0x7f:
		return '\u2421', true // ␡
	case r >= 0x80 && r <= 0x9f:
		return Replacement, true
	case r == '\u200c' || r == '\u200d':
		return 0, false // ZWNJ, ZWJ: needed by scripts and emoji sequences
	case unicode.Is(unicode.Cf, r), unicode.Is(unicode.Zl, r), unicode.Is(unicode.Zp, r):
		// Format characters: bidi embeddings, overrides and isolates,
		// LRM/RLM, ALM, soft hyphen, BOM, tags; and the line/paragraph
		// separators.
		return Replacement, true
	}
	return 0, false
}
