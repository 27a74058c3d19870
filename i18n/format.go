package i18n

import (
	"time"

	"qiwidash/qiwiapi"
)

// Separators of Russian numbers: thousands by a narrow no-break space
// (U+202F), the decimal comma.
const (
	ruGroup   = "\u202f"
	ruDecimal = ","
)

// Money is an amount as people read it in t's language: "1 234.50 ₽" in
// English (Amount.Format), "1 234,50 ₽" in Russian. Only for the screen:
// exports and files a machine reads keep Amount.Decimal.
func (t *Tr) Money(a qiwiapi.Amount) string {
	if t.Lang() != RU {
		return a.Format()
	}
	return a.FormatWith(ruGroup, ruDecimal)
}

// SignedMoney is Money with an explicit + on a credit (a debit has its -).
func (t *Tr) SignedMoney(a qiwiapi.Amount) string {
	if a.Minor > 0 {
		return "+" + t.Money(a)
	}
	return t.Money(a)
}

// ruMonths are the months as a Russian date writes them after the day
// (genitive, short: "1 мая", "1 дек").
var ruMonths = [12]string{"янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"}

// DateWords is a time with the month in words, to the minute: "1 Dec 2026,
// 09:32" in English, "1 дек 2026, 09:32" in Russian. t is shown in its own
// location: callers convert to the screens' zone first.
func (t *Tr) DateWords(at time.Time) string {
	if t.Lang() != RU {
		return at.Format("2 Jan 2006, 15:04")
	}
	return at.Format("2 ") + ruMonths[at.Month()-1] + at.Format(" 2006, 15:04")
}
