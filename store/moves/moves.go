// Package moves is the engine's money moves: one saga per kind of move
// (wallet payment and conversion, invoice pay, agent top-up), each written
// to the store's journal before anything is sent, followed to a final state
// in the background, and picked up again by Resume after a restart.
//
// Every saga judges errors with the one classifier (Classify): a 423 or a
// network error is retried (after the block QIWI names, never sooner), an
// answer that may hide a moved payment is "unknown" and is re-asked or
// re-sent with the same client id, a refusal is final, and a fatal code
// holds the entry for a person.
//
// The screens, the CLI and the tests call the same functions: a screen
// sends an intent (Wallet.Pay, Wallet.PayInvoice, Topups.Start), then
// renders the store.Entry values Await hands it as they change. It never
// sends, retries, polls or journals by itself.
package moves

import (
	"context"
	"sync"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi/budget"
	"qiwidash/store"
)

// Clock is the engine's time: Now, and a Sleep that ends early with
// ctx.Err() when ctx ends; the wallet's request scheduler runs on the same
// kind of clock. Tests pass a fast or fake one.
type Clock = budget.Clock

// Report says what Resume picked up.
type Report struct {
	Followed int // open entries whose saga runs again
	Held     int // entries waiting for a person (not touched)
}

// engine is what every saga runner shares: the journal, the lifetime of
// the background sagas, one follower per open entry, and the change signal
// Await waits on.
type engine struct {
	j     *store.Journal
	clock Clock

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	followers map[int64]*follower // by journal entry id
	changed   chan struct{}       // closed and replaced on every journal move
	version   uint64              // counts the journal moves
}

// follower is one running saga.
type follower struct {
	wake  chan struct{} // a nudge: look again now
	txnID int64         // the service's id, once known (Nudge finds it by this)
}

func newEngine(j *store.Journal, clock Clock) *engine {
	if clock == nil {
		clock = budget.RealClock()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &engine{j: j, clock: clock, ctx: ctx, cancel: cancel, followers: map[int64]*follower{}, changed: make(chan struct{})}
}

// Close stops the background sagas and waits for them. Their entries stay
// open in the journal; the next Resume picks them up.
func (g *engine) Close() {
	g.cancel()
	g.wg.Wait()
}

// signal wakes every Await.
func (g *engine) signal() {
	g.mu.Lock()
	close(g.changed)
	g.changed = make(chan struct{})
	g.version++
	g.mu.Unlock()
}

// Version counts the journal moves this engine made so far: read it before
// listing entries, then pass it to Changes.
func (g *engine) Version() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.version
}

// Changes blocks until the engine moved an entry after version (then it
// returns the new version) or ctx ends. It waits even when no saga runs: a
// new intent or a resume moves an entry too, and a caller that came back
// at once would spin.
func (g *engine) Changes(ctx context.Context, version uint64) (uint64, error) {
	for {
		g.mu.Lock()
		v, ch := g.version, g.changed
		g.mu.Unlock()
		if v != version {
			return v, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return v, ctx.Err()
		}
	}
}

func (g *engine) changes() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.changed
}

// advance moves an entry in the journal and tells the waiters. The journal
// write must not be lost to a cancelled saga, so it ignores ctx's end.
func (g *engine) advance(ctx context.Context, e *store.Entry, u store.Update) error {
	next, err := g.j.Advance(context.WithoutCancel(ctx), e.ID, u)
	if err != nil {
		return err
	}
	*e = *next
	g.mu.Lock()
	if f := g.followers[e.ID]; f != nil && e.TxnID() != 0 {
		f.txnID = e.TxnID()
	}
	g.mu.Unlock()
	g.signal()
	return nil
}

// follow runs saga for entry e in the background unless it already runs.
func (g *engine) follow(e store.Entry, saga func(ctx context.Context, e store.Entry, f *follower)) bool {
	g.mu.Lock()
	if _, ok := g.followers[e.ID]; ok || g.ctx.Err() != nil {
		g.mu.Unlock()
		return false
	}
	f := &follower{wake: make(chan struct{}, 1), txnID: e.TxnID()}
	g.followers[e.ID] = f
	g.wg.Add(1)
	g.mu.Unlock()
	go func() {
		defer g.wg.Done()
		defer func() {
			g.mu.Lock()
			delete(g.followers, e.ID)
			g.mu.Unlock()
			g.signal()
		}()
		saga(g.ctx, e, f)
	}()
	return true
}

// nudge wakes the saga of entry id (or of the entry whose service id is
// txnID when id is 0): it looks again now instead of at its next poll.
func (g *engine) nudge(id, txnID int64) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for eid, f := range g.followers {
		if (id != 0 && eid == id) || (id == 0 && txnID != 0 && f.txnID == txnID) {
			select {
			case f.wake <- struct{}{}:
			default:
			}
			return true
		}
	}
	return false
}

// running reports whether entry id has a saga running now.
func (g *engine) running(id int64) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, ok := g.followers[id]
	return ok
}

// pause waits d, or less when a nudge comes (wakeable), or until ctx ends.
// A pause that honours a 423 block is not wakeable: QIWI's block is never
// cut short.
func (g *engine) pause(ctx context.Context, f *follower, d time.Duration, wakeable bool) error {
	if !wakeable || f == nil {
		return g.clock.Sleep(ctx, d)
	}
	select {
	case <-f.wake: // a nudge that came while the saga was busy
		return ctx.Err()
	default:
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- g.clock.Sleep(sctx, d) }()
	select {
	case <-f.wake:
		cancel()
		<-done
		return ctx.Err()
	case err := <-done:
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
}

// await blocks until entry id differs from e (state, attempts, remote id,
// error or progress), then returns the entry as it is now; or ctx ends.
func (g *engine) await(ctx context.Context, e store.Entry) (store.Entry, error) {
	for {
		ch := g.changes()
		cur, err := g.j.Get(ctx, e.ID)
		if err != nil {
			return e, err
		}
		if moved(e, *cur) {
			return *cur, nil
		}
		if cur.State.Final() || (cur.State == store.StateHeld && !g.running(cur.ID)) {
			return *cur, nil // nothing will move it without a person
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return *cur, ctx.Err()
		}
	}
}

func moved(a, b store.Entry) bool {
	return a.State != b.State || a.Attempts != b.Attempts || a.RemoteID != b.RemoteID || a.LastError != b.LastError ||
		string(a.Progress) != string(b.Progress) || !a.UpdatedAt.Equal(b.UpdatedAt)
}

// ErrNotOpen is returned for a retry of an entry that is already final.
var ErrNotOpen = i18n.Errorf("moves.not_open", nil, nil)
