package insights

import (
	"context"
	"time"

	"qiwidash/qiwiapi"
)

// Check compares one currency of a range with QIWI's own totals
// (payments/total): what the cache sums and what QIWI says.
type Check struct {
	Start, End        time.Time
	Currency          qiwiapi.Currency
	CacheIn, QIWIIn   qiwiapi.Amount
	CacheOut, QIWIOut qiwiapi.Amount
}

// Agree reports whether the cache and QIWI give the same sums.
func (c Check) Agree() bool { return c.CacheIn == c.QIWIIn && c.CacheOut == c.QIWIOut }

// DiffIn and DiffOut are what QIWI counts that the cache does not (negative: the other way).
func (c Check) DiffIn() qiwiapi.Amount {
	return qiwiapi.Amount{Minor: c.QIWIIn.Minor - c.CacheIn.Minor, Currency: c.Currency}
}
func (c Check) DiffOut() qiwiapi.Amount {
	return qiwiapi.Amount{Minor: c.QIWIOut.Minor - c.CacheOut.Minor, Currency: c.Currency}
}

// Reconcile checks the cache's buckets of one range (one per currency, as
// Months or Sums give them) against QIWI's totals of the same range, every
// currency either side names, RUB first.
func Reconcile(start, end time.Time, cache []Bucket, qiwi *qiwiapi.Totals) []Check {
	by := map[qiwiapi.Currency]*Check{}
	var curs []qiwiapi.Currency
	get := func(c qiwiapi.Currency) *Check {
		if k := by[c]; k != nil {
			return k
		}
		z := zero(c)
		k := &Check{Start: start, End: end, Currency: c, CacheIn: z, QIWIIn: z, CacheOut: z, QIWIOut: z}
		by[c] = k
		curs = append(curs, c)
		return k
	}
	for _, b := range cache {
		k := get(b.Currency)
		k.CacheIn.Minor += b.In.Minor
		k.CacheOut.Minor += b.Out.Minor
	}
	if qiwi != nil {
		for _, a := range qiwi.Incoming {
			get(a.Currency).QIWIIn.Minor += a.Minor
		}
		for _, a := range qiwi.Outgoing {
			get(a.Currency).QIWIOut.Minor += a.Minor
		}
	}
	SortCurrencies(curs)
	out := make([]Check, 0, len(curs))
	for _, c := range curs {
		out = append(out, *by[c])
	}
	return out
}

// Sums is the money of [from, to) per currency, one bucket each, RUB first
// (a statement's totals, a range's side of Reconcile).
func (x *Insights) Sums(ctx context.Context, from, to time.Time) ([]Bucket, error) {
	ds, err := x.days(ctx, from, to, 0)
	if err != nil {
		return nil, err
	}
	by := map[qiwiapi.Currency]*Bucket{}
	var curs []qiwiapi.Currency
	for _, d := range ds {
		b := by[d.currency]
		if b == nil {
			z := zero(d.currency)
			b = &Bucket{Start: from, End: to.Add(-time.Second), Currency: d.currency, In: z, Out: z, OutSum: z, Commission: z}
			by[d.currency] = b
			curs = append(curs, d.currency)
		}
		add(b, d)
	}
	SortCurrencies(curs)
	out := make([]Bucket, 0, len(curs))
	for _, c := range curs {
		out = append(out, *by[c])
	}
	return out, nil
}
