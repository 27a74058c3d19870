package overview

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/store"
)

// BenchmarkFirstPaint is the Overview's first paint from the store (no
// network) with 10, 50 and 200 profiles, each a wallet with 2,000 cached
// rows (some WAITING), an agent terminal's balances and 20 bills.
func BenchmarkFirstPaint(b *testing.B) {
	for _, n := range []int{10, 50, 200} {
		b.Run(fmt.Sprintf("profiles=%d", n), func(b *testing.B) {
			ctx := context.Background()
			st, err := store.Open(filepath.Join(b.TempDir(), "qiwidash.db"), store.Options{Getenv: func(string) string { return "" }})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			var ps []store.Profile
			for i := range n {
				p := store.Profile{Name: fmt.Sprintf("p%03d", i), Wallet: fmt.Sprintf("7999100%04d", i), Has: store.Modes{Wallet: true, Agent: true, Merchant: true}}
				ps = append(ps, p)
				txns := make([]qiwiapi.Transaction, 2000)
				for j := range txns {
					st := qiwiapi.StatusSuccess
					if j%97 == 0 {
						st = qiwiapi.StatusWaiting
					}
					txns[j] = qiwiapi.Transaction{TxnID: qiwiapi.FlexInt(i*10000 + j), Type: qiwiapi.TypeOut, Status: st,
						Date: testNow.Add(-time.Duration(j) * 7 * time.Minute), Sum: qiwiapi.Amount{Minor: int64(j * 100), Currency: qiwiapi.RUB}}
				}
				if _, err := st.Upsert(ctx, p.Wallet, txns); err != nil {
					b.Fatal(err)
				}
				shop, term := fmt.Sprintf("shop%03d", i), fmt.Sprintf("T%03d", i)
				if err := st.Put(ctx, snapshotKind, p.Name, snapshot{Terminal: term, Shop: shop, Read: testNow,
					Balances: []qiwiapi.Amount{{Minor: 100, Currency: qiwiapi.RUB}, {Minor: 5, Currency: qiwiapi.USD}},
					Agent:    []qiwiapi.Amount{{Minor: 100, Currency: qiwiapi.RUB}}}); err != nil {
					b.Fatal(err)
				}
				for k := range 20 {
					if err := st.Put(ctx, "merchant.bill/"+shop, fmt.Sprint(k), map[string]any{"ID": fmt.Sprint(k), "Status": "waiting",
						"Amount": qiwiapi.Amount{Minor: 100, Currency: qiwiapi.RUB}, "Lifetime": testNow.Add(time.Duration(k) * time.Hour)}); err != nil {
						b.Fatal(err)
					}
				}
			}
			e := &Engine{Store: st, Profiles: func(context.Context) ([]store.Profile, error) { return ps, nil }, Now: func() time.Time { return testNow },
				Thresholds: map[qiwiapi.Currency]qiwiapi.Amount{qiwiapi.RUB: {Minor: 1000, Currency: qiwiapi.RUB}}}
			for b.Loop() {
				rows, err := e.Load(ctx)
				if err != nil || len(rows) != n || len(rows[0].Stuck) == 0 || rows[0].BillsWaiting != 20 {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
			}
		})
	}
}
