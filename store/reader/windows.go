package reader

import (
	"time"

	"qiwidash/qiwiapi"
)

// QIWI answers history for at most 90 days at a time. The reader splits
// time into back-to-back 90-day windows on a grid that is fixed per wallet
// (it starts where the first read of the wallet's history ended, so that
// the first reads are split exactly as a range ending now would be), so a
// window means the same range on every run: what the cache holds of it,
// and its totals once it is closed, can be kept.

// firstWindow bounds a walk back through history that never finds its start.
var firstWindow = time.Date(2007, 1, 1, 0, 0, 0, 0, qiwiapi.Moscow)

const spanSeconds = int64(qiwiapi.MaxHistoryWindow / time.Second)

// window is one range [start, end] of the grid, end being its last second.
type window struct{ start, end time.Time }

// windowAt is the window of the grid with origin (a window's first second) holding t.
func windowAt(origin int64, t time.Time) window {
	d := t.Unix() - origin
	k := d / spanSeconds
	if d < 0 && d%spanSeconds != 0 {
		k--
	}
	start := time.Unix(origin+k*spanSeconds, 0).In(qiwiapi.Moscow)
	return window{start: start, end: start.Add(qiwiapi.MaxHistoryWindow - time.Second)}
}

// older is the window just before w.
func (w window) older() window {
	return window{start: w.start.Add(-qiwiapi.MaxHistoryWindow), end: w.start.Add(-time.Second)}
}

// newer is the window just after w.
func (w window) newer() window {
	return window{start: w.end.Add(time.Second), end: w.end.Add(qiwiapi.MaxHistoryWindow)}
}

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

// windowsOf lists the windows of the grid over [lo, hi], newest first, clipped to it.
func windowsOf(origin int64, lo, hi time.Time) []window {
	var out []window
	for w := windowAt(origin, hi); !w.end.Before(lo); w = w.older() {
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
