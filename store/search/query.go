// Package search is the support console's engine: one query over every
// profile's cache (history rows, the money-move journal, merchant bills,
// notifications received), and the case of one payment: everything known
// about it in time order, and a report of it for a ticket with personal
// data masked. It only reads: nothing here moves money or asks QIWI.
package search

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
)

// Kind is what a query (or a part of one) is read as.
type Kind string

// Kinds of query. A query without a prefix is read as every kind it can
// be ("1500" is a txn id, an amount, an account fragment, a top-up number
// and a bill id), and the hits of each are listed together.
const (
	KindTxnID   Kind = "txn id"
	KindAccount Kind = "account"
	KindAmount  Kind = "amount"
	KindDate    Kind = "date"
	KindWords   Kind = "words"
	KindBill    Kind = "bill id"
	KindTopup   Kind = "top-up number"
)

// Query is a parsed search: each set field is one reading of the text.
type Query struct {
	Text     string
	TxnID    int64            // 0: not read as a txn id
	Account  []string         // fragments (3+ characters each) that must all be in the account
	Amount   *qiwiapi.Amount  // Currency 0: any currency
	From, To time.Time        // a day or a range of days: From <= date < To
	Words    string           // words of the comment, provider, status, error (each a prefix)
	BillID   string           // a bill id (exact, or a fragment of 3+ characters)
	Topup    string           // a top-up number (the agent's txn id) or a client id
	Kinds    []Kind           // the readings, in the order above
	Location *time.Location   // the zone dates were read in
	currency qiwiapi.Currency // the currency named in an amount, if any
}

// ErrEmpty is the error of a query with nothing to look for.
var ErrEmpty = i18n.Errorf("search.err_empty", nil, nil)

// prefixes force one reading, in English or in Russian ("сумма: 1500").
var prefixes = map[string]Kind{
	"id": KindTxnID, "txn": KindTxnID, "ид": KindTxnID, "транзакция": KindTxnID,
	"acc": KindAccount, "account": KindAccount, "phone": KindAccount, "card": KindAccount,
	"тел": KindAccount, "телефон": KindAccount, "карта": KindAccount, "реквизиты": KindAccount, "получатель": KindAccount,
	"amount": KindAmount, "sum": KindAmount, "сумма": KindAmount,
	"date": KindDate, "дата": KindDate,
	"text": KindWords, "comment": KindWords, "words": KindWords, "текст": KindWords, "комментарий": KindWords, "слова": KindWords,
	"bill": KindBill, "счёт": KindBill, "счет": KindBill,
	"topup": KindTopup, "top-up": KindTopup, "пополнение": KindTopup,
}

var (
	// 1 500, 1 500.00, 1500,5, 12 345 678 ₽: digits grouped by spaces (also
	// no-break and thin), a decimal part, a currency.
	groupedRe = regexp.MustCompile(`^[+-]?\d{1,3}(?:[ \x{00a0}\x{202f}]\d{3})+(?:[.,]\d{1,2})?$`)
	decimalRe = regexp.MustCompile(`^[+-]?\d+[.,]\d{1,2}$`)
	digitsRe  = regexp.MustCompile(`^\d+$`)
	phoneRe   = regexp.MustCompile(`^\+[\d\s()-]{5,}$`)
	// A..B, A - B, A to B; с A по B, A до B in Russian.
	rangeRe = regexp.MustCompile(`^(?:[сС]\s+)?(\S+)\s*(?:\.\.|—|–|\s-\s|\sto\s|\sпо\s|\sдо\s)\s*(\S+)$`)
	fragRe  = regexp.MustCompile(`[\p{L}\p{N}@._-]{3,}`)
)

// currencyWords are the currency names an amount may end with.
var currencyWords = map[string]qiwiapi.Currency{
	"₽": qiwiapi.RUB, "р": qiwiapi.RUB, "руб": qiwiapi.RUB, "rub": qiwiapi.RUB, "рублей": qiwiapi.RUB, "рубля": qiwiapi.RUB, "рубль": qiwiapi.RUB,
	"$": qiwiapi.USD, "usd": qiwiapi.USD, "долл": qiwiapi.USD, "долларов": qiwiapi.USD,
	"€": qiwiapi.EUR, "eur": qiwiapi.EUR, "евро": qiwiapi.EUR,
	"₸": qiwiapi.KZT, "kzt": qiwiapi.KZT, "тг": qiwiapi.KZT, "тенге": qiwiapi.KZT,
}

// Parse reads what a person typed or pasted. Dates are days in loc (nil:
// the local zone).
//
//	12345678901            txn id, account fragment, top-up number, bill id
//	+7 916 111-22-33       account (phone, any fragment of 3+ digits)
//	2201****0580           account (card: each visible part)
//	1 500, 1500.00 ₽       amount (1500.00 in any currency, or in the one named)
//	2026-11-22, 22.11.2026 date; 2026-11-01..2026-11-22 a range of days
//	                       (also "A to B", "с A по B", "A до B")
//	кофе на работе         words (prefixes, any letter case, Cyrillic too), bill id
//	id: acc: amount: date: text: bill: topup:   force one reading
//	ид: тел: сумма: дата: текст: счёт: пополнение:   the same in Russian
//
// A failure is an *i18n.Error: the reader's language words it.
func Parse(text string, loc *time.Location) (Query, error) {
	if loc == nil {
		loc = time.Local
	}
	q := Query{Text: text, Location: loc}
	s := strings.TrimSpace(text)
	if s == "" {
		return q, ErrEmpty
	}
	if p, rest, ok := strings.Cut(s, ":"); ok {
		if k, known := prefixes[strings.ToLower(strings.TrimSpace(p))]; known {
			rest = strings.TrimSpace(rest)
			if rest == "" {
				return q, i18n.Errorf("search.err_after_colon", i18n.Args{"Prefix": p}, nil)
			}
			if err := q.read(k, rest); err != nil {
				return q, err
			}
			return q, nil
		}
	}
	q.auto(s)
	if len(q.Kinds) == 0 {
		return q, i18n.Errorf("search.err_nothing", i18n.Args{"Text": text}, nil)
	}
	return q, nil
}

// auto reads s as every kind it can be.
func (q *Query) auto(s string) {
	if q.read(KindDate, s) == nil {
		return
	}
	if strings.Contains(s, "*") || phoneRe.MatchString(s) {
		_ = q.read(KindAccount, s)
		return
	}
	if q.read(KindAmount, s) == nil && !digitsRe.MatchString(s) {
		return // "1 500", "1500.00", "1500 ₽": an amount only
	}
	if digitsRe.MatchString(s) {
		_ = q.read(KindTxnID, s)
		_ = q.read(KindAccount, s)
		_ = q.read(KindTopup, s)
		_ = q.read(KindBill, s)
		return
	}
	_ = q.read(KindWords, s)
	if !strings.ContainsAny(s, " \t") {
		_ = q.read(KindBill, s)
		_ = q.read(KindTopup, s)
		if letterDigits(s) >= 3 && strings.ContainsAny(s, "@0123456789") {
			_ = q.read(KindAccount, s)
		}
	}
}

func letterDigits(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// read sets one reading of s, or says why s cannot be read so.
func (q *Query) read(k Kind, s string) error {
	switch k {
	case KindTxnID:
		d := strings.TrimPrefix(strings.TrimSpace(s), "#")
		n, err := strconv.ParseInt(d, 10, 64)
		if err != nil || n <= 0 {
			return i18n.Errorf("search.err_txn_id", i18n.Args{"Text": s}, nil)
		}
		q.TxnID = n
	case KindAccount:
		frags := fragRe.FindAllString(accountText(s), -1)
		if len(frags) == 0 {
			return i18n.Errorf("search.err_account", i18n.Args{"Text": s}, nil)
		}
		q.Account = frags
	case KindAmount:
		a, cur, err := parseAmount(s)
		if err != nil {
			return err
		}
		q.Amount, q.currency = &a, cur
	case KindDate:
		from, to, err := parseDays(s, q.Location)
		if err != nil {
			return err
		}
		q.From, q.To = from, to
	case KindWords:
		if letterDigits(s) == 0 {
			return i18n.Errorf("search.err_words", i18n.Args{"Text": s}, nil)
		}
		q.Words = s
	case KindBill:
		if letterDigits(s) == 0 || len([]rune(strings.TrimSpace(s))) < 3 {
			return i18n.Errorf("search.err_bill", i18n.Args{"Text": s}, nil)
		}
		q.BillID = strings.TrimSpace(s)
	case KindTopup:
		if letterDigits(s) == 0 {
			return i18n.Errorf("search.err_topup", i18n.Args{"Text": s}, nil)
		}
		q.Topup = strings.TrimSpace(s)
	}
	q.Kinds = append(q.Kinds, k)
	return nil
}

// accountText joins a phone's digit groups ("+7 916 111-22-33" ->
// "79161112233") and splits a masked card at its stars.
func accountText(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "+")
	if phoneRe.MatchString("+" + s) {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	return strings.ReplaceAll(s, "*", " ")
}

// parseAmount reads "1 500", "1500", "1500.00", "1 500,50 ₽", "15 USD".
func parseAmount(s string) (qiwiapi.Amount, qiwiapi.Currency, error) {
	t := strings.TrimSpace(s)
	var cur qiwiapi.Currency
	low := strings.ToLower(t)
	for word, c := range currencyWords {
		if strings.HasSuffix(low, word) {
			rest := strings.TrimSpace(t[:len(t)-len(word)])
			if rest != "" && unicode.IsDigit([]rune(rest)[len([]rune(rest))-1]) {
				t, cur = strings.TrimSuffix(rest, "."), c
				break
			}
		}
	}
	if !groupedRe.MatchString(t) && !decimalRe.MatchString(t) && !digitsRe.MatchString(t) {
		return qiwiapi.Amount{}, 0, i18n.Errorf("search.err_amount", i18n.Args{"Text": s}, nil)
	}
	t = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", ".").Replace(t)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "+"), "-")
	digits := qiwiapi.RUB
	if cur != 0 {
		digits = cur
	}
	a, err := qiwiapi.ParseAmount(t, digits)
	if err != nil || a.Minor <= 0 {
		return qiwiapi.Amount{}, 0, i18n.Errorf("search.err_amount", i18n.Args{"Text": s}, nil)
	}
	a.Currency = cur
	return a, cur, nil
}

var dayLayouts = []string{"2006-01-02", "02.01.2006", "2.1.2006"}

func parseDay(s string, loc *time.Location) (time.Time, bool) {
	for _, l := range dayLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseDays reads a day or a range of days ("A..B", "A - B", "A to B"),
// both ends included; it returns [from, to).
func parseDays(s string, loc *time.Location) (time.Time, time.Time, error) {
	s = strings.TrimSpace(s)
	if d, ok := parseDay(s, loc); ok {
		return d, d.AddDate(0, 0, 1), nil
	}
	m := rangeRe.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, time.Time{}, i18n.Errorf("search.err_date", i18n.Args{"Text": s}, nil)
	}
	a, okA := parseDay(m[1], loc)
	b, okB := parseDay(m[2], loc)
	if !okA || !okB {
		return time.Time{}, time.Time{}, i18n.Errorf("search.err_range", i18n.Args{"Text": s}, nil)
	}
	if b.Before(a) {
		a, b = b, a
	}
	return a, b.AddDate(0, 0, 1), nil
}

// Describe says how the query was read, in tr's language (nil: English):
// "txn id 1500, amount 1500.00 (any currency), ...".
func (q Query) Describe(tr *i18n.Tr) string {
	var parts []string
	for _, k := range q.Kinds {
		switch k {
		case KindTxnID:
			parts = append(parts, tr.T("search.read_txn_id", i18n.Args{"ID": q.TxnID}))
		case KindAccount:
			parts = append(parts, tr.T("search.read_account", i18n.Args{"Parts": strings.Join(q.Account, tr.T("search.read_and", nil))}))
		case KindAmount:
			if q.currency == 0 {
				_, point := tr.Separators()
				n := strings.Replace(qiwiapi.Amount{Minor: q.Amount.Minor, Currency: qiwiapi.RUB}.Decimal(), ".", point, 1)
				parts = append(parts, tr.T("search.read_amount_any", i18n.Args{"Amount": n}))
			} else {
				parts = append(parts, tr.T("search.read_amount", i18n.Args{"Amount": q.Amount.FormatWith(tr.Separators())}))
			}
		case KindDate:
			last := q.To.AddDate(0, 0, -1)
			if last.Equal(q.From) {
				parts = append(parts, tr.T("search.read_date", i18n.Args{"Day": q.From.Format("2006-01-02")}))
			} else {
				parts = append(parts, tr.T("search.read_dates", i18n.Args{"From": q.From.Format("2006-01-02"), "To": last.Format("2006-01-02")}))
			}
		case KindWords:
			parts = append(parts, tr.T("search.read_words", i18n.Args{"Words": q.Words}))
		case KindBill:
			parts = append(parts, tr.T("search.read_bill", i18n.Args{"ID": q.BillID}))
		case KindTopup:
			parts = append(parts, tr.T("search.read_topup", i18n.Args{"ID": q.Topup}))
		}
	}
	return strings.Join(parts, ", ")
}
