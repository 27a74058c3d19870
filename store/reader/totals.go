package reader

import "qiwidash/qiwiapi"

// totals accumulates amounts per currency, in the order currencies appear.
type totals struct {
	order   []qiwiapi.Currency
	in, out map[qiwiapi.Currency]int64
}

func newTotals() *totals {
	return &totals{in: map[qiwiapi.Currency]int64{}, out: map[qiwiapi.Currency]int64{}}
}

func (t *totals) add(a qiwiapi.Amount, incoming bool) {
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

func (t *totals) result() *qiwiapi.Totals {
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
