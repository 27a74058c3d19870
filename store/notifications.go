package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"qiwidash/qiwiapi"
)

// Notification is a verified notification the store has applied: a wallet
// payment webhook or a merchant bill callback. Key is what identifies it
// by its signed content (the same payment sent again under a new
// messageId has the same key).
type Notification struct {
	Key       string
	Kind      string // "wallet" or "bill"
	Scope     string // the wallet number or the shop id
	Ref       string // the txn id or the bill id
	Type      string // IN or OUT (wallet payments)
	Status    string
	Amount    qiwiapi.Amount
	MessageID string
	Received  time.Time
}

// RecordUpdate changes one record (see Put) in the transaction that saves
// a notification.
type RecordUpdate struct {
	Kind, Key string
	// Apply gets the record's JSON (nil when there is none) and returns
	// the JSON to store, or nil to leave the record as it is.
	Apply func(old json.RawMessage) (json.RawMessage, error)
}

// SaveNotification remembers n and applies update (when not nil) in one
// transaction, so a notification is never marked seen without its effect,
// nor applied twice. It returns false, changing nothing, when a
// notification with n's key was saved before (also by an earlier run).
func (s *Store) SaveNotification(ctx context.Context, n Notification, update *RecordUpdate) (bool, error) {
	if n.Key == "" || n.Kind == "" {
		return false, errors.New("store: a notification needs a key and a kind")
	}
	if n.Received.IsZero() {
		n.Received = s.now()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store: notification: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO seen_notifications
		(key, kind, scope, ref, type, status, amount, currency, message_id, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
		n.Key, n.Kind, n.Scope, n.Ref, n.Type, n.Status, n.Amount.Minor, int(n.Amount.Currency), n.MessageID, n.Received.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("store: notification: %w", err)
	}
	if added, err := res.RowsAffected(); err != nil || added == 0 {
		return false, err
	}
	if update != nil {
		if err := applyRecord(ctx, tx, *update, s.now()); err != nil {
			return false, err
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: notification: %w", err)
	}
	return true, nil
}

// SetNotificationStatus replaces the recorded status of the notification
// saved under key (say, "SUCCESS?" by "SUCCESS" once the API confirmed
// it); the key stays, so the notification is still recognised as seen.
func (s *Store) SetNotificationStatus(ctx context.Context, key, status string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE seen_notifications SET status = ? WHERE key = ?`, status, key)
	if err != nil {
		return fmt.Errorf("store: notification: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("store: no notification saved under that key")
	}
	return nil
}

func applyRecord(ctx context.Context, tx *sql.Tx, u RecordUpdate, now time.Time) error {
	if u.Kind == "" || u.Key == "" || u.Apply == nil {
		return errors.New("store: a record update needs a kind, a key and a change")
	}
	var old json.RawMessage
	var js string
	switch err := tx.QueryRowContext(ctx, `SELECT json FROM records WHERE kind = ? AND key = ?`, u.Kind, u.Key).Scan(&js); {
	case err == nil:
		old = json.RawMessage(js)
	case !isNoRows(err):
		return fmt.Errorf("store: record %s/%s: %w", u.Kind, u.Key, err)
	}
	next, err := u.Apply(old)
	if err != nil || next == nil {
		return err
	}
	if !json.Valid(next) {
		return fmt.Errorf("store: record %s/%s: the new value is not JSON", u.Kind, u.Key)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO records (kind, key, json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (kind, key) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`,
		u.Kind, u.Key, string(next), now.UnixMilli(), now.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: record %s/%s: %w", u.Kind, u.Key, err)
	}
	return nil
}

// Notifications lists the saved notifications of a kind and scope, newest
// first (limit <= 0: all).
func (s *Store) Notifications(ctx context.Context, kind, scope string, limit int) ([]Notification, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.db.QueryContext(ctx, `SELECT key, kind, scope, ref, type, status, amount, currency, message_id, received_at
		FROM seen_notifications WHERE kind = ? AND scope = ? ORDER BY received_at DESC, key LIMIT ?`, kind, scope, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var cur int
		var at int64
		if err := rows.Scan(&n.Key, &n.Kind, &n.Scope, &n.Ref, &n.Type, &n.Status, &n.Amount.Minor, &cur, &n.MessageID, &at); err != nil {
			return nil, err
		}
		n.Amount.Currency, n.Received = qiwiapi.Currency(cur), time.UnixMilli(at)
		out = append(out, n)
	}
	return out, rows.Err()
}
