package agent

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/store"
)

// seriesPrefix names the balance sample series in the store: + "/" and
// the terminal id, + ":" and the ISO 4217 numeric code.
const seriesPrefix = "agent.balance"

func scoped(name, terminal string) string {
	if terminal == "" {
		return name
	}
	return name + "/" + terminal
}

// storeSamples keeps balance samples in the store, one series per currency.
type storeSamples struct {
	st     *store.Store
	prefix string
}

// NewStoreSamples is the Samples kept in the SQLite store, so the balance
// trend survives restarts. With several agent profiles use NewStoreSamplesFor.
func NewStoreSamples(st *store.Store) Samples { return NewStoreSamplesFor(st, "") }

// NewStoreSamplesFor is the store Samples of one agent terminal.
func NewStoreSamplesFor(st *store.Store, terminal string) Samples {
	return storeSamples{st: st, prefix: scoped(seriesPrefix, terminal) + ":"}
}

func (s storeSamples) series(c qiwiapi.Currency) string { return s.prefix + strconv.Itoa(int(c)) }

// Add appends a sample.
func (s storeSamples) Add(ctx context.Context, a qiwiapi.Amount, at time.Time) error {
	if a.Currency == 0 {
		return fmt.Errorf("samples: amount without a currency")
	}
	return s.st.AddSample(ctx, s.series(a.Currency), at, a)
}

// Recent returns the last n samples of a currency, oldest first.
func (s storeSamples) Recent(ctx context.Context, c qiwiapi.Currency, n int) ([]qiwiapi.Amount, error) {
	got, err := s.st.RecentSamples(ctx, s.series(c), n)
	if err != nil {
		return nil, err
	}
	out := make([]qiwiapi.Amount, len(got))
	for i, smp := range got {
		out[i] = smp.Amount
	}
	return out, nil
}
