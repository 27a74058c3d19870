package store

import (
	"context"
	"errors"
	"math"
	"time"

	"qiwidash/qiwiapi"
)

// HistoryAPI is the part of the Wallet API the cache syncs from;
// *qiwiapi.HistoryService implements it.
type HistoryAPI interface {
	List(ctx context.Context, wallet string, opts qiwiapi.HistoryOptions) (*qiwiapi.HistoryPage, *qiwiapi.Response, error)
	Transaction(ctx context.Context, id int64, typ qiwiapi.TxnType) (*qiwiapi.Transaction, *qiwiapi.Response, error)
}

// Syncer fills a wallet's cache from the API: incremental refreshes of the
// newest history, backfill of older windows on demand, and re-reads of
// WAITING transactions until they are final.
type Syncer struct {
	Store *Store
	API   HistoryAPI
	Now   func() time.Time // nil: the store's clock
	Zone  *time.Location   // zone of the date filters; nil: Moscow, as QIWI
	// MaxWaiting bounds the WAITING transactions re-read per refresh (0: 20),
	// so that a refresh stays well inside the 100-requests-a-minute budget.
	MaxWaiting int
	// EmptyWindows is how many 90-day windows in a row must be empty before
	// backfill decides history has begun (0: 4, one year).
	EmptyWindows int
	// HistoryStart, when known (the wallet's registration), ends backfill.
	HistoryStart time.Time
}

// SyncResult reports what a sync did.
type SyncResult struct {
	Requests int // history list and details calls made
	Added    int
	Updated  int
	Complete bool // backfill reached the beginning of history
}

func (sy *Syncer) now() time.Time {
	if sy.Now != nil {
		return sy.Now()
	}
	return sy.Store.now()
}

func (sy *Syncer) zone() *time.Location {
	if sy.Zone != nil {
		return sy.Zone
	}
	return qiwiapi.Moscow
}

// Refresh brings the newest history into the cache. With an empty cache it
// reads the newest 90-day window completely; otherwise it reads from the
// newest cached transaction forward and stops at the first page that
// reaches cached rows (one request when nothing changed). Then it re-reads
// WAITING transactions. The outcome, failure included, is recorded for
// SyncStatus, so that the screen can say "from cache, last synced at T".
func (sy *Syncer) Refresh(ctx context.Context, wallet string) (SyncResult, error) {
	var res SyncResult
	started := sy.Store.now()
	now := sy.now().In(sy.zone())
	newest, ok, err := sy.Store.newest(ctx, wallet)
	if err != nil {
		return res, err
	}
	var oldest time.Time
	if !ok {
		start := now.Add(-qiwiapi.MaxHistoryWindow)
		_, err = sy.walk(ctx, wallet, start, now, false, math.MaxInt, &res)
		oldest = start
	} else {
		for _, w := range qiwiapi.Windows(newest.In(sy.zone()), now) {
			var reached bool
			reached, err = sy.walk(ctx, wallet, w[0], w[1], true, math.MaxInt, &res)
			if err != nil || reached {
				break
			}
		}
	}
	if err == nil {
		err = sy.refreshWaiting(ctx, wallet, started, &res)
	}
	if rerr := sy.Store.recordSync(context.WithoutCancel(ctx), wallet, now, err, oldest, false); rerr != nil && err == nil {
		err = rerr
	}
	return res, err
}

// walk reads the window [start, end] page by page, newest first, caching
// every page. With stopAtKnown it stops after the first page holding
// already-cached rows and reports reached=true. It stops once want rows
// have been read.
func (sy *Syncer) walk(ctx context.Context, wallet string, start, end time.Time, stopAtKnown bool, want int, res *SyncResult) (reached bool, err error) {
	opts := qiwiapi.HistoryOptions{Rows: 50, Start: start, End: end.In(start.Location())}
	got := 0
	for {
		page, _, err := sy.API.List(ctx, wallet, opts)
		res.Requests++
		if err != nil {
			return false, err
		}
		u, err := sy.Store.Upsert(ctx, wallet, page.Transactions)
		if err != nil {
			return false, err
		}
		res.Added += u.Added
		res.Updated += u.Updated
		got += len(page.Transactions)
		if stopAtKnown && u.Known > 0 {
			return true, nil
		}
		if page.Next == nil || len(page.Transactions) == 0 {
			return false, nil
		}
		if got >= want {
			return false, errStopped
		}
		opts.Cursor = page.Next
	}
}

// errStopped ends a walk that read as many rows as asked, mid-window.
var errStopped = errors.New("stopped")

// refreshWaiting re-reads cached WAITING transactions not refreshed since started.
func (sy *Syncer) refreshWaiting(ctx context.Context, wallet string, started time.Time, res *SyncResult) error {
	limit := sy.MaxWaiting
	if limit <= 0 {
		limit = 20
	}
	rows, err := sy.Store.db.QueryContext(ctx, `SELECT txn_id, type FROM txns
		WHERE wallet = ? AND status = 'WAITING' AND synced_at < ? ORDER BY date DESC LIMIT ?`, wallet, started.Unix(), limit)
	if err != nil {
		return err
	}
	type ref struct {
		id  int64
		typ string
	}
	var refs []ref
	for rows.Next() {
		var r ref
		if err := rows.Scan(&r.id, &r.typ); err != nil {
			rows.Close()
			return err
		}
		refs = append(refs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range refs {
		t, _, err := sy.API.Transaction(ctx, r.id, qiwiapi.TxnType(r.typ))
		res.Requests++
		if errors.Is(err, qiwiapi.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		u, err := sy.Store.Upsert(ctx, wallet, []qiwiapi.Transaction{*t})
		if err != nil {
			return err
		}
		res.Updated += u.Updated
	}
	return nil
}

// Backfill reads at least n transactions older than olderThan (whole pages),
// walking back one 90-day window at a time, for when the user scrolls past
// the cache. It stops early when history has begun (see EmptyWindows and
// HistoryStart); res.Complete then says so and SyncStatus remembers it.
func (sy *Syncer) Backfill(ctx context.Context, wallet string, olderThan time.Time, n int) (SyncResult, error) {
	return sy.backfill(ctx, wallet, olderThan, n, time.Time{})
}

// BackfillTo reads everything older than the cache down to until (for export).
func (sy *Syncer) BackfillTo(ctx context.Context, wallet string, until time.Time) (SyncResult, error) {
	st, err := sy.Store.SyncStatus(ctx, wallet)
	if err != nil {
		return SyncResult{}, err
	}
	if st.Complete || (!st.Oldest.IsZero() && !st.Oldest.After(until)) {
		return SyncResult{Complete: st.Complete}, nil
	}
	from := st.Oldest
	if from.IsZero() {
		from = sy.now()
	}
	return sy.backfill(ctx, wallet, from, math.MaxInt, until)
}

func (sy *Syncer) backfill(ctx context.Context, wallet string, olderThan time.Time, n int, until time.Time) (SyncResult, error) {
	var res SyncResult
	emptyLimit := sy.EmptyWindows
	if emptyLimit <= 0 {
		emptyLimit = 4
	}
	hi := olderThan.In(sy.zone())
	covered := time.Time{}
	empty, got := 0, 0
	var err error
	for got < n {
		if !sy.HistoryStart.IsZero() && hi.Before(sy.HistoryStart) {
			res.Complete = true
			break
		}
		if !until.IsZero() && hi.Before(until) {
			break
		}
		lo := hi.Add(-qiwiapi.MaxHistoryWindow)
		before := res.Added
		var werr error
		_, werr = sy.walk(ctx, wallet, lo, hi, false, n-got, &res)
		if errors.Is(werr, errStopped) {
			// Stopped mid-window: the cache is complete down to its oldest row.
			if d, ok, e := sy.Store.oldestIn(ctx, wallet, lo, hi); e == nil && ok {
				covered = d
			}
			break
		}
		if werr != nil {
			err = werr
			break
		}
		covered = lo
		cnt, e := sy.Store.countIn(ctx, wallet, lo, hi)
		if e != nil {
			err = e
			break
		}
		got += res.Added - before
		if cnt == 0 {
			empty++
			if until.IsZero() && empty >= emptyLimit {
				res.Complete = true
				break
			}
		} else {
			empty = 0
		}
		hi = lo.Add(-time.Second)
	}
	if rerr := sy.Store.recordBackfill(context.WithoutCancel(ctx), wallet, covered, res.Complete); rerr != nil && err == nil {
		err = rerr
	}
	return res, err
}

func (s *Store) oldestIn(ctx context.Context, wallet string, lo, hi time.Time) (time.Time, bool, error) {
	var d *int64
	err := s.db.QueryRowContext(ctx, `SELECT min(date) FROM txns WHERE wallet = ? AND date BETWEEN ? AND ?`, wallet, lo.Unix(), hi.Unix()).Scan(&d)
	if err != nil || d == nil {
		return time.Time{}, false, err
	}
	return time.Unix(*d, 0), true, nil
}

func (s *Store) countIn(ctx context.Context, wallet string, lo, hi time.Time) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM txns WHERE wallet = ? AND date BETWEEN ? AND ?`, wallet, lo.Unix(), hi.Unix()).Scan(&n)
	return n, err
}

func (s *Store) recordBackfill(ctx context.Context, wallet string, covered time.Time, complete bool) error {
	var old int64
	if !covered.IsZero() {
		old = covered.Unix()
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sync_state (wallet, oldest, complete) VALUES (?, ?, ?)
		ON CONFLICT (wallet) DO UPDATE SET
			oldest = CASE WHEN excluded.oldest > 0 AND (sync_state.oldest = 0 OR excluded.oldest < sync_state.oldest) THEN excluded.oldest ELSE sync_state.oldest END,
			complete = max(sync_state.complete, excluded.complete)`, wallet, old, complete)
	return err
}
