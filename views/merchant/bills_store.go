package merchant

import (
	"context"
	"errors"

	"qiwidash/store"
)

// billKind is the store record kind of issued bills.
const billKind = "merchant.bill"

// storeBills keeps bills (refunds inside) as JSON records in the store.
type storeBills struct {
	st   *store.Store
	kind string
}

// NewStoreBills is the BillStore kept in the SQLite store, so issued bills
// and their refunds survive restarts. It is one list for every shop: with
// several merchant profiles use NewStoreBillsFor.
func NewStoreBills(st *store.Store) BillStore { return NewStoreBillsFor(st, "") }

// NewStoreBillsFor is the store BillStore of one shop (its prv_id), so a
// profile never follows or refunds another shop's bills.
func NewStoreBillsFor(st *store.Store, shopID string) BillStore {
	kind := billKind
	if shopID != "" {
		kind += "/" + shopID
	}
	return storeBills{st: st, kind: kind}
}

// SaveBill inserts or replaces the bill by ID.
func (s storeBills) SaveBill(ctx context.Context, b Bill) error {
	if b.ID == "" {
		return errors.New("bills: a bill without an id")
	}
	return s.st.Put(ctx, s.kind, b.ID, b)
}

// Bills returns every bill, newest first, then by ID.
func (s storeBills) Bills(ctx context.Context) ([]Bill, error) {
	recs, err := s.st.List(ctx, s.kind, store.ListOptions{})
	if err != nil {
		return nil, err
	}
	out := make([]Bill, 0, len(recs))
	for _, r := range recs {
		var b Bill
		if err := r.Decode(&b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	sortBills(out)
	return out, nil
}
