package statement_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/store/insights/insightstest"
	"qiwidash/store/statement"
)

// A 10,000-row PDF statement (two years of a busy wallet):
//
//	go test ./store/statement/ -run '^$' -bench PDF -benchtime 5x
//
// and its memory, one statement in a fresh process:
//
//	go test -c -o /tmp/statement.test ./store/statement/
//	QIWIDASH_STATEMENT_RSS=1 /usr/bin/time -v /tmp/statement.test -test.run TestStatementRSS
//	(Maximum resident set size; the child also fills the store)

const statementRows = 10_000

var statementEnd = time.Date(2026, 6, 15, 0, 0, 0, 0, qiwiapi.Moscow)

func statementStore(tb testing.TB) (*store.Store, statement.Options) {
	tb.Helper()
	keyring.MockInit()
	st, err := store.Open(filepath.Join(tb.TempDir(), "qiwidash.db"), store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if err := insightstest.Fill(context.Background(), st, "79991234567", statementRows, statementEnd); err != nil {
		tb.Fatal(err)
	}
	o := statement.Options{Wallet: "79991234567", From: statementEnd.AddDate(-2, 0, -1), To: statementEnd.Add(-time.Second), Made: statementEnd}
	return st, o
}

func BenchmarkStatementPDF10k(b *testing.B) {
	st, o := statementStore(b)
	for b.Loop() {
		s, err := statement.Make(context.Background(), io.Discard, st, o, "pdf")
		if err != nil || s.Count != statementRows {
			b.Fatal(err, s)
		}
	}
}

func TestStatementRSS(t *testing.T) {
	if os.Getenv("QIWIDASH_STATEMENT_RSS") == "" {
		t.Skip("run under /usr/bin/time -v with QIWIDASH_STATEMENT_RSS=1 (see the bench's comment)")
	}
	st, o := statementStore(t)
	start := time.Now()
	s, err := statement.Make(context.Background(), io.Discard, st, o, "pdf")
	if err != nil || s.Count != statementRows {
		t.Fatal(err, s)
	}
	t.Logf("%d-row PDF statement in %s", s.Count, time.Since(start).Round(time.Millisecond))
}
