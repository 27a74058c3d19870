package common

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
)

const masked = "•••"

// Money formats an amount, hidden in privacy mode.
func (c *Common) Money(a qiwiapi.Amount) string {
	if c.Settings != nil && c.Settings.Privacy {
		return masked + " " + a.Currency.Symbol()
	}
	return a.Format()
}

// SignedMoney is Money with an explicit +/- sign.
func (c *Common) SignedMoney(a qiwiapi.Amount) string {
	if c.Settings != nil && c.Settings.Privacy {
		sign := ""
		if a.Minor > 0 {
			sign = "+"
		} else if a.Minor < 0 {
			sign = "-"
		}
		return sign + masked + " " + a.Currency.Symbol()
	}
	return a.Signed()
}

// Personal masks personal data (accounts, phones, names, comments) in
// privacy mode.
func (c *Common) Personal(s string) string {
	if c.Settings != nil && c.Settings.Privacy {
		return MaskMiddle(s)
	}
	return s
}

// PersonalNumbers masks, in privacy mode, only the numbers inside a label
// ("QIWI wallet +79161112233" -> "QIWI wallet +79•••••••33"), so the reader
// still sees what kind of recipient it is (sanitize.MaskNumbers).
func (c *Common) PersonalNumbers(s string) string {
	if c.Settings == nil || !c.Settings.Privacy {
		return s
	}
	return sanitize.MaskNumbers(s)
}

// MaskMiddle keeps the first two and last two visible characters:
// "+79991234567" -> "+7•••••••67" (sanitize.MaskMiddle, the one rule).
func MaskMiddle(s string) string { return sanitize.MaskMiddle(s) }

// Date formats a timestamp in its own zone, so QIWI's +03:00 stays visible.
func Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("2006-01-02 15:04")
}

// DateTZ is Date with the offset.
func DateTZ(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("2006-01-02 15:04:05 -07:00")
}

// Truncate cuts s to width cells, ending with "…". Widths are terminal
// cells: a wide character or a ZWJ emoji sequence (👨‍👩‍👧) counts as the
// two cells it takes, so borders and columns stay put.
func Truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// PadRight pads s with spaces to width cells.
func PadRight(s string, width int) string {
	s = Truncate(s, width)
	return s + strings.Repeat(" ", max(0, width-ansi.StringWidth(s)))
}

// PadLeft right-aligns s in width cells.
func PadLeft(s string, width int) string {
	s = Truncate(s, width)
	return strings.Repeat(" ", max(0, width-ansi.StringWidth(s))) + s
}

// OrDash is s, or "—" when s is blank.
func OrDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
