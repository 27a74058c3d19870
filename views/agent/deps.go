// Package agent holds the payment agent's screens: the agent balance with
// its trend and low-balance warning, the top-up form, and the top-ups
// journal that follows every top-up to its final status.
//
// Top-ups are the engine's (Common.Topups, store/moves): the screens hand
// it a top-up and render the journal entries it reports. Balance samples
// live behind Samples (NewStoreSamples, NewMemorySamples).
package agent

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/store"
)

// DefaultRefresh is the agent balance refresh interval the app should use
// when the config says nothing.
const DefaultRefresh = 30 * time.Second

// DefaultSamples is how many balance samples the trend line shows.
const DefaultSamples = 30

// Deps are what the agent screens need beyond common.Common (whose Topups
// engine journals, sends and follows the top-ups).
type Deps struct {
	// Samples keeps the agent balance over time for the trend line.
	Samples Samples
	// Thresholds: a balance below its currency's threshold is low.
	Thresholds map[qiwiapi.Currency]qiwiapi.Amount
	// Refresh is the balance refresh interval; 0 or less turns it off.
	Refresh time.Duration
}

// Samples stores agent balances over time. The amount carries its currency.
type Samples interface {
	Add(ctx context.Context, amount qiwiapi.Amount, at time.Time) error
	// Recent returns the last n samples of a currency, oldest first.
	Recent(ctx context.Context, currency qiwiapi.Currency, n int) ([]qiwiapi.Amount, error)
}

// TopupQueuedMsg is sent by the Top-up screen once the engine journaled a
// top-up and started it; the shell broadcasts it and the Top-ups screen
// shows it.
type TopupQueuedMsg struct {
	Entry store.Entry
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
