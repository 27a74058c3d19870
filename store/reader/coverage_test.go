package reader

import (
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi"
)

// Covered says how far back the cache holds every row: nothing on an
// empty cache, the whole history after a full sync.
func TestCovered(t *testing.T) {
	e := newEnv(t, 2_000)
	r := e.reader(t, nil)
	ctx := t.Context()
	from, all, err := r.Covered(ctx)
	if err != nil || all || from.Before(end.Add(-time.Hour)) {
		t.Fatalf("empty cache: covered from %s, all %v, %v", from, all, err)
	}
	if err := r.Sync(ctx, time.Time{}); err != nil {
		t.Fatal(err)
	}
	from, all, err = r.Covered(ctx)
	if err != nil || !all || from.After(end.AddDate(-2, 0, 0)) {
		t.Fatalf("after a full sync: covered from %s, all %v, %v", from, all, err)
	}
}

// QIWI's totals of a month are asked once the month is over (and keeps no
// WAITING row); the current month's every time.
func TestQIWITotalsOfClosedMonthsAreKept(t *testing.T) {
	e := newEnv(t, 2_000)
	r := e.reader(t, nil)
	ctx := t.Context()
	if err := r.Sync(ctx, end.AddDate(0, -3, 0)); err != nil {
		t.Fatal(err)
	}
	asks := func(start, stop time.Time) int {
		e.sb.Server.ResetRequests()
		if _, err := r.QIWITotals(ctx, start, stop); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, q := range e.sb.Server.Requests() {
			if strings.HasSuffix(q.Path, "/payments/total") {
				n++
			}
		}
		return n
	}
	april := time.Date(2026, 4, 1, 0, 0, 0, 0, qiwiapi.Moscow)
	aprilEnd := april.AddDate(0, 1, 0).Add(-time.Second)
	if n := asks(april, aprilEnd); n != 1 {
		t.Fatalf("April: %d requests", n)
	}
	if n := asks(april, aprilEnd); n != 0 {
		t.Errorf("April again: %d requests, want 0 (kept)", n)
	}
	now := end.Add(-time.Minute)
	if n := asks(time.Date(2026, 6, 1, 0, 0, 0, 0, qiwiapi.Moscow), now); n != 1 {
		t.Errorf("this month: %d requests", n)
	}
}
