package common

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

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
