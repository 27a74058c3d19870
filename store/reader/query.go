package reader

import (
	"cmp"
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"time"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/store"
)

// Query is what a face asks for.
type Query struct {
	Operation qiwiapi.Operation // "" or ALL: every direction
	Sources   []qiwiapi.Source  // empty: every source
	// Start and End bound the dates (both zero: the whole history).
	Start, End time.Time
	// Text searches the cache (account, provider, comment, status, error,
	// txn id); a query with text never asks QIWI.
	Text string
	// Cond keeps exactly the rows an engine package chose (a drill-down
	// from store/insights); like Text, it reads the cache only.
	Cond store.Cond
	// Order: store.OrderAmount sorts within each currency over the whole
	// cache (what the cache holds is what is sorted; QIWI is not asked).
	Order store.Order
}

// HasRange reports whether the query is limited to dates.
func (q Query) HasRange() bool { return !q.Start.IsZero() }

func (q Query) filter() store.Filter {
	return store.Filter{Operation: q.Operation, Sources: q.Sources, From: q.Start, To: q.End, Text: q.Text, Cond: q.Cond, Order: q.Order}
}

// filtered reports whether q narrows what QIWI lists (operation, sources).
func (q Query) filtered() bool {
	return q.Operation != "" && q.Operation != qiwiapi.OperationAll || len(q.Sources) > 0
}

// Cursor is a position in a query's rows. It is opaque.
type Cursor struct {
	key store.Key // the last row given (first, going up)
	up  bool
	// pos: every row of the query dated after pos has been given.
	pos time.Time
	// walk continues a filtered walk of one window through QIWI.
	walk *walk
	// empties counts the empty windows such walks met in a row.
	empties int
}

// walk is where a filtered list of one window continues at QIWI.
type walk struct {
	start, end time.Time
	next       *qiwiapi.Cursor
}

// Below is the position just under t: a Page there brings older rows.
func Below(t qiwiapi.Transaction) *Cursor { return &Cursor{key: store.KeyOf(t), pos: t.Date} }

// Above is the position just over t: a Page there brings the newer rows
// right above t (from the cache), newest first.
func Above(t qiwiapi.Transaction) *Cursor { return &Cursor{key: store.KeyOf(t), up: true} }

// Below is the position just under t (the Reader's seam for screens).
func (r *Reader) Below(t qiwiapi.Transaction) *Cursor { return Below(t) }

// Above is the position just over t (the Reader's seam for screens).
func (r *Reader) Above(t qiwiapi.Transaction) *Cursor { return Above(t) }

// Page is up to PageSize rows, newest first, and the cursor to the next
// ones in the same direction (nil: there are none).
type Page struct {
	Transactions []qiwiapi.Transaction
	Next         *Cursor
}

// Page returns the rows of q at cursor (nil: the newest). It reads the
// cache, and asks QIWI (at the priority ctx carries, Visible by default)
// only for what the cache does not hold: one page of the window in
// question, narrowed by q's operation and sources; the whole window is then
// read into the cache in the background. Rows above a cursor, and rows of
// a text search, come from the cache only.
func (r *Reader) Page(ctx context.Context, q Query, cur *Cursor) (Page, error) {
	if err := r.load(ctx); err != nil {
		return Page{}, err
	}
	f := q.filter()
	if q.Order != store.OrderDate { // sorted by the cache: only what it holds
		var after *store.Key
		if cur != nil {
			after = &cur.key
		}
		p, err := r.o.Store.Page(ctx, r.o.Wallet, f, after, PageSize)
		if err != nil {
			return Page{}, err
		}
		out := Page{Transactions: p.Transactions}
		if p.Next != nil {
			out.Next = &Cursor{key: *p.Next}
		}
		return out, nil
	}
	if cur != nil && cur.up {
		ts, more, err := r.o.Store.PageUp(ctx, r.o.Wallet, f, cur.key, PageSize)
		if err != nil || len(ts) == 0 {
			return Page{}, err
		}
		out := Page{Transactions: ts}
		if more {
			out.Next = Above(ts[0])
		}
		return out, nil
	}
	now := r.now()
	top := now
	if !q.End.IsZero() && q.End.Before(top) {
		top = q.End
	}
	var after *store.Key
	if cur != nil {
		after = &cur.key
		top = earlier(top, cur.pos)
	}
	for {
		bound, w, _ := r.plan(top, q.Start, now)
		var was seen
		if w != nil {
			was.c, was.known = r.coverage(*w)
		}
		g := f
		if w != nil && r.o.API != nil && q.Text == "" && q.Cond.IsZero() {
			g.From = later(g.From, bound.Add(time.Second))
		} else {
			w = nil // the cache is all there is to read
		}
		p, err := r.o.Store.Page(ctx, r.o.Wallet, g, after, PageSize)
		if err != nil {
			return Page{}, err
		}
		out := Page{Transactions: p.Transactions}
		n := len(out.Transactions)
		switch {
		case p.Next != nil:
			out.Next = Below(out.Transactions[n-1])
			return out, nil
		case w == nil:
			return out, nil
		case q.filtered() && cur != nil && cur.walk != nil && r.windowAt(cur.walk.start) == *w:
			return r.walkPage(ctx, q, cur, *w, bound)
		case q.filtered() && r.windowAt(top) == *w:
			// The cache cannot fill the page from this window: QIWI's
			// narrowed list of it can, from the top.
			return r.walkPage(ctx, q, cur, *w, top)
		case n > 0:
			// What the cache holds down to bound; QIWI is asked on the next page.
			out.Next = Below(out.Transactions[n-1])
			out.Next.pos = bound
			return out, nil
		case q.filtered():
			return r.walkPage(ctx, q, cur, *w, bound)
		}
		if _, _, err := r.advanceFrom(ctx, *w, time.Time{}, false, &was); err != nil {
			if n > 0 { // what is cached; the next page tells the error
				out.Next = Below(out.Transactions[n-1])
				return out, nil
			}
			return Page{}, err
		}
		r.fillLater(*w)
	}
}

// walkPage reads one page of q's rows of window w dated up to end from
// QIWI, narrowed by q's operation and sources (the cache holds every
// operation and source, so these rows do not make it hold w); the
// window is read into the cache in the background.
func (r *Reader) walkPage(ctx context.Context, q Query, cur *Cursor, w window, end time.Time) (Page, error) {
	wk := &walk{start: later(w.start, q.Start), end: end}
	if cur != nil && cur.walk != nil && r.windowAt(cur.walk.start) == w {
		wk = cur.walk
	}
	op := q.Operation
	if op == qiwiapi.OperationAll {
		op = ""
	}
	p, _, err := r.o.API.List(ctx, r.o.Wallet, qiwiapi.HistoryOptions{Rows: PageSize, Operation: op, Sources: q.Sources,
		Start: wk.start, End: wk.end.In(wk.start.Location()), Cursor: wk.next})
	r.noteErr(err)
	if err != nil {
		return Page{}, err
	}
	if _, err := r.o.Store.Upsert(context.WithoutCancel(ctx), r.o.Wallet, p.Transactions); err != nil {
		return Page{}, err
	}
	r.fillLater(w)
	out := Page{Transactions: p.Transactions}
	if cur != nil && wk.next == nil { // a walk from the cursor's second: not what was given already
		out.Transactions = slices.DeleteFunc(slices.Clone(out.Transactions), func(t qiwiapi.Transaction) bool {
			return !store.KeyOf(t).Less(cur.key)
		})
	}
	n := len(out.Transactions)
	switch {
	case p.Next != nil && n > 0:
		out.Next = Below(out.Transactions[n-1])
		out.Next.walk = &walk{start: wk.start, end: wk.end, next: p.Next}
		return out, nil
	case !q.Start.IsZero() && !wk.start.After(q.Start):
		// The walk reached the query's start: nothing older is asked for.
		return out, nil
	}
	// This window is done; older windows follow.
	out.Next = &Cursor{key: store.Key{Date: wk.start, Type: qiwiapi.TypeIn}, pos: wk.start.Add(-time.Second)}
	if n > 0 {
		out.Next.key = store.KeyOf(out.Transactions[n-1])
		return out, nil
	}
	// An empty window: go on to the next one, unless history seems to have begun.
	if cur != nil {
		out.Next.empties = cur.empties + 1
	}
	if out.Next.empties >= r.o.EmptyWindows {
		return Page{}, nil
	}
	return r.Page(ctx, q, out.Next)
}

// Export writes every cached row of q to w as csv or json (store.Export:
// by date oldest first, or in q.Order) and returns how many it wrote: what
// the History screen shows for q, over the whole cache, QIWI not asked.
func (r *Reader) Export(ctx context.Context, q Query, w io.Writer, format string) (int, error) {
	if err := r.load(ctx); err != nil {
		return 0, err
	}
	return r.o.Store.Export(ctx, w, r.o.Wallet, q.filter(), format)
}

// Transaction returns one transaction by id: from the cache, else from QIWI.
func (r *Reader) Transaction(ctx context.Context, id int64) (*qiwiapi.Transaction, error) {
	t, err := r.o.Store.Cached(ctx, r.o.Wallet, id, "")
	if err == nil || !errors.Is(err, qiwiapi.ErrNotFound) || r.o.API == nil {
		return t, err
	}
	t, _, err = r.o.API.Transaction(ctx, id, "")
	return t, err
}

// Totals sums successful incoming and outgoing payments per currency over
// q's date range, which is required (any length; q.Text is ignored). Each
// 90-day window of it is summed from the cache when the cache holds it,
// taken from kept totals when it is closed and was asked before, and asked
// of QIWI otherwise; windows are asked concurrently.
func (r *Reader) Totals(ctx context.Context, q Query) (*qiwiapi.Totals, error) {
	if !q.HasRange() {
		return nil, errors.New("totals need a date range")
	}
	if err := r.load(ctx); err != nil {
		return nil, err
	}
	pieces := windowsOf(r.origin, q.Start, q.End)
	parts := make([]*qiwiapi.Totals, len(pieces))
	errs := make([]error, len(pieces))
	var wg sync.WaitGroup
	sem := make(chan struct{}, r.o.Concurrency)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for i, w := range pieces {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			parts[i], errs[i] = r.windowTotals(ctx, q, w)
			if errs[i] != nil {
				cancel() // the sum cannot be given: stop asking
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, err
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sum := NewSum()
	for _, t := range parts {
		for _, a := range t.Incoming {
			sum.Add(a, true)
		}
		for _, a := range t.Outgoing {
			sum.Add(a, false)
		}
	}
	return sum.Totals(), nil
}

// windowTotals sums one piece of a window.
func (r *Reader) windowTotals(ctx context.Context, q Query, w window) (*qiwiapi.Totals, error) {
	now := r.now()
	if _, next, _ := r.plan(earlier(w.end, now), w.start, now); next == nil || r.o.API == nil || !q.Cond.IsZero() {
		return r.cacheTotals(ctx, q, w)
	}
	key := store.TotalsKey(q.Operation, q.Sources)
	if t, ok, err := r.o.Store.CachedTotals(ctx, r.o.Wallet, w.start, w.end, key); err != nil || ok {
		return t, err
	}
	op := q.Operation
	if op == qiwiapi.OperationAll {
		op = ""
	}
	t, _, err := r.o.API.Totals(ctx, r.o.Wallet, qiwiapi.TotalsOptions{Start: w.start, End: w.end.In(w.start.Location()), Operation: op, Sources: q.Sources})
	r.noteErr(err)
	if err != nil {
		return nil, err
	}
	if w.end.Before(now) {
		waiting, err := r.o.Store.HasWaiting(ctx, r.o.Wallet, w.start, w.end)
		if err == nil && !waiting {
			err = r.o.Store.SaveTotals(context.WithoutCancel(ctx), r.o.Wallet, w.start, w.end, key, t)
		}
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

// cacheTotals sums successful payments the way QIWI does: incoming by sum,
// outgoing by total (with commission), currencies in the wallet's order.
func (r *Reader) cacheTotals(ctx context.Context, q Query, w window) (*qiwiapi.Totals, error) {
	f := q.filter()
	f.Text = ""
	f.From, f.To = w.start, w.end
	f.Statuses = []qiwiapi.TxnStatus{qiwiapi.StatusSuccess}
	sm, err := r.o.Store.Summary(ctx, r.o.Wallet, f)
	if err != nil {
		return nil, err
	}
	rank := func(c qiwiapi.Currency) int {
		for i, k := range []qiwiapi.Currency{qiwiapi.RUB, qiwiapi.USD, qiwiapi.EUR, qiwiapi.KZT} {
			if c == k {
				return i
			}
		}
		return 4
	}
	slices.SortStableFunc(sm.Totals, func(a, b store.CurrencyTotal) int { return cmp.Compare(rank(a.Currency), rank(b.Currency)) })
	sum := NewSum()
	for _, ct := range sm.Totals {
		sum.Add(ct.In, true)
		sum.Add(ct.OutTotal, false)
	}
	return sum.Totals(), nil
}

// Refresh brings the newest history into the cache: from now down to the
// newest cached rows (one request when nothing changed), then re-reads the
// WAITING rows, one list request per window that holds them. With nothing
// cached yet it reads the newest page; right after a Page read that, it
// does not read it again. changed reports rows added or updated. The
// outcome is recorded for Status.
func (r *Reader) Refresh(ctx context.Context) (changed bool, err error) {
	if err := r.load(ctx); err != nil {
		return false, err
	}
	if r.o.API == nil {
		return false, errNoAPI
	}
	r.mu.Lock()
	r.syncing++
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.syncing--
		r.mu.Unlock()
	}()
	started := r.o.Store.Now()
	w := r.windowAt(r.now())
	if r.takeFresh(w) { // a page has just read the newest rows (and the WAITING ones among them)
		return false, r.recordSync(ctx, nil)
	}
	n := 0
	for {
		done, u, err := r.advance(ctx, w, time.Time{}, true)
		n += u.Added + u.Updated
		if err != nil {
			return n > 0, r.recordSync(ctx, err)
		}
		if done {
			break
		}
	}
	u, err := r.recheckWaiting(ctx, started)
	n += u
	return n > 0, r.recordSync(ctx, err)
}

func (r *Reader) recordSync(ctx context.Context, err error) error {
	if rerr := r.o.Store.RecordSync(context.WithoutCancel(ctx), r.o.Wallet, r.now(), err); rerr != nil && err == nil {
		err = rerr
	}
	if st, serr := r.o.Store.SyncStatus(context.WithoutCancel(ctx), r.o.Wallet); serr == nil {
		r.mu.Lock()
		r.sync, r.syncKnown = st, true
		r.mu.Unlock()
	}
	return err
}

// recheckWaiting re-reads the cached WAITING rows not read since started:
// one list request per run of them that the cache says fits in a page
// (usually one per window, as WAITING rows are the newest ones).
func (r *Reader) recheckWaiting(ctx context.Context, started time.Time) (int, error) {
	dates, err := r.o.Store.Waiting(ctx, r.o.Wallet, started)
	if err != nil || len(dates) == 0 {
		return 0, err
	}
	type span struct{ lo, hi time.Time }
	var spans []span
	for _, d := range dates { // newest first
		d = d.In(qiwiapi.Moscow)
		if len(spans) > 0 {
			s := &spans[len(spans)-1]
			if r.windowAt(d) == r.windowAt(s.hi) {
				if n, err := r.o.Store.CountIn(ctx, r.o.Wallet, d, s.hi); err == nil && n <= PageSize {
					s.lo = d
					continue
				}
			}
		}
		spans = append(spans, span{d, d})
	}
	n := 0
	for _, s := range spans {
		_, u, err := r.list(ctx, s.lo, s.hi, nil)
		if err != nil {
			return n, err
		}
		n += u.Added + u.Updated
	}
	return n, nil
}

// Sync reads every row from now down to until (zero: the start of history)
// into the cache, the windows concurrently, and never a row before until.
func (r *Reader) Sync(ctx context.Context, until time.Time) error {
	if err := r.load(ctx); err != nil {
		return err
	}
	if r.o.API == nil {
		return errNoAPI
	}
	r.mu.Lock()
	r.syncing++
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.syncing--
		r.mu.Unlock()
	}()
	if _, err := r.Refresh(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	sem := make(chan struct{}, r.o.Concurrency)
	past := func(w window) bool {
		r.mu.Lock()
		hs := r.histStart
		r.mu.Unlock()
		return !until.IsZero() && w.end.Before(until) || w.end.Before(firstWindow) || !hs.IsZero() && w.end.Before(hs)
	}
	for w := r.windowAt(r.now()); !past(w); w = w.older() {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil || past(w) { // history's start may have been found meanwhile
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			for {
				done, _, err := r.advance(ctx, w, until, false)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					cancel()
					return
				}
				if done {
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// Status is where a reader's rows come from and how the wallet's request
// budget stands.
type Status struct {
	Sync    store.SyncStatus
	Known   bool           // Sync has been read
	Busy    bool           // a refresh or window fills are under way
	Budget  *budget.Status // nil without a budget
	LastErr error          // the last request's error in this process, nil after a success
}

// Status does not block on I/O: the screen calls it from View.
func (r *Reader) Status() Status {
	r.mu.Lock()
	st := Status{Sync: r.sync, Known: r.syncKnown, Busy: r.syncing > 0 || len(r.filling) > 0, LastErr: r.lastErr}
	r.mu.Unlock()
	if r.o.Budget != nil {
		b := r.o.Budget.Status()
		st.Budget = &b
	}
	return st
}

// Paused reports that QIWI blocks the wallet's history (a 423): until when.
func (s Status) Paused() (time.Time, bool) {
	if s.Budget != nil && !s.Budget.PausedUntil.IsZero() {
		return s.Budget.PausedUntil, true
	}
	var pe *budget.PausedError
	if errors.As(s.LastErr, &pe) {
		return pe.Until, true
	}
	return time.Time{}, false
}

// Line is the status line in tr's language (nil: English), its times in
// loc: "from cache, last synced at 2026-05-01 12:03 · QIWI history paused
// until 14:05 (request limit) · 87 requests left". A 423 is a pause, never
// "offline".
func (s Status) Line(tr *i18n.Tr, loc *time.Location) string {
	var parts []string
	until, paused := s.Paused()
	limited := paused || errors.Is(s.LastErr, qiwiapi.ErrRateLimited)
	if s.Known {
		st := s.Sync
		if limited {
			st.LastError = "" // a pause is said below, never as "offline"
		}
		parts = append(parts, st.Describe(tr, loc))
	}
	if s.Busy {
		parts = append(parts, tr.T("store.reader.syncing", nil))
	}
	switch {
	case paused:
		parts = append(parts, explain.Error(tr, &budget.PausedError{Until: until.In(loc)}))
	case limited:
		parts = append(parts, tr.T("store.reader.limited", nil))
	case s.Budget != nil:
		parts = append(parts, tr.N("store.reader.requests_left", s.Budget.Left, nil))
	}
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += " · "
		}
		out += p
	}
	return out
}
