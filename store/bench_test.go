package store

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"qiwidash/qiwiapi"
)

// Benchmarks over a cache of one million transactions:
//
//	go test ./store/ -run '^$' -bench . -benchtime 200x
//
// The cache is generated once per run by one INSERT ... SELECT (about a
// minute), and skipped with -short.

const (
	benchRows   = 1_000_000
	benchWallet = "79991234567"
	benchRSSEnv = "QIWIDASH_BENCH_RSS_DB"
)

var (
	benchOnce sync.Once
	benchDir  string
	benchPath string
	benchErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchStore returns the path of a store holding benchRows transactions.
func benchStore(b *testing.B) string {
	b.Helper()
	if testing.Short() {
		b.Skip("generates 1M transactions; skipped with -short")
	}
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "qiwidash-bench-")
		if benchErr != nil {
			return
		}
		benchPath = filepath.Join(benchDir, "qiwidash.db")
		start := time.Now()
		benchErr = generate(benchPath, benchRows)
		fmt.Fprintf(os.Stderr, "generated %d transactions in %s\n", benchRows, time.Since(start).Round(time.Millisecond))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

// generate fills a new store with n synthetic transactions of benchWallet,
// one a minute, in one transaction.
func generate(path string, n int) error {
	s, err := Open(path, Options{Keyring: failingKeyring{}})
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	const comments = `CASE i % 8 WHEN 0 THEN 'обед в кафе' WHEN 1 THEN 'аренда квартиры' WHEN 2 THEN 'такси до дома'
		WHEN 3 THEN 'подарок маме' WHEN 4 THEN 'за билеты' WHEN 5 THEN '' WHEN 6 THEN 'долг' ELSE 'коммуналка' END
		|| CASE WHEN i % 100000 = 7 THEN ' уникальный' ELSE '' END`
	stmts := []string{
		`CREATE TEMP TABLE seq AS WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ` + strconv.Itoa(n) + `) SELECT i FROM c`,
		`INSERT INTO txns (id, wallet, txn_id, type, date, tz, status, amount, currency, commission, total, provider_id, source_id,
			error_code, account, provider, comment, synced_at)
		SELECT ((1600000000 + i * 60) << 24) | (((20000000000 + i) & 4194303) << 2) | CASE WHEN i % 3 = 0 THEN 0 ELSE 1 END,
			'` + benchWallet + `', 20000000000 + i, CASE WHEN i % 3 = 0 THEN 'IN' ELSE 'OUT' END, 1600000000 + i * 60, 10800,
			CASE WHEN i % 97 = 0 THEN 'ERROR' WHEN i % 1000 = 1 THEN 'WAITING' ELSE 'SUCCESS' END,
			(i * 37) % 100000 + 100, CASE WHEN i % 10 = 0 THEN 840 ELSE 643 END, 0, (i * 37) % 100000 + 100, 99, 7,
			CASE WHEN i % 97 = 0 THEN 3 ELSE 0 END, '+7999' || printf('%07d', i % 5000), 'QIWI Кошелек', ` + comments + `, 1600000000
		FROM seq`,
		`INSERT INTO txn_raw (id, raw) SELECT id, printf('{"txnId":%d,"personId":` + benchWallet + `,"date":"%s","errorCode":%d,"error":null,` +
			`"status":"%s","type":"%s","statusText":"Успешно","trmTxnId":"%d","account":"%s","sum":{"amount":%d.%02d,"currency":%d},` +
			`"commission":{"amount":0,"currency":%d},"total":{"amount":%d.%02d,"currency":%d},` +
			`"provider":{"id":99,"shortName":"QIWI Кошелек","longName":"QIWI Кошелек","logoUrl":"https://static.qiwi.com/img/providers/logoBig/99_l.png","description":null,"keys":"перевод, кошелек","siteUrl":null,"extras":[]},` +
			`"source":{"id":7,"shortName":"QIWI Wallet","longName":"QIWI Wallet","logoUrl":null,"description":null,"keys":"мобильный кошелек","siteUrl":null,"extras":[]},` +
			`"comment":"%s","currencyRate":1,"paymentExtras":[],"features":{"chequeReady":true,"bankDocumentReady":false,"regularPaymentEnabled":false,"bankDocumentAvailable":false,"repeatPaymentEnabled":true,"favoritePaymentEnabled":true,"chatAvailable":false,"greetingCardAttached":false},"serviceExtras":{},"view":{"title":"QIWI Кошелек","account":"%s"}}',
			txn_id, strftime('%Y-%m-%dT%H:%M:%S+03:00', date + 10800, 'unixepoch'), error_code, status, type, txn_id, account,
			amount / 100, amount % 100, currency, currency, total / 100, total % 100, currency, comment, account) FROM txns`,
		`INSERT INTO txns_fts (rowid, account, provider, comment, extra) SELECT id, account, provider, comment, txn_id || ' ' || status FROM txns`,
		`INSERT INTO sync_state (wallet, last_sync_at, last_try_at, oldest) VALUES ('` + benchWallet + `', 1700000000, 1700000000, 1600000000)`,
		`DROP TABLE seq`,
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%.60s: %w", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO txns_fts (txns_fts) VALUES ('optimize'); PRAGMA wal_checkpoint(TRUNCATE); ANALYZE`)
	return err
}

func openBench(b *testing.B, path string) *Store {
	s, err := Open(path, Options{Keyring: failingKeyring{}})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkOpenFirstPage: open the store file and read the first page (target < 100 ms).
func BenchmarkOpenFirstPage(b *testing.B) {
	path := benchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		s := openBench(b, path)
		p, err := s.Page(ctx, benchWallet, Filter{}, nil, 50)
		if err != nil || len(p.Transactions) != 50 {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkSearch: a text search's first page (target < 50 ms).
func BenchmarkSearch(b *testing.B) {
	path := benchStore(b)
	s := openBench(b, path)
	defer s.Close()
	ctx := context.Background()
	for _, c := range []struct{ name, text string }{
		{"common-word-125k-hits", "аренда"},
		{"prefix-two-words", "подар мам"},
		{"rare-word-10-hits", "уникальный"},
		{"account-digits-200-hits", "79990001234"},
		{"no-hits", "несуществующее"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Page(ctx, benchWallet, Filter{Text: c.text}, nil, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkScrollPage: the next page by keyset, anywhere in the cache (target < 5 ms).
func BenchmarkScrollPage(b *testing.B) {
	path := benchStore(b)
	s := openBench(b, path)
	defer s.Close()
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    Filter
	}{
		{"all", Filter{}},
		{"out-usd-success", Filter{Operation: "OUT", Currencies: []qiwiapi.Currency{840}, Statuses: []qiwiapi.TxnStatus{"SUCCESS"}}},
		{"search-common-word", Filter{Text: "аренда"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var after *Key
			for b.Loop() {
				p, err := s.Page(ctx, benchWallet, c.f, after, 50)
				if err != nil {
					b.Fatal(err)
				}
				after = p.Next
			}
		})
	}
}

// BenchmarkPageByAmount: pages in OrderAmount (per currency, largest
// first) over the whole cache: the first page, and scrolling on by keyset.
func BenchmarkPageByAmount(b *testing.B) {
	path := benchStore(b)
	s := openBench(b, path)
	defer s.Close()
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    Filter
	}{
		{"all", Filter{Order: OrderAmount}},
		{"out", Filter{Order: OrderAmount, Operation: "OUT"}},
	} {
		b.Run(c.name+"/first", func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Page(ctx, benchWallet, c.f, nil, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/scroll", func(b *testing.B) {
			var after *Key
			for b.Loop() {
				p, err := s.Page(ctx, benchWallet, c.f, after, 50)
				if err != nil {
					b.Fatal(err)
				}
				after = p.Next
			}
		})
	}
}

// BenchmarkSummary: count and per-currency totals of a filter (no target; informative).
func BenchmarkSummary(b *testing.B) {
	path := benchStore(b)
	s := openBench(b, path)
	defer s.Close()
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    Filter
	}{{"all", Filter{}}, {"last-90-days", Filter{From: time.Unix(1600000000+(benchRows-90*24*60)*60, 0)}}, {"search-rare", Filter{Text: "уникальный"}}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Summary(ctx, benchWallet, c.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRSS measures the peak RSS of a fresh process that opens the
// 1M-row store, pages, scrolls 200 pages and searches (target < 150 MB).
func BenchmarkRSS(b *testing.B) {
	path := benchStore(b)
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRSSChild$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), benchRSSEnv+"="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		_, after, ok := strings.Cut(string(out), "PEAK-RSS-KB:")
		if !ok {
			b.Fatalf("no RSS in\n%s", out)
		}
		kb, _ := strconv.Atoi(strings.Fields(after)[0])
		b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
	}
}

func TestRSSChild(t *testing.T) {
	path := os.Getenv(benchRSSEnv)
	if path == "" {
		t.Skip("child role of BenchmarkRSS")
	}
	ctx := context.Background()
	s, err := Open(path, Options{Keyring: failingKeyring{}})
	if err != nil {
		t.Fatal(err)
	}
	var after *Key
	for range 200 {
		p, err := s.Page(ctx, benchWallet, Filter{}, after, 50)
		if err != nil {
			t.Fatal(err)
		}
		after = p.Next
	}
	for _, q := range []string{"аренда", "уникальный", "79990001234"} {
		if _, err := s.Page(ctx, benchWallet, Filter{Text: q}, nil, 50); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Summary(ctx, benchWallet, Filter{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc: RSS not measured")
	}
	for _, l := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			t.Log("PEAK-RSS-KB: " + strings.Fields(rest)[0])
		}
	}
}

// BenchmarkUpsert caches 1,000 new transactions (20 pages of 50, one write
// transaction each, as a sync does) per iteration:
//
//	go test ./store/ -run '^$' -bench Upsert -benchtime 20x
func BenchmarkUpsert(b *testing.B) {
	st := openTest(b)
	ctx := context.Background()
	base := time.Date(2026, 11, 20, 12, 0, 0, 0, qiwiapi.Moscow)
	prov := &qiwiapi.Provider{ID: 99, ShortName: "QIWI Кошелек", LongName: "Перевод на QIWI Кошелек"}
	next := int64(30_000_000_000)
	b.ReportAllocs()
	for b.Loop() {
		for page := 0; page < 20; page++ {
			txns := make([]qiwiapi.Transaction, 50)
			for i := range txns {
				next--
				sum := qiwiapi.Amount{Minor: 1000 + next%90000, Currency: qiwiapi.RUB}
				txns[i] = qiwiapi.Transaction{TxnID: qiwiapi.FlexInt(next), Date: base.Add(-time.Duration(30_000_000_000-next) * time.Minute),
					Type: qiwiapi.TypeOut, Status: qiwiapi.StatusSuccess, Sum: sum, Total: sum, Account: "+79161234567", Provider: prov,
					Comment: "payment " + strconv.FormatInt(next, 10)}
			}
			if _, err := st.Upsert(ctx, benchWallet, txns); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/1000rows")
}
