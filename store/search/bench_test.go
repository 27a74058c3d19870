package search

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"qiwidash/store"
)

const (
	benchProfiles = 10
	benchRows     = 100_000
)

// benchStore is 10 wallets x 100,000 cached rows, built once per schema
// version in the temp dir (SQL fills it: Upsert would take minutes) and
// reused by later runs.
func benchStore(b *testing.B) (*store.Store, Options) {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("qiwidash-find-bench-%dx%d-v%d.db", benchProfiles, benchRows, store.SchemaVersion()))
	_, statErr := os.Stat(path)
	st, err := store.Open(path, store.Options{Getenv: func(string) string { return "" }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	var o Options
	for w := range benchProfiles {
		o.Profiles = append(o.Profiles, store.Profile{Name: fmt.Sprintf("p%02d", w), Wallet: fmt.Sprintf("7999000%04d", w)})
	}
	if statErr == nil {
		return st, o
	}
	db, err := sql.Open("sqlite", path+"?_pragma=synchronous(OFF)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := int64(1700000000) // 2023-11-14; a row every 5 minutes, ~11 months per wallet
	for w := range benchProfiles {
		if _, err := db.Exec(`
INSERT INTO txns (id, wallet, txn_id, type, date, tz, status, amount, currency, account, provider, comment, synced_at)
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
SELECT ((? + i * 300 + ?) << 24) | (((? * 1000000 + i) & 4194303) << 2) | (i % 2),
	?, 20000000000 + ? * 1000000 + i, CASE i % 2 WHEN 0 THEN 'IN' ELSE 'OUT' END, ? + i * 300 + ?, 10800,
	CASE WHEN i % 50 = 0 THEN 'WAITING' WHEN i % 17 = 0 THEN 'ERROR' ELSE 'SUCCESS' END,
	((i * 7919) % 20000) * 100, CASE WHEN i % 10 = 0 THEN 840 ELSE 643 END,
	CASE WHEN i % 3 = 0 THEN '4276****' || printf('%04d', (i * 13 + ?) % 10000) ELSE '+7916' || printf('%07d', (i * 31 + ? * 1000003) % 10000000) END,
	CASE i % 4 WHEN 0 THEN 'Билайн' WHEN 1 THEN 'QIWI Кошелек' WHEN 2 THEN 'МИР' ELSE 'Visa' END,
	CASE i % 8 WHEN 0 THEN 'за кофе на работе' WHEN 1 THEN 'rent for November' WHEN 2 THEN 'Подарок маме' WHEN 3 THEN 'обед' ELSE '' END,
	0 FROM n`, benchRows, start, w, w, o.Profiles[w].Wallet, w, start, w, w, w); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO txns_fts (rowid, account, provider, comment, extra)
			SELECT id, account, provider, comment, txn_id || ' ' || status FROM txns WHERE wallet = ?`, o.Profiles[w].Wallet); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return st, o
}

// BenchmarkFind is one query of each kind over 10 profiles x 100,000
// cached rows (newest 200 hits per reading).
func BenchmarkFind(b *testing.B) {
	st, o := benchStore(b)
	var n int
	if err := readCount(st, &n); err != nil || n != benchProfiles*benchRows {
		b.Fatalf("%d rows cached (%v), want %d", n, err, benchProfiles*benchRows)
	}
	for _, text := range []string{
		"20005050505",            // a txn id (also amount, account, top-up, bill)
		"+7 916 038-27-26",       // a phone (p00's row 12346)
		"4276****0580",           // a card
		"1 500",                  // an amount, any currency
		"2024-03-15",             // a day
		"2024-03-01..2024-05-31", // a range
		"кофе работе",            // Cyrillic words
		"nothing-like-this",      // no hit
	} {
		q, err := Parse(text, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(text, func(b *testing.B) {
			hits := 0
			for b.Loop() {
				res, err := Find(context.Background(), st, q, o)
				if err != nil {
					b.Fatal(err)
				}
				hits = len(res.Hits)
			}
			b.ReportMetric(float64(hits), "hits")
		})
	}
}

// readCount counts the cached transactions of every wallet.
func readCount(st *store.Store, n *int) error {
	rows, err := st.Read(context.Background(), `SELECT count(*) FROM txns`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		return rows.Err()
	}
	return rows.Scan(n)
}
