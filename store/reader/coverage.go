package reader

import (
	"context"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/store"
)

// Covered says how far back the cache holds every row of the wallet's
// history: every row dated after from (up to now) is cached. all reports
// that from is the start of history (nothing older exists). It reads no
// more than the cache's bookkeeping.
func (r *Reader) Covered(ctx context.Context) (from time.Time, all bool, err error) {
	if err := r.load(ctx); err != nil {
		return time.Time{}, false, err
	}
	now := r.now()
	bound, w, _ := r.plan(now, time.Time{}, now)
	return bound, w == nil, nil
}

// QIWITotals is QIWI's own sum (payments/total) of successful incoming and
// outgoing payments over [start, end] (at most 90 days), asked within the
// wallet's budget at the priority ctx carries. The answer for a range that
// has ended and holds no WAITING row is kept, and given again without a
// request. Statements and the Insights screen reconcile the cache with it.
func (r *Reader) QIWITotals(ctx context.Context, start, end time.Time) (*qiwiapi.Totals, error) {
	if r.o.API == nil {
		return nil, errNoAPI
	}
	key := store.TotalsKey("", nil)
	if t, ok, err := r.o.Store.CachedTotals(ctx, r.o.Wallet, start, end, key); err != nil || ok {
		return t, err
	}
	t, _, err := r.o.API.Totals(ctx, r.o.Wallet, qiwiapi.TotalsOptions{Start: start, End: end.In(start.Location())})
	r.noteErr(err)
	if err != nil {
		return nil, err
	}
	if end.Before(r.now()) {
		waiting, err := r.o.Store.HasWaiting(ctx, r.o.Wallet, start, end)
		if err == nil && !waiting {
			err = r.o.Store.SaveTotals(context.WithoutCancel(ctx), r.o.Wallet, start, end, key, t)
		}
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}
