package insights_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/store/insights"
	"qiwidash/store/insights/insightstest"
)

// Every panel of the Insights screen over a cache of 1,000,000 rows (24
// months, four currencies, every category, 5,000 counterparties):
//
//	QIWIDASH_INSIGHTS_BENCH_DB=/tmp/insights-bench.db go test ./store/insights/ -run '^$' -bench . -benchtime 20x
//
// The cache is generated through store.Upsert (the triggers keep the sums
// as they would in use) into that file when it holds no rows (about ten
// minutes on a busy machine), and reused by later runs; without the
// variable a temp file is generated and removed. -short skips it.

const benchRows = 1_000_000

var (
	benchOnce sync.Once
	benchSt   *store.Store
	benchErr  error
	benchTemp string
	benchEnd  = time.Date(2026, 6, 15, 12, 0, 0, 0, qiwiapi.Moscow)
)

const benchWallet = "79991234567"

func TestMain(m *testing.M) {
	code := m.Run()
	if benchSt != nil {
		benchSt.Close()
	}
	if benchTemp != "" {
		os.RemoveAll(benchTemp)
	}
	os.Exit(code)
}

func benchStore(b *testing.B) *insights.Insights {
	b.Helper()
	if testing.Short() {
		b.Skip("generates 1M transactions; skipped with -short")
	}
	benchOnce.Do(func() {
		path := os.Getenv("QIWIDASH_INSIGHTS_BENCH_DB")
		if path == "" {
			if benchTemp, benchErr = os.MkdirTemp("", "qiwidash-insights-bench-"); benchErr != nil {
				return
			}
			path = filepath.Join(benchTemp, "qiwidash.db")
		}
		if benchSt, benchErr = store.Open(path, store.Options{}); benchErr != nil {
			return
		}
		sm, err := benchSt.Summary(context.Background(), benchWallet, store.Filter{})
		if benchErr = err; err != nil || sm.Count >= benchRows {
			return
		}
		start := time.Now()
		benchErr = insightstest.Fill(context.Background(), benchSt, benchWallet, benchRows, benchEnd)
		fmt.Fprintf(os.Stderr, "generated %d transactions in %s\n", benchRows, time.Since(start).Round(time.Second))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return insights.New(benchSt, benchWallet)
}

// month is the last whole month of the bench's data.
func month() (time.Time, time.Time) {
	from := insights.MonthStart(benchEnd).AddDate(0, -1, 0)
	return from, from.AddDate(0, 1, 0).Add(-time.Second)
}

func BenchmarkMonthsPanel(b *testing.B) {
	x := benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		ms, curs, err := x.Months(ctx, benchEnd, 12)
		if err != nil || len(curs) != 4 || ms[qiwiapi.RUB][10].OutCount == 0 {
			b.Fatal(err, curs)
		}
	}
}

func BenchmarkCategoriesPanel(b *testing.B) {
	x := benchStore(b)
	from, to := month()
	for b.Loop() {
		if cs, err := x.Categories(context.Background(), from, to, qiwiapi.RUB); err != nil || len(cs) < 8 {
			b.Fatal(err, len(cs))
		}
	}
}

// The counterparties panel: top recipients and senders (two queries).
func BenchmarkCounterpartiesPanel(b *testing.B) {
	x := benchStore(b)
	from, _ := month()
	for b.Loop() {
		for _, side := range []insights.Side{insights.Out, insights.In} {
			if cs, err := x.Counterparties(context.Background(), from, qiwiapi.RUB, side, false, 5); err != nil || len(cs) != 5 {
				b.Fatal(err, len(cs))
			}
		}
	}
}

func BenchmarkDaysPanel(b *testing.B) {
	x := benchStore(b)
	from, _ := month()
	for b.Loop() {
		if ds, err := x.Days(context.Background(), from, qiwiapi.RUB, benchEnd); err != nil || len(ds) < 28 {
			b.Fatal(err)
		}
	}
}

// A year of every currency on whole days (a statement's totals for 12 months).
func BenchmarkSumsYear(b *testing.B) {
	x := benchStore(b)
	from := insights.MonthStart(benchEnd).AddDate(-1, 0, 0)
	for b.Loop() {
		if s, err := x.Sums(context.Background(), from, insights.MonthStart(benchEnd)); err != nil || len(s) != 4 {
			b.Fatal(err)
		}
	}
}

// The same year cut mid-day at both ends (times given to the minute).
func BenchmarkSumsYearCut(b *testing.B) {
	x := benchStore(b)
	from := insights.MonthStart(benchEnd).AddDate(-1, 0, 0).Add(13 * time.Hour)
	for b.Loop() {
		if s, err := x.Sums(context.Background(), from, insights.MonthStart(benchEnd).Add(-5*time.Hour)); err != nil || len(s) != 4 {
			b.Fatal(err)
		}
	}
}
