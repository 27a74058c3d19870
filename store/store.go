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

	"qiwidash/i18n"
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
		return i18n.Errorf("store.open.too_new", i18n.Args{"Path": s.path, "Version": version, "Known": len(migrations)}, ErrTooNew)
	}
	if version > 0 {
		var n int
		err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = 'profiles'").Scan(&n)
		if err != nil {
			return s.openError(err)
		}
		if n == 0 {
			return i18n.Errorf("store.open.no_tables", i18n.Args{"Path": s.path, "Version": version}, ErrCorrupt)
		}
	} else {
		// A version-0 file must be empty: never adopt someone else's database.
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil {
			return s.openError(err)
		}
		if n > 0 {
			return i18n.Errorf("store.open.foreign", i18n.Args{"Path": s.path}, ErrCorrupt)
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
			return i18n.Errorf("store.open.damaged", i18n.Args{"Path": s.path, "Why": err.Error()}, ErrCorrupt)
		}
	}
	if strings.Contains(err.Error(), "not a database") || strings.Contains(err.Error(), "malformed") {
		return i18n.Errorf("store.open.damaged", i18n.Args{"Path": s.path, "Why": err.Error()}, ErrCorrupt)
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
	// 7 (insights): the Insights screen's and statements' sums, kept up
	// to date by triggers so that a panel reads a few thousand rows, not
	// the history: successful payments per Moscow day, currency, type and
	// provider (txn_days), and per Moscow month, currency, side and
	// account (txn_accounts). txns_insights finds the rows of a range that
	// does not fall on whole days.
	`
CREATE TABLE txn_days (
	wallet      TEXT NOT NULL,
	day         INTEGER NOT NULL,          -- (date + 10800) / 86400: the day in Moscow time
	currency    INTEGER NOT NULL,
	type        TEXT NOT NULL,
	provider_id INTEGER NOT NULL,
	provider    TEXT NOT NULL,
	n           INTEGER NOT NULL,
	amount      INTEGER NOT NULL,          -- sums
	spent       INTEGER NOT NULL,          -- totals (the sum when QIWI sent none)
	commission  INTEGER NOT NULL,
	PRIMARY KEY (wallet, day, currency, type, provider_id, provider)
) WITHOUT ROWID;

CREATE TABLE txn_accounts (
	wallet      TEXT NOT NULL,
	month       INTEGER NOT NULL,          -- year * 12 + month - 1, in Moscow time
	currency    INTEGER NOT NULL,
	incoming    INTEGER NOT NULL,          -- 1: IN, 0: OUT and QIWI_CARD
	account     TEXT NOT NULL,
	provider    TEXT NOT NULL,             -- the last provider name seen
	n           INTEGER NOT NULL,
	money       INTEGER NOT NULL,          -- incoming sums, outgoing totals
	PRIMARY KEY (wallet, month, currency, incoming, account)
) WITHOUT ROWID;

CREATE TRIGGER txns_sums_add AFTER INSERT ON txns WHEN NEW.status = 'SUCCESS' BEGIN
	INSERT INTO txn_days VALUES (NEW.wallet, (NEW.date + 10800) / 86400, NEW.currency, NEW.type, NEW.provider_id, NEW.provider, 1,
		NEW.amount, CASE WHEN NEW.total <> 0 THEN NEW.total ELSE NEW.amount END, NEW.commission)
	ON CONFLICT DO UPDATE SET n = n + 1, amount = amount + excluded.amount, spent = spent + excluded.spent, commission = commission + excluded.commission;
	INSERT INTO txn_accounts VALUES (NEW.wallet,
		CAST(strftime('%Y', NEW.date + 10800, 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', NEW.date + 10800, 'unixepoch') AS INTEGER) - 1,
		NEW.currency, NEW.type = 'IN', NEW.account, NEW.provider, 1,
		CASE WHEN NEW.type = 'IN' OR NEW.total = 0 THEN NEW.amount ELSE NEW.total END)
	ON CONFLICT DO UPDATE SET n = n + 1, money = money + excluded.money, provider = excluded.provider;
END;

CREATE TRIGGER txns_sums_remove AFTER DELETE ON txns WHEN OLD.status = 'SUCCESS' BEGIN
	UPDATE txn_days SET n = n - 1, amount = amount - OLD.amount, spent = spent - CASE WHEN OLD.total <> 0 THEN OLD.total ELSE OLD.amount END,
		commission = commission - OLD.commission
	WHERE wallet = OLD.wallet AND day = (OLD.date + 10800) / 86400 AND currency = OLD.currency AND type = OLD.type
		AND provider_id = OLD.provider_id AND provider = OLD.provider;
	UPDATE txn_accounts SET n = n - 1, money = money - CASE WHEN OLD.type = 'IN' OR OLD.total = 0 THEN OLD.amount ELSE OLD.total END
	WHERE wallet = OLD.wallet AND currency = OLD.currency AND incoming = (OLD.type = 'IN') AND account = OLD.account
		AND month = CAST(strftime('%Y', OLD.date + 10800, 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', OLD.date + 10800, 'unixepoch') AS INTEGER) - 1;
END;

CREATE TRIGGER txns_sums_update_old AFTER UPDATE ON txns WHEN OLD.status = 'SUCCESS' BEGIN
	UPDATE txn_days SET n = n - 1, amount = amount - OLD.amount, spent = spent - CASE WHEN OLD.total <> 0 THEN OLD.total ELSE OLD.amount END,
		commission = commission - OLD.commission
	WHERE wallet = OLD.wallet AND day = (OLD.date + 10800) / 86400 AND currency = OLD.currency AND type = OLD.type
		AND provider_id = OLD.provider_id AND provider = OLD.provider;
	UPDATE txn_accounts SET n = n - 1, money = money - CASE WHEN OLD.type = 'IN' OR OLD.total = 0 THEN OLD.amount ELSE OLD.total END
	WHERE wallet = OLD.wallet AND currency = OLD.currency AND incoming = (OLD.type = 'IN') AND account = OLD.account
		AND month = CAST(strftime('%Y', OLD.date + 10800, 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', OLD.date + 10800, 'unixepoch') AS INTEGER) - 1;
END;

CREATE TRIGGER txns_sums_update_new AFTER UPDATE ON txns WHEN NEW.status = 'SUCCESS' BEGIN
	INSERT INTO txn_days VALUES (NEW.wallet, (NEW.date + 10800) / 86400, NEW.currency, NEW.type, NEW.provider_id, NEW.provider, 1,
		NEW.amount, CASE WHEN NEW.total <> 0 THEN NEW.total ELSE NEW.amount END, NEW.commission)
	ON CONFLICT DO UPDATE SET n = n + 1, amount = amount + excluded.amount, spent = spent + excluded.spent, commission = commission + excluded.commission;
	INSERT INTO txn_accounts VALUES (NEW.wallet,
		CAST(strftime('%Y', NEW.date + 10800, 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', NEW.date + 10800, 'unixepoch') AS INTEGER) - 1,
		NEW.currency, NEW.type = 'IN', NEW.account, NEW.provider, 1,
		CASE WHEN NEW.type = 'IN' OR NEW.total = 0 THEN NEW.amount ELSE NEW.total END)
	ON CONFLICT DO UPDATE SET n = n + 1, money = money + excluded.money, provider = excluded.provider;
END;

INSERT INTO txn_days SELECT wallet, (date + 10800) / 86400, currency, type, provider_id, provider, count(*),
	sum(amount), sum(CASE WHEN total <> 0 THEN total ELSE amount END), sum(commission)
	FROM txns WHERE status = 'SUCCESS' GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO txn_accounts SELECT wallet,
	CAST(strftime('%Y', date + 10800, 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', date + 10800, 'unixepoch') AS INTEGER) - 1,
	currency, type = 'IN', account, max(provider), count(*), sum(CASE WHEN type = 'IN' OR total = 0 THEN amount ELSE total END)
	FROM txns WHERE status = 'SUCCESS' GROUP BY 1, 2, 3, 4, 5;

CREATE INDEX txns_insights ON txns (wallet, status, date, currency, type, amount, total, commission);
`,
	// 8 (moves): when a read-only status request about the entry last went
	// out (unix ms, 0 = never), so a restart does not ask again inside the
	// service's minimum interval (Top-Up API: 10 minutes per payment).
	`
ALTER TABLE journal ADD COLUMN status_asked_at INTEGER NOT NULL DEFAULT 0;
`,
	// 9 (search): the support console's lookups over every wallet's cache
	// (store/search) and the journal's trail: a txn id, an amount, an
	// account or card fragment (a trigram index kept by triggers), a
	// journal entry by the service's id, and every change of every entry
	// (when it was sent, with which id, each answer), written by triggers
	// in the transaction that moves the entry.
	`
CREATE INDEX txns_txn_id ON txns (txn_id);
CREATE INDEX txns_amount ON txns (amount);
CREATE VIRTUAL TABLE txns_acct USING fts5 (account, content = '', contentless_delete = 1, tokenize = 'trigram');
INSERT INTO txns_acct (rowid, account) SELECT id, account FROM txns WHERE account <> '';
CREATE TRIGGER txns_acct_insert AFTER INSERT ON txns WHEN new.account <> '' BEGIN
	INSERT INTO txns_acct (rowid, account) VALUES (new.id, new.account);
END;
CREATE TRIGGER txns_acct_update AFTER UPDATE OF account ON txns WHEN old.account IS NOT new.account BEGIN
	DELETE FROM txns_acct WHERE rowid = old.id;
	INSERT INTO txns_acct (rowid, account) SELECT new.id, new.account WHERE new.account <> '';
END;
CREATE TRIGGER txns_acct_delete AFTER DELETE ON txns BEGIN
	DELETE FROM txns_acct WHERE rowid = old.id;
END;

CREATE INDEX journal_remote ON journal (remote_id) WHERE remote_id <> '';
CREATE INDEX journal_amount ON journal (amount);
CREATE TABLE journal_events (
	id        INTEGER PRIMARY KEY,
	entry     INTEGER NOT NULL,            -- journal.id
	at        INTEGER NOT NULL,            -- Unix milliseconds
	state     TEXT NOT NULL,
	outcome   TEXT NOT NULL DEFAULT '',
	remote_id TEXT NOT NULL DEFAULT '',
	attempts  INTEGER NOT NULL DEFAULT 0,
	error     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX journal_events_entry ON journal_events (entry, id);
INSERT INTO journal_events (entry, at, state) SELECT id, created_at, 'pending' FROM journal;
INSERT INTO journal_events (entry, at, state, outcome, remote_id, attempts, error)
	SELECT id, updated_at, state, outcome, remote_id, attempts, last_error FROM journal WHERE updated_at > created_at;
CREATE TRIGGER journal_events_insert AFTER INSERT ON journal BEGIN
	INSERT INTO journal_events (entry, at, state, outcome, remote_id, attempts, error)
	VALUES (new.id, new.created_at, new.state, new.outcome, new.remote_id, new.attempts, new.last_error);
END;
CREATE TRIGGER journal_events_update AFTER UPDATE ON journal
	WHEN old.state IS NOT new.state OR old.outcome IS NOT new.outcome OR old.remote_id IS NOT new.remote_id
		OR old.attempts IS NOT new.attempts OR old.last_error IS NOT new.last_error BEGIN
	INSERT INTO journal_events (entry, at, state, outcome, remote_id, attempts, error)
	VALUES (new.id, new.updated_at, new.state, new.outcome, new.remote_id, new.attempts, new.last_error);
END;
`,
	// 10 (history): History sorted by amount walks one currency's rows in sum
	// order (store.OrderAmount): a page is an index seek, not a sort of
	// the whole cache.
	`
CREATE INDEX txns_amount_order ON txns (wallet, currency, amount, id);
`,
}

// FTSQuery is the history search's words as an FTS5 query of txns_fts
// (every word, each as a prefix), for the engine's packages that search
// the cache with their own SQL.
func FTSQuery(text string) string { return ftsQuery(text) }

// SortKeyRange is the range of txns ids (the cache's order) of the
// transactions dated from <= date < to.
func SortKeyRange(from, to time.Time) (lo, hi int64) { return from.Unix() << 24, to.Unix() << 24 }
