// Package store keeps what qiwidash remembers between runs: profiles (names,
// modes, settings) and their secrets in the OS keyring, an offline cache of
// wallet history, and the journal of money-moving requests.
//
// Everything lives in one SQLite file (pure-Go driver, WAL mode, schema
// migrations in code) under the XDG data directory. Secrets never reach that
// file: they go to the keyring only.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrCorrupt is returned by Open for a file that is not a readable qiwidash store.
var ErrCorrupt = errors.New("the store file is damaged or not a qiwidash store")

// ErrTooNew is returned by Open for a store written by a newer qiwidash.
var ErrTooNew = errors.New("the store file was written by a newer qiwidash")

// Store is an open store file. It is safe for concurrent use.
type Store struct {
	db    *sql.DB
	path  string
	now   func() time.Time
	vault *Vault

	prepMu sync.Mutex
	upsert [upCount]*sql.Stmt // Upsert's statements, prepared on first use
}

// Options configure Open. The zero value uses the system keyring, the
// process environment and the real clock.
type Options struct {
	Keyring Keyring             // nil: the OS keyring (Secret Service, Keychain, Credential Manager)
	Getenv  func(string) string // nil: os.Getenv; used for the QIWI_* fallback variables
	Now     func() time.Time    // nil: time.Now
}

// Open opens (creating if needed) the store file at path and brings its
// schema up to date. A damaged file, or one from a newer version, is
// reported and left exactly as it was.
func Open(path string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	// Create the file ourselves so it is 0600 from the first byte; SQLite
	// gives its -wal and -shm files the same mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	_ = f.Close()
	_ = os.Chmod(path, 0o600)

	dsn := path + "?_txlock=immediate&_busy_timeout=5000&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db.SetMaxOpenConns(4)
	s := &Store{db: db, path: path, now: opts.Now, vault: NewVault(opts.Keyring, opts.Getenv)}
	if err := s.migrate(context.Background()); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// Close releases the file.
func (s *Store) Close() error {
	s.prepMu.Lock()
	for _, st := range s.upsert {
		if st != nil {
			st.Close()
		}
	}
	s.prepMu.Unlock()
	return s.db.Close()
}

// Path is the store file's location.
func (s *Store) Path() string { return s.path }

// Vault is where the store keeps and finds secrets.
func (s *Store) Vault() *Vault { return s.vault }

// SchemaVersion is the newest schema this build knows.
func SchemaVersion() int { return len(migrations) }

func (s *Store) migrate(ctx context.Context) error {
	// Read first: nothing is written before we know the file is ours and not newer.
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return s.openError(err)
	}
	if version > len(migrations) {
		return fmt.Errorf("%w: %s has schema version %d, this qiwidash knows up to %d; update qiwidash (the file was not changed)",
			ErrTooNew, s.path, version, len(migrations))
	}
	if version > 0 {
		var n int
		err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = 'profiles'").Scan(&n)
		if err != nil {
			return s.openError(err)
		}
		if n == 0 {
			return fmt.Errorf("%w: %s has user_version %d but no qiwidash tables (the file was not changed)", ErrCorrupt, s.path, version)
		}
	} else {
		// A version-0 file must be empty: never adopt someone else's database.
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil {
			return s.openError(err)
		}
		if n > 0 {
			return fmt.Errorf("%w: %s holds tables that are not qiwidash's (the file was not changed)", ErrCorrupt, s.path)
		}
	}
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return s.openError(err)
	}
	for v := version; v < len(migrations); v++ {
		if err := s.apply(ctx, v+1, migrations[v]); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, version int, script string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.openError(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, script); err != nil {
		return fmt.Errorf("store: migration %d: %w", version, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version)); err != nil {
		return fmt.Errorf("store: migration %d: %w", version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: migration %d: %w", version, err)
	}
	return nil
}

// openError turns SQLite's "not a database" family into ErrCorrupt.
func (s *Store) openError(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("%w: %s: %v (the file was not changed; move it away to start a fresh cache)", ErrCorrupt, s.path, err)
		}
	}
	if strings.Contains(err.Error(), "not a database") || strings.Contains(err.Error(), "malformed") {
		return fmt.Errorf("%w: %s: %v (the file was not changed; move it away to start a fresh cache)", ErrCorrupt, s.path, err)
	}
	return fmt.Errorf("store: %s: %w", s.path, err)
}

// migrations are applied in order; user_version counts the applied ones.
// Never edit a released entry: append a new one.
var migrations = []string{
	// 1: profiles, history cache with full-text search, sync state, journal.
	`
CREATE TABLE profiles (
	name        TEXT PRIMARY KEY,
	wallet      TEXT NOT NULL DEFAULT '',
	has_wallet  INTEGER NOT NULL DEFAULT 0,
	has_agent   INTEGER NOT NULL DEFAULT 0,
	has_merchant INTEGER NOT NULL DEFAULT 0,
	settings    TEXT NOT NULL DEFAULT '{}',
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);

-- id is the display order: sortKey(date, txn_id, type). Paging and text
-- search walk it backwards and stop after one page.
CREATE TABLE txns (
	id          INTEGER PRIMARY KEY,
	wallet      TEXT NOT NULL,
	txn_id      INTEGER NOT NULL,
	type        TEXT NOT NULL,
	date        INTEGER NOT NULL,          -- Unix seconds
	tz          INTEGER NOT NULL,          -- the date's UTC offset in seconds, as QIWI sent it
	status      TEXT NOT NULL,
	amount      INTEGER NOT NULL,          -- sum, minor units
	currency    INTEGER NOT NULL,
	commission  INTEGER NOT NULL DEFAULT 0,
	total       INTEGER NOT NULL DEFAULT 0,
	provider_id INTEGER NOT NULL DEFAULT 0,
	source_id   INTEGER NOT NULL DEFAULT 0,
	error_code  INTEGER NOT NULL DEFAULT 0,
	account     TEXT NOT NULL DEFAULT '',
	provider    TEXT NOT NULL DEFAULT '',
	comment     TEXT NOT NULL DEFAULT '',
	synced_at   INTEGER NOT NULL,
	UNIQUE (wallet, txn_id, type)
);
CREATE INDEX txns_wallet ON txns (wallet);
-- Covers Summary, so that totals of a filter read the index only.
CREATE INDEX txns_totals ON txns (wallet, currency, type, status, amount);
CREATE INDEX txns_waiting ON txns (wallet, date) WHERE status = 'WAITING';

-- The raw JSON lives apart so that scans of txns stay dense.
CREATE TABLE txn_raw (
	id  INTEGER PRIMARY KEY REFERENCES txns(id) ON DELETE CASCADE,
	raw BLOB NOT NULL
);

CREATE VIRTUAL TABLE txns_fts USING fts5 (
	account, provider, comment, extra,
	content = '', contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE sync_state (
	wallet       TEXT PRIMARY KEY,
	last_sync_at INTEGER NOT NULL DEFAULT 0,
	last_try_at  INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT NOT NULL DEFAULT '',
	oldest       INTEGER NOT NULL DEFAULT 0,   -- history is complete from here to the newest row
	complete     INTEGER NOT NULL DEFAULT 0    -- nothing older exists
);

CREATE TABLE journal (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL,
	client_id   TEXT NOT NULL,
	profile     TEXT NOT NULL DEFAULT '',
	account     TEXT NOT NULL DEFAULT '',
	recipient   TEXT NOT NULL DEFAULT '',
	amount      INTEGER NOT NULL,
	currency    INTEGER NOT NULL,
	provider_id INTEGER NOT NULL DEFAULT 0,
	request     BLOB NOT NULL,
	state       TEXT NOT NULL,
	outcome     TEXT NOT NULL DEFAULT '',
	remote_id   TEXT NOT NULL DEFAULT '',
	attempts    INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	sent_at     INTEGER NOT NULL DEFAULT 0,
	final_at    INTEGER NOT NULL DEFAULT 0,
	UNIQUE (kind, client_id)
);
CREATE INDEX journal_open ON journal (state) WHERE state NOT IN ('final');
CREATE INDEX journal_recent ON journal (created_at DESC);
`,
	// 2: small typed records (agent top-ups, merchant bills), balance samples,
	// and the totals index covering outgoing totals with commission.
	`
CREATE TABLE records (
	kind        TEXT NOT NULL,
	key         TEXT NOT NULL,
	json        TEXT NOT NULL,
	created_at  INTEGER NOT NULL,          -- Unix milliseconds
	updated_at  INTEGER NOT NULL,
	PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE INDEX records_updated ON records (kind, updated_at);

CREATE TABLE samples (
	id          INTEGER PRIMARY KEY,
	series      TEXT NOT NULL,
	at          INTEGER NOT NULL,          -- Unix milliseconds
	minor       INTEGER NOT NULL,
	currency    INTEGER NOT NULL
);
CREATE INDEX samples_series ON samples (series, at);

-- Summary also sums what outgoing payments cost with commission (total).
DROP INDEX txns_totals;
CREATE INDEX txns_totals ON txns (wallet, currency, type, status, amount, total);
`,
	// 3: a client id may be journaled again once its earlier attempts were
	// refused or abandoned (paying the same invoice after a failure); it
	// stays unique among open and successful entries.
	`
CREATE TABLE journal_v3 (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL,
	client_id   TEXT NOT NULL,
	profile     TEXT NOT NULL DEFAULT '',
	account     TEXT NOT NULL DEFAULT '',
	recipient   TEXT NOT NULL DEFAULT '',
	amount      INTEGER NOT NULL,
	currency    INTEGER NOT NULL,
	provider_id INTEGER NOT NULL DEFAULT 0,
	request     BLOB NOT NULL,
	state       TEXT NOT NULL,
	outcome     TEXT NOT NULL DEFAULT '',
	remote_id   TEXT NOT NULL DEFAULT '',
	attempts    INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	sent_at     INTEGER NOT NULL DEFAULT 0,
	final_at    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO journal_v3 (id, kind, client_id, profile, account, recipient, amount, currency, provider_id, request, state, outcome,
	remote_id, attempts, last_error, created_at, updated_at, sent_at, final_at)
	SELECT id, kind, client_id, profile, account, recipient, amount, currency, provider_id, request, state, outcome,
	remote_id, attempts, last_error, created_at, updated_at, sent_at, final_at FROM journal;
DROP TABLE journal;
ALTER TABLE journal_v3 RENAME TO journal;
CREATE UNIQUE INDEX journal_client ON journal (kind, client_id) WHERE state <> 'final' OR outcome = 'success';
CREATE INDEX journal_attempts ON journal (kind, client_id, id);
CREATE INDEX journal_open ON journal (state) WHERE state NOT IN ('final');
CREATE INDEX journal_recent ON journal (created_at DESC);
`,
	// 4 (ingest): verified notifications, keyed by what QIWI signed, so a
	// replay is recognised across restarts (see SaveNotification).
	`
CREATE TABLE seen_notifications (
	key         TEXT PRIMARY KEY,          -- notify's Event.Key / BillEvent.Key, scoped by wallet or shop
	kind        TEXT NOT NULL,             -- 'wallet' or 'bill'
	scope       TEXT NOT NULL,             -- the wallet number or the shop id
	ref         TEXT NOT NULL,             -- the txn id or the bill id
	type        TEXT NOT NULL DEFAULT '',  -- IN or OUT (wallet)
	status      TEXT NOT NULL,
	amount      INTEGER NOT NULL DEFAULT 0,
	currency    INTEGER NOT NULL DEFAULT 0,
	message_id  TEXT NOT NULL DEFAULT '',
	received_at INTEGER NOT NULL           -- Unix milliseconds
) WITHOUT ROWID;
CREATE INDEX seen_notifications_ref ON seen_notifications (kind, scope, ref);
`,
	// 5 (reader): the history reader's per-window coverage (which rows of each 90-day
	// window are cached, and where QIWI's cursor continues) and the cached
	// totals of closed windows. Coverage starts afresh: the old single
	// boundary (sync_state.oldest) is no longer read as coverage.
	`
CREATE TABLE history_windows (
	wallet    TEXT NOT NULL,
	start     INTEGER NOT NULL,            -- Unix seconds, the window's first second
	top       INTEGER NOT NULL,            -- rows with low < date <= top are all cached
	low       INTEGER NOT NULL,
	next_id   INTEGER NOT NULL DEFAULT 0,  -- QIWI's cursor below low; 0: none
	next_date INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (wallet, start)
) WITHOUT ROWID;

CREATE TABLE history_totals (
	wallet    TEXT NOT NULL,
	start     INTEGER NOT NULL,
	end       INTEGER NOT NULL,
	filter    TEXT NOT NULL,               -- operation and sources
	totals    TEXT NOT NULL,               -- qiwiapi.Totals as JSON
	PRIMARY KEY (wallet, start, end, filter)
) WITHOUT ROWID;

-- The windows' grid per wallet: a window's first second.
CREATE TABLE history_grid (
	wallet    TEXT PRIMARY KEY,
	origin    INTEGER NOT NULL
) WITHOUT ROWID;

UPDATE sync_state SET oldest = 0, complete = 0;
-- txns.synced_at is written in Unix milliseconds from now on (older rows
-- keep seconds, which only makes them look long unread).
`,
	// 6 (moves): a journal entry's progress (the top-up state machine, what a saga
	// needs besides the request to pick an entry up after a restart).
	`
ALTER TABLE journal ADD COLUMN progress BLOB NOT NULL DEFAULT x'';
`,
	// 7 (cli): History sorted by amount walks one currency's rows in sum
	// order (store.OrderAmount): a page is an index seek, not a sort of
	// the whole cache.
	`
CREATE INDEX txns_amount ON txns (wallet, currency, amount, id);
`,
}
