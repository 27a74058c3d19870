package reader

import (
	"time"

	"qiwidash/qiwiapi"
)

// QIWI answers history for at most 90 days at a time. The reader splits
// time into fixed 90-day windows (in QIWI's zone, from an epoch), so that a
// window means the same range on every run: what the cache holds of it, and
// its totals once it is closed, can be kept.

// epoch is the first second of window 0.
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, qiwiapi.Moscow)

// firstWindow bounds a walk back through history that never finds its start.
var firstWindow = time.Date(2007, 1, 1, 0, 0, 0, 0, qiwiapi.Moscow)

const spanSeconds = int64(qiwiapi.MaxHistoryWindow / time.Second)

// window is one fixed range [start, end], end being its last second.
type window struct{ start, end time.Time }

// windowAt is the window holding t.
func windowAt(t time.Time) window {
	d := t.Unix() - epoch.Unix()
	k := d / spanSeconds
	if d < 0 && d%spanSeconds != 0 {
		k--
	}
	start := time.Unix(epoch.Unix()+k*spanSeconds, 0).In(qiwiapi.Moscow)
	return window{start: start, end: start.Add(qiwiapi.MaxHistoryWindow - time.Second)}
}

// older is the window just before w.
func (w window) older() window { return windowAt(w.start.Add(-time.Second)) }

func (w window) key() int64 { return w.start.Unix() }

// clip is the part of w within [lo, hi] (zero bounds are open).
func (w window) clip(lo, hi time.Time) (window, bool) {
	out := w
	if !lo.IsZero() && lo.After(out.start) {
		out.start = lo
	}
	if !hi.IsZero() && hi.Before(out.end) {
		out.end = hi
	}
	return out, !out.end.Before(out.start)
}

// windowsOf lists the windows over [lo, hi], newest first, clipped to it.
func windowsOf(lo, hi time.Time) []window {
	var out []window
	for w := windowAt(hi); !w.end.Before(lo); w = w.older() {
		if c, ok := w.clip(lo, hi); ok {
			out = append(out, c)
		}
	}
	return out
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
