// Package reader is the engine's one history reader: every face (the
// History screen, `qiwidash export`, statements) reads a wallet's payment
// history through a Reader.
//
// A Reader answers from the SQLite cache first and asks QIWI only for what
// the cache does not hold. It knows, per fixed 90-day window, which rows are
// cached (store.Coverage) and where QIWI's cursor continues, so:
//   - on an empty cache the first page costs one list request (page 1 of
//     the newest window, at budget.Visible priority); the rest of the window
//     is filled in the background at budget.Background priority;
//   - windows are fetched concurrently (the wallet's budget.Scheduler bounds
//     rate and concurrency);
//   - totals over a range the cache covers are summed locally, totals of
//     closed windows (ended, nothing WAITING) are kept, the rest is asked of
//     QIWI per window;
//   - WAITING rows are re-read with one list request per window holding
//     them, not one detail request each;
//   - a sync down to a date (export) never reads past it.
//
// Cursors are opaque. Every call takes a context and gives up when it ends.
package reader

import (
	"context"
	"sync"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/store"
)

// API is the part of the Wallet API history is read from;
// *qiwiapi.HistoryService implements it.
type API interface {
	List(ctx context.Context, wallet string, opts qiwiapi.HistoryOptions) (*qiwiapi.HistoryPage, *qiwiapi.Response, error)
	Totals(ctx context.Context, wallet string, opts qiwiapi.TotalsOptions) (*qiwiapi.Totals, *qiwiapi.Response, error)
	Transaction(ctx context.Context, id int64, typ qiwiapi.TxnType) (*qiwiapi.Transaction, *qiwiapi.Response, error)
}

// Budget tells how the wallet's request budget stands; *budget.Scheduler implements it.
type Budget interface {
	Status() budget.Status
}

// Options configure a Reader.
type Options struct {
	Store  *store.Store
	API    API // nil: the cache only
	Wallet string
	Budget Budget           // nil: no budget in the status line
	Now    func() time.Time // nil: time.Now
	// Concurrency bounds the windows filled at once by Sync and in the
	// background (0: 4). The scheduler bounds the requests themselves.
	Concurrency int
	// EmptyWindows is how many empty 90-day windows in a row mean that
	// history has begun (0: 4, one year).
	EmptyWindows int
	// NoFill reads only what is asked for: no window is read on in the
	// background after a page (tests that count a screen's requests).
	NoFill bool
}

// gridLead is how far past the first read of a wallet its newest window ends.
const gridLead = time.Hour

// PageSize is how many rows a page holds at most (QIWI's largest page).
const PageSize = 50

// Reader reads one wallet's history. It is safe for concurrent use; Close
// stops its background work.
type Reader struct {
	o      Options
	bg     context.Context
	stop   context.CancelFunc
	wg     sync.WaitGroup
	fillSm chan struct{}

	mu        sync.Mutex
	loaded    bool
	origin    int64 // the grid of windows: a window's first second
	cov       map[int64]store.Coverage
	tops      map[int64]*topWalk      // top walks in progress
	fresh     map[int64]bool          // newest windows whose top a page read since the last refresh
	empty     map[int64]bool          // complete windows without rows
	histStart time.Time               // no history before it; zero: unknown
	locks     map[int64]chan struct{} // one reader of a window at a time; a waiter's ctx can end the wait
	filling   map[int64]bool
	sync      store.SyncStatus
	syncKnown bool
	syncing   int
	lastErr   error
}

// topWalk is a walk from a window's top down to what the cache holds.
type topWalk struct {
	end  time.Time
	next *qiwiapi.Cursor
}

// New makes a Reader.
func New(o Options) *Reader {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.EmptyWindows <= 0 {
		o.EmptyWindows = 4
	}
	bg, stop := context.WithCancel(context.Background())
	return &Reader{o: o, bg: bg, stop: stop, fillSm: make(chan struct{}, o.Concurrency),
		tops: map[int64]*topWalk{}, fresh: map[int64]bool{}, empty: map[int64]bool{}, locks: map[int64]chan struct{}{}, filling: map[int64]bool{}}
}

// Close stops the background work and waits for it.
func (r *Reader) Close() {
	r.stop()
	r.wg.Wait()
}

// Wallet is the wallet the reader reads.
func (r *Reader) Wallet() string { return r.o.Wallet }

// Wait blocks until the background work started so far has ended (tests, export).
func (r *Reader) Wait() { r.wg.Wait() }

func (r *Reader) now() time.Time { return r.o.Now().In(qiwiapi.Moscow) }

// load reads the coverage and the history start once.
func (r *Reader) load(ctx context.Context) error {
	r.mu.Lock()
	done := r.loaded
	r.mu.Unlock()
	if done {
		return nil
	}
	// A new grid ends a window an hour from now: the first reads split as a
	// range ending now would, and the newest window does not end before the
	// first page has been read.
	origin, err := r.o.Store.HistoryGrid(ctx, r.o.Wallet, r.now().Add(gridLead).Unix()+1)
	if err != nil {
		return err
	}
	cov, err := r.o.Store.Coverages(ctx, r.o.Wallet)
	if err != nil {
		return err
	}
	st, err := r.o.Store.SyncStatus(ctx, r.o.Wallet)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.loaded {
		r.cov, r.origin, r.loaded = cov, origin, true
		if st.Complete {
			r.histStart = st.Oldest
		}
		r.sync, r.syncKnown = st, true
	}
	return nil
}

// windowAt is the window of the wallet's grid holding t (after load).
func (r *Reader) windowAt(t time.Time) window {
	r.mu.Lock()
	origin := r.origin
	r.mu.Unlock()
	return windowAt(origin, t)
}

// takeFresh reports, once, that a page read the top of window w since the
// last refresh.
func (r *Reader) takeFresh(w window) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	fresh := r.fresh[w.key()]
	delete(r.fresh, w.key())
	return fresh
}

// Stale says QIWI's newest history changed (a verified notification told
// so): the next Refresh reads it even when a page has just read the top.
func (r *Reader) Stale() {
	r.mu.Lock()
	clear(r.fresh)
	r.mu.Unlock()
}

func (r *Reader) coverage(w window) (store.Coverage, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.cov[w.key()]
	return c, ok
}

// lockWindow makes the caller w's one reader, or gives up when ctx ends
// first (a background fill may hold w through a 423 pause: a page or a
// refresh must not wait it out past its deadline). unlock frees w.
func (r *Reader) lockWindow(ctx context.Context, w window) (unlock func(), err error) {
	r.mu.Lock()
	l := r.locks[w.key()]
	if l == nil {
		l = make(chan struct{}, 1)
		r.locks[w.key()] = l
	}
	r.mu.Unlock()
	select {
	case l <- struct{}{}:
		return func() { <-l }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// complete reports whether every row of c's window is cached.
func complete(c store.Coverage) bool { return c.Low.Before(c.Start) }

// plan goes down from top towards lo (zero: the start of history) through
// the windows and finds how far the cache can answer: every row with
// bound < date <= top is cached. w is the window to read next, nil when
// the cache answers all the way down; topUp says that w's newest rows are
// missing (rather than its older ones). The newest window counts as
// cached up to now: Refresh keeps its top up to date.
func (r *Reader) plan(top, lo, now time.Time) (bound time.Time, w *window, topUp bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for win := windowAt(r.origin, top); ; win = win.older() {
		if !lo.IsZero() && win.end.Before(lo) || win.end.Before(firstWindow) ||
			!r.histStart.IsZero() && win.end.Before(r.histStart) {
			return win.end, nil, false
		}
		c, ok := r.cov[win.key()]
		hi := earlier(top, win.end)
		current := !win.end.Before(now)
		if !ok || !current && c.Top.Before(hi) {
			return hi, &win, true
		}
		if complete(c) {
			continue
		}
		if !lo.IsZero() && c.Low.Before(lo) {
			return c.Low, nil, false
		}
		return c.Low, &win, false
	}
}

// advance makes one list request for window w, the next one its coverage
// needs: its newest rows (topUp, or when nothing of it is known), else the
// rows below what is cached, but none before clip. done reports that
// nothing more is needed (with topOnly: the top is up to date).
func (r *Reader) advance(ctx context.Context, w window, clip time.Time, topOnly bool) (done bool, res store.UpsertResult, err error) {
	return r.advanceFrom(ctx, w, clip, topOnly, nil)
}

// seen is what a caller knew of a window's coverage when it decided to read it.
type seen struct {
	known bool
	c     store.Coverage
}

// advanceFrom is advance that, when was is set, reads nothing if the
// window's coverage moved on since the caller saw it (another reader of
// the window got there first): the caller looks at the cache again.
func (r *Reader) advanceFrom(ctx context.Context, w window, clip time.Time, topOnly bool, was *seen) (done bool, res store.UpsertResult, err error) {
	unlock, err := r.lockWindow(ctx, w)
	if err != nil {
		return false, res, err
	}
	defer unlock()
	if err := ctx.Err(); err != nil {
		return false, res, err
	}
	if was != nil {
		c, known := r.coverage(w)
		if known != was.known || known && (!c.Low.Equal(was.c.Low) || !c.Top.Equal(was.c.Top)) {
			return false, res, nil
		}
	}
	now := r.now()
	end := earlier(w.end, now)
	start := w.start
	if !clip.IsZero() && clip.After(start) {
		start = clip
	}
	c, known := r.coverage(w)
	r.mu.Lock()
	tw := r.tops[w.key()]
	r.mu.Unlock()
	switch {
	case !known:
		// Nothing of w is known: its first page.
		p, u, err := r.list(ctx, start, end, nil)
		if !topOnly && err == nil && !w.end.Before(now) {
			r.mu.Lock()
			r.fresh[w.key()] = true // the refresh that follows a first page need not read it again
			r.mu.Unlock()
		}
		if current := !w.end.Before(now); current {
			if rerr := r.recordSync(ctx, err); err == nil && rerr != nil {
				err = rerr
			}
		}
		if err != nil {
			return false, u, err
		}
		c = store.Coverage{Start: w.start, Top: end}
		r.below(&c, p, start)
		return r.save(ctx, w, c, u, clip, topOnly, true)
	case topOnly || c.Top.Before(end) && (w.end.Before(now) || tw != nil):
		// Newer rows than the cache's: walk from the top until reaching them.
		if tw == nil || tw.end.Before(c.Top) {
			tw = &topWalk{end: end}
		}
		p, u, err := r.list(ctx, start, tw.end, tw.next)
		if err != nil {
			return false, u, err
		}
		n := len(p.Transactions)
		switch {
		case n == 0 || p.Next == nil:
			c = store.Coverage{Start: w.start, Top: tw.end}
			r.below(&c, p, start)
			tw = nil
		case !p.Transactions[n-1].Date.After(c.Top):
			c.Top = tw.end
			tw = nil
		default:
			tw.next = p.Next
		}
		r.mu.Lock()
		if tw == nil {
			delete(r.tops, w.key())
		} else {
			r.tops[w.key()] = tw
		}
		r.mu.Unlock()
		return r.save(ctx, w, c, u, clip, topOnly, tw == nil)
	case c.Low.Before(start):
		return true, res, nil
	}
	// The rows below what is cached.
	hi := c.Low
	if c.Next != nil {
		hi = later(c.Top, c.Next.TxnDate) // the walk's own range, which its cursor belongs to
	}
	p, u, err := r.list(ctx, start, earlier(hi, end), c.Next)
	if err != nil {
		return false, u, err
	}
	r.below(&c, p, start)
	return r.save(ctx, w, c, u, clip, topOnly, true)
}

// below sets c's lower end after a page read down to start.
func (r *Reader) below(c *store.Coverage, p *qiwiapi.HistoryPage, start time.Time) {
	if p.Next == nil || len(p.Transactions) == 0 {
		c.Low, c.Next = start.Add(-time.Second), nil
		return
	}
	c.Low, c.Next = p.Next.TxnDate, p.Next
}

// save records c and reports whether w needs nothing more: with topOnly,
// whether the walk from the top is over (topDone); otherwise whether every
// row from start up is cached (the newest window's top is Refresh's).
func (r *Reader) save(ctx context.Context, w window, c store.Coverage, u store.UpsertResult, clip time.Time, topOnly, topDone bool) (bool, store.UpsertResult, error) {
	if err := r.o.Store.SaveCoverage(context.WithoutCancel(ctx), r.o.Wallet, c); err != nil {
		return false, u, err
	}
	r.mu.Lock()
	r.cov[w.key()] = c
	_, walking := r.tops[w.key()]
	r.mu.Unlock()
	if complete(c) {
		if err := r.noteComplete(ctx, w); err != nil {
			return false, u, err
		}
	}
	if topOnly {
		return topDone, u, nil
	}
	now := r.now()
	start := w.start
	if !clip.IsZero() && clip.After(start) {
		start = clip
	}
	topFresh := !w.end.Before(now) || !c.Top.Before(w.end)
	return !walking && topFresh && c.Low.Before(start), u, nil
}

// noteComplete notes an empty window, and history's start once
// EmptyWindows empty windows in a row are known.
func (r *Reader) noteComplete(ctx context.Context, w window) error {
	n, err := r.o.Store.CountIn(ctx, r.o.Wallet, w.start, w.end)
	if err != nil || n > 0 {
		return err
	}
	r.mu.Lock()
	r.empty[w.key()] = true
	// The run of empty windows w belongs to.
	newest, run := w, 1
	for x := w.older(); r.empty[x.key()]; x = x.older() {
		run++
	}
	for x := w.newer(); r.empty[x.key()]; x = x.newer() {
		newest = x
		run++
	}
	found := run >= r.o.EmptyWindows && (r.histStart.IsZero() || newest.start.After(r.histStart))
	if found {
		r.histStart = newest.start
	}
	r.mu.Unlock()
	if !found {
		return nil
	}
	return r.o.Store.RecordHistoryStart(context.WithoutCancel(ctx), r.o.Wallet, newest.start)
}

// list asks QIWI for one page of every operation and source and caches it.
func (r *Reader) list(ctx context.Context, start, end time.Time, cur *qiwiapi.Cursor) (*qiwiapi.HistoryPage, store.UpsertResult, error) {
	var u store.UpsertResult
	if r.o.API == nil {
		return nil, u, errNoAPI
	}
	p, _, err := r.o.API.List(ctx, r.o.Wallet, qiwiapi.HistoryOptions{Rows: PageSize, Start: start, End: end.In(start.Location()), Cursor: cur})
	if err != nil {
		r.noteErr(err)
		return nil, u, err
	}
	u, err = r.o.Store.Upsert(context.WithoutCancel(ctx), r.o.Wallet, p.Transactions)
	if err != nil {
		return nil, u, err
	}
	if u.Added+u.Updated > 0 && len(p.Transactions) > 0 {
		lo, hi := p.Transactions[len(p.Transactions)-1].Date, p.Transactions[0].Date
		if err := r.o.Store.ForgetTotals(context.WithoutCancel(ctx), r.o.Wallet, earlier(lo, hi), later(lo, hi)); err != nil {
			return nil, u, err
		}
	}
	r.noteErr(nil)
	return p, u, nil
}

var errNoAPI = i18n.Errorf("store.reader.no_api", nil, nil)

// fillLater reads the rest of window w in the background, at Background
// priority, unless that is under way already.
func (r *Reader) fillLater(w window) {
	r.mu.Lock()
	if r.o.NoFill || r.filling[w.key()] || r.bg.Err() != nil {
		r.mu.Unlock()
		return
	}
	r.filling[w.key()] = true
	r.wg.Add(1)
	r.mu.Unlock()
	go func() {
		defer r.wg.Done()
		defer func() {
			r.mu.Lock()
			delete(r.filling, w.key())
			r.mu.Unlock()
		}()
		select {
		case r.fillSm <- struct{}{}:
		case <-r.bg.Done():
			return
		}
		defer func() { <-r.fillSm }()
		ctx := budget.WithPriority(r.bg, budget.Background)
		for {
			done, _, err := r.advance(ctx, w, time.Time{}, false)
			if done || err != nil {
				return
			}
		}
	}()
}

func (r *Reader) noteErr(err error) {
	r.mu.Lock()
	r.lastErr = err
	r.mu.Unlock()
}
