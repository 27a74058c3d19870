package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"testing"
	"time"

	"qiwidash/qiwiapi"
)

// TestPageByAmountWithinEachCurrency: OrderAmount pages (keyset, any page
// size) through every cached row the filter matches exactly once, grouped
// by currency (roubles first), largest sum first within each, newest first among equal
// sums; a 900 ₸ payment never sorts among roubles, and the order does not
// depend on how many rows were loaded. Export writes the same order.
func TestPageByAmountWithinEachCurrency(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	const wallet = "79990000000"
	base := time.Date(2024, 3, 1, 10, 0, 0, 0, qiwiapi.Moscow)
	curs := []qiwiapi.Currency{qiwiapi.RUB, qiwiapi.USD, qiwiapi.KZT}
	var txns []qiwiapi.Transaction
	for i := range 90 {
		typ := qiwiapi.TypeOut
		if i%4 == 0 {
			typ = qiwiapi.TypeIn
		}
		// Sums repeat (i%7) so that ties must be broken by the row, and
		// the newest rows are not the largest.
		minor := int64((i%7)*10_000 + 100)
		txns = append(txns, txn(int64(5000+i), typ, base.Add(time.Duration(i)*time.Hour), qiwiapi.StatusSuccess, minor, curs[i%3], "+79990001122", "rent"))
	}
	if _, err := st.Upsert(ctx, wallet, txns); err != nil {
		t.Fatal(err)
	}
	for _, f := range []Filter{{Order: OrderAmount}, {Order: OrderAmount, Operation: qiwiapi.OperationOut}, {Order: OrderAmount, Text: "rent", From: base.Add(10 * time.Hour)}} {
		want, err := st.Summary(ctx, wallet, Filter{Operation: f.Operation, Text: f.Text, From: f.From})
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{1, 7, 50, 200} {
			var got []qiwiapi.Transaction
			var after *Key
			for {
				p, err := st.Page(ctx, wallet, f, after, size)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, p.Transactions...)
				if p.Next == nil {
					break
				}
				after = p.Next
			}
			if len(got) != want.Count {
				t.Fatalf("%+v by %d: %d rows, want %d", f, size, len(got), want.Count)
			}
			seen := map[qiwiapi.FlexInt]bool{}
			for i, tx := range got {
				if seen[tx.TxnID] {
					t.Fatalf("%+v by %d: txn %d twice", f, size, tx.TxnID)
				}
				seen[tx.TxnID] = true
				if i == 0 {
					continue
				}
				prev := got[i-1]
				switch {
				case currencyRank(prev.Sum.Currency) > currencyRank(tx.Sum.Currency):
					t.Fatalf("%+v by %d: %v before %v: currencies mixed", f, size, prev.Sum, tx.Sum)
				case prev.Sum.Currency == tx.Sum.Currency && prev.Sum.Minor < tx.Sum.Minor:
					t.Fatalf("%+v by %d: %v before %v: not largest first", f, size, prev.Sum, tx.Sum)
				case prev.Sum == tx.Sum && prev.Date.Before(tx.Date):
					t.Fatalf("%+v by %d: equal sums not newest first", f, size)
				}
			}
		}
	}
	var out bytes.Buffer
	n, err := st.Export(ctx, &out, wallet, Filter{Order: OrderAmount}, "csv")
	if err != nil || n != 90 {
		t.Fatalf("export: %d, %v", n, err)
	}
	recs, _ := csv.NewReader(&out).ReadAll()
	p, _ := st.Page(ctx, wallet, Filter{Order: OrderAmount}, nil, 90)
	for i, tx := range p.Transactions {
		if recs[i+1][0] != tx.TxnID.String() {
			t.Fatalf("export row %d is txn %s, the page's is %d", i, recs[i+1][0], tx.TxnID)
		}
	}
}
