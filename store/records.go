package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"qiwidash/qiwiapi"
)

// ErrNoRecord is returned by Get for a kind and key that hold nothing.
var ErrNoRecord = errors.New("no such record")

// Record is one stored value: any JSON-serialisable Go value kept under a
// kind ("agent.topup", "merchant.bill") and a key unique within the kind.
type Record struct {
	Kind    string
	Key     string
	JSON    json.RawMessage
	Created time.Time // first Put
	Updated time.Time // last Put
}

// Decode unmarshals the record's value into v.
func (r Record) Decode(v any) error {
	if err := json.Unmarshal(r.JSON, v); err != nil {
		return fmt.Errorf("store: record %s/%s unreadable: %w", r.Kind, r.Key, err)
	}
	return nil
}

// RecordOrder is the order List returns records in.
type RecordOrder int

// Record orders.
const (
	// ByUpdated lists the most recently written record first.
	ByUpdated RecordOrder = iota
	// ByKey lists records by key, ascending (byte order).
	ByKey
	// ByNumericKeyDesc lists decimal keys without leading zeros as
	// numbers, largest first ("10" before "9").
	ByNumericKeyDesc
)

// ListOptions shape a List call. The zero value lists every record of the
// kind, most recently updated first.
type ListOptions struct {
	Order RecordOrder
	Limit int // 0: no limit
}

// Put stores v as JSON under kind and key, replacing what was there.
func (s *Store) Put(ctx context.Context, kind, key string, v any) error {
	if kind == "" || key == "" {
		return errors.New("store: a record needs a kind and a key")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: record %s/%s: %w", kind, key, err)
	}
	now := s.now().UnixMilli()
	_, err = s.db.ExecContext(ctx, `INSERT INTO records (kind, key, json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (kind, key) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`,
		kind, key, string(b), now, now)
	if err != nil {
		return fmt.Errorf("store: record %s/%s: %w", kind, key, err)
	}
	return nil
}

// Get reads the record under kind and key into v. It returns an error
// wrapping ErrNoRecord when there is none.
func (s *Store) Get(ctx context.Context, kind, key string, v any) error {
	r, err := scanRecord(s.db.QueryRowContext(ctx, `SELECT kind, key, json, created_at, updated_at FROM records WHERE kind = ? AND key = ?`, kind, key))
	if isNoRows(err) {
		return fmt.Errorf("store: record %s/%s: %w", kind, key, ErrNoRecord)
	}
	if err != nil {
		return err
	}
	return r.Decode(v)
}

// List returns the records of a kind in the order o asks for.
func (s *Store) List(ctx context.Context, kind string, o ListOptions) ([]Record, error) {
	order := "updated_at DESC, key DESC"
	switch o.Order {
	case ByUpdated:
	case ByKey:
		order = "key"
	case ByNumericKeyDesc:
		order = "length(key) DESC, key DESC"
	default:
		return nil, fmt.Errorf("store: unknown record order %d", o.Order)
	}
	limit := o.Limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.db.QueryContext(ctx, `SELECT kind, key, json, created_at, updated_at FROM records WHERE kind = ? ORDER BY `+order+` LIMIT ?`, kind, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Delete removes the record under kind and key; a missing record is no error.
func (s *Store) Delete(ctx context.Context, kind, key string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM records WHERE kind = ? AND key = ?`, kind, key)
	return err
}

func scanRecord(r scanner) (Record, error) {
	var rec Record
	var js string
	var created, updated int64
	if err := r.Scan(&rec.Kind, &rec.Key, &js, &created, &updated); err != nil {
		return Record{}, err
	}
	rec.JSON = json.RawMessage(js)
	rec.Created, rec.Updated = time.UnixMilli(created), time.UnixMilli(updated)
	return rec, nil
}

// Sample is one value of a series over time (an agent balance).
type Sample struct {
	At     time.Time
	Amount qiwiapi.Amount
}

// SamplesKept is how many samples a series keeps; AddSample drops older ones.
const SamplesKept = 5000

// AddSample appends a sample to a series, dropping the series' oldest
// samples beyond SamplesKept.
func (s *Store) AddSample(ctx context.Context, series string, at time.Time, a qiwiapi.Amount) error {
	if series == "" {
		return errors.New("store: a sample needs a series")
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO samples (series, at, minor, currency) VALUES (?, ?, ?, ?)`,
		series, at.UnixMilli(), a.Minor, int(a.Currency)); err != nil {
		return fmt.Errorf("store: sample: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM samples WHERE series = ? AND id IN
		(SELECT id FROM samples WHERE series = ? ORDER BY at DESC, id DESC LIMIT -1 OFFSET ?)`, series, series, SamplesKept); err != nil {
		return fmt.Errorf("store: sample: %w", err)
	}
	return tx.Commit()
}

// RecentSamples returns the last n samples of a series, oldest first.
func (s *Store) RecentSamples(ctx context.Context, series string, n int) ([]Sample, error) {
	if n <= 0 {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT at, minor, currency FROM
		(SELECT id, at, minor, currency FROM samples WHERE series = ? ORDER BY at DESC, id DESC LIMIT ?)
		ORDER BY at, id`, series, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]Sample, 0, n)
	for rows.Next() {
		var at int64
		var cur int
		var smp Sample
		if err := rows.Scan(&at, &smp.Amount.Minor, &cur); err != nil {
			return nil, err
		}
		smp.At = time.UnixMilli(at)
		smp.Amount.Currency = qiwiapi.Currency(cur)
		out = append(out, smp)
	}
	return out, rows.Err()
}
