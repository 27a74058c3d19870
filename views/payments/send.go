package payments

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/ui/common"
)

// label is a listed payment's status in words; an unknown outcome is never
// called failed.
func label(tr *i18n.Tr, e store.Entry) string {
	switch e.State {
	case store.StatePending, store.StateSent:
		return tr.T("payments.status.sending", nil)
	case store.StateAccepted:
		return tr.T("payments.status.waiting", nil)
	case store.StateSucceeded:
		return tr.T("payments.status.success", nil)
	case store.StateFailed:
		if e.TxnID() != 0 {
			return tr.T("payments.status.error", nil) // QIWI took it, then it failed: the money is returned
		}
		return tr.T("payments.status.refused", nil)
	case store.StateUnknown:
		return tr.T("payments.status.unknown", nil)
	case store.StateHeld:
		return tr.T("payments.status.held", nil)
	case store.StateAbandoned:
		return tr.T("payments.status.abandoned", nil)
	}
	return "?"
}

// entry is one listed payment: the journal entry the engine reported last,
// with what this session knows besides (the kind, the commission).
type entry struct {
	je         store.Entry
	kind       kindID
	payment    qiwiapi.Payment // ID is the client id, fixed for the intent
	recipient  string
	commission *qiwiapi.Amount
	total      *qiwiapi.Amount
	at         time.Time
	invoice    bool // an invoice payment (the Invoices screen pays those)
}

func (e *entry) id() string { return e.je.ClientID }

// note is the problem or detail, in words; the journal's last error is
// shown as it was written.
func (e *entry) note(tr *i18n.Tr) string {
	je := e.je
	why := ""
	if je.LastError != "" {
		why = tr.T("payments.note.why", i18n.Args{"Why": je.LastError})
	}
	switch je.State {
	case store.StateUnknown:
		if e.invoice {
			return tr.T("payments.note.unknown_invoice", i18n.Args{"Why": why})
		}
		return tr.T("payments.note.unknown", i18n.Args{"Why": why})
	case store.StateHeld:
		return tr.T("payments.note.held", i18n.Args{"Why": why})
	case store.StateFailed, store.StateAbandoned:
		return je.LastError
	case store.StateAccepted:
		if je.TxnID() == 0 {
			return tr.T("payments.note.no_txn", nil)
		}
	}
	return ""
}

// retryable: enter asks the engine to try again now (with the same id).
// Invoice payments are paid from the Invoices screen; a journaled request
// that cannot be read back as a payment is never sent again.
func (e *entry) retryable() bool {
	return (e.je.State == store.StateUnknown || e.je.State == store.StateHeld) && !e.invoice && e.payment.Fields != nil
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
	retryConfirmedMsg struct{ id int64 }
	// sentMsg is the engine's answer to a payment intent: the journaled
	// entry (its saga now runs), or why it was not journaled (not sent).
	sentMsg struct {
		d   draft
		e   store.Entry
		err error
	}
	// changedMsg says the engine moved entries since the list was read.
	changedMsg struct{ version uint64 }
	retriedMsg struct{ err error }
)

// startSend hands a confirmed draft to the engine, which draws the client
// id, journals the intent and sends it.
func (m *Model) startSend(d draft) tea.Cmd {
	if m.c.Settings.ReadOnly {
		return common.Toast(m.c.Tr.T("payments.toast.read_only", nil))
	}
	if m.c.Moves == nil {
		return common.Toast(m.c.Tr.T("payments.menu.no_journal", nil))
	}
	m.form = nil
	m.resetQuote()
	eng := m.c.Moves
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e, err := eng.Pay(ctx, d.payment, d.recipient)
		return sentMsg{d: d, e: e, err: err}
	}
}

func (m *Model) askRetry(e *entry) tea.Cmd {
	if e.invoice && (e.je.State == store.StateUnknown || e.je.State == store.StateHeld) && !m.c.Settings.ReadOnly {
		return common.Toast(m.c.Tr.T("payments.retry.invoice", nil))
	}
	if m.c.Settings.ReadOnly || !e.retryable() {
		return nil
	}
	id, tr := e.je.ID, m.c.Tr
	return common.Confirm(tr.T("payments.retry.title", nil), []string{
		tr.T("payments.retry.what", i18n.Args{"Kind": kindTitle(tr, e.kind), "Amount": m.c.MoneyInFull(e.payment.Sum), "Recipient": e.recipient, "ID": e.id()}),
		tr.T("payments.retry.same_id", nil),
		tr.T("payments.retry.not_twice", nil),
	}, func() tea.Msg { return retryConfirmedMsg{id: id} })
}

// retry asks the engine to try entry id again now.
func (m *Model) retry(id int64) tea.Cmd {
	eng := m.c.Moves
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return retriedMsg{err: eng.Retry(ctx, id)}
	}
}

// recheckAll asks the engine to look at every open payment again now (r).
func (m *Model) recheckAll() tea.Cmd {
	var ids []int64
	for _, e := range m.recent {
		if e.je.Open() && e.je.State != store.StateHeld && !e.invoice {
			ids = append(ids, e.je.ID)
		}
	}
	if len(ids) == 0 || m.c.Moves == nil {
		return nil
	}
	eng := m.c.Moves
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, id := range ids {
			_ = eng.Retry(ctx, id)
		}
		return nil
	}
}

// watch waits for the engine to move an entry, at most one wait at a time,
// while an entry on the list can still move by itself.
func (m *Model) watch() tea.Cmd {
	if m.watching || m.c.Moves == nil {
		return nil
	}
	moving := false
	for _, e := range m.recent {
		moving = moving || (e.je.Open() && e.je.State != store.StateHeld)
	}
	if !moving {
		return nil
	}
	m.watching = true
	eng, v, d := m.c.Moves, m.version, m.WatchFor
	if d <= 0 {
		d = DefaultWatchFor
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		next, _ := eng.Changes(ctx, v)
		return changedMsg{version: next}
	}
}

// handleSend processes the engine's answers.
func (m *Model) handleSend(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case sendConfirmedMsg:
		return m.startSend(msg.d)
	case retryConfirmedMsg:
		return m.retry(msg.id)
	case retriedMsg:
		m.watching = false // a person acted: wait afresh
		if msg.err != nil {
			return tea.Batch(m.c.ErrorToast(msg.err), m.loadJournal())
		}
		return m.loadJournal()
	case sentMsg:
		if msg.err != nil {
			return m.c.ErrorToast(msg.err)
		}
		d := msg.d
		d.payment.ID = msg.e.ClientID
		e := &entry{je: msg.e, kind: d.kind, payment: d.payment, recipient: d.recipient, commission: d.commission, total: d.total, at: msg.e.CreatedAt}
		m.recent = append([]*entry{e}, m.recent...)
		m.cursor = m.kindRows() // the new entry, first in the list
		return m.loadJournal()
	case changedMsg:
		m.watching = false
		return m.loadJournal()
	}
	return nil
}

// announce toasts what happened to a payment when it reaches a state worth
// telling (accepted, final, unknown, held).
func (m *Model) announce(e *entry, was store.State) tea.Cmd {
	if e.invoice || e.je.State == was {
		return nil
	}
	tr := m.c.Tr
	switch e.je.State {
	case store.StateAccepted:
		return tea.Batch(common.Toast(tr.T("payments.toast.accepted", nil)), common.MoneyMoved())
	case store.StateSucceeded:
		return tea.Batch(common.MoneyMoved(),
			common.Toast(tr.T("payments.toast.succeeded", i18n.Args{"Amount": m.c.Money(e.payment.Sum), "Recipient": m.c.Account(e.recipient, common.Detail)})))
	case store.StateFailed:
		note := e.note(tr)
		if e.je.TxnID() != 0 {
			failed := tr.T("payments.toast.failed", i18n.Args{"Why": note})
			return tea.Batch(common.MoneyMoved(), func() tea.Msg { return common.ToastMsg{Text: failed, Error: true} })
		}
		return func() tea.Msg { return common.ToastMsg{Text: note, Error: true} }
	case store.StateUnknown:
		return common.Toast(tr.T("payments.toast.unknown", nil))
	case store.StateHeld:
		note := e.note(tr)
		return func() tea.Msg { return common.ToastMsg{Text: note, Error: true} }
	}
	return nil
}
