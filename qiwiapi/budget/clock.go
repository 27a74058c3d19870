package budget

import (
	"context"
	"sync"
	"time"
)

// Clock is the time a Scheduler counts in.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error // returns ctx.Err() if ctx ends first
}

type realClock struct{}

// RealClock is the wall clock, with a Sleep that ends early when ctx ends.
func RealClock() Clock { return realClock{} }

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error { return sleepReal(ctx, d) }

func sleepReal(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ScaledClock runs faster than real time by a constant factor, so tests and
// benchmarks can live through QIWI's minute windows and five-minute blocks
// in a fraction of a second. Share one between a sandbox (its Now) and a
// Scheduler so both count in the same time.
type ScaledClock struct {
	start  time.Time
	real   time.Time
	factor float64
	mu     sync.Mutex
	last   time.Time
}

// NewScaledClock starts a clock at start that advances factor times faster
// than real time (factor <= 0 means 1).
func NewScaledClock(start time.Time, factor float64) *ScaledClock {
	if factor <= 0 {
		factor = 1
	}
	return &ScaledClock{start: start, real: time.Now(), factor: factor}
}

// Now is start plus the real time elapsed since NewScaledClock, times the factor.
// It never goes backwards.
func (c *ScaledClock) Now() time.Time {
	t := c.start.Add(time.Duration(float64(time.Since(c.real)) * c.factor))
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.Before(c.last) {
		return c.last
	}
	c.last = t
	return t
}

// Sleep waits d of the clock's time (d/factor of real time).
func (c *ScaledClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	return sleepReal(ctx, c.RealDuration(d)+1)
}

// RealDuration is how much real time d of the clock's time takes. A
// Scheduler uses it to compare a pause with a context's (real) deadline.
func (c *ScaledClock) RealDuration(d time.Duration) time.Duration {
	return time.Duration(float64(d) / c.factor)
}
