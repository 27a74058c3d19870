package history

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/store"
)

// Optional Source extensions. The screen type-asserts them; the API source
// implements none.

// Syncer is a Source serving a local cache that it can bring up to date.
// The screen runs Sync in the background when it opens and on refresh, and
// reloads when changed is true.
type Syncer interface {
	Sync(ctx context.Context) (changed bool, err error)
}

// Statuser is a Source that can say where its rows come from ("from cache,
// last synced at T (offline: …)"). Status must not block: the screen calls
// it from View.
type Statuser interface {
	Status() string
}

// TextSearcher is a Source that applies Query.Text itself, over everything
// it holds and not only the loaded rows. The screen sets Query.Text when
// the "/" filter is submitted.
type TextSearcher interface {
	SearchesText() bool
}

// backfillRows is how many older rows one backfill step asks QIWI for
// (whole pages of 50) when the user scrolls past the cache.
const backfillRows = 2 * pageSize

// cachedSource reads history from the SQLite cache. The first page comes
// from the file at once; Sync refreshes the newest history; scrolling past
// the cached rows backfills older 90-day windows; "/" searches the whole
// cache; totals of long ranges are summed from the cache.
type cachedSource struct {
	st     *store.Store
	sy     *store.Syncer
	wallet string

	netMu sync.Mutex // one Refresh or Backfill at a time

	mu      sync.Mutex
	keys    map[*qiwiapi.Cursor]store.Key // cursors handed out, to their exact cache position
	status  store.SyncStatus
	known   bool // status has been read once
	syncing bool
}

// NewCachedSource is the History screen's Source over the wallet's offline
// cache in st, filled from the API by sy (sy.Store must be st).
func NewCachedSource(st *store.Store, sy *store.Syncer, wallet string) Source {
	return &cachedSource{st: st, sy: sy, wallet: wallet, keys: map[*qiwiapi.Cursor]store.Key{}}
}

func (s *cachedSource) SearchesText() bool { return true }

// Status describes the cache: "from cache, last synced at T (offline: …)".
func (s *cachedSource) Status() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.syncing && s.known && !s.status.LastSync.IsZero():
		return s.status.Describe() + " · syncing…"
	case s.syncing:
		return "syncing…"
	case !s.known:
		return ""
	}
	return s.status.Describe()
}

func (s *cachedSource) setStatus(st store.SyncStatus) {
	s.mu.Lock()
	s.status, s.known = st, true
	s.mu.Unlock()
}

func (s *cachedSource) readStatus(ctx context.Context) (store.SyncStatus, error) {
	st, err := s.st.SyncStatus(ctx, s.wallet)
	if err == nil {
		s.setStatus(st)
	}
	return st, err
}

// Sync brings the newest history into the cache (one request when nothing
// changed). A failure is remembered in the status: the screen goes on
// showing the cache and says it is offline.
func (s *cachedSource) Sync(ctx context.Context) (bool, error) {
	s.mu.Lock()
	s.syncing = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.syncing = false
		s.mu.Unlock()
	}()
	s.netMu.Lock()
	res, err := s.sy.Refresh(ctx, s.wallet)
	s.netMu.Unlock()
	_, _ = s.readStatus(context.WithoutCancel(ctx))
	return res.Added+res.Updated > 0, err
}

func (q Query) filter() store.Filter {
	return store.Filter{Operation: q.Operation, Sources: q.Sources, From: q.Start, To: q.End, Text: q.Text}
}

// cursor hands out a screen cursor for a cache position.
func (s *cachedSource) cursor(k store.Key) *Cursor {
	at := &qiwiapi.Cursor{TxnID: k.TxnID, TxnDate: k.Date}
	s.mu.Lock()
	s.keys[at] = k
	s.mu.Unlock()
	return &Cursor{At: at}
}

func (s *cachedSource) key(c *Cursor) *store.Key {
	if c == nil || c.At == nil {
		return nil
	}
	s.mu.Lock()
	k, ok := s.keys[c.At]
	s.mu.Unlock()
	if !ok { // not one of ours: the position by date and id
		k = store.Key{Date: c.At.TxnDate, TxnID: c.At.TxnID}
	}
	return &k
}

// needsOlder reports that q reaches past what the cache holds completely.
func needsOlder(q Query, st store.SyncStatus) bool {
	if st.Complete {
		return false
	}
	return st.Oldest.IsZero() || !q.HasRange() || st.Oldest.After(q.Start)
}

// Page reads a page from the cache. When the cache runs out before the
// page is full and the query reaches further back than the cache is
// complete, older history is backfilled from QIWI and the page read again.
// Offline, the cached rows are returned and the next page reports the error.
func (s *cachedSource) Page(ctx context.Context, q Query, cur *Cursor) (Page, error) {
	after := s.key(cur)
	f := q.filter()
	for {
		p, err := s.st.Page(ctx, s.wallet, f, after, pageSize)
		if err != nil {
			return Page{}, err
		}
		s.setStatus(p.Sync)
		out := Page{Transactions: p.Transactions}
		if p.Next != nil {
			out.Next = s.cursor(*p.Next)
			return out, nil
		}
		// "/" searches what is cached; it never walks QIWI's history.
		older := needsOlder(q, p.Sync) && q.Text == ""
		if len(p.Transactions) == pageSize || !older {
			if older { // full, and more may exist beyond the cache: backfill on the next scroll
				out.Next = s.cursor(store.KeyOf(p.Transactions[len(p.Transactions)-1]))
			}
			return out, nil
		}
		if err := s.backfill(ctx, p.Sync); err != nil {
			if len(out.Transactions) > 0 {
				out.Next = s.cursor(store.KeyOf(out.Transactions[len(out.Transactions)-1]))
				return out, nil
			}
			return Page{}, err
		}
		if err := ctx.Err(); err != nil {
			return Page{}, err
		}
	}
}

// backfill reads older history below what the cache holds completely (the
// newest window when the cache is empty), so that the caller's next read
// of the cache goes further. It fails rather than let the caller loop when
// the boundary does not move.
func (s *cachedSource) backfill(ctx context.Context, st store.SyncStatus) error {
	s.netMu.Lock()
	defer s.netMu.Unlock()
	// Another call may have filled the cache while this one waited.
	cur, err := s.st.SyncStatus(ctx, s.wallet)
	if err != nil {
		return err
	}
	if !sameBoundary(cur, st) {
		return nil
	}
	from := st.Oldest
	if from.IsZero() {
		from = s.now()
	}
	_, err = s.sy.Backfill(ctx, s.wallet, from, backfillRows)
	after, serr := s.readStatus(context.WithoutCancel(ctx))
	if err == nil && serr == nil && sameBoundary(after, st) {
		return errors.New("history: older history could not be read (the cache did not grow)")
	}
	return err
}

// sameBoundary reports that the cache is complete down to the same point.
func sameBoundary(a, b store.SyncStatus) bool {
	return a.Oldest.Equal(b.Oldest) && a.Complete == b.Complete
}

func (s *cachedSource) now() time.Time {
	if s.sy.Now != nil {
		return s.sy.Now()
	}
	return time.Now()
}

// totalsAPI is the part of *qiwiapi.HistoryService that sums a range.
type totalsAPI interface {
	Totals(ctx context.Context, wallet string, opts qiwiapi.TotalsOptions) (*qiwiapi.Totals, *qiwiapi.Response, error)
}

// Totals sums the range from the cache when the cache holds all of it and
// the range spans several 90-day windows (one SQLite query instead of a
// request per window), or when QIWI cannot be reached; otherwise QIWI's own
// totals, window by window.
func (s *cachedSource) Totals(ctx context.Context, q Query) (*qiwiapi.Totals, error) {
	if !q.HasRange() {
		return nil, errors.New("totals need a date range")
	}
	st, err := s.readStatus(ctx)
	if err != nil {
		return nil, err
	}
	covered := !needsOlder(q, st) && !st.LastSync.IsZero()
	api, ok := s.sy.API.(totalsAPI)
	if covered && (!ok || len(qiwiapi.Windows(q.Start, q.End)) > 1) {
		return s.cacheTotals(ctx, q)
	}
	if !ok {
		return nil, errors.New("totals: the range is not cached and QIWI cannot be asked")
	}
	t, err := apiTotals(ctx, api, s.wallet, q)
	if err != nil && covered {
		return s.cacheTotals(ctx, q)
	}
	return t, err
}

func apiTotals(ctx context.Context, api totalsAPI, wallet string, q Query) (*qiwiapi.Totals, error) {
	sum := newTotals()
	op := q.Operation
	if op == qiwiapi.OperationAll {
		op = ""
	}
	for _, w := range q.windows() {
		t, _, err := api.Totals(ctx, wallet, qiwiapi.TotalsOptions{Start: w[0], End: w[1], Operation: op, Sources: q.Sources})
		if err != nil {
			return nil, err
		}
		for _, a := range t.Incoming {
			sum.add(a, true)
		}
		for _, a := range t.Outgoing {
			sum.add(a, false)
		}
	}
	return sum.result(), nil
}

// cacheTotals sums successful payments the way QIWI does: incoming by sum,
// outgoing by total (with commission).
func (s *cachedSource) cacheTotals(ctx context.Context, q Query) (*qiwiapi.Totals, error) {
	f := q.filter()
	f.Text = ""
	f.Statuses = []qiwiapi.TxnStatus{qiwiapi.StatusSuccess}
	sm, err := s.st.Summary(ctx, s.wallet, f)
	if err != nil {
		return nil, err
	}
	// The wallet's own order: roubles, dollars, euros, tenge, then the rest.
	rank := func(c qiwiapi.Currency) int {
		for i, k := range []qiwiapi.Currency{qiwiapi.RUB, qiwiapi.USD, qiwiapi.EUR, qiwiapi.KZT} {
			if c == k {
				return i
			}
		}
		return 4
	}
	slices.SortStableFunc(sm.Totals, func(a, b store.CurrencyTotal) int { return cmp.Compare(rank(a.Currency), rank(b.Currency)) })
	sum := newTotals()
	for _, ct := range sm.Totals {
		sum.add(ct.In, true)
		sum.add(ct.OutTotal, false)
	}
	return sum.result(), nil
}

// Transaction reads one transaction from the cache, or from QIWI when it
// is not cached.
func (s *cachedSource) Transaction(ctx context.Context, id int64) (*qiwiapi.Transaction, error) {
	t, err := s.st.Cached(ctx, s.wallet, id, "")
	if err == nil || !errors.Is(err, qiwiapi.ErrNotFound) {
		return t, err
	}
	t, _, err = s.sy.API.Transaction(ctx, id, "")
	return t, err
}
