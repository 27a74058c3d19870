package bills

import (
	"context"
	"errors"
	"strings"

	"qiwidash/store"
)

// Kind is the store record kind of the bills issued for a shop (its
// prv_id); "" is the one list of a store that predates shops.
func Kind(shop string) string {
	if shop == "" {
		return "merchant.bill"
	}
	return "merchant.bill/" + shop
}

// ShopOf is the shop whose bills a record kind holds ("" for the one list
// that predates shops).
func ShopOf(kind string) string {
	return strings.TrimPrefix(strings.TrimPrefix(kind, Kind("")), "/")
}

// sqlite keeps bills (refunds inside) as JSON records in the store.
type sqlite struct {
	st   *store.Store
	kind string
}

// NewStoreFor is the Store of one shop (its prv_id) kept in the SQLite
// store, so issued bills and their refunds survive restarts and a profile
// never follows or refunds another shop's bills. Shop "" is one list for
// every shop.
func NewStoreFor(st *store.Store, shopID string) Store {
	return sqlite{st: st, kind: Kind(shopID)}
}

// SaveBill inserts or replaces the bill by ID.
func (s sqlite) SaveBill(ctx context.Context, b Bill) error {
	if b.ID == "" {
		return errors.New("bills: a bill without an id")
	}
	return s.st.Put(ctx, s.kind, b.ID, b)
}

// Bills returns every bill, newest first, then by ID.
func (s sqlite) Bills(ctx context.Context) ([]Bill, error) {
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
