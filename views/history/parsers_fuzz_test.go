package history

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi"
)

// FuzzParseTxnID: what the go-to field takes is a positive transaction id,
// written with an optional "#"; anything else is refused with a message.
// Seed corpus: testdata/fuzz/FuzzParseTxnID.
func FuzzParseTxnID(f *testing.F) {
	for _, s := range []string{"13353941550", "#42", " 7 ", "0", "-1", "9223372036854775807", "9223372036854775808", "1e3", "٣", "#", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := parseTxnID(s)
		if err != nil {
			if !strings.Contains(err.Error(), "positive number") {
				t.Fatalf("%q: refusal %q", s, err)
			}
			return
		}
		if id <= 0 || strconv.FormatInt(id, 10) != strings.TrimLeft(strings.TrimPrefix(strings.TrimSpace(s), "#"), "+0") {
			t.Fatalf("%q read as %d", s, id)
		}
	})
}

// FuzzParseRange: a range is empty, or two days (or one) in the given
// zone (here QIWI's +03:00), inclusive, the end not before the start; anything else is refused
// with a message. Seed corpus: testdata/fuzz/FuzzParseRange.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"2026-01-01 2026-01-31", "2026-01-01..2026-01-31", "2026-01-31", "2026-02-01 2026-01-01", "", "2026-02-30",
		"0000-01-01 9999-12-31", "2026-01-01, 2026-01-02", "2026-01-01 — 2026-01-02", "a b c", "2026-1-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		from, to, err := parseRange(s, qiwiapi.Moscow)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("%q: an empty refusal", s)
			}
			return
		}
		if from.IsZero() != to.IsZero() {
			t.Fatalf("%q: half a range %v %v", s, from, to)
		}
		if from.IsZero() {
			return
		}
		f0, t0 := from.In(qiwiapi.Moscow), to.In(qiwiapi.Moscow)
		if to.Before(from) || f0.Hour()+f0.Minute()+f0.Second() != 0 || t0.Format("15:04:05") != "23:59:59" ||
			to.Sub(time.Date(t0.Year(), t0.Month(), t0.Day(), 0, 0, 0, 0, qiwiapi.Moscow)) != 24*time.Hour-time.Second {
			t.Fatalf("%q read as %v .. %v", s, from, to)
		}
	})
}
