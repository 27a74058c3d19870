// Package invoices is the Invoices screen: the bills merchants issued to the
// wallet that wait for payment, with paying (P) and rejecting (x) each
// behind a confirmation that says exactly what will happen.
package invoices

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/store"
	"qiwidash/store/moves"
	"qiwidash/ui/common"
)

// DefaultPageSize is how many invoices one request asks for (QIWI's maximum).
const DefaultPageSize = 50

// loadMoreMargin: the next page is asked for when the cursor comes this
// close to the end of the list.
const loadMoreMargin = 5

type (
	loadedMsg struct {
		gen  int
		more bool // a next page, to append
		page *qiwiapi.InvoicePage
		err  error
	}
	// paidMsg is where the engine's invoice pay stands once its first
	// answer is in: succeeded, failed, unknown (being resolved) or held.
	paidMsg struct {
		inv qiwiapi.Invoice
		e   store.Entry
		err error // the pay was not journaled, so not sent
	}
	rejectedMsg struct {
		inv qiwiapi.Invoice
		err error
	}
	payConfirmedMsg struct{ inv qiwiapi.Invoice }
	// payCheckedMsg is the engine's check of a pay before it is offered:
	// the balance of the invoice's currency account, or why not.
	payCheckedMsg struct {
		inv     qiwiapi.Invoice
		balance qiwiapi.Amount
		err     error
	}
	rejectConfirmedMsg struct{ inv qiwiapi.Invoice }
)

// Model is the Invoices screen.
type Model struct {
	c             *common.Common
	width, height int
	state         common.LoadState
	gen           int
	err           error

	// PageSize is the number of invoices per request (1..50).
	PageSize int

	invoices    []qiwiapi.Invoice
	next        *qiwiapi.InvoiceOptions
	loadingMore bool
	cursor      int
	offset      int // first row drawn

	inFlight int // pays and rejects under way
}

// New builds the screen.
func New(c *common.Common) *Model {
	return &Model{c: c, PageSize: DefaultPageSize}
}

// Init loads the first page.
func (m *Model) Init() tea.Cmd { return m.load() }

// Busy reports work in flight.
func (m *Model) Busy() bool { return m.state == common.StateLoading || m.loadingMore || m.inFlight > 0 }

// InputFocused is always false: the screen has no text inputs.
func (m *Model) InputFocused() bool { return false }

// SetSize records the body size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

func (m *Model) load() tea.Cmd {
	m.gen++
	m.state = common.StateLoading
	m.loadingMore = false
	gen, api, rows := m.gen, m.c.API, m.PageSize
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		page, _, err := api.Invoices.Unpaid(ctx, qiwiapi.InvoiceOptions{Rows: rows})
		return loadedMsg{gen: gen, page: page, err: err}
	}
}

// loadMore follows the Next cursor of the last page.
func (m *Model) loadMore() tea.Cmd {
	if m.next == nil || m.loadingMore || m.state != common.StateReady {
		return nil
	}
	m.loadingMore = true
	gen, api, opts := m.gen, m.c.API, *m.next
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		page, _, err := api.Invoices.Unpaid(ctx, opts)
		return loadedMsg{gen: gen, more: true, page: page, err: err}
	}
}

// Update handles keys and answers.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		return m, m.load()
	case common.ScrollMsg:
		m.cursor = common.Clamp(m.cursor+msg.Delta, len(m.invoices))
		return m, m.maybeMore()
	case loadedMsg:
		if msg.gen != m.gen {
			return m, nil // stale: a reload started since
		}
		if msg.more {
			m.loadingMore = false
		}
		if msg.err != nil {
			if !msg.more {
				m.state, m.err = common.StateError, msg.err
			}
			return m, m.c.ErrorToast(msg.err)
		}
		m.state, m.err = common.StateReady, nil
		if !msg.more {
			m.invoices = nil
		}
		seen := map[int64]bool{}
		for _, inv := range m.invoices {
			seen[int64(inv.ID)] = true
		}
		for _, inv := range msg.page.Invoices {
			if !seen[int64(inv.ID)] {
				m.invoices = append(m.invoices, inv)
			}
		}
		m.next = msg.page.Next
		m.cursor = min(m.cursor, max(0, len(m.invoices)-1))
		return m, m.maybeMore()
	case payCheckedMsg:
		m.inFlight--
		return m, m.confirmPay(msg)
	case payConfirmedMsg:
		if m.c.Settings.ReadOnly {
			return m, nil
		}
		m.inFlight++
		return m, m.payCmd(msg.inv)
	case rejectConfirmedMsg:
		if m.c.Settings.ReadOnly {
			return m, nil
		}
		m.inFlight++
		return m, m.rejectCmd(msg.inv)
	case paidMsg:
		m.inFlight--
		tr, id := m.c.Tr, int64(msg.inv.ID)
		switch {
		case msg.err != nil:
			return m, m.c.ErrorToast(msg.err)
		case msg.e.State == store.StateSucceeded:
			paid := tr.T("invoices.pay.paid", i18n.Args{"Amount": m.c.Money(msg.inv.Sum), "Merchant": m.merchant(msg.inv), "ID": id})
			return m, tea.Batch(common.Toast(paid), common.MoneyMoved(), m.load())
		case msg.e.State == store.StateFailed, msg.e.State == store.StateHeld:
			text := msg.e.LastError
			if msg.e.State == store.StateHeld {
				text = tr.T("invoices.pay.held", i18n.Args{"ID": id, "Why": text})
			}
			return m, func() tea.Msg { return common.ToastMsg{Text: text, Error: true} }
		}
		unknown := tr.T("invoices.pay.unknown", i18n.Args{"ID": id})
		return m, tea.Batch(func() tea.Msg { return common.ToastMsg{Text: unknown, Error: true} }, m.load())
	case rejectedMsg:
		m.inFlight--
		if msg.err != nil {
			return m, m.c.ErrorToast(msg.err)
		}
		done := m.c.Tr.T("invoices.reject.done", i18n.Args{"ID": int64(msg.inv.ID), "Merchant": m.merchant(msg.inv)})
		return m, tea.Batch(common.Toast(done), m.load())
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	}
	return m, nil
}

func (m *Model) maybeMore() tea.Cmd {
	if m.cursor >= len(m.invoices)-loadMoreMargin {
		return m.loadMore()
	}
	return nil
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	last := max(0, len(m.invoices)-1)
	switch {
	case key.Matches(msg, k.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.Down):
		m.cursor = min(last, m.cursor+1)
		return m.maybeMore()
	case key.Matches(msg, k.PageUp):
		m.cursor = max(0, m.cursor-m.pageRows())
	case key.Matches(msg, k.PageDown):
		m.cursor = min(last, m.cursor+m.pageRows())
		return m.maybeMore()
	case key.Matches(msg, k.Top):
		m.cursor = 0
	case key.Matches(msg, k.Bottom):
		m.cursor = last
		return m.maybeMore()
	case key.Matches(msg, k.Refresh):
		return m.load()
	case key.Matches(msg, k.Copy):
		if inv, ok := m.selected(); ok && inv.PayURL != "" {
			return common.Copy(inv.PayURL, m.c.Tr.T("invoices.copy_link", nil))
		}
	case key.Matches(msg, k.Pay):
		return m.askPay()
	case key.Matches(msg, k.Reject):
		return m.askReject()
	}
	return nil
}

func (m *Model) selected() (qiwiapi.Invoice, bool) {
	if m.cursor >= 0 && m.cursor < len(m.invoices) {
		return m.invoices[m.cursor], true
	}
	return qiwiapi.Invoice{}, false
}

// merchant is the invoice issuer's name, the legal one when known.
func (m *Model) merchant(inv qiwiapi.Invoice) string {
	if inv.Provider.LongName != "" {
		return sanitize.Text(inv.Provider.LongName)
	}
	if inv.Provider.ShortName != "" {
		return sanitize.Text(inv.Provider.ShortName)
	}
	return m.c.Tr.T("invoices.merchant_numbered", i18n.Args{"ID": int(inv.Provider.ID)})
}

// askPay has the engine check the pay first (the balance of the
// invoice's currency account): an invoice that cannot be paid says why and
// never reaches the confirmation.
func (m *Model) askPay() tea.Cmd {
	inv, ok := m.selected()
	if !ok || m.c.Settings.ReadOnly {
		return nil
	}
	eng := m.c.Moves
	if eng == nil {
		return common.Toast(m.c.Tr.T("invoices.paying_off", nil))
	}
	m.inFlight++
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		bal, err := eng.CheckInvoice(ctx, inv)
		return payCheckedMsg{inv: inv, balance: bal, err: err}
	}
}

func (m *Model) confirmPay(msg payCheckedMsg) tea.Cmd {
	inv, tr := msg.inv, m.c.Tr
	if msg.err != nil {
		text, refused := m.c.Refusal(msg.err) // why it cannot be paid, in words
		if !refused {
			text = tr.T("invoices.check_failed", i18n.Args{"Why": m.c.Explain(errors.Unwrap(msg.err))})
		}
		return func() tea.Msg { return common.ToastMsg{Text: text, Error: true} }
	}
	lines := []string{
		tr.T("invoices.pay.what", i18n.Args{"Amount": m.c.MoneyInFull(inv.Sum), "Merchant": m.merchant(inv), "ID": int64(inv.ID), "Currency": inv.Sum.Currency.Code()}),
		tr.T("invoices.pay.balance", i18n.Args{"Balance": m.c.MoneyInFull(msg.balance)}),
	}
	if inv.Comment != "" {
		lines = append(lines, tr.T("invoices.pay.comment", i18n.Args{"Comment": sanitize.Text(inv.Comment)}))
	}
	lines = append(lines, tr.T("invoices.pay.final", nil))
	return common.Confirm(tr.T("invoices.pay.title", nil), lines, func() tea.Msg { return payConfirmedMsg{inv: inv} })
}

func (m *Model) askReject() tea.Cmd {
	inv, ok := m.selected()
	if !ok || m.c.Settings.ReadOnly {
		return nil
	}
	tr := m.c.Tr
	lines := []string{
		tr.T("invoices.reject.what", i18n.Args{"ID": int64(inv.ID), "Merchant": m.merchant(inv), "Amount": m.c.MoneyInFull(inv.Sum)}),
		tr.T("invoices.reject.nothing_paid", nil),
	}
	return common.Confirm(tr.T("invoices.reject.title", nil), lines, func() tea.Msg { return rejectConfirmedMsg{inv: inv} })
}

func (m *Model) rejectCmd(inv qiwiapi.Invoice) tea.Cmd {
	api := m.c.API
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := api.Invoices.Reject(ctx, int64(inv.ID))
		return rejectedMsg{inv: inv, err: err}
	}
}

// clientID is the journal's id for paying an invoice.
func clientID(inv qiwiapi.Invoice) string { return moves.InvoiceClientID(int64(inv.ID)) }

// payCmd hands the pay to the engine (journaled as "invoice-<id>", paid
// once; an unknown outcome is settled by reading the invoice's state) and
// waits for its first answer.
func (m *Model) payCmd(inv qiwiapi.Invoice) tea.Cmd {
	eng, who := m.c.Moves, m.merchant(inv)
	return func() tea.Msg {
		if eng == nil {
			return paidMsg{inv: inv, err: i18n.Errorf("invoices.paying_off_error", nil, nil)}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		e, err := eng.PayInvoice(ctx, inv, who)
		for err == nil && (e.State == store.StatePending || e.State == store.StateSent) {
			e, err = eng.Await(ctx, e)
		}
		if errors.Is(err, context.DeadlineExceeded) {
			err = nil // still on its way: the engine goes on, Payments lists it
		}
		return paidMsg{inv: inv, e: e, err: err}
	}
}

// Relative renders an expiry relative to now in tr's language (nil:
// English): "in 3h", "in 5d", "expired"; "3 ч", "5 дн", "истёк".
func Relative(tr *i18n.Tr, exp, now time.Time) string {
	if exp.IsZero() {
		return tr.T("invoices.expiry.none", nil)
	}
	d := exp.Sub(now)
	switch {
	case d <= 0:
		return tr.T("invoices.expiry.expired", nil)
	case d < time.Hour:
		return tr.T("invoices.expiry.minutes", i18n.Args{"N": max(1, int(d/time.Minute))})
	case d < 48*time.Hour:
		return tr.T("invoices.expiry.hours", i18n.Args{"N": int(d / time.Hour)})
	}
	return tr.T("invoices.expiry.days", i18n.Args{"N": int(d / (24 * time.Hour))})
}

func (m *Model) pageRows() int { return max(3, m.height-8) }

// columns fits the list to the width: amount and expiry always show; the
// invoice number goes first, then merchant and comment share what is left
// (the merchant up to 28 columns).
func (m *Model) columns() (merchantW, commentW, idW int) {
	room := m.width - 2 - 14 - 2 - 2 - 2 - 10 // marker, amount, expires and the gaps
	if m.width <= 0 {
		room = 100
	}
	idW = 12
	if room-idW-2 < 32 {
		idW = 0
	} else {
		room -= idW + 2
	}
	merchantW = max(12, min(28, room/2))
	commentW = max(12, room-merchantW)
	return merchantW, commentW, idW
}

// View draws the list and the selected invoice's details.
func (m *Model) View() string {
	s := m.c.Styles
	switch m.state {
	case common.StateLoading:
		if len(m.invoices) == 0 {
			return s.Subtle.Render(" " + m.c.Tr.T("invoices.loading", nil))
		}
	case common.StateError:
		if len(m.invoices) == 0 {
			return s.Error.Render(" "+m.c.Explain(m.err)) + "\n\n" + s.Subtle.Render(" "+m.c.Tr.T("invoices.retry", nil))
		}
	}
	tr := m.c.Tr
	var b strings.Builder
	count := strconv.Itoa(len(m.invoices))
	if m.next != nil {
		count += "+"
	}
	b.WriteString(s.Title.Render(" "+tr.T("invoices.title", nil)) + s.Subtle.Render(" ("+count+")") + "\n")
	if m.c.Settings.ReadOnly {
		b.WriteString(s.Subtle.Render(" "+tr.T("invoices.read_only", nil)) + "\n")
	}
	if len(m.invoices) == 0 {
		b.WriteString("\n" + s.Subtle.Render(" "+tr.T("invoices.empty", nil)) + "\n")
		return b.String()
	}
	merchantW, commentW, idW := m.columns()
	line := func(amount, merchant, comment, expires, id string) string {
		out := " " + common.PadLeft(amount, 14) + "  " + common.PadRight(merchant, merchantW) + "  " +
			common.PadRight(comment, commentW) + "  " + common.PadRight(expires, 10)
		if idW > 0 {
			out += "  " + id
		}
		return out
	}
	b.WriteString(s.TableHeader.Render(" "+line(tr.T("invoices.column.amount", nil), tr.T("invoices.column.merchant", nil),
		tr.T("invoices.column.comment", nil), tr.T("invoices.column.expires", nil), tr.T("invoices.column.invoice", nil))) + "\n")
	rows := m.pageRows()
	if m.cursor < m.offset {
		m.offset = m.cursor
	} else if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	m.offset = max(0, min(m.offset, len(m.invoices)-rows))
	now := m.c.Now()
	for i := m.offset; i < len(m.invoices) && i < m.offset+rows; i++ {
		inv := m.invoices[i]
		line := line(m.c.Money(inv.Sum), m.merchant(inv), m.c.Personal(sanitize.Text(inv.Comment)), Relative(tr, inv.ExpirationDatetime.Time, now), strconv.FormatInt(int64(inv.ID), 10))
		if i == m.cursor {
			b.WriteString(s.Selected.Render("▶"+line) + "\n")
		} else {
			b.WriteString(" " + line + "\n")
		}
	}
	if m.loadingMore {
		b.WriteString(s.Subtle.Render("   "+tr.T("invoices.loading_more", nil)) + "\n")
	}
	if inv, ok := m.selected(); ok {
		b.WriteString("\n" + s.Label.Render(" "+tr.T("invoices.detail.merchant", nil)) + sanitize.Text(inv.Provider.ShortName) + " — " + m.merchant(inv) +
			s.Subtle.Render(tr.T("invoices.detail.provider", i18n.Args{"ID": int(inv.Provider.ID)})) + "\n")
		b.WriteString(s.Label.Render(" "+tr.T("invoices.detail.issued", nil)) + m.c.Date(inv.CreationDatetime.Time) +
			s.Label.Render(tr.T("invoices.detail.expires", nil)) + m.c.Date(inv.ExpirationDatetime.Time) + "\n")
		b.WriteString(s.Label.Render(" "+tr.T("invoices.detail.link", nil)) + sanitize.Text(inv.PayURL) + "\n")
	}
	return b.String()
}

// ShortHelp lists the screen's keys; pay and reject vanish in read-only mode.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	pay, reject, cp := k.Pay, k.Reject, k.Copy
	_, has := m.selected()
	pay.SetEnabled(has && !m.c.Settings.ReadOnly)
	reject.SetEnabled(has && !m.c.Settings.ReadOnly)
	cp = common.Relabel(cp, m.c.Tr.T("invoices.key_copy", nil))
	cp.SetEnabled(has)
	return []key.Binding{k.Up, k.Down, pay, reject, cp, k.Refresh}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{m.ShortHelp(), {k.PageUp, k.PageDown, k.Top, k.Bottom}}
}
