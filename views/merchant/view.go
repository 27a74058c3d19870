package merchant

import (
	"fmt"
	"strings"
	"time"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/store/bills"
	"qiwidash/ui/common"
)

// statusWords is a bill's state in words, local states included.
func statusWords(tr *i18n.Tr, b bills.Bill) string {
	switch {
	case b.Refused:
		return tr.T("merchant.status_refused", nil)
	case b.Status == "" && b.LastError != "":
		return tr.T("merchant.status_not_confirmed", nil)
	case b.Status == "":
		return tr.T("merchant.status_sending", nil)
	case b.Status == pull.BillPaid:
		switch refunded := b.Refunded(); {
		case refunded.Minor == 0:
			return tr.T("merchant.status_paid", nil)
		case refunded.Minor >= b.Amount.Minor:
			return tr.T("merchant.status_refunded", nil)
		default:
			return tr.T("merchant.status_part_refunded", nil)
		}
	}
	switch b.Status {
	case pull.BillWaiting:
		return tr.T("merchant.status_waiting", nil)
	case pull.BillRejected:
		return tr.T("merchant.status_rejected", nil)
	case pull.BillUnpaid:
		return tr.T("merchant.status_unpaid", nil)
	case pull.BillExpired:
		return tr.T("merchant.status_expired", nil)
	}
	return tr.T("merchant.status_unknown", i18n.Args{"Status": string(b.Status)})
}

func refundWords(tr *i18n.Tr, r bills.Refund) string {
	w := refundState(tr, r)
	if meaning := explain.PullCode(tr, r.Error); r.Error != 0 && !strings.Contains(w, meaning) {
		w = tr.T("merchant.refund_qiwi_error", i18n.Args{"State": w, "Code": int(r.Error), "Meaning": meaning})
	}
	return w
}

func refundState(tr *i18n.Tr, r bills.Refund) string {
	switch {
	case r.Status == pull.RefundSuccess:
		return tr.T("merchant.refund_done", nil)
	case r.Status == pull.RefundFail && r.LastError != "":
		return tr.T("merchant.refund_refused", i18n.Args{"Why": r.LastError})
	case r.Status == pull.RefundFail:
		return tr.T("merchant.refund_failed", nil)
	case r.Status == pull.RefundProcessing:
		return tr.T("merchant.refund_processing", nil)
	case r.LastError != "":
		return tr.T("merchant.refund_not_confirmed", i18n.Args{"Why": r.LastError})
	}
	return tr.T("merchant.refund_sending", nil)
}

// countdown is the time left until t: "in 1d 2h", "in 5h 3m", "in 12m"
// (in Russian without "in": "1 д 2 ч", the column says ОСТАЛОСЬ), and
// span true; or "overdue", or "—" when the deadline is not known (a bill
// seen only through QIWI, which does not report it).
func countdown(tr *i18n.Tr, t, now time.Time) (words string, span bool) {
	if t.IsZero() {
		return tr.T("merchant.left_unknown", nil), false
	}
	d := t.Sub(now)
	if d <= 0 {
		return tr.T("merchant.left_overdue", nil), false
	}
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var left string
	switch {
	case days > 0:
		left = tr.T("merchant.left_days", i18n.Args{"D": days, "H": hours})
	case hours > 0:
		left = tr.T("merchant.left_hours", i18n.Args{"H": hours, "M": mins})
	case mins > 0:
		left = tr.T("merchant.left_minutes", i18n.Args{"M": mins})
	default:
		left = tr.T("merchant.left_under_minute", nil)
	}
	return tr.T("merchant.left_in", i18n.Args{"Left": left}), true
}

// payBy is a deadline with the time left: "2026-11-21 11:30:00 +03:00 (in
// 23h 30m)".
func (m *Model) payBy(t time.Time) string {
	date := m.c.DateTZ(t)
	left, span := countdown(m.c.Tr, t, m.now())
	if span {
		return m.c.Tr.T("merchant.detail_pay_by_left", i18n.Args{"Date": date, "Left": left})
	}
	return m.c.Tr.T("merchant.detail_pay_by_state", i18n.Args{"Date": date, "State": left})
}

func (m *Model) expires(b bills.Bill) string {
	if b.Status.Final() || b.Refused {
		return "—"
	}
	left, _ := countdown(m.c.Tr, b.Lifetime, m.now())
	return left
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
	s, tr := m.c.Styles, m.c.Tr
	if m.c.Merchant == nil {
		return s.Error.Render(" " + tr.T("merchant.no_merchant", nil))
	}
	if m.form != nil {
		return m.form.view(m.c, m.width, m.height)
	}
	switch {
	case m.state == common.StateLoading && len(m.bills) == 0:
		return s.Subtle.Render(" " + tr.T("merchant.loading", nil))
	case m.state == common.StateError && len(m.bills) == 0:
		return s.Error.Render(" " + m.explain(m.err) + "\n\n " + tr.T("merchant.retry", nil))
	case len(m.bills) == 0:
		return s.Title.Render(" "+tr.T("merchant.title", nil)) + "\n\n" +
			s.Subtle.Render(" "+tr.T("merchant.none", nil))
	}
	var b strings.Builder
	b.WriteString(s.Title.Render(" "+tr.T("merchant.title", nil)) + "  " + s.Subtle.Render(m.summary()) + "\n")
	header := fmt.Sprintf("   %s %s %s %s %s %s",
		common.PadRight(tr.T("merchant.col_id", nil), colID), common.PadRight(tr.T("merchant.col_status", nil), colStatus),
		common.PadLeft(tr.T("merchant.col_amount", nil), colAmount), common.PadRight(tr.T("merchant.col_payer", nil), colPayer),
		common.PadRight(tr.T("merchant.col_expires", nil), colExpires), common.PadLeft(tr.T("merchant.col_refunded", nil), colRefunded))
	b.WriteString(s.TableHeader.Render(header) + "\n")
	rows := m.visibleRows()
	for i := rows.first; i < rows.last; i++ {
		bill := m.bills[i]
		refunded := "—"
		if r := bill.Refunded(); r.Minor > 0 {
			refunded = m.c.Money(r)
		}
		line := fmt.Sprintf("%s %s %s %s %s %s",
			common.PadRight(sanitize.Text(bill.ID), colID), common.PadRight(common.Truncate(statusWords(tr, bill), colStatus), colStatus),
			common.PadLeft(m.c.Money(bill.Amount), colAmount), common.PadRight(m.c.Account(phone(bill.Payer), common.List), colPayer),
			common.PadRight(m.expires(bill), colExpires), common.PadLeft(refunded, colRefunded))
		if i == m.cursor {
			b.WriteString(s.Selected.Render(" ▶ "+line) + "\n")
		} else {
			b.WriteString("   " + line + "\n")
		}
	}
	if rows.last-rows.first < len(m.bills) {
		b.WriteString(s.Subtle.Render("   "+tr.T("merchant.rows", i18n.Args{"From": rows.first + 1, "To": rows.last, "Total": len(m.bills)})) + "\n")
	}
	if sel := m.selected(); sel != nil {
		b.WriteString("\n" + m.detail(*sel))
	}
	return b.String()
}

// summary counts bills by state, or says what is in flight.
func (m *Model) summary() string {
	tr := m.c.Tr
	if m.inflight > 0 {
		return tr.T("merchant.checking", nil)
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
	return tr.T("merchant.summary", i18n.Args{"Bills": tr.N("merchant.count_bills", len(m.bills), nil), "Waiting": waiting, "Paid": paid})
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
	s, tr := m.c.Styles, m.c.Tr
	var out strings.Builder
	label := func(l string) string { return s.Label.Render(common.PadRight(l, 12)) }
	out.WriteString(s.Title.Render(" "+tr.T("merchant.detail_title", i18n.Args{"ID": sanitize.Text(b.ID)})) + "\n")
	status := statusWords(tr, b)
	if b.ViaCallback && !b.Updated.IsZero() {
		status += s.Subtle.Render(tr.T("merchant.detail_callback", i18n.Args{"Time": m.c.Clock(b.Updated)}))
	}
	out.WriteString(" " + label(tr.T("merchant.detail_status", nil)) + status + "\n")
	out.WriteString(" " + label(tr.T("merchant.detail_payer", nil)) + m.c.Personal(sanitize.Text(b.Payer)) + "\n")
	comment := m.c.Personal(sanitize.Text(b.Comment))
	if comment == "" {
		comment = "—"
	}
	out.WriteString(" " + label(tr.T("merchant.detail_comment", nil)) + common.Truncate(comment, max(10, m.width-16)) + "\n")
	out.WriteString(" " + label(tr.T("merchant.detail_issued", nil)) + m.c.DateTZ(b.Created) + "\n")
	pay := m.c.DateTZ(b.Lifetime)
	if !b.Status.Final() && !b.Refused {
		pay = m.payBy(b.Lifetime)
	}
	out.WriteString(" " + label(tr.T("merchant.detail_pay_by", nil)) + pay + "\n")
	if b.Status != "" && !b.Refused && m.c.Merchant != nil {
		out.WriteString(" " + label(tr.T("merchant.detail_link", nil)) + s.Accent.Render(m.c.Merchant.CheckoutURL(b.ID, nil)) +
			s.Subtle.Render(tr.T("merchant.detail_link_copies", nil)) + "\n")
	}
	if b.Status == pull.BillPaid {
		note := tr.T("merchant.detail_refundable_note", nil)
		if p := b.Pending(); p.Minor > 0 {
			note = tr.T("merchant.detail_refundable_pending", i18n.Args{"Amount": m.c.Money(p)})
		}
		out.WriteString(" " + label(tr.T("merchant.detail_refundable", nil)) + m.c.Money(b.Refundable()) + s.Subtle.Render(note) + "\n")
	}
	for _, r := range b.Refunds {
		words := refundWords(tr, r)
		if r.Done.Currency != 0 && r.Done != r.Amount {
			words = tr.T("merchant.detail_refund_part", i18n.Args{"Done": m.c.Money(r.Done), "Asked": m.c.Money(r.Amount), "State": words})
		}
		out.WriteString(" " + label(tr.T("merchant.detail_refund", i18n.Args{"ID": r.ID})) + common.PadLeft(m.c.Money(r.Moved()), 14) + "  " + words + "\n")
	}
	if b.LastError != "" {
		out.WriteString(" " + s.Error.Render("! "+common.Truncate(b.LastError, max(10, m.width-4))) + "\n")
	}
	return out.String()
}
