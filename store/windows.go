package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"qiwidash/qiwiapi"
)

// The history reader (store/reader) keeps, per wallet and 90-day window,
// which of the window's rows are cached, so that it can answer from the
// cache without asking QIWI and knows where to continue when it must.

// Coverage is what the cache holds of one window: every row with
// Low < date <= Top. Next, when set, is QIWI's cursor to the rows below Low.
// A window whose Low is before its start is complete.
type Coverage struct {
	Start time.Time // the window's first second: its key
	Top   time.Time
	Low   time.Time
	Next  *qiwiapi.Cursor
}

// HistoryGrid returns the origin (Unix seconds) of wallet's grid of
// windows, recording proposed when the wallet has none yet.
func (s *Store) HistoryGrid(ctx context.Context, wallet string, proposed int64) (int64, error) {
	if _, err := s.db.ExecContext(ctx, `INSERT OR IGNORE INTO history_grid (wallet, origin) VALUES (?, ?)`, wallet, proposed); err != nil {
		return 0, err
	}
	var origin int64
	err := s.db.QueryRowContext(ctx, `SELECT origin FROM history_grid WHERE wallet = ?`, wallet).Scan(&origin)
	return origin, err
}

// Coverages reads every recorded window of wallet, keyed by the start's Unix second.
func (s *Store) Coverages(ctx context.Context, wallet string) (map[int64]Coverage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT start, top, low, next_id, next_date FROM history_windows WHERE wallet = ?`, wallet)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]Coverage{}
	for rows.Next() {
		var start, top, low, nid, nd int64
		if err := rows.Scan(&start, &top, &low, &nid, &nd); err != nil {
			return nil, err
		}
		c := Coverage{Start: time.Unix(start, 0), Top: time.Unix(top, 0), Low: time.Unix(low, 0)}
		if nid != 0 {
			c.Next = &qiwiapi.Cursor{TxnID: nid, TxnDate: time.Unix(nd, 0).In(qiwiapi.Moscow)}
		}
		out[start] = c
	}
	return out, rows.Err()
}

// SaveCoverage records what the cache holds of one window.
func (s *Store) SaveCoverage(ctx context.Context, wallet string, c Coverage) error {
	var nid, nd int64
	if c.Next != nil {
		nid, nd = c.Next.TxnID, c.Next.TxnDate.Unix()
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO history_windows (wallet, start, top, low, next_id, next_date) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (wallet, start) DO UPDATE SET top = excluded.top, low = excluded.low, next_id = excluded.next_id, next_date = excluded.next_date`,
		wallet, c.Start.Unix(), c.Top.Unix(), c.Low.Unix(), nid, nd)
	return err
}

// TotalsKey names a filter of cached totals: the operation and the sources.
func TotalsKey(op qiwiapi.Operation, sources []qiwiapi.Source) string {
	parts := make([]string, 0, len(sources)+1)
	parts = append(parts, string(op))
	for _, src := range sources {
		parts = append(parts, string(src))
	}
	return strings.Join(parts, ",")
}

// CachedTotals reads QIWI's totals of [start, end] for filter, ok=false when none are kept.
func (s *Store) CachedTotals(ctx context.Context, wallet string, start, end time.Time, filter string) (*qiwiapi.Totals, bool, error) {
	var raw string
	err := s.db.QueryRowContext(ctx, `SELECT totals FROM history_totals WHERE wallet = ? AND start = ? AND end = ? AND filter = ?`,
		wallet, start.Unix(), end.Unix(), filter).Scan(&raw)
	if isNoRows(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	t := new(qiwiapi.Totals)
	if err := json.Unmarshal([]byte(raw), t); err != nil {
		return nil, false, fmt.Errorf("store: cached totals unreadable: %w", err)
	}
	return t, true, nil
}

// SaveTotals keeps QIWI's totals of a closed range (one that cannot change any more).
func (s *Store) SaveTotals(ctx context.Context, wallet string, start, end time.Time, filter string, t *qiwiapi.Totals) error {
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT OR REPLACE INTO history_totals (wallet, start, end, filter, totals) VALUES (?, ?, ?, ?, ?)`,
		wallet, start.Unix(), end.Unix(), filter, string(b))
	return err
}

// ForgetTotals drops kept totals of ranges that overlap [from, to] (their rows changed).
func (s *Store) ForgetTotals(ctx context.Context, wallet string, from, to time.Time) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM history_totals WHERE wallet = ? AND start <= ? AND end >= ?`, wallet, to.Unix(), from.Unix())
	return err
}

// HasWaiting reports whether a cached row in [from, to] is WAITING.
func (s *Store) HasWaiting(ctx context.Context, wallet string, from, to time.Time) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM txns WHERE wallet = ? AND status = 'WAITING' AND date BETWEEN ? AND ?`,
		wallet, from.Unix(), to.Unix()).Scan(&n)
	return n > 0, err
}

// Waiting returns the dates of the cached WAITING rows not re-read since
// since, newest first.
func (s *Store) Waiting(ctx context.Context, wallet string, since time.Time) ([]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT date FROM txns WHERE wallet = ? AND status = 'WAITING' AND synced_at < ? ORDER BY date DESC`,
		wallet, since.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, time.Unix(d, 0))
	}
	return out, rows.Err()
}

// CountIn counts the cached rows of wallet dated within [lo, hi].
func (s *Store) CountIn(ctx context.Context, wallet string, lo, hi time.Time) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM txns WHERE wallet = ? AND date BETWEEN ? AND ?`, wallet, lo.Unix(), hi.Unix()).Scan(&n)
	return n, err
}

// RecordSync remembers the outcome of a refresh for SyncStatus: its time
// when it succeeded, its error when it did not.
func (s *Store) RecordSync(ctx context.Context, wallet string, at time.Time, syncErr error) error {
	msg := ""
	if syncErr != nil {
		msg = syncErr.Error()
		if errors.Is(syncErr, context.Canceled) {
			msg = "cancelled"
		}
	}
	var last int64
	if syncErr == nil {
		last = at.Unix()
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sync_state (wallet, last_sync_at, last_try_at, last_error) VALUES (?, ?, ?, ?)
		ON CONFLICT (wallet) DO UPDATE SET
			last_sync_at = CASE WHEN excluded.last_sync_at > 0 THEN excluded.last_sync_at ELSE sync_state.last_sync_at END,
			last_try_at = excluded.last_try_at,
			last_error = excluded.last_error`,
		wallet, last, at.Unix(), msg)
	return err
}

// RecordHistoryStart remembers that wallet has no history before start.
func (s *Store) RecordHistoryStart(ctx context.Context, wallet string, start time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sync_state (wallet, oldest, complete) VALUES (?, ?, 1)
		ON CONFLICT (wallet) DO UPDATE SET oldest = excluded.oldest, complete = 1`, wallet, start.Unix())
	return err
}

// PageUp returns up to limit cached transactions newer than before, newest
// first (the ones just above it), matching f; more reports that still newer
// ones exist.
func (s *Store) PageUp(ctx context.Context, wallet string, f Filter, before Key, limit int) (txns []qiwiapi.Transaction, more bool, err error) {
	if limit <= 0 {
		limit = 50
	}
	where, args, err := f.where(wallet)
	if err != nil {
		return nil, false, err
	}
	where += " AND t.id > ?"
	args = append(args, before.id())
	args = append(args, limit+1)
	var rows *sql.Rows
	if q := ftsQuery(f.Text); q != "" {
		where = strings.ReplaceAll(where, "t.id", "f.rowid")
		rows, err = s.db.QueryContext(ctx, `SELECT r.raw FROM txns_fts f CROSS JOIN txns t ON t.id = f.rowid CROSS JOIN txn_raw r ON r.id = t.id
			WHERE txns_fts MATCH ? AND `+where+` ORDER BY f.rowid ASC LIMIT ?`, append([]any{q}, args...)...)
	} else {
		rows, err = s.db.QueryContext(ctx, `SELECT r.raw FROM txns t JOIN txn_raw r ON r.id = t.id
			WHERE `+where+` ORDER BY t.id ASC LIMIT ?`, args...)
	}
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		if len(txns) == limit {
			more = true
			break
		}
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, false, err
		}
		var t qiwiapi.Transaction
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, false, fmt.Errorf("store: cached transaction unreadable: %w", err)
		}
		txns = append(txns, t)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	for i, j := 0, len(txns)-1; i < j; i, j = i+1, j-1 {
		txns[i], txns[j] = txns[j], txns[i]
	}
	return txns, more, nil
}

// Now is the store's clock (what synced_at is written with).
func (s *Store) Now() time.Time { return s.now() }
