package merchant

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
	"qiwidash/ui/common"
)

// currencies a bill may be issued in (the demo shop's contract).
var currencies = []string{"RUB", "USD", "EUR"}

// maxBillMinor is Number(6.2): 999 999.99.
const maxBillMinor = 999_999_99

// DefaultLifetime is what the lifetime field starts with.
const DefaultLifetime = "24h"

// field is one line of a form: typed text, or a choice cycled with ←/→.
type field struct {
	key     string
	label   string
	input   textinput.Model
	choices []string
	choice  int
	touched bool   // typed into: its problem is shown
	problem string // what is wrong, in words ("" = fine)
	note    string // what the value means once understood
}

func (f *field) value() string {
	if f.choices != nil {
		return f.choices[f.choice]
	}
	return strings.TrimSpace(f.input.Value())
}

func newText(key, label, placeholder, value string, limit int) *field {
	in := textinput.New()
	in.Prompt = "> "
	if placeholder != "" && !strings.HasPrefix(placeholder, "e.g.") {
		placeholder = "e.g. " + placeholder // never only grey: an example says so in words
	}
	in.Placeholder = placeholder
	in.CharLimit = limit
	in.Cursor.SetMode(cursor.CursorStatic) // no blink: deterministic screens
	in.SetValue(value)
	return &field{key: key, label: label, input: in}
}

type formKind int

const (
	createForm formKind = iota
	refundForm
)

// form is the open create or refund form. Its id (bill_id or refund_id)
// is made when the form opens: one id per intent.
type form struct {
	kind      formKind
	title     string
	fields    []*field
	focus     int
	submitted bool
	id        string // bill_id (create) or refund_id (refund)
	bill      Bill   // the bill being refunded
}

func (f *form) get(key string) *field {
	for _, fl := range f.fields {
		if fl.key == key {
			return fl
		}
	}
	return nil
}

func (f *form) setFocus(i int) tea.Cmd {
	f.focus = (i + len(f.fields)) % len(f.fields)
	var cmd tea.Cmd
	for j, fl := range f.fields {
		if j == f.focus && fl.choices == nil {
			cmd = fl.input.Focus()
		} else {
			fl.input.Blur()
		}
	}
	return cmd
}

func newCreateForm(id string) *form {
	f := &form{kind: createForm, title: "New bill", id: id, fields: []*field{
		newText("payer", "Payer phone", "+79161234567", "", 20),
		newText("amount", "Amount", "100.00", "", 12),
		{key: "ccy", label: "Currency", choices: currencies},
		newText("comment", "Comment", "Order 1042 (optional)", "", 255),
		newText("lifetime", "Pay within", "24h, 3d, 90m or 2026-12-01 18:00", DefaultLifetime, 40),
	}}
	f.setFocus(0)
	return f
}

func newRefundForm(b Bill, id string) *form {
	avail := available(b)
	f := &form{kind: refundForm, title: "Refund bill " + b.ID, id: id, bill: b, fields: []*field{
		newText("amount", "Refund amount", avail.Decimal(), avail.Decimal(), 12),
	}}
	f.setFocus(0)
	return f
}

// available is what QIWI will accept as a new refund now: the refundable
// rest minus refunds still in flight.
func available(b Bill) qiwiapi.Amount {
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

// validateCreate checks every field, fills problems and notes, and returns
// the request when all is fine.
func (f *form) validateCreate(c *common.Common, now time.Time) (createInput, bool) {
	var in createInput
	ok := true
	check := func(fl *field, problem, note string) {
		fl.problem, fl.note = problem, note
		if problem != "" {
			ok = false
		}
	}
	payer := f.get("payer")
	if u, err := checkPayer(payer.value()); err != nil {
		check(payer, sentence(err.Error()), "")
	} else {
		in.user = u
		check(payer, "", "billed to "+u)
	}
	ccy, _ := qiwiapi.ParseCurrency(f.get("ccy").value())
	amt := f.get("amount")
	if a, err := checkAmount(amt.value(), ccy, qiwiapi.Amount{Minor: maxBillMinor, Currency: ccy}); err != nil {
		check(amt, sentence(err.Error()), "")
	} else {
		in.amount = a
		check(amt, "", a.Format())
	}
	check(f.get("ccy"), "", "←/→ to change")
	cm := f.get("comment")
	in.comment = cm.value()
	if n := utf8.RuneCountInString(in.comment); n > 255 {
		check(cm, fmt.Sprintf("At most 255 characters (%d now)", n), "")
	} else {
		check(cm, "", "")
	}
	lt := f.get("lifetime")
	if t, err := parseLifetime(lt.value(), now); err != nil {
		check(lt, sentence(err.Error()), "")
	} else {
		in.lifetime = t
		check(lt, "", "until "+c.DateTZ(t)+" ("+countdown(t, now)+")")
	}
	return in, ok
}

// validateRefund checks the refund amount against what is available.
func (f *form) validateRefund() (qiwiapi.Amount, bool) {
	fl := f.get("amount")
	avail := available(f.bill)
	a, err := checkAmount(fl.value(), f.bill.Amount.Currency, avail)
	if err != nil {
		fl.problem, fl.note = sentence(err.Error()), ""
		return a, false
	}
	rest := avail
	rest.Minor -= a.Minor
	fl.problem = ""
	if rest.Minor == 0 {
		fl.note = "full refund of what remains"
	} else {
		fl.note = "partial: " + rest.Format() + " stays refundable"
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

// checkAmount parses a sum exactly (qiwiapi.ParseAmount), 2 decimals max,
// positive and at most limit.
func checkAmount(s string, ccy qiwiapi.Currency, limit qiwiapi.Amount) (qiwiapi.Amount, error) {
	if s == "" {
		return qiwiapi.Amount{}, errors.New("required")
	}
	a, err := qiwiapi.ParseAmount(strings.ReplaceAll(s, ",", "."), ccy)
	switch {
	case errors.Is(err, qiwiapi.ErrTooPrecise):
		return a, errors.New("at most 2 digits after the point")
	case err != nil:
		return a, errors.New("not a number: use digits and a point, e.g. 150.50")
	case a.Minor <= 0:
		return a, errors.New("must be more than zero")
	case a.Minor > limit.Minor:
		return a, errors.New("at most " + limit.Format())
	}
	return a, nil
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

// update handles a key while the form is open. It returns submit=true
// when the user asked to submit (enter on the last field).
func (f *form) update(k *common.KeyMap, msg tea.KeyMsg) (cmd tea.Cmd, submit bool) {
	fl := f.fields[f.focus]
	switch {
	case key.Matches(msg, k.NextField):
		return f.setFocus(f.focus + 1), false
	case key.Matches(msg, k.PrevField):
		return f.setFocus(f.focus - 1), false
	case key.Matches(msg, k.Enter):
		if f.focus == len(f.fields)-1 {
			return nil, true
		}
		return f.setFocus(f.focus + 1), false
	}
	if fl.choices != nil {
		switch {
		case key.Matches(msg, k.Left):
			fl.choice = (fl.choice + len(fl.choices) - 1) % len(fl.choices)
		case key.Matches(msg, k.Right):
			fl.choice = (fl.choice + 1) % len(fl.choices)
		}
		return nil, false
	}
	before := fl.input.Value()
	fl.input, cmd = fl.input.Update(msg)
	if fl.input.Value() != before {
		fl.touched = true
	}
	return cmd, false
}

// firstProblem is the index of the first field with a problem, or -1.
func (f *form) firstProblem() int {
	for i, fl := range f.fields {
		if fl.problem != "" {
			return i
		}
	}
	return -1
}

func (f *form) view(s *common.Styles, width int) string {
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
	b.WriteString("\n")
	for i, fl := range f.fields {
		marker := "  "
		label := s.Label
		if i == f.focus {
			marker, label = "▶ ", s.Accent
		}
		val := fl.input.View()
		if fl.choices != nil {
			var opts []string
			for j, c := range fl.choices {
				if j == fl.choice {
					opts = append(opts, s.Selected.Render("["+c+"]"))
				} else {
					opts = append(opts, " "+c+" ")
				}
			}
			val = strings.Join(opts, " ")
		}
		b.WriteString(marker + label.Render(common.PadRight(fl.label, 14)) + " " + val + "\n")
		switch {
		case fl.problem != "" && (fl.touched || f.submitted):
			b.WriteString("                 " + s.Error.Render("✗ "+common.Truncate(fl.problem, width-20)) + "\n")
		case fl.note != "" && fl.problem == "":
			b.WriteString("                 " + s.Subtle.Render(common.Truncate(fl.note, width-20)) + "\n")
		default:
			b.WriteString("\n")
		}
	}
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
