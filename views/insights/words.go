package insights

import (
	"time"

	"qiwidash/i18n"
)

// The months and weekdays as the screen writes them, in the catalogue:
// the month on its own ("November", "ноябрь"), short under a bar ("Nov",
// "ноя") and after a day ("2 November", "2 ноября").
var (
	monthIDs = [12]string{"insights.january", "insights.february", "insights.march", "insights.april", "insights.may", "insights.june",
		"insights.july", "insights.august", "insights.september", "insights.october", "insights.november", "insights.december"}
	monthShortIDs = [12]string{"insights.jan", "insights.feb", "insights.mar", "insights.apr", "insights.may_short", "insights.jun",
		"insights.jul", "insights.aug", "insights.sep", "insights.oct", "insights.nov", "insights.dec"}
	monthOfIDs = [12]string{"insights.of_january", "insights.of_february", "insights.of_march", "insights.of_april", "insights.of_may", "insights.of_june",
		"insights.of_july", "insights.of_august", "insights.of_september", "insights.of_october", "insights.of_november", "insights.of_december"}
	// weekdayIDs start on Monday, as the calendar does.
	weekdayIDs = [7]string{"insights.mon", "insights.tue", "insights.wed", "insights.thu", "insights.fri", "insights.sat", "insights.sun"}
)

// monthYear is "November 2026", "ноябрь 2026".
func monthYear(tr *i18n.Tr, t time.Time) string {
	return tr.T("insights.month_year", i18n.Args{"Month": tr.T(monthIDs[t.Month()-1], nil), "Year": t.Year()})
}

// monthShort is "Nov", "ноя".
func monthShort(tr *i18n.Tr, t time.Time) string { return tr.T(monthShortIDs[t.Month()-1], nil) }

// weekday is "Mon", "Пн": Monday is 0.
func weekday(tr *i18n.Tr, monFirst int) string { return tr.T(weekdayIDs[monFirst], nil) }

// dayDate is "Mon 2 November", "Пн, 2 ноября".
func dayDate(tr *i18n.Tr, t time.Time) string {
	return tr.T("insights.day_date", i18n.Args{"Weekday": weekday(tr, (int(t.Weekday())+6)%7), "Day": t.Day(),
		"Month": tr.T(monthOfIDs[t.Month()-1], nil)})
}
