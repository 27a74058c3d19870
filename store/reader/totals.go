package reader

import "qiwidash/qiwiapi"

// Sum accumulates amounts per currency, in the order currencies appear
// (totals of windows, of the rows a screen holds).
type Sum struct {
	order   []qiwiapi.Currency
	in, out map[qiwiapi.Currency]int64
}

// NewSum is an empty sum.
func NewSum() *Sum {
	return &Sum{in: map[qiwiapi.Currency]int64{}, out: map[qiwiapi.Currency]int64{}}
}

// Add adds a to the incoming or the outgoing side.
func (t *Sum) Add(a qiwiapi.Amount, incoming bool) {
	_, seenIn := t.in[a.Currency]
	_, seenOut := t.out[a.Currency]
	if !seenIn && !seenOut {
		t.order = append(t.order, a.Currency)
	}
	if incoming {
		t.in[a.Currency] += a.Minor
		t.out[a.Currency] += 0
	} else {
		t.out[a.Currency] += a.Minor
		t.in[a.Currency] += 0
	}
}

// Totals is the sum, in QIWI's shape; zero sides are left out.
func (t *Sum) Totals() *qiwiapi.Totals {
	r := &qiwiapi.Totals{}
	for _, c := range t.order {
		if v := t.in[c]; v != 0 {
			r.Incoming = append(r.Incoming, qiwiapi.Amount{Minor: v, Currency: c})
		}
		if v := t.out[c]; v != 0 {
			r.Outgoing = append(r.Outgoing, qiwiapi.Amount{Minor: v, Currency: c})
		}
	}
	return r
}
