package payments

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
	"qiwidash/ui/common"
)

// DefaultRecentLimit is how many journaled payments the list reads.
const DefaultRecentLimit = 30

// cardRunRe finds what may be a card number in a journaled recipient.
var cardRunRe = regexp.MustCompile(`[0-9]{13,19}`)

// journalLoadedMsg is the wallet's journaled payments, newest first.
type journalLoadedMsg struct {
	gen     int
	entries []common.JournalEntry
	err     error
}

// reader is the journal as a list, nil when Common.Journal cannot list:
// then the screen shows this session's payments only.
func (m *Model) reader() common.JournalReader { return readerOf(m.c.Journal) }

// loadJournal reads the recent payments back from the journal. A read
// started earlier is dropped when its answer comes after this one began.
func (m *Model) loadJournal() tea.Cmd {
	r := m.reader()
	if r == nil {
		return nil
	}
	m.journalGen++
	gen, n := m.journalGen, m.RecentLimit
	if n <= 0 {
		n = DefaultRecentLimit
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		es, err := r.Recent(ctx, n)
		return journalLoadedMsg{gen: gen, entries: es, err: err}
	}
}

// followed entries are being brought forward by this screen (sent, polled
// or re-checked): their state here is newer than an open one in the journal.
func (e *entry) followed() bool {
	switch e.state {
	case stSending, stWaiting:
		return true
	case stUnknown:
		return !e.invoice
	}
	return false
}

// mergeJournal lists the journal's entries with this session's: a payment
// sent in this session keeps its live entry; one from the journal is
// listed with its journaled state and followed like this session's while
// still open.
func (m *Model) mergeJournal(msg journalLoadedMsg) tea.Cmd {
	if msg.gen != m.journalGen {
		return nil // stale: the journal moved since this read began
	}
	if msg.err != nil {
		m.journalErr = "Earlier payments could not be read from the journal: " + common.Explain(msg.err)
		return nil
	}
	m.journalErr = ""
	sel := m.selectedEntry()
	have := map[string]*entry{}
	for _, e := range m.recent {
		have[e.id()] = e
	}
	var next []*entry
	var cmds []tea.Cmd
	seen := map[string]bool{}
	for _, je := range msg.entries {
		if seen[je.ClientID] {
			continue
		}
		seen[je.ClientID] = true
		e := have[je.ClientID]
		switch {
		case e == nil:
			e = m.restore(je)
			cmds = append(cmds, m.follow(e))
		case !e.restored:
			// Sent in this session: its live state stands.
		case !e.followed() || finalState(je.State):
			// Moved elsewhere (the Invoices screen, a resume): take it.
			was := e.state
			fresh := m.restore(je)
			fresh.gen = e.gen + 1 // drops ticks meant for the old state
			*e = *fresh
			if was != e.state {
				cmds = append(cmds, m.follow(e))
			}
		}
		next = append(next, e)
	}
	for _, e := range m.recent {
		if !seen[e.id()] && (!e.restored || e.followed()) {
			next = append(next, e) // not journaled, or beyond the limit: keep it
		}
	}
	sort.SliceStable(next, func(i, j int) bool { return next[i].at.After(next[j].at) })
	m.recent = next
	if sel != nil {
		for i, e := range m.recent {
			if e == sel {
				m.cursor = m.kindRows() + i
			}
		}
	}
	m.cursor = min(m.cursor, max(0, m.rows()-1))
	return tea.Batch(cmds...)
}

func finalState(s string) bool { return s == "success" || s == "failed" || s == "abandoned" }

// restore makes a list entry of a journaled one.
func (m *Model) restore(je common.JournalEntry) *entry {
	e := &entry{payment: je.Payment, recipient: je.Recipient, at: je.CreatedAt, txnID: je.TxnID,
		begun: true, restored: true, invoice: je.Kind == "invoice"}
	if m.c.Now != nil {
		e.at = e.at.In(m.c.Now().Location())
	}
	if e.payment.ID == "" {
		// An invoice, or a request that could not be read back: maskCards
		// has no card field to go by, so card numbers are masked here.
		e.payment = qiwiapi.Payment{ID: je.ClientID, Provider: je.Provider, Sum: je.Amount}
		e.recipient = cardRunRe.ReplaceAllStringFunc(e.recipient, func(n string) string {
			if qiwiapi.Luhn(n) {
				return maskCard(n)
			}
			return n
		})
	}
	e.kind = kindOfJournal(je)
	why := ""
	if je.LastError != "" {
		why = " (" + je.LastError + ")"
	}
	switch je.State {
	case "pending":
		e.state = stNotSent
		e.note = "Journaled in an earlier run but never sent; nothing was paid"
		if e.retryable() {
			e.note += ". Enter sends it (same id)"
		}
		if e.invoice {
			e.note = "Journaled but never sent; nothing was paid. Pay it from the Invoices screen"
		}
	case "sent", "unknown":
		e.state = stUnknown
		e.note = "No clear answer from QIWI" + why + ". Re-checking history"
		if e.retryable() {
			e.note += "; enter re-sends with the same id — QIWI never pays twice for one id"
		}
		if e.invoice {
			e.note = "No clear answer from QIWI" + why + ". If the invoice is no longer unpaid on the Invoices screen, it was paid"
		}
	case "accepted":
		e.state = stWaiting
		if e.txnID == 0 || e.invoice {
			e.state, e.note = stUnknown, "QIWI accepted it but no transaction id was recorded; look for it in History"
		}
	case "success":
		e.state = stSuccess
	case "abandoned":
		e.state, e.note = stAbandoned, "Given up by hand"+why
	default: // failed
		e.state, e.note = stRefused, je.LastError
		if e.txnID != 0 {
			e.state = stFailed
		}
	}
	return e
}

// follow starts bringing a journaled entry forward: a status poll when QIWI
// took it, a history re-check when its answer was lost.
func (m *Model) follow(e *entry) tea.Cmd {
	switch {
	case e.state == stWaiting:
		e.polls = 0
		return m.pollCmd(e)
	case e.state == stUnknown && !e.invoice && e.txnID == 0:
		e.rechecks = 0
		return m.recheckCmd(e)
	}
	return nil
}

// kindOfJournal names a journaled payment's kind from its provider.
func kindOfJournal(je common.JournalEntry) kindID {
	switch je.Kind {
	case "invoice":
		return kindInvoice
	case "conversion":
		return kindConversion
	}
	switch je.Provider {
	case qiwiapi.ProviderWalletTransfer, qiwiapi.ProviderNickname:
		return kindWallet
	case qiwiapi.ProviderConversion:
		return kindConversion
	case qiwiapi.ProviderRequisites:
		return kindRequisites
	case qiwiapi.ProviderVisaRU, qiwiapi.ProviderMasterCardRU, qiwiapi.ProviderMIR, qiwiapi.ProviderQVC,
		qiwiapi.ProviderVisaForeign, qiwiapi.ProviderMCForeign:
		return kindCard
	}
	if _, ok := bankNames[je.Provider]; ok {
		return kindBank
	}
	if strings.HasPrefix(je.Recipient, "phone ") {
		return kindMobile
	}
	return kindService
}

// when is the time of a listed payment: the clock time today, the date
// and time before.
func (m *Model) when(t time.Time) string {
	if m.c.Now == nil {
		return t.Format("02 Jan 15:04")
	}
	now := m.c.Now()
	t = t.In(now.Location())
	if y, mo, d := t.Date(); y == now.Year() && mo == now.Month() && d == now.Day() {
		return t.Format("15:04:05")
	}
	return t.Format("02 Jan 15:04")
}
