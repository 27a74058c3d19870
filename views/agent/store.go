package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
)

// Record kind and sample series names in the store; a terminal's own
// names add "/" and its id.
const (
	recordKind   = "agent.topup"
	seriesPrefix = "agent.balance" // + scope + ":" + ISO 4217 numeric code
)

func scoped(name, terminal string) string {
	if terminal == "" {
		return name
	}
	return name + "/" + terminal
}

// storeJournal keeps top-ups in the store's records, one JSON Entry per number.
type storeJournal struct {
	st   *store.Store
	kind string
}

// NewStoreJournal is the Journal kept in the SQLite store, so top-ups and
// their follow-up survive restarts. It is one journal for every terminal:
// with several agent profiles use NewStoreJournalFor.
func NewStoreJournal(st *store.Store) Journal { return NewStoreJournalFor(st, "") }

// NewStoreJournalFor is the store Journal of one agent terminal. The
// Top-ups screen resumes every unfinished entry of its journal with its own
// credentials, so each terminal needs its own.
func NewStoreJournalFor(st *store.Store, terminal string) Journal {
	return storeJournal{st: st, kind: scoped(recordKind, terminal)}
}

// Save inserts or replaces the entry.
func (j storeJournal) Save(ctx context.Context, e Entry) error {
	if e.Number == "" || e.Number != e.State.Topup.Number {
		return fmt.Errorf("journal: entry number %q does not match its top-up %q", e.Number, e.State.Topup.Number)
	}
	if _, err := topup.ParseTxnNumber(string(e.Number)); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	b, err := encodeEntry(e)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return j.st.Put(ctx, j.kind, string(e.Number), b)
}

// encodeEntry is the entry's JSON with a zero Topup.From written as null:
// qiwiapi.Currency writes its zero ("the amount's currency") as 0 but does
// not read 0 back, while it reads null as the zero value.
func encodeEntry(e Entry) (json.RawMessage, error) {
	b, err := json.Marshal(e)
	if err != nil || e.State.Topup.From != 0 {
		return b, err
	}
	return setPath(b, json.RawMessage("null"), "State", "Topup", "From")
}

// setPath replaces the value at a path of object keys in a JSON object.
func setPath(b, v json.RawMessage, path ...string) (json.RawMessage, error) {
	if len(path) == 0 {
		return v, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, err
	}
	inner, err := setPath(obj[path[0]], v, path[1:]...)
	if err != nil {
		return nil, err
	}
	obj[path[0]] = inner
	return json.Marshal(obj)
}

// List returns every entry, newest (largest number) first.
func (j storeJournal) List(ctx context.Context) ([]Entry, error) {
	recs, err := j.st.List(ctx, j.kind, store.ListOptions{Order: store.ByNumericKeyDesc})
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(recs))
	for _, r := range recs {
		var e Entry
		if err := r.Decode(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// MaxNumber is the largest number saved, compared as a number.
func (j storeJournal) MaxNumber(ctx context.Context) (topup.TxnNumber, error) {
	recs, err := j.st.List(ctx, j.kind, store.ListOptions{Order: store.ByNumericKeyDesc, Limit: 1})
	if err != nil || len(recs) == 0 {
		return "", err
	}
	return topup.TxnNumber(recs[0].Key), nil
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
