package merchant

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
	"qiwidash/store/bills"
	"qiwidash/ui/common"
	"qiwidash/ui/formkit"
)

// currencies a bill may be issued in (the demo shop's contract).
var currencies = []string{"RUB", "USD", "EUR"}

// maxBillMinor is Number(6.2): 999 999.99.
const maxBillMinor = 999_999_99

type formKind int

const (
	createForm formKind = iota
	refundForm
)

// form is the open create or refund form on the kit. Its id (bill_id or
// refund_id) is made when the form opens: one id per intent.
type form struct {
	*formkit.Form
	kind  formKind
	title string
	id    string     // bill_id (create) or refund_id (refund)
	bill  bills.Bill // the bill being refunded
}

func newCreateForm(tr *i18n.Tr, id string) *form {
	var ccys []formkit.Option
	for _, c := range currencies {
		ccys = append(ccys, formkit.Option{Label: c, Value: c})
	}
	f := &form{kind: createForm, title: tr.T("merchant.form_new", nil), id: id, Form: formkit.New(
		formkit.NewText("payer", tr.T("merchant.field_payer", nil), "+79161234567"),
		formkit.NewAmount("amount", tr.T("merchant.field_amount", nil), qiwiapi.RUB),
		formkit.NewChoice("ccy", tr.T("merchant.field_currency", nil), ccys...),
		formkit.NewText("comment", tr.T("merchant.field_comment", nil), tr.T("merchant.field_comment_example", nil)).AsOptional().WithLimit(255),
		formkit.NewText("lifetime", tr.T("merchant.field_lifetime", nil), tr.T("merchant.field_lifetime_example", nil)).WithValue(tr.T("merchant.field_lifetime_default", nil)),
	).WithTr(tr)}
	return f
}

func newRefundForm(tr *i18n.Tr, b bills.Bill, id string) *form {
	_, point := tr.Separators() // prefilled as the reader writes it: 2510,06 in Russian
	avail := strings.Replace(available(b).Decimal(), ".", point, 1)
	f := &form{kind: refundForm, title: tr.T("merchant.form_refund", i18n.Args{"ID": b.ID}), id: id, bill: b,
		Form: formkit.New(formkit.NewAmount("amount", tr.T("merchant.field_refund", nil), b.Amount.Currency).WithValue(avail)).WithTr(tr)}
	return f
}

// available is what QIWI will accept as a new refund now: the refundable
// rest minus refunds still in flight.
func available(b bills.Bill) qiwiapi.Amount {
	a := b.Refundable()
	a.Minor -= b.Pending().Minor
	if a.Minor < 0 {
		a.Minor = 0
	}
	return a
}

// createInput is a validated create form.
type createInput struct {
	user     string
	amount   qiwiapi.Amount
	comment  string
	lifetime time.Time
}

// atMost refuses an amount above limit (the kit has read it already).
func atMost(tr *i18n.Tr, fl *formkit.Field, limit qiwiapi.Amount) (qiwiapi.Amount, bool) {
	a, ok := fl.Amount()
	if ok && a.Minor > limit.Minor {
		fl.Problem = tr.T("merchant.at_most", i18n.Args{"Amount": limit.FormatWith(tr.Separators())})
		return a, false
	}
	return a, ok
}

// validateCreate checks every field, fills problems and notes, and returns
// the request when all is fine.
func (f *form) validateCreate(c *common.Common, now time.Time) (createInput, bool) {
	var in createInput
	tr := c.Tr
	ccy, _ := qiwiapi.ParseCurrency(f.Value("ccy"))
	amt := f.Get("amount")
	amt.SetCurrency(ccy)
	f.Check() // the kit's checks: the amount rule, the comment's 255
	payer := f.Get("payer")
	payer.Note = ""
	if u, err := checkPayer(payer.Value()); err != nil {
		payer.Problem = sentence(tr.Error(err))
	} else {
		in.user = u
		payer.Note = tr.T("merchant.note_billed_to", i18n.Args{"User": u})
	}
	amt.Note = ""
	if a, ok := atMost(tr, amt, qiwiapi.Amount{Minor: maxBillMinor, Currency: ccy}); ok {
		in.amount = a
		amt.Note = a.FormatWith(tr.Separators())
	}
	f.Get("ccy").Note = tr.T("merchant.note_change", nil)
	in.comment = f.Value("comment")
	lt := f.Get("lifetime")
	lt.Note = ""
	if t, err := parseLifetime(lt.Value(), now); err != nil {
		lt.Problem = sentence(tr.Error(err))
	} else {
		in.lifetime = t
		left, _ := countdown(tr, t, now) // parseLifetime took only a time ahead
		lt.Note = tr.T("merchant.note_until", i18n.Args{"Date": c.DateTZ(t), "Left": left})
	}
	for _, fl := range f.Fields {
		if fl.Problem != "" {
			return in, false
		}
	}
	return in, true
}

// validateRefund checks the refund amount against what is available.
func (f *form) validateRefund(tr *i18n.Tr) (qiwiapi.Amount, bool) {
	f.Check()
	fl := f.Get("amount")
	fl.Note = ""
	avail := available(f.bill)
	a, ok := atMost(tr, fl, avail)
	if !ok {
		return a, false
	}
	rest := avail
	rest.Minor -= a.Minor
	if rest.Minor == 0 {
		fl.Note = tr.T("merchant.note_full", nil)
	} else {
		fl.Note = tr.T("merchant.note_partial", i18n.Args{"Rest": rest.FormatWith(tr.Separators())})
	}
	return a, true
}

func checkPayer(s string) (string, error) {
	if s == "" {
		return "", i18n.Errorf("merchant.payer_required", nil, nil)
	}
	u, err := pull.NormalizeUser(s)
	if err != nil {
		return "", i18n.Errorf("merchant.payer_format", nil, nil)
	}
	return u, nil
}

var durationRe = regexp.MustCompile(`^(?:(\d+)d)?((?:\d+[hm])*)$`)

// russianUnits reads the Russian units of a lifetime as the Latin ones:
// "24ч", "3д", "90мин" or "90м".
var russianUnits = strings.NewReplacer("мин", "m", "м", "m", "ч", "h", "д", "d")

// parseLifetime reads "90m", "24h", "3d", "1d12h" (or "90мин", "24ч",
// "3д", "1д12ч") from now or a Moscow date "2026-12-01 18:00"; the result
// must be in the future and within QIWI's 45-day cap.
func parseLifetime(s string, now time.Time) (time.Time, error) {
	s = russianUnits.Replace(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", ""))
	if s == "" {
		return time.Time{}, i18n.Errorf("merchant.lifetime_required", nil, nil)
	}
	var t time.Time
	if m := durationRe.FindStringSubmatch(s); m != nil {
		tooLong := i18n.Errorf("merchant.lifetime_too_long", nil, nil)
		var d time.Duration
		if m[1] != "" {
			// Checked before multiplying: 213504d would wrap round to minutes.
			days, err := strconv.Atoi(m[1])
			if err != nil || days > int(pull.MaxLifetime/(24*time.Hour)) {
				return time.Time{}, tooLong
			}
			d = time.Duration(days) * 24 * time.Hour
		}
		if m[2] != "" {
			// The pattern lets only digits with h or m through: the one
			// way left to fail is a number too large for a duration.
			rest, err := time.ParseDuration(m[2])
			if err != nil || rest > pull.MaxLifetime {
				return time.Time{}, tooLong
			}
			d += rest
		}
		t = now.Add(d)
	} else {
		var err error
		raw := strings.ReplaceAll(s, "t", "") // "2026-12-01T18:00" was lowered
		for _, layout := range []string{"2006-01-0215:04", "2006-01-02"} {
			if t, err = time.ParseInLocation(layout, raw, now.Location()); err == nil {
				break
			}
		}
		if err != nil {
			return time.Time{}, i18n.Errorf("merchant.lifetime_unclear", nil, nil)
		}
	}
	switch {
	case !t.After(now):
		return t, i18n.Errorf("merchant.lifetime_past", nil, nil)
	case t.Sub(now) > pull.MaxLifetime:
		return t, i18n.Errorf("merchant.lifetime_too_long", nil, nil)
	}
	return t, nil
}

func (f *form) view(c *common.Common, width, height int) string {
	s, tr := c.Styles, c.Tr
	money := c.MoneyInFull
	var b strings.Builder
	b.WriteString(s.Title.Render(" "+f.title) + "\n")
	if f.kind == refundForm {
		bill := f.bill
		b.WriteString(" " + tr.T("merchant.form_paid", i18n.Args{"Paid": money(bill.Amount), "Refunded": money(bill.Refunded()),
			"Refundable": money(bill.Refundable())}) + "\n")
		if p := bill.Pending(); p.Minor > 0 {
			b.WriteString(s.Warning.Render(" "+tr.T("merchant.form_pending", i18n.Args{"Amount": money(p)})) + "\n")
		}
	} else {
		b.WriteString(s.Subtle.Render(" "+tr.T("merchant.form_bill_id", i18n.Args{"ID": f.id})) + "\n")
	}
	b.WriteString("\n" + f.View(s, true, width, height-3) + "\n")
	return b.String()
}

// sentence starts a problem with a capital letter for the screen (Go error
// strings start lower-case).
func sentence(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}
