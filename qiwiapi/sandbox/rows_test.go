package sandbox

import (
	"testing"
	"time"
)

func TestHistoryRowsSpreadEvenlyOver24Months(t *testing.T) {
	const n = 30000
	s := New(Options{End: testEnd, Now: func() time.Time { return testEnd }, HistoryRows: n})
	w := s.wallets[s.demo]
	if len(w.txns) != n {
		t.Fatalf("%d rows, want %d", len(w.txns), n)
	}
	newest, oldest := w.txns[0].date, w.txns[n-1].date
	from := testEnd.AddDate(0, -24, 0)
	if !newest.Before(testEnd) || oldest.Before(from) || oldest.After(from.AddDate(0, 0, 1)) {
		t.Fatalf("rows span %v .. %v, want the 24 months before %v", oldest, newest, testEnd)
	}
	// Evenly: every 90-day window holds about the same number of rows.
	perWindow := map[int]int{}
	for _, x := range w.txns {
		perWindow[int(testEnd.Sub(x.date)/(90*24*time.Hour))]++
	}
	want := n * 90 / 730
	for i := range 8 {
		if got := perWindow[i]; got < want*95/100 || got > want*105/100 {
			t.Fatalf("window %d holds %d rows, want about %d", i, got, want)
		}
	}
	// Deterministic.
	again := New(Options{End: testEnd, Now: func() time.Time { return testEnd }, HistoryRows: n}).wallets[demoWallet]
	for i := range w.txns {
		a, b := w.txns[i], again.txns[i]
		if a.id != b.id || !a.date.Equal(b.date) || a.sum != b.sum || a.status != b.status {
			t.Fatalf("row %d differs between two seedings", i)
		}
	}
}

func BenchmarkSeed30000(b *testing.B) {
	for b.Loop() {
		New(Options{End: testEnd, Now: func() time.Time { return testEnd }, HistoryRows: 30000})
	}
}
