package common

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"qiwidash/qiwiapi"
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
// still sees what kind of recipient it is.
func (c *Common) PersonalNumbers(s string) string {
	if c.Settings == nil || !c.Settings.Privacy {
		return s
	}
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

// MaskMiddle keeps the first two and last two visible characters:
// "+79991234567" -> "+7•••••••67".
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

// Loc is the zone every time on screen is shown in: Zone, else Moscow
// time (QIWI's). The header names it once; columns do not repeat it.
func (c *Common) Loc() *time.Location {
	if c.Zone == nil {
		return qiwiapi.Moscow
	}
	return c.Zone
}

// ZoneName is Loc's short name now ("MSK", "CET", "+05").
func (c *Common) ZoneName() string {
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	return now.In(c.Loc()).Format("MST")
}

// Date formats a timestamp in Loc to the minute; "—" when there is none.
func (c *Common) Date(t time.Time) string { return c.format(t, "2006-01-02 15:04") }

// DateTZ is Date to the second, with Loc's offset (detail panes).
func (c *Common) DateTZ(t time.Time) string { return c.format(t, "2006-01-02 15:04:05 -07:00") }

// Clock is the time of day in Loc, to the second (live feeds, "updated").
func (c *Common) Clock(t time.Time) string { return c.format(t, "15:04:05") }

func (c *Common) format(t time.Time, layout string) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(c.Loc()).Format(layout)
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
