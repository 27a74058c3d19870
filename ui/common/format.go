package common

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
)

// Loc is the zone every time on screen is shown in: Zone, else Moscow
// time (QIWI's). The header names it once; columns do not repeat it.
func (c *Common) Loc() *time.Location {
	if c.Zone == nil {
		return qiwiapi.Moscow
	}
	return c.Zone
}

// ZoneName is Loc's short name now ("MSK", "CET", "+05"); Moscow time is
// "МСК" in Russian, as Russians write it. Other zones keep the name the
// zone database gives them.
func (c *Common) ZoneName() string {
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	name := now.In(c.Loc()).Format("MST")
	if name == "MSK" && c.Tr.Lang() == i18n.RU {
		return "МСК"
	}
	return name
}

// Date formats a timestamp in Loc to the minute; "—" when there is none.
func (c *Common) Date(t time.Time) string { return c.format(t, "2006-01-02 15:04") }

// DateTZ is Date to the second, with Loc's offset (detail panes).
func (c *Common) DateTZ(t time.Time) string { return c.format(t, "2006-01-02 15:04:05 -07:00") }

// DateWords is a time in Loc with the month in words, in the user's
// language: "1 Dec 2026, 09:32", "1 дек 2026, 09:32"; "—" when there is
// none. Columns keep Date's digits; a file a machine reads keeps ISO.
func (c *Common) DateWords(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return c.Tr.DateWords(t.In(c.Loc()))
}

// ShortDate is a time in Loc without the year, where the column is
// narrow: the day and month as the reader writes them ("12-01 17:07" in
// English, "01.12 17:07" in Russian, where 12-01 would read as 12
// January), to the second when seconds is set.
func (c *Common) ShortDate(t time.Time, seconds bool) string {
	layout := "01-02 15:04"
	if c.Tr.Lang() == i18n.RU {
		layout = "02.01 15:04"
	}
	if seconds {
		layout += ":05"
	}
	return c.format(t, layout)
}

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
