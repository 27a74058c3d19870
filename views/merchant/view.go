package merchant

import (
	"fmt"
	"qiwidash/store/bills"
	"strings"
	"time"

	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/ui/common"
)

// statusWords is a bill's state in words, local states included.
func statusWords(b bills.Bill) string {
	switch {
	case b.Refused:
		return "refused by QIWI"
	case b.Status == "" && b.LastError != "":
		return "not confirmed"
	case b.Status == "":
		return "sending…"
	case b.Status == pull.BillPaid:
		switch refunded := b.Refunded(); {
		case refunded.Minor == 0:
			return "paid"
		case refunded.Minor >= b.Amount.Minor:
			return "paid, refunded"
		default:
			return "paid, part refunded"
		}
	}
	switch b.Status {
	case pull.BillWaiting:
		return "waiting for payment"
	case pull.BillRejected:
		return "cancelled"
	case pull.BillUnpaid:
		return "payment failed"
	case pull.BillExpired:
		return "expired unpaid"
	}
	return string(b.Status) + " (unknown)"
}

func refundWords(r bills.Refund) string {
	w := refundState(r)
	if r.Error != 0 && !strings.Contains(w, r.Error.Meaning()) {
		w += " (QIWI error " + r.Error.String() + ")"
	}
	return w
}

func refundState(r bills.Refund) string {
	switch {
	case r.Status == pull.RefundSuccess:
		return "done"
	case r.Status == pull.RefundFail && r.LastError != "":
		return "refused: " + r.LastError
	case r.Status == pull.RefundFail:
		return "failed"
	case r.Status == pull.RefundProcessing:
		return "processing"
	case r.LastError != "":
		return "not confirmed: " + r.LastError
	}
	return "sending…"
}

// countdown is the time left until t: "in 1d 2h", "in 5h 3m", "in 12m",
// "overdue", or "—" when the deadline is not known (a bill seen only
// through QIWI, which does not report it).
func countdown(t, now time.Time) string {
	if t.IsZero() {
		return "—"
	}
	d := t.Sub(now)
	if d <= 0 {
		return "overdue"
	}
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("in %dd %dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("in %dh %dm", hours, mins)
	case mins > 0:
		return fmt.Sprintf("in %dm", mins)
	}
	return "in <1m"
}

func (m *Model) expires(b bills.Bill) string {
	if b.Status.Final() || b.Refused {
		return "—"
	}
	return countdown(b.Lifetime, m.now())
}

// phone strips "tel:" for display.
func phone(user string) string { return strings.TrimPrefix(user, "tel:") }

const (
	colID       = 22
	colStatus   = 22
	colAmount   = 16
	colPayer    = 15
	colExpires  = 12
	colRefunded = 16
)

// View draws the bill table and the selected bill, or the open form.
func (m *Model) View() string {
	s := m.c.Styles
	if m.c.Merchant == nil {
		return s.Error.Render(" No merchant credentials: add the Pull REST API_ID, password and Shop ID to the profile.")
	}
	if m.form != nil {
		return m.form.view(s, m.width, m.height)
	}
	switch {
	case m.state == common.StateLoading && len(m.bills) == 0:
		return s.Subtle.Render(" Loading bills…")
	case m.state == common.StateError && len(m.bills) == 0:
		return s.Error.Render(" " + m.explain(m.err) + "\n\n Press r to retry.")
	case len(m.bills) == 0:
		return s.Title.Render(" Bills issued here") + "\n\n" +
			s.Subtle.Render(" No bills yet. Press n to issue one: the payer pays it in their QIWI wallet.")
	}
	var b strings.Builder
	b.WriteString(s.Title.Render(" Bills issued here") + "  " + s.Subtle.Render(m.summary()) + "\n")
	header := fmt.Sprintf("   %s %s %s %s %s %s",
		common.PadRight("BILL ID", colID), common.PadRight("STATUS", colStatus), common.PadLeft("AMOUNT", colAmount),
		common.PadRight("PAYER", colPayer), common.PadRight("EXPIRES", colExpires), common.PadLeft("REFUNDED", colRefunded))
	b.WriteString(s.TableHeader.Render(header) + "\n")
	rows := m.visibleRows()
	for i := rows.first; i < rows.last; i++ {
		bill := m.bills[i]
		refunded := "—"
		if r := bill.Refunded(); r.Minor > 0 {
			refunded = m.c.Money(r)
		}
		line := fmt.Sprintf("%s %s %s %s %s %s",
			common.PadRight(sanitize.Text(bill.ID), colID), common.PadRight(statusWords(bill), colStatus),
			common.PadLeft(m.c.Money(bill.Amount), colAmount), common.PadRight(m.c.Account(phone(bill.Payer), common.List), colPayer),
			common.PadRight(m.expires(bill), colExpires), common.PadLeft(refunded, colRefunded))
		if i == m.cursor {
			b.WriteString(s.Selected.Render(" ▶ "+line) + "\n")
		} else {
			b.WriteString("   " + line + "\n")
		}
	}
	if rows.last-rows.first < len(m.bills) {
		b.WriteString(s.Subtle.Render(fmt.Sprintf("   %d-%d of %d", rows.first+1, rows.last, len(m.bills))) + "\n")
	}
	if sel := m.selected(); sel != nil {
		b.WriteString("\n" + m.detail(*sel))
	}
	return b.String()
}

// summary counts bills by state, or says what is in flight.
func (m *Model) summary() string {
	if m.inflight > 0 {
		return "checking with QIWI…"
	}
	var waiting, paid int
	for _, b := range m.bills {
		switch b.Status {
		case pull.BillWaiting:
			waiting++
		case pull.BillPaid:
			paid++
		}
	}
	return fmt.Sprintf("%d bills · %d waiting · %d paid", len(m.bills), waiting, paid)
}

type span struct{ first, last int }

// visibleRows keeps the cursor on screen; the detail takes ~10 lines.
func (m *Model) visibleRows() span {
	room := len(m.bills)
	if m.height > 0 {
		room = max(3, m.height-14)
	}
	first := 0
	if m.cursor >= room {
		first = m.cursor - room + 1
	}
	return span{first, min(len(m.bills), first+room)}
}

func (m *Model) detail(b bills.Bill) string {
	s := m.c.Styles
	var out strings.Builder
	label := func(l string) string { return s.Label.Render(common.PadRight(l, 12)) }
	out.WriteString(s.Title.Render(" Bill "+sanitize.Text(b.ID)) + "\n")
	status := statusWords(b)
	if b.ViaCallback && !b.Updated.IsZero() {
		status += s.Subtle.Render(" (callback at " + m.c.Clock(b.Updated) + ")")
	}
	out.WriteString(" " + label("Status") + status + "\n")
	out.WriteString(" " + label("Payer") + m.c.Personal(sanitize.Text(b.Payer)) + "\n")
	comment := m.c.Personal(sanitize.Text(b.Comment))
	if comment == "" {
		comment = "—"
	}
	out.WriteString(" " + label("Comment") + common.Truncate(comment, max(10, m.width-16)) + "\n")
	out.WriteString(" " + label("Issued") + m.c.DateTZ(b.Created) + "\n")
	pay := m.c.DateTZ(b.Lifetime)
	if !b.Status.Final() && !b.Refused {
		pay += " (" + countdown(b.Lifetime, m.now()) + ")"
	}
	out.WriteString(" " + label("Pay by") + pay + "\n")
	if b.Status != "" && !b.Refused && m.c.Merchant != nil {
		out.WriteString(" " + label("Pay link") + s.Accent.Render(m.c.Merchant.CheckoutURL(b.ID, nil)) + s.Subtle.Render("  (y copies)") + "\n")
	}
	if b.Status == pull.BillPaid {
		note := "  (paid minus successful refunds)"
		if p := b.Pending(); p.Minor > 0 {
			note = "  (paid minus successful refunds; " + m.c.Money(p) + " of it being refunded)"
		}
		out.WriteString(" " + label("Refundable") + m.c.Money(b.Refundable()) + s.Subtle.Render(note) + "\n")
	}
	for _, r := range b.Refunds {
		words := refundWords(r)
		if r.Done.Currency != 0 && r.Done != r.Amount {
			words = "refunded " + m.c.Money(r.Done) + " of " + m.c.Money(r.Amount) + " asked; " + words
		}
		out.WriteString(" " + label("Refund "+r.ID) + common.PadLeft(m.c.Money(r.Moved()), 14) + "  " + words + "\n")
	}
	if b.LastError != "" {
		out.WriteString(" " + s.Error.Render("! "+common.Truncate(b.LastError, max(10, m.width-4))) + "\n")
	}
	return out.String()
}
