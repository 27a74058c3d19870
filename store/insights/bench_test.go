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
//	go test ./store/insights/ -run '^$' -bench . -benchtime 20x
//
// The cache is generated once per run through store.Upsert (a few
// minutes); -short skips it.

const benchRows = 1_000_000

var (
	benchOnce sync.Once
	benchSt   *store.Store
	benchErr  error
	benchEnd  = time.Date(2026, 6, 15, 12, 0, 0, 0, qiwiapi.Moscow)
)

const benchWallet = "79991234567"

func benchStore(b *testing.B) *insights.Insights {
	b.Helper()
	if testing.Short() {
		b.Skip("generates 1M transactions; skipped with -short")
	}
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "qiwidash-insights-bench-")
		if err != nil {
			benchErr = err
			return
		}
		benchSt, benchErr = store.Open(filepath.Join(dir, "qiwidash.db"), store.Options{})
		if benchErr != nil {
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

// The whole year, every currency (a statement's totals for 12 months).
func BenchmarkSumsYear(b *testing.B) {
	x := benchStore(b)
	for b.Loop() {
		if s, err := x.Sums(context.Background(), benchEnd.AddDate(-1, 0, 0), benchEnd); err != nil || len(s) != 4 {
			b.Fatal(err)
		}
	}
}
