// Package agent holds the payment agent's screens: the agent balance with
// its trend and low-balance warning, the top-up form, and the top-ups
// journal that follows every top-up to its final status.
//
// The screens keep their data behind two small interfaces (Journal and
// Samples) so the store package can provide them; NewMemoryJournal and
// NewMemorySamples serve tests and the demo.
package agent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/topup"
)

// DefaultRefresh is the agent balance refresh interval the app should use
// when the config says nothing.
const DefaultRefresh = 30 * time.Second

// DefaultSamples is how many balance samples the trend line shows.
const DefaultSamples = 30

// Deps are what the agent screens need beyond common.Common.
type Deps struct {
	// Journal records every top-up before it is sent; shared by the
	// Top-up and Top-ups screens.
	Journal Journal
	// Samples keeps the agent balance over time for the trend line.
	Samples Samples
	// Thresholds: a balance below its currency's threshold is low.
	Thresholds map[qiwiapi.Currency]qiwiapi.Amount
	// Refresh is the balance refresh interval; 0 or less turns it off.
	Refresh time.Duration
}

// Entry is one top-up in the journal: the state of the documented client
// algorithm (plain, JSON-serialisable data) plus bookkeeping. Number is the
// key; it equals State.Topup.Number.
type Entry struct {
	Number topup.TxnNumber
	State  topup.State
	// Attempts counts requests sent for this top-up, counted before each
	// goes out (so a request lost in a crash still counts).
	Attempts int
	// InFlight is the request that went out and has no recorded answer
	// (ActNone when none). After a restart an in-flight pay means the
	// outcome is unknown: the top-up is asked by status, never re-numbered.
	InFlight topup.ActionKind
	// LastCode is the request-level code of the last error (150, 339…), 0
	// when none; it says what a person has to fix on a held top-up.
	LastCode topup.RequestCode
	Created  time.Time
	Updated  time.Time
}

// Topup is the top-up the entry records.
func (e Entry) Topup() topup.Topup { return e.State.Topup }

// Journal stores top-ups. Save inserts or replaces by Number. Calls come
// from tea.Cmds, concurrently for different entries.
type Journal interface {
	Save(ctx context.Context, e Entry) error
	// List returns every entry, newest (largest number) first.
	List(ctx context.Context) ([]Entry, error)
	// MaxNumber is the largest number ever saved ("" when none); it seeds
	// the transaction number generator so numbers only grow.
	MaxNumber(ctx context.Context) (topup.TxnNumber, error)
}

// Samples stores agent balances over time. The amount carries its currency.
type Samples interface {
	Add(ctx context.Context, amount qiwiapi.Amount, at time.Time) error
	// Recent returns the last n samples of a currency, oldest first.
	Recent(ctx context.Context, currency qiwiapi.Currency, n int) ([]qiwiapi.Amount, error)
}

// TopupQueuedMsg is sent by the Top-up screen once a top-up is journaled
// and must be sent; the shell broadcasts it and the Top-ups screen follows it.
type TopupQueuedMsg struct {
	Entry Entry
}

// lessNumber orders transaction numbers numerically (they are decimal
// strings without leading zeros).
func lessNumber(a, b topup.TxnNumber) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// MemoryJournal is an in-memory Journal, safe for concurrent use.
type MemoryJournal struct {
	mu      sync.Mutex
	entries map[topup.TxnNumber]Entry
	max     topup.TxnNumber
}

// NewMemoryJournal makes an empty journal.
func NewMemoryJournal() *MemoryJournal {
	return &MemoryJournal{entries: map[topup.TxnNumber]Entry{}}
}

// Save inserts or replaces the entry.
func (j *MemoryJournal) Save(_ context.Context, e Entry) error {
	if e.Number == "" || e.Number != e.State.Topup.Number {
		return fmt.Errorf("journal: entry number %q does not match its top-up %q", e.Number, e.State.Topup.Number)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries[e.Number] = e
	if lessNumber(j.max, e.Number) {
		j.max = e.Number
	}
	return nil
}

// List returns the entries, newest first.
func (j *MemoryJournal) List(context.Context) ([]Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Entry, 0, len(j.entries))
	for _, e := range j.entries {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int {
		switch {
		case lessNumber(b.Number, a.Number):
			return -1
		case lessNumber(a.Number, b.Number):
			return 1
		}
		return 0
	})
	return out, nil
}

// MaxNumber is the largest number saved.
func (j *MemoryJournal) MaxNumber(context.Context) (topup.TxnNumber, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.max, nil
}

// Get returns one entry (for tests).
func (j *MemoryJournal) Get(n topup.TxnNumber) (Entry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.entries[n]
	return e, ok
}

// MemorySamples is an in-memory Samples keeping at most Cap samples per
// currency (default 500), safe for concurrent use.
type MemorySamples struct {
	Cap int

	mu   sync.Mutex
	data map[qiwiapi.Currency][]qiwiapi.Amount
}

// NewMemorySamples makes an empty sample store.
func NewMemorySamples() *MemorySamples {
	return &MemorySamples{Cap: 500, data: map[qiwiapi.Currency][]qiwiapi.Amount{}}
}

// Add appends a sample.
func (s *MemorySamples) Add(_ context.Context, a qiwiapi.Amount, _ time.Time) error {
	if a.Currency == 0 {
		return errors.New("samples: amount without a currency")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := append(s.data[a.Currency], a)
	if s.Cap > 0 && len(l) > s.Cap {
		l = l[len(l)-s.Cap:]
	}
	s.data[a.Currency] = l
	return nil
}

// Recent returns the last n samples of a currency, oldest first.
func (s *MemorySamples) Recent(_ context.Context, c qiwiapi.Currency, n int) ([]qiwiapi.Amount, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.data[c]
	if n >= 0 && len(l) > n {
		l = l[len(l)-n:]
	}
	return slices.Clone(l), nil
}
