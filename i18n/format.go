package i18n

import "time"

// Separators of Russian numbers: thousands by a narrow no-break space
// (U+202F), the decimal comma.
const (
	ruGroup   = "\u202f"
	ruDecimal = ","
)

// Separators are the thousands group and the decimal point of numbers
// in t's language: a space and "." in English, U+202F and "," in Russian.
// Amounts take them whole: a.FormatWith(tr.Separators()) is "1 234.50 ₽"
// or "1 234,50 ₽". Only for people: exports and files a machine reads keep
// Amount.Decimal.
func (t *Tr) Separators() (group, point string) {
	if t.Lang() != RU {
		return " ", "."
	}
	return ruGroup, ruDecimal
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
