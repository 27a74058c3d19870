package budget

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"sync"
	"testing"
	"time"
)

// fakeClock only moves when the test advances it; sleepers wake then.
type fakeClock struct {
	mu       sync.Mutex
	now      time.Time
	sleepers map[chan struct{}]time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC), sleepers: map[chan struct{}]time.Time{}}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	ch := make(chan struct{})
	c.mu.Lock()
	c.sleepers[ch] = c.now.Add(d)
	c.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.sleepers, ch)
		c.mu.Unlock()
		return ctx.Err()
	}
}

// sleepers is how many goroutines sleep on the clock now.
func (c *fakeClock) sleeping() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sleepers)
}

// AdvanceAfterSleep waits until someone sleeps on the clock, then advances it.
func (c *fakeClock) AdvanceAfterSleep(t *testing.T, d time.Duration) {
	t.Helper()
	eventually(t, "a sleeper", func() bool { return c.sleeping() > 0 })
	c.Advance(d)
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for ch, until := range c.sleepers {
		if !until.After(c.now) {
			delete(c.sleepers, ch)
			close(ch)
		}
	}
}

// eventually waits (without asserting any duration) until cond holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 200000; i++ {
		if cond() {
			return
		}
		runtime.Gosched()
		if i > 1000 {
			time.Sleep(50 * time.Microsecond)
		}
	}
	t.Fatalf("never: %s", what)
}

type admitted struct {
	name string
	done func(int, time.Duration)
	err  error
}

// admitAsync calls Admit in a goroutine and waits until it is queued.
func admitAsync(t *testing.T, s *Scheduler, ctx context.Context, name string, out chan<- admitted) {
	t.Helper()
	before := s.Status().Waiting
	go func() {
		d, err := s.Admit(ctx)
		out <- admitted{name, d, err}
	}()
	eventually(t, name+" queued", func() bool { return s.Status().Waiting > before })
}

func mustAdmit(t *testing.T, s *Scheduler) func(int, time.Duration) {
	t.Helper()
	d, err := s.Admit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func noneYet(t *testing.T, out <-chan admitted) {
	t.Helper()
	for range 100 {
		runtime.Gosched()
	}
	select {
	case a := <-out:
		t.Fatalf("%s admitted too early (err %v)", a.name, a.err)
	default:
	}
}

func TestDefaults(t *testing.T) {
	s := New(Options{Clock: newFakeClock()})
	if s.perMinute != 95 || s.window != time.Minute || s.concurrency != 4 {
		t.Fatalf("defaults %d/%v/%d", s.perMinute, s.window, s.concurrency)
	}
	if st := s.Status(); st.Left != 95 || !st.PausedUntil.IsZero() {
		t.Fatalf("fresh status %+v", st)
	}
	if PriorityOf(context.Background()) != Visible || PriorityOf(WithPriority(context.Background(), Background)) != Background {
		t.Fatal("priority context")
	}
}

func TestSlotIsHeldAWindowAfterTheAnswer(t *testing.T) {
	clk := newFakeClock()
	s := New(Options{PerMinute: 3, Concurrency: 10, Clock: clk})
	var dones []func(int, time.Duration)
	for range 3 {
		dones = append(dones, mustAdmit(t, s))
	}
	if st := s.Status(); st.Left != 0 || st.InFlight != 3 || st.Sent != 3 {
		t.Fatalf("after 3: %+v", st)
	}
	clk.Advance(10 * time.Second) // the answers take 10 s
	for _, d := range dones {
		d(200, 0)
	}
	out := make(chan admitted, 1)
	admitAsync(t, s, context.Background(), "4th", out)
	clk.AdvanceAfterSleep(t, 50*time.Second) // a minute after sending: QIWI may still count them
	noneYet(t, out)
	clk.AdvanceAfterSleep(t, 9*time.Second) // 59 s after the answers
	noneYet(t, out)
	clk.AdvanceAfterSleep(t, time.Second) // a full window after the answers
	if a := <-out; a.err != nil {
		t.Fatal(a.err)
	}
	if st := s.Status(); st.Left != 2 || st.Sent != 4 || st.InFlight != 1 {
		t.Fatalf("after the 4th: %+v", st)
	}
}

func TestInFlightRequestsCountAgainstTheWindow(t *testing.T) {
	clk := newFakeClock()
	s := New(Options{PerMinute: 2, Concurrency: 4, Clock: clk})
	d1, d2 := mustAdmit(t, s), mustAdmit(t, s)
	out := make(chan admitted, 1)
	admitAsync(t, s, context.Background(), "3rd", out)
	clk.Advance(2 * time.Minute) // no answer yet: the slots stay held
	noneYet(t, out)
	d1(200, 0)
	d2(0, 0) // no answer at all counts too
	noneYet(t, out)
	clk.AdvanceAfterSleep(t, time.Minute)
	if a := <-out; a.err != nil {
		t.Fatal(a.err)
	}
}

func TestConcurrencyBound(t *testing.T) {
	clk := newFakeClock()
	s := New(Options{PerMinute: 100, Concurrency: 2, Clock: clk})
	d1, _ := mustAdmit(t, s), mustAdmit(t, s)
	out := make(chan admitted, 1)
	admitAsync(t, s, context.Background(), "3rd", out)
	if st := s.Status(); st.InFlight != 2 || st.Waiting != 1 || st.Left != 98 {
		t.Fatalf("status %+v", st)
	}
	noneYet(t, out)
	d1(200, 0)
	if a := <-out; a.err != nil {
		t.Fatal(a.err)
	}
	d1(200, 0) // a second call is ignored
	if st := s.Status(); st.InFlight != 2 || st.Left != 97 {
		t.Fatalf("after a double done: %+v", st)
	}
}

func TestPriorityThenFIFO(t *testing.T) {
	clk := newFakeClock()
	s := New(Options{PerMinute: 100, Concurrency: 1, Clock: clk})
	hold := mustAdmit(t, s)
	out := make(chan admitted, 8)
	bg := WithPriority(context.Background(), Background)
	pre := WithPriority(context.Background(), Prefetch)
	vis := context.Background() // Visible by default
	admitAsync(t, s, bg, "bg1", out)
	admitAsync(t, s, vis, "vis1", out)
	admitAsync(t, s, bg, "bg2", out)
	admitAsync(t, s, pre, "pre1", out)
	admitAsync(t, s, vis, "vis2", out)
	admitAsync(t, s, pre, "pre2", out)
	var order []string
	release := hold
	for range 6 {
		release(200, 0)
		a := <-out
		if a.err != nil {
			t.Fatal(a.err)
		}
		order = append(order, a.name)
		release = a.done
	}
	if got, want := fmt.Sprint(order), "[vis1 vis2 pre1 pre2 bg1 bg2]"; got != want {
		t.Fatalf("order %s, want %s", got, want)
	}
}

func TestCancelledWaiterLeavesTheQueue(t *testing.T) {
	clk := newFakeClock()
	s := New(Options{PerMinute: 100, Concurrency: 1, Clock: clk})
	hold := mustAdmit(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan admitted, 2)
	admitAsync(t, s, ctx, "stale", out)
	admitAsync(t, s, WithPriority(context.Background(), Background), "next", out)
	cancel()
	if a := <-out; a.name != "stale" || !errors.Is(a.err, context.Canceled) {
		t.Fatalf("%s: %v", a.name, a.err)
	}
	if st := s.Status(); st.Waiting != 1 || st.Sent != 1 {
		t.Fatalf("after cancel: %+v", st)
	}
	hold(200, 0)
	if a := <-out; a.name != "next" || a.err != nil {
		t.Fatalf("%s: %v", a.name, a.err)
	}
	if st := s.Status(); st.Sent != 2 || st.Waiting != 0 {
		t.Fatalf("end: %+v", st)
	}
	if _, err := s.Admit(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Admit with an ended ctx: %v", err)
	}
}

func TestBlockPausesTheWalletUntilItEnds(t *testing.T) {
	clk := newFakeClock()
	s := New(Options{PerMinute: 100, Concurrency: 4, Clock: clk})
	t0 := clk.Now()
	d := mustAdmit(t, s)
	other := mustAdmit(t, s)
	d(423, 0)
	st := s.Status()
	if !st.PausedUntil.Equal(t0.Add(5*time.Minute)) || st.Blocked != 1 || st.Left != 0 {
		t.Fatalf("after 423: %+v", st)
	}
	out := make(chan admitted, 2)
	admitAsync(t, s, context.Background(), "after", out)
	other(200, 0) // an answer does not lift the pause
	clk.AdvanceAfterSleep(t, 5*time.Minute-time.Second)
	noneYet(t, out)
	clk.AdvanceAfterSleep(t, time.Second)
	if a := <-out; a.err != nil {
		t.Fatal(a.err)
	}
	if st := s.Status(); !st.PausedUntil.IsZero() || st.Sent != 3 || st.Blocked != 1 {
		t.Fatalf("after the pause: %+v", st)
	}
}

func TestBlockForAsLongAsQIWISays(t *testing.T) {
	clk := newFakeClock()
	s := New(Options{Clock: clk})
	mustAdmit(t, s)(423, 90*time.Second)
	if got := s.Status().PausedUntil; !got.Equal(clk.Now().Add(90 * time.Second)) {
		t.Fatalf("paused until %v", got)
	}
}

func TestDeadlineBeforeThePauseEndsFailsAtOnce(t *testing.T) {
	clk := newFakeClock()
	s := New(Options{Clock: clk})
	mustAdmit(t, s)(423, 0)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := s.Admit(ctx)
	var pe *PausedError
	if !errors.As(err, &pe) || !pe.Until.Equal(clk.Now().Add(5*time.Minute)) {
		t.Fatalf("err %v", err)
	}
	if !regexp.MustCompile(`^QIWI history paused until \d\d:\d\d \(request limit\)$`).MatchString(err.Error()) ||
		err.Error() != "QIWI history paused until "+pe.Until.Local().Format("15:04")+" (request limit)" {
		t.Fatalf("message %q", err)
	}
	if st := s.Status(); st.Waiting != 0 || st.Sent != 1 {
		t.Fatalf("status %+v", st)
	}
	// A deadline past the pause waits for it.
	long, cancel2 := context.WithTimeout(context.Background(), time.Hour)
	defer cancel2()
	out := make(chan admitted, 1)
	admitAsync(t, s, long, "long", out)
	clk.AdvanceAfterSleep(t, 5*time.Minute)
	if a := <-out; a.err != nil {
		t.Fatal(a.err)
	}
}

func TestAPauseReachesWaitersWithShortDeadlines(t *testing.T) {
	clk := newFakeClock()
	s := New(Options{PerMinute: 100, Concurrency: 1, Clock: clk})
	hold := mustAdmit(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := make(chan admitted, 2)
	admitAsync(t, s, WithPriority(context.Background(), Background), "patient", out)
	admitAsync(t, s, WithPriority(ctx, Background), "hurried", out)
	hold(423, 0)
	a := <-out
	var pe *PausedError
	if a.name != "hurried" || !errors.As(a.err, &pe) {
		t.Fatalf("%s: %v", a.name, a.err)
	}
	clk.AdvanceAfterSleep(t, 5*time.Minute)
	if a := <-out; a.name != "patient" || a.err != nil {
		t.Fatalf("%s: %v", a.name, a.err)
	}
}

func TestManyWaitersDrainInWindows(t *testing.T) {
	clk := newFakeClock()
	s := New(Options{PerMinute: 10, Concurrency: 3, Clock: clk})
	const n = 25
	out := make(chan admitted, n)
	for i := range n {
		go func() {
			d, err := s.Admit(context.Background())
			if err == nil {
				d(200, 0) // answered at once
			}
			out <- admitted{fmt.Sprint(i), nil, err}
		}()
	}
	got := 0
	for window := 0; got < n; window++ {
		want := min(10, n-got)
		for range want {
			if a := <-out; a.err != nil {
				t.Fatal(a.err)
			}
			got++
		}
		noneYet(t, out)
		if st := s.Status(); st.Sent != got {
			t.Fatalf("window %d: sent %d, want %d", window, st.Sent, got)
		}
		if got < n {
			clk.AdvanceAfterSleep(t, time.Minute)
		}
	}
}

func TestRegistryOneSchedulerPerWallet(t *testing.T) {
	r := NewRegistry(Options{PerMinute: 7})
	a, b := r.For("79991234567"), r.For("+79991234567")
	if a != b || r.For("79160000000") == a {
		t.Fatal("one scheduler per wallet")
	}
	if a.perMinute != 7 {
		t.Fatalf("options not passed: %d", a.perMinute)
	}
}

func TestScaledClock(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewScaledClock(start, 1000)
	before := c.Now()
	if before.Before(start) {
		t.Fatal("before start")
	}
	if err := c.Sleep(context.Background(), 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if c.Now().Sub(before) < 2*time.Second {
		t.Fatalf("slept %v of clock time, want at least 2s", c.Now().Sub(before))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled sleep: %v", err)
	}
}

func TestDeadlinesAreRealTimeUnderAScaledClock(t *testing.T) {
	clk := NewScaledClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 6000) // 5 minutes pass in 50 ms
	s := New(Options{Clock: clk})
	mustAdmit(t, s)(423, 0)
	short, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	var pe *PausedError
	if _, err := s.Admit(short); !errors.As(err, &pe) {
		t.Fatalf("10 ms real cannot outlast a 50 ms pause: %v", err)
	}
	long, cancel2 := context.WithTimeout(context.Background(), time.Minute)
	defer cancel2()
	d, err := s.Admit(long) // a minute of real time outlasts five scaled minutes
	if err != nil {
		t.Fatal(err)
	}
	d(200, 0)
	if st := s.Status(); st.Sent != 2 || !st.PausedUntil.IsZero() {
		t.Fatalf("status %+v", st)
	}
}
