// Package budget schedules the history-family requests of QIWI wallets.
//
// QIWI allows at most 100 history requests (list, totals, transaction,
// cheque) per wallet per minute, counted when a request arrives, and blocks
// the wallet's history for five minutes past that (HTTP 423). A Scheduler is
// that budget for one wallet, shared by everything in the process that reads
// the wallet's history: it admits requests in a sliding window with a margin
// (95 a minute by default), counts each one until a full window after its
// answer arrived (the safe side of "counted on arrival"), bounds how many
// are in flight, serves waiters by priority and then in order of arrival,
// drops waiters whose context ended, and after a 423 pauses the wallet
// until the block ends instead of retrying.
//
// A Registry hands out one Scheduler per wallet for the whole process.
package budget

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Priority orders waiting requests: a higher one always leaves first.
type Priority int

// Priorities, lowest first.
const (
	Background Priority = iota // sync, backfill, prefetch nobody is looking at
	Prefetch                   // the next page / windows just below what is on screen
	Visible                    // what the user is looking at now (the default)
)

func (p Priority) String() string {
	switch p {
	case Background:
		return "background"
	case Prefetch:
		return "prefetch"
	case Visible:
		return "visible"
	}
	return fmt.Sprintf("priority(%d)", int(p))
}

type priorityKey struct{}

// WithPriority marks the requests made with ctx as having priority p.
func WithPriority(ctx context.Context, p Priority) context.Context {
	return context.WithValue(ctx, priorityKey{}, p)
}

// PriorityOf is the priority ctx carries; Visible when unset.
func PriorityOf(ctx context.Context) Priority {
	if p, ok := ctx.Value(priorityKey{}).(Priority); ok {
		return p
	}
	return Visible
}

// Options configure a Scheduler. Zero values take the defaults.
type Options struct {
	PerMinute   int           // 0: 95 (QIWI blocks past 100)
	Window      time.Duration // 0: time.Minute
	Concurrency int           // requests in flight at once; 0: 4
	Clock       Clock         // nil: real time
}

// Defaults.
const (
	DefaultPerMinute   = 95
	DefaultConcurrency = 4
	// DefaultBlock is how long QIWI blocks a wallet after a 423 when the
	// answer does not say.
	DefaultBlock = 5 * time.Minute
)

// Scheduler is the request budget of one wallet. It is safe for concurrent use.
type Scheduler struct {
	perMinute   int
	window      time.Duration
	concurrency int
	clock       Clock

	mu          sync.Mutex
	seq         uint64
	waiters     []*waiter   // sorted: priority desc, then seq asc
	held        []time.Time // expiry of the slots of answered requests, ascending
	inFlight    int
	pausedUntil time.Time
	sent        int
	blocked     int
}

type waiter struct {
	prio    Priority
	seq     uint64
	granted bool
	wake    context.CancelFunc // ends the waiter's current wait; nil while it is not waiting
	timed   bool               // the current wait ends at until (else only when woken)
	until   time.Time
}

// New builds a Scheduler.
func New(o Options) *Scheduler {
	s := &Scheduler{perMinute: o.PerMinute, window: o.Window, concurrency: o.Concurrency, clock: o.Clock}
	if s.perMinute <= 0 {
		s.perMinute = DefaultPerMinute
	}
	if s.window <= 0 {
		s.window = time.Minute
	}
	if s.concurrency <= 0 {
		s.concurrency = DefaultConcurrency
	}
	if s.clock == nil {
		s.clock = realClock{}
	}
	return s
}

// PausedError is returned by Admit when the wallet is paused by a 423 past
// the caller's deadline. Error says Until in its own zone (the clock's; a
// screen passes it in the zone it shows).
type PausedError struct{ Until time.Time }

func (e *PausedError) Error() string {
	return fmt.Sprintf("QIWI history paused until %s (request limit)", e.Until.Format("15:04"))
}

// Admit blocks until one request of this wallet may leave (highest priority
// first, then FIFO), or ctx ends (then it returns ctx.Err() and the caller's
// place is given up). While the wallet is paused by a 423 it waits for the
// pause to end; if ctx has a deadline before the pause ends it returns a
// *PausedError at once (the deadline is real time; a clock with a
// RealDuration method, such as ScaledClock, converts the pause to it).
// done must be called exactly once with the HTTP status (0 when no answer
// came) and, for a 423, how long QIWI blocks (0: 5 minutes); later calls are
// ignored.
func (s *Scheduler) Admit(ctx context.Context) (done func(status int, blockedFor time.Duration), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.seq++
	w := &waiter{prio: PriorityOf(ctx), seq: s.seq}
	i := sort.Search(len(s.waiters), func(i int) bool { return s.waiters[i].prio < w.prio })
	s.waiters = append(s.waiters, nil)
	copy(s.waiters[i+1:], s.waiters[i:])
	s.waiters[i] = w
	for {
		now := s.clock.Now()
		s.dispatchLocked(now)
		if w.granted {
			s.mu.Unlock()
			return s.doneFunc(), nil
		}
		if until := s.pausedUntil; now.Before(until) {
			if dl, ok := ctx.Deadline(); ok && time.Until(dl) < s.realTime(until.Sub(now)) {
				s.leaveLocked(w)
				s.mu.Unlock()
				return nil, &PausedError{Until: until}
			}
		}
		d, timed := s.sleepForLocked(w, now)
		wctx, wake := context.WithCancel(ctx)
		w.wake, w.timed, w.until = wake, timed, now.Add(d)
		s.mu.Unlock()
		if timed {
			_ = s.clock.Sleep(wctx, d)
		} else {
			<-wctx.Done()
		}
		wake()
		s.mu.Lock()
		w.wake = nil
		if ctx.Err() != nil {
			if w.granted { // admitted in the same instant: hand the slot back
				w.granted = false
				s.inFlight--
				s.sent--
			}
			s.leaveLocked(w)
			s.mu.Unlock()
			return nil, ctx.Err()
		}
	}
}

// realTime converts a span of the scheduler's clock into real time, which
// context deadlines are in (a ScaledClock runs faster).
func (s *Scheduler) realTime(d time.Duration) time.Duration {
	if rc, ok := s.clock.(interface {
		RealDuration(time.Duration) time.Duration
	}); ok {
		return rc.RealDuration(d)
	}
	return d
}

// dispatchLocked admits waiters from the head of the queue while the budget allows.
func (s *Scheduler) dispatchLocked(now time.Time) {
	s.expireLocked(now)
	for len(s.waiters) > 0 && s.mayLeaveLocked(now) {
		w := s.waiters[0]
		s.waiters = s.waiters[1:]
		w.granted = true
		s.inFlight++
		s.sent++
		if w.wake != nil {
			w.wake()
		}
	}
	if len(s.waiters) == 0 {
		return
	}
	// Only the head sleeps on the clock; wake it when what it waits for changed.
	if h := s.waiters[0]; h.wake != nil {
		d, timed := s.sleepForLocked(h, now)
		if timed != h.timed || timed && !now.Add(d).Equal(h.until) {
			h.wake()
		}
	}
}

func (s *Scheduler) mayLeaveLocked(now time.Time) bool {
	return !now.Before(s.pausedUntil) && s.inFlight < s.concurrency && s.inFlight+len(s.held) < s.perMinute
}

// sleepForLocked says how long w should sleep before looking again; timed
// is false when only another event (an answer, a waiter leaving) can help.
// Only the head of the queue sleeps on the clock.
func (s *Scheduler) sleepForLocked(w *waiter, now time.Time) (d time.Duration, timed bool) {
	if len(s.waiters) == 0 || s.waiters[0] != w {
		return 0, false
	}
	if now.Before(s.pausedUntil) {
		return s.pausedUntil.Sub(now), true
	}
	if s.inFlight >= s.concurrency {
		return 0, false
	}
	if len(s.held) > 0 {
		return s.held[0].Sub(now), true
	}
	return 0, false
}

func (s *Scheduler) expireLocked(now time.Time) {
	n := 0
	for n < len(s.held) && !s.held[n].After(now) {
		n++
	}
	s.held = s.held[n:]
}

func (s *Scheduler) leaveLocked(w *waiter) {
	for i, x := range s.waiters {
		if x == w {
			s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
			break
		}
	}
	s.dispatchLocked(s.clock.Now())
}

func (s *Scheduler) doneFunc() func(int, time.Duration) {
	var once sync.Once
	return func(status int, blockedFor time.Duration) {
		once.Do(func() { s.finish(status, blockedFor) })
	}
}

// finish records an answer: the slot stays held a full window from now, and
// a 423 pauses the wallet.
func (s *Scheduler) finish(status int, blockedFor time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	s.inFlight--
	exp := now.Add(s.window)
	i := sort.Search(len(s.held), func(i int) bool { return s.held[i].After(exp) })
	s.held = append(s.held, time.Time{})
	copy(s.held[i+1:], s.held[i:])
	s.held[i] = exp
	if status == 423 {
		s.blocked++
		if blockedFor <= 0 {
			blockedFor = DefaultBlock
		}
		if until := now.Add(blockedFor); until.After(s.pausedUntil) {
			s.pausedUntil = until
			for _, w := range s.waiters { // deadlines may now end before the pause
				if w.wake != nil {
					w.wake()
				}
			}
		}
	}
	s.dispatchLocked(now)
}

// Status is a snapshot of a Scheduler.
type Status struct {
	Left        int       // requests that may still leave in the current window
	PausedUntil time.Time // zero when not paused
	InFlight    int
	Waiting     int
	Sent        int // since start: requests admitted
	Blocked     int // since start: 423s seen
}

// Status reports the scheduler's state now.
func (s *Scheduler) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	s.expireLocked(now)
	st := Status{InFlight: s.inFlight, Waiting: len(s.waiters), Sent: s.sent, Blocked: s.blocked}
	if now.Before(s.pausedUntil) {
		st.PausedUntil = s.pausedUntil
	} else {
		st.Left = max(0, s.perMinute-s.inFlight-len(s.held))
	}
	return st
}

// Registry hands out one Scheduler per wallet for the whole process.
type Registry struct {
	opts Options
	mu   sync.Mutex
	by   map[string]*Scheduler
}

// NewRegistry builds a registry whose schedulers all use o.
func NewRegistry(o Options) *Registry {
	return &Registry{opts: o, by: map[string]*Scheduler{}}
}

// For is the wallet's scheduler, created on first use. A leading "+" is ignored.
func (r *Registry) For(wallet string) *Scheduler {
	if len(wallet) > 0 && wallet[0] == '+' {
		wallet = wallet[1:]
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.by[wallet]
	if s == nil {
		s = New(r.opts)
		r.by[wallet] = s
	}
	return s
}
