package payments

import (
	"context"
	"sort"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/store/moves"
)

// DefaultRecentLimit is how many journaled payments the list reads.
const DefaultRecentLimit = 30

// journalLoadedMsg is the wallet's journaled payments, newest first, and
// the engine's version they were read at.
type journalLoadedMsg struct {
	gen     int
	version uint64
	entries []store.Entry
	err     error
}

// reader reports whether the screen lists the wallet's journal (earlier
// runs too): it does whenever the engine is there.
func (m *Model) reader() bool { return m.c.Moves != nil }

// loadJournal reads the recent payments back from the engine's journal. A
// read started earlier is dropped when its answer comes after this one began.
func (m *Model) loadJournal() tea.Cmd {
	eng := m.c.Moves
	if eng == nil {
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
		v := eng.Version()
		es, err := eng.Recent(ctx, n)
		return journalLoadedMsg{gen: gen, version: v, entries: es, err: err}
	}
}

// mergeJournal lists the journal's entries; a payment sent in this session
// keeps what the session knows besides (kind, commission, full recipient).
// A move of a listed payment is announced once.
func (m *Model) mergeJournal(msg journalLoadedMsg) tea.Cmd {
	if msg.gen != m.journalGen {
		return nil // stale: the journal moved since this read began
	}
	if msg.err != nil {
		m.journalErr = m.c.Tr.T("payments.recent.journal_failed", i18n.Args{"Why": m.c.Explain(msg.err)})
		return m.watch()
	}
	m.journalErr = ""
	m.version = msg.version
	sel := m.selectedEntry()
	have := map[string]*entry{}
	for _, e := range m.recent {
		have[e.id()] = e
	}
	var next []*entry
	var cmds []tea.Cmd
	for _, je := range msg.entries {
		e := have[je.ClientID]
		if e == nil {
			next = append(next, m.restore(je))
			continue
		}
		was := e.je.State
		e.je = je
		cmds = append(cmds, m.announce(e, was))
		next = append(next, e)
		delete(have, je.ClientID)
	}
	for _, e := range m.recent {
		if have[e.id()] == e {
			next = append(next, e) // beyond the limit: keep it
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
	return tea.Batch(append(cmds, m.watch())...)
}

// restore makes a list entry of a journaled one.
func (m *Model) restore(je store.Entry) *entry {
	e := &entry{je: je, recipient: je.Recipient, at: je.CreatedAt, invoice: je.Kind == store.KindInvoicePay}
	p, err := moves.PaymentOf(je)
	if err == nil {
		e.payment = p
	} else {
		// An invoice, or a request that could not be read back.
		e.payment = qiwiapi.Payment{ID: je.ClientID, Provider: je.ProviderID, Sum: je.Amount}
	}
	e.kind = kindOfJournal(je)
	return e
}

// kindOfJournal names a journaled payment's kind from its provider.
func kindOfJournal(je store.Entry) kindID {
	switch je.Kind {
	case store.KindInvoicePay:
		return kindInvoice
	case store.KindConversion:
		return kindConversion
	}
	switch je.ProviderID {
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
	if _, ok := bankNames[je.ProviderID]; ok {
		return kindBank
	}
	// The recipient is journaled in the language it was sent in.
	if strings.HasPrefix(je.Recipient, "phone ") || strings.HasPrefix(je.Recipient, "телефон ") {
		return kindMobile
	}
	return kindService
}

// when is the time of a listed payment in the screens' zone: the clock
// time today, the date and time before ("19 Nov 11:00", "19.11 11:00").
func (m *Model) when(t time.Time) string {
	dated := m.c.Tr.T("payments.recent.date_layout", nil)
	if m.c.Now == nil {
		return t.In(m.c.Loc()).Format(dated)
	}
	now := m.c.Now().In(m.c.Loc())
	t = t.In(m.c.Loc())
	if y, mo, d := t.Date(); y == now.Year() && mo == now.Month() && d == now.Day() {
		return t.Format("15:04:05")
	}
	return t.Format(dated)
}
