package merchant

import (
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi/pull"
)

var lifetimeNow = time.Date(2026, 12, 1, 10, 0, 0, 0, pull.Moscow)

// TestLifetimeOverflowRefused: a lifetime too long for a duration is
// refused, not wrapped round (issue 10: "213504d" gave an expiry 25
// minutes ahead).
func TestLifetimeOverflowRefused(t *testing.T) {
	for _, s := range []string{"213504d", "46d", "99999999999999999999d", "1081h", "9223372036854775807m", "2562047h48m",
		"45d1m", "99999999999999999999h"} {
		if got, err := parseLifetime(s, lifetimeNow); err == nil || !strings.Contains(err.Error(), "at most 45 days") {
			t.Errorf("%q: %v, %v", s, got, err)
		}
	}
	for s, want := range map[string]time.Duration{"45d": 45 * 24 * time.Hour, "24h": 24 * time.Hour, "1d2h30m": 26*time.Hour + 30*time.Minute} {
		if got, err := parseLifetime(s, lifetimeNow); err != nil || got.Sub(lifetimeNow) != want {
			t.Errorf("%q: %v, %v", s, got.Sub(lifetimeNow), err)
		}
	}
}

// FuzzParseLifetime: any text typed into the lifetime field is refused
// with a message, or gives an expiry after now and within QIWI's 45 days.
// Seed corpus: testdata/fuzz/FuzzParseLifetime.
func FuzzParseLifetime(f *testing.F) {
	for _, s := range []string{"24h", "3d", "45d", "46d", "213504d", "1d2h30m", "2026-12-01 18:00", "2026-12-01T18:00", "2027-01-20", "0d", "90m", "", "1h1h", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseLifetime(s, lifetimeNow)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("%q: an empty refusal", s)
			}
			return
		}
		if !got.After(lifetimeNow) || got.Sub(lifetimeNow) > pull.MaxLifetime {
			t.Fatalf("%q accepted as %v (now %v)", s, got, lifetimeNow)
		}
	})
}
