package payments

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
	"qiwidash/ui/common"
)

// entryState is where a listed payment stands.
type entryState int

const (
	stSending   entryState = iota // the request is on its way
	stWaiting                     // accepted; history says WAITING
	stSuccess                     // history says SUCCESS
	stFailed                      // history says ERROR
	stRefused                     // QIWI refused it outright: nothing was paid
	stUnknown                     // no readable answer: it may or may not have gone through
	stNotSent                     // it was not sent (journal failure, QIWI's 423)
	stAbandoned                   // from the journal: a person gave up on it
)

func (s entryState) label() string {
	switch s {
	case stSending:
		return "… SENDING"
	case stWaiting:
		return "… WAITING"
	case stSuccess:
		return "✓ SUCCESS"
	case stFailed:
		return "✗ ERROR"
	case stRefused:
		return "✗ REFUSED"
	case stUnknown:
		return "? UNKNOWN"
	case stNotSent:
		return "! NOT SENT"
	case stAbandoned:
		return "– ABANDONED"
	}
	return "?"
}

// retryable states may be re-sent with the same client id.
func (s entryState) retryable() bool { return s == stUnknown || s == stNotSent }

// entry is one listed payment with its live status: sent in this session,
// or read from the journal (restored) and followed the same way.
type entry struct {
	kind       kindID
	payment    qiwiapi.Payment // ID is the client id, fixed for the intent
	recipient  string
	commission *qiwiapi.Amount
	total      *qiwiapi.Amount
	at         time.Time

	state    entryState
	txnID    int64
	note     string // the problem or detail, in words
	gen      int    // poll / re-check generation: stale ticks are dropped
	polls    int
	rechecks int
	begun    bool // the journal has the intent

	restored bool // read from the journal, not sent in this session
	invoice  bool // an invoice payment (the Invoices screen pays and re-pays those)
}

func (e *entry) id() string { return e.payment.ID }

// retryable: the screen may re-send it with the same client id. Invoice
// payments, and journaled payments that could not be read back, are not
// sent from here.
func (e *entry) retryable() bool {
	return e.state.retryable() && !e.invoice && e.payment.Provider != 0 && e.payment.Fields != nil
}

// draft is a confirmed form, before its client id is drawn.
type draft struct {
	kind       kindID
	payment    qiwiapi.Payment
	recipient  string
	commission *qiwiapi.Amount
	total      *qiwiapi.Amount
}

type (
	sendConfirmedMsg  struct{ d draft }
	retryConfirmedMsg struct{ id string }
	sentMsg           struct {
		id         string
		info       *qiwiapi.PaymentInfo
		err        error
		notSent    bool // the journal refused the intent: nothing left the app
		journalErr error
	}
	pollTickMsg struct {
		id  string
		gen int
	}
	polledMsg struct {
		id  string
		gen int
		txn *qiwiapi.Transaction
		err error
	}
	recheckTickMsg struct {
		id  string
		gen int
	}
	recheckedMsg struct {
		id  string
		gen int
		txn *qiwiapi.Transaction
		err error
	}
	journalErrMsg struct{ err error }
)

const journalKind = "payment"

// unknownOutcome reports errors after which the payment may exist: the
// request may have reached QIWI but no readable answer came back.
func unknownOutcome(err error) bool {
	var ne *qiwiapi.NetworkError
	return errors.As(err, &ne) || errors.Is(err, qiwiapi.ErrBadResponse) || errors.Is(err, qiwiapi.ErrServer) ||
		errors.Is(err, context.DeadlineExceeded)
}

// sendCmd records the intent (once) and sends the payment with its fixed id.
func (m *Model) sendCmd(e *entry) tea.Cmd {
	api, j, p, rcpt, first := m.c.API, m.c.Journal, e.payment, e.recipient, !e.begun
	e.begun = true
	return func() tea.Msg {
		msg := sentMsg{id: p.ID}
		if j != nil {
			if first {
				if err := j.Begin(journalKind, rcpt, p.Sum, p.ID, p); err != nil {
					msg.notSent = true
					msg.err = fmt.Errorf("the payment journal could not record it, so it was not sent: %w", err)
					return msg
				}
			}
			msg.journalErr = j.Update(p.ID, "sent", "", 0)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		msg.info, _, msg.err = api.Payments.Pay(ctx, p)
		if j != nil {
			var jerr error
			switch {
			case msg.err == nil:
				jerr = j.Update(p.ID, "accepted", "", msg.info.TxnID())
			case unknownOutcome(msg.err):
				jerr = j.Update(p.ID, "unknown", common.Explain(msg.err), 0)
			case errors.Is(msg.err, qiwiapi.ErrRateLimited):
				jerr = j.Update(p.ID, "unknown", common.Explain(msg.err), 0) // not run; may be re-sent
			default:
				jerr = j.Update(p.ID, "final", common.Explain(msg.err), 0)
			}
			msg.journalErr = errors.Join(msg.journalErr, jerr)
		}
		return msg
	}
}

// tick waits d (or not at all when d is 0: tests) and then yields msg.
func tick(d time.Duration, msg tea.Msg) tea.Cmd {
	if d <= 0 {
		return func() tea.Msg { return msg }
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}

// schedulePoll asks for the next status check of e; after a minute of
// WAITING it slows down to spare the history budget (100 requests/min).
func (m *Model) schedulePoll(e *entry) tea.Cmd {
	d := m.PollInterval
	if e.polls >= 60 {
		d *= 5
	}
	return tick(d, pollTickMsg{id: e.id(), gen: e.gen})
}

func (m *Model) pollCmd(e *entry) tea.Cmd {
	api, id, gen, txnID := m.c.API, e.id(), e.gen, e.txnID
	e.polls++
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		t, _, err := api.History.Transaction(ctx, txnID, qiwiapi.TypeOut)
		return polledMsg{id: id, gen: gen, txn: t, err: err}
	}
}

// recheckCmd looks for a payment of unknown outcome in recent history by
// its client id (history's trmTxnId).
func (m *Model) recheckCmd(e *entry) tea.Cmd {
	api, wallet, id, gen := m.c.API, m.c.Wallet, e.id(), e.gen
	e.rechecks++
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		page, _, err := api.History.List(ctx, wallet, qiwiapi.HistoryOptions{Rows: 50, Operation: qiwiapi.OperationOut})
		msg := recheckedMsg{id: id, gen: gen, err: err}
		if err == nil {
			for _, t := range page.Transactions {
				if string(t.TrmTxnID) == id {
					msg.txn = &t
					break
				}
			}
		}
		return msg
	}
}

// journalUpdate records a move, then reads the list back from the journal
// (when it can list): a list read before the move is dropped as stale.
func (m *Model) journalUpdate(id, state, lastErr string, txnID int64) tea.Cmd {
	j := m.c.Journal
	if j == nil {
		return nil
	}
	reload := m.loadJournal()
	return func() tea.Msg {
		if err := j.Update(id, state, lastErr, txnID); err != nil {
			return journalErrMsg{err: err}
		}
		if reload != nil {
			return reload()
		}
		return nil
	}
}

func (m *Model) entry(id string) *entry {
	for _, e := range m.recent {
		if e.id() == id {
			return e
		}
	}
	return nil
}

// startSend turns a confirmed draft into a recent entry and sends it. The
// client id is drawn here, once for this intent.
func (m *Model) startSend(d draft) tea.Cmd {
	if m.c.Settings.ReadOnly {
		return common.Toast("Read-only mode: the payment was not sent")
	}
	d.payment.ID = m.c.IDs.Next()
	e := &entry{kind: d.kind, payment: d.payment, recipient: d.recipient, commission: d.commission, total: d.total,
		at: m.c.Now(), state: stSending}
	m.recent = append([]*entry{e}, m.recent...)
	m.form = nil
	m.resetQuote()
	m.cursor = m.kindRows() // the new entry, first in the list
	return m.sendCmd(e)
}

// retry re-sends a payment of unknown outcome with the same client id.
func (m *Model) retry(e *entry) tea.Cmd {
	if m.c.Settings.ReadOnly || !e.retryable() {
		return nil
	}
	e.state, e.note = stSending, ""
	e.gen++
	return m.sendCmd(e)
}

func (m *Model) askRetry(e *entry) tea.Cmd {
	if e.invoice && e.state.retryable() && !m.c.Settings.ReadOnly {
		return common.Toast("Invoices are paid from the Invoices screen: if this one is still unpaid there, pay it again from there")
	}
	if m.c.Settings.ReadOnly || !e.retryable() {
		return nil
	}
	id := e.id()
	return common.Confirm("Re-send this payment?", []string{
		fmt.Sprintf("%s of %s to %s, client id %s.", kindTitle(e.kind), m.c.Money(e.payment.Sum), m.c.PersonalNumbers(e.recipient), id),
		"It is sent again with the SAME id: if the first attempt went through,",
		"QIWI answers with that payment and nothing is paid twice.",
	}, func() tea.Msg { return retryConfirmedMsg{id: id} })
}

// recheckAll re-checks every payment whose status is not final (r).
func (m *Model) recheckAll() tea.Cmd {
	var cmds []tea.Cmd
	for _, e := range m.recent {
		switch e.state {
		case stWaiting:
			e.gen++
			cmds = append(cmds, m.pollCmd(e))
		case stUnknown:
			if e.invoice {
				continue // no history key to look it up by; the journal reload tells
			}
			e.gen++
			e.rechecks = 0
			cmds = append(cmds, m.recheckCmd(e))
		}
	}
	return tea.Batch(cmds...)
}

// handleSend processes the answers of sends, polls and re-checks.
func (m *Model) handleSend(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case sendConfirmedMsg:
		return m.startSend(msg.d)
	case retryConfirmedMsg:
		if e := m.entry(msg.id); e != nil {
			return m.retry(e)
		}
	case sentMsg:
		e := m.entry(msg.id)
		if e == nil {
			return nil
		}
		cmds := []tea.Cmd{m.loadJournal()} // the journal has its answer by now
		if msg.journalErr != nil {
			cmds = append(cmds, common.Toast("Warning: the payment journal could not be updated: "+msg.journalErr.Error()))
		}
		e.gen++
		switch {
		case msg.notSent:
			e.begun = false
			e.state, e.note = stNotSent, msg.err.Error()
			cmds = append(cmds, common.ErrorToast(msg.err))
		case msg.err == nil:
			e.txnID = msg.info.TxnID()
			if e.txnID == 0 {
				e.state, e.note = stUnknown, "QIWI accepted the payment but gave no transaction id; look for it in History"
				return tea.Batch(cmds...)
			}
			e.state, e.note = stWaiting, ""
			cmds = append(cmds, common.Toast("Payment accepted; following its status"), common.MoneyMoved(), m.schedulePoll(e))
		case unknownOutcome(msg.err):
			e.state = stUnknown
			e.note = "No clear answer from QIWI (" + common.Explain(msg.err) + "). Will re-check; enter re-sends with the same id — QIWI never pays twice for one id"
			e.rechecks = 0
			cmds = append(cmds, common.Toast("Outcome unknown — will re-check"), tick(m.PollInterval, recheckTickMsg{id: e.id(), gen: e.gen}))
		case errors.Is(msg.err, qiwiapi.ErrRateLimited):
			e.state, e.note = stNotSent, common.Explain(msg.err)+". Press enter to send it again (same id)"
			cmds = append(cmds, common.ErrorToast(msg.err))
		default:
			e.state, e.note = stRefused, common.Explain(msg.err)
			cmds = append(cmds, common.ErrorToast(msg.err))
		}
		return tea.Batch(cmds...)
	case pollTickMsg:
		if e := m.entry(msg.id); e != nil && e.gen == msg.gen && e.state == stWaiting {
			return m.pollCmd(e)
		}
	case polledMsg:
		e := m.entry(msg.id)
		if e == nil || e.gen != msg.gen || e.state != stWaiting {
			return nil
		}
		return m.applyStatus(e, msg.txn, msg.err)
	case recheckTickMsg:
		if e := m.entry(msg.id); e != nil && e.gen == msg.gen && e.state == stUnknown {
			return m.recheckCmd(e)
		}
	case recheckedMsg:
		e := m.entry(msg.id)
		if e == nil || e.gen != msg.gen || e.state != stUnknown {
			return nil
		}
		if msg.err == nil && msg.txn != nil {
			e.txnID = int64(msg.txn.TxnID)
			e.state, e.note = stWaiting, ""
			if msg.txn.Status.Final() {
				// Already final: one journal move, not two racing ones.
				return m.applyStatus(e, msg.txn, nil)
			}
			return tea.Batch(m.journalUpdate(e.id(), "accepted", "", e.txnID), m.applyStatus(e, msg.txn, nil))
		}
		if e.rechecks < 3 {
			return tick(3*m.PollInterval, recheckTickMsg{id: e.id(), gen: e.gen})
		}
		e.note = "Not found in history yet. Press enter to re-send with the same id (QIWI never pays twice for one id) or r to look again"
		if !e.retryable() {
			e.note = "Not found in history yet. Press r to look again"
		}
	case journalErrMsg:
		return common.Toast("Warning: the payment journal could not be updated: " + msg.err.Error())
	}
	return nil
}

// applyStatus takes a status read from history.
func (m *Model) applyStatus(e *entry, t *qiwiapi.Transaction, err error) tea.Cmd {
	if err != nil || t == nil {
		if err != nil {
			e.note = "Checking the status failed (" + common.Explain(err) + "); trying again"
		}
		return m.schedulePoll(e)
	}
	switch t.Status {
	case qiwiapi.StatusSuccess:
		e.state, e.note = stSuccess, ""
		return tea.Batch(m.journalUpdate(e.id(), "final", "", e.txnID), common.MoneyMoved(),
			common.Toast(fmt.Sprintf("Payment of %s to %s succeeded", m.c.Money(e.payment.Sum), m.c.PersonalNumbers(e.recipient))))
	case qiwiapi.StatusError:
		e.state = stFailed
		e.note = qiwiapi.PaymentErrorText(int(t.ErrorCode)) + " (the money is returned)"
		if t.ErrorCode == 0 {
			e.note = "QIWI reports the payment failed; the money is returned"
		}
		note := e.note
		return tea.Batch(m.journalUpdate(e.id(), "final", note, e.txnID), common.MoneyMoved(),
			func() tea.Msg { return common.ToastMsg{Text: "Payment failed: " + note, Error: true} })
	}
	e.note = ""
	return m.schedulePoll(e)
}
