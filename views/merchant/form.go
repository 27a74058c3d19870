package merchant

import (
	"errors"
	"fmt"
	"qiwidash/store/bills"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
	"qiwidash/ui/common"
	"qiwidash/ui/formkit"
)

// currencies a bill may be issued in (the demo shop's contract).
var currencies = []string{"RUB", "USD", "EUR"}

// maxBillMinor is Number(6.2): 999 999.99.
const maxBillMinor = 999_999_99

// DefaultLifetime is what the lifetime field starts with.
const DefaultLifetime = "24h"

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

func newCreateForm(id string) *form {
	var ccys []formkit.Option
	for _, c := range currencies {
		ccys = append(ccys, formkit.Option{Label: c, Value: c})
	}
	f := &form{kind: createForm, title: "New bill", id: id, Form: formkit.New(
		formkit.NewText("payer", "Payer phone", "+79161234567"),
		formkit.NewAmount("amount", "Amount", qiwiapi.RUB),
		formkit.NewChoice("ccy", "Currency", ccys...),
		formkit.NewText("comment", "Comment", "Order 1042").AsOptional().WithLimit(255),
		formkit.NewText("lifetime", "Pay within", "24h, 3d, 90m or 2026-12-01 18:00").WithValue(DefaultLifetime),
	)}
	return f
}

func newRefundForm(b bills.Bill, id string) *form {
	avail := available(b)
	f := &form{kind: refundForm, title: "Refund bill " + b.ID, id: id, bill: b,
		Form: formkit.New(formkit.NewAmount("amount", "Refund amount", b.Amount.Currency).WithValue(avail.Decimal()))}
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
func atMost(fl *formkit.Field, limit qiwiapi.Amount) (qiwiapi.Amount, bool) {
	a, ok := fl.Amount()
	if ok && a.Minor > limit.Minor {
		fl.Problem = "At most " + limit.Format()
		return a, false
	}
	return a, ok
}

// validateCreate checks every field, fills problems and notes, and returns
// the request when all is fine.
func (f *form) validateCreate(c *common.Common, now time.Time) (createInput, bool) {
	var in createInput
	ccy, _ := qiwiapi.ParseCurrency(f.Value("ccy"))
	amt := f.Get("amount")
	amt.SetCurrency(ccy)
	f.Check() // the kit's checks: the amount rule, the comment's 255
	payer := f.Get("payer")
	payer.Note = ""
	if u, err := checkPayer(payer.Value()); err != nil {
		payer.Problem = sentence(err.Error())
	} else {
		in.user = u
		payer.Note = "billed to " + u
	}
	amt.Note = ""
	if a, ok := atMost(amt, qiwiapi.Amount{Minor: maxBillMinor, Currency: ccy}); ok {
		in.amount = a
		amt.Note = a.Format()
	}
	f.Get("ccy").Note = "←/→ to change"
	in.comment = f.Value("comment")
	lt := f.Get("lifetime")
	lt.Note = ""
	if t, err := parseLifetime(lt.Value(), now); err != nil {
		lt.Problem = sentence(err.Error())
	} else {
		in.lifetime = t
		lt.Note = "until " + c.DateTZ(t) + " (" + countdown(t, now) + ")"
	}
	for _, fl := range f.Fields {
		if fl.Problem != "" {
			return in, false
		}
	}
	return in, true
}

// validateRefund checks the refund amount against what is available.
func (f *form) validateRefund() (qiwiapi.Amount, bool) {
	f.Check()
	fl := f.Get("amount")
	fl.Note = ""
	avail := available(f.bill)
	a, ok := atMost(fl, avail)
	if !ok {
		return a, false
	}
	rest := avail
	rest.Minor -= a.Minor
	if rest.Minor == 0 {
		fl.Note = "full refund of what remains"
	} else {
		fl.Note = "partial: " + rest.Format() + " stays refundable"
	}
	return a, true
}

func checkPayer(s string) (string, error) {
	if s == "" {
		return "", errors.New("required: the payer's wallet phone, +7…")
	}
	u, err := pull.NormalizeUser(s)
	if err != nil {
		return "", errors.New("a phone in international format: + and 10-15 digits")
	}
	return u, nil
}

var durationRe = regexp.MustCompile(`^(?:(\d+)d)?((?:\d+[hm])*)$`)

// parseLifetime reads "90m", "24h", "3d", "1d12h" (from now) or a Moscow
// date "2026-12-01 18:00"; the result must be in the future and within
// QIWI's 45-day cap.
func parseLifetime(s string, now time.Time) (time.Time, error) {
	s = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "")
	if s == "" {
		return time.Time{}, errors.New("required: e.g. 24h, 3d or 2026-12-01 18:00")
	}
	var t time.Time
	if m := durationRe.FindStringSubmatch(s); m != nil {
		tooLong := errors.New("at most 45 days: QIWI expires bills after that anyway")
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
			return time.Time{}, errors.New("not understood: e.g. 24h, 3d or 2026-12-01 18:00 (in the header's time zone)")
		}
	}
	switch {
	case !t.After(now):
		return t, errors.New("must be in the future")
	case t.Sub(now) > pull.MaxLifetime:
		return t, errors.New("at most 45 days: QIWI expires bills after that anyway")
	}
	return t, nil
}

func (f *form) view(s *common.Styles, width, height int) string {
	var b strings.Builder
	b.WriteString(s.Title.Render(" "+f.title) + "\n")
	if f.kind == refundForm {
		bill := f.bill
		b.WriteString(fmt.Sprintf(" Paid %s · refunded %s · refundable %s\n",
			bill.Amount.Format(), bill.Refunded().Format(), bill.Refundable().Format()))
		if p := bill.Pending(); p.Minor > 0 {
			b.WriteString(s.Warning.Render(fmt.Sprintf(" %s is still being refunded", p.Format())) + "\n")
		}
	} else {
		b.WriteString(s.Subtle.Render(" Bill id "+f.id) + "\n")
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
