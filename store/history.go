package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
)

// sourceIDs maps history source filters to the source provider ids QIWI
// puts in each transaction's "source" object.
var sourceIDs = map[qiwiapi.Source]int64{
	qiwiapi.SourceRUB:  7,
	qiwiapi.SourceUSD:  8,
	qiwiapi.SourceEUR:  9,
	qiwiapi.SourceCard: 1243,
	qiwiapi.SourceMK:   1244,
}

// UpsertResult counts what a batch of transactions did to the cache.
type UpsertResult struct {
	Added   int // new rows
	Updated int // known rows whose status or text changed
	Known   int // rows that were already cached (changed or not)
}

// upsertSQL are the statements Upsert runs per row. They are prepared once
// per store (and by database/sql once per connection), so a sync does not
// parse SQL for every row it caches.
var upsertSQL = [...]string{
	upFind:  `SELECT id, status, error_code, account, provider, comment FROM txns WHERE wallet = ? AND txn_id = ? AND type = ?`,
	upTaken: `SELECT 1 FROM txns WHERE id = ?`,
	upInsert: `INSERT INTO txns (id, wallet, txn_id, type, date, tz, status, amount, currency, commission, total,
		provider_id, source_id, error_code, account, provider, comment, synced_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
	upInsertRaw: `INSERT INTO txn_raw (id, raw) VALUES (?, ?)`,
	upInsertFTS: `INSERT INTO txns_fts (rowid, account, provider, comment, extra) VALUES (?,?,?,?,?)`,
	upUpdate: `UPDATE txns SET date = ?, tz = ?, status = ?, amount = ?, currency = ?, commission = ?, total = ?,
		provider_id = ?, source_id = ?, error_code = ?, account = ?, provider = ?, comment = ?, synced_at = ? WHERE id = ?`,
	upUpdateRaw: `UPDATE txn_raw SET raw = ? WHERE id = ?`,
	upDeleteFTS: `DELETE FROM txns_fts WHERE rowid = ?`,
}

const (
	upFind = iota
	upTaken
	upInsert
	upInsertRaw
	upInsertFTS
	upUpdate
	upUpdateRaw
	upDeleteFTS
	upCount
)

// upsertStmts prepares the Upsert statements on first use.
func (s *Store) upsertStmts(ctx context.Context) ([upCount]*sql.Stmt, error) {
	s.prepMu.Lock()
	defer s.prepMu.Unlock()
	if s.upsert[0] != nil {
		return s.upsert, nil
	}
	var out [upCount]*sql.Stmt
	for i, q := range upsertSQL {
		st, err := s.db.PrepareContext(ctx, q)
		if err != nil {
			for _, p := range out[:i] {
				p.Close()
			}
			return out, err
		}
		out[i] = st
	}
	s.upsert = out
	return out, nil
}

// Upsert caches transactions of one wallet in one write transaction.
func (s *Store) Upsert(ctx context.Context, wallet string, txns []qiwiapi.Transaction) (UpsertResult, error) {
	var res UpsertResult
	if len(txns) == 0 {
		return res, nil
	}
	prepared, err := s.upsertStmts(ctx)
	if err != nil {
		return res, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	var st [upCount]*sql.Stmt
	for i, p := range prepared {
		st[i] = tx.StmtContext(ctx, p)
		defer st[i].Close()
	}
	now := s.now().UnixMilli() // synced_at: Unix milliseconds since schema 4
	for i := range txns {
		t := &txns[i]
		raw := t.Raw
		if len(raw) == 0 {
			if raw, err = json.Marshal(t); err != nil {
				return res, err
			}
		}
		row := rowOf(t)
		var id int64
		var status, account, provider, comment string
		var errCode int64
		err := st[upFind].QueryRowContext(ctx, wallet, int64(t.TxnID), string(t.Type)).Scan(&id, &status, &errCode, &account, &provider, &comment)
		switch {
		case isNoRows(err):
			id, err = freeKey(ctx, st[upTaken], sortKey(t.Date, int64(t.TxnID), t.Type))
			if err != nil {
				return res, err
			}
			if _, err := st[upInsert].ExecContext(ctx, id, wallet, int64(t.TxnID), string(t.Type), t.Date.Unix(), row.tz, string(t.Status), t.Sum.Minor, int(t.Sum.Currency),
				t.Commission.Minor, t.Total.Minor, row.providerID, row.sourceID, int64(t.ErrorCode), t.Account, row.provider, t.Comment, now); err != nil {
				return res, err
			}
			if _, err := st[upInsertRaw].ExecContext(ctx, id, []byte(raw)); err != nil {
				return res, err
			}
			if _, err := st[upInsertFTS].ExecContext(ctx, id, t.Account, row.provider, t.Comment, row.extra); err != nil {
				return res, err
			}
			res.Added++
		case err != nil:
			return res, err
		default:
			res.Known++
			changed := status != string(t.Status) || errCode != int64(t.ErrorCode) || account != t.Account || provider != row.provider || comment != t.Comment
			if _, err := st[upUpdate].ExecContext(ctx, t.Date.Unix(), row.tz, string(t.Status), t.Sum.Minor, int(t.Sum.Currency), t.Commission.Minor, t.Total.Minor,
				row.providerID, row.sourceID, int64(t.ErrorCode), t.Account, row.provider, t.Comment, now, id); err != nil {
				return res, err
			}
			if _, err := st[upUpdateRaw].ExecContext(ctx, []byte(raw), id); err != nil {
				return res, err
			}
			if changed {
				res.Updated++
				if _, err := st[upDeleteFTS].ExecContext(ctx, id); err != nil {
					return res, err
				}
				if _, err := st[upInsertFTS].ExecContext(ctx, id, t.Account, row.provider, t.Comment, row.extra); err != nil {
					return res, err
				}
			}
		}
	}
	return res, tx.Commit()
}

// sortKey orders transactions as the screen does, newest last: the date's
// second, then the low 22 bits of the txn id, then the type. It is the
// row id of txns and of the search index, so both can be walked in order
// and stop after a page.
func sortKey(date time.Time, txnID int64, typ qiwiapi.TxnType) int64 {
	return date.Unix()<<24 | (txnID&(1<<22-1))<<2 | typeCode(typ)
}

func typeCode(t qiwiapi.TxnType) int64 {
	switch t {
	case qiwiapi.TypeIn:
		return 0
	case qiwiapi.TypeOut:
		return 1
	}
	return 2
}

// freeKey finds an unused id at or after k within the same second (two
// transactions of one second whose ids agree in the low 22 bits); taken is
// the prepared "SELECT 1 FROM txns WHERE id = ?".
func freeKey(ctx context.Context, taken *sql.Stmt, k int64) (int64, error) {
	for {
		var one int
		err := taken.QueryRowContext(ctx, k).Scan(&one)
		if isNoRows(err) {
			return k, nil
		}
		if err != nil {
			return 0, err
		}
		k++
	}
}

type txnRow struct {
	tz         int
	providerID int64
	sourceID   int64
	provider   string
	extra      string
}

func rowOf(t *qiwiapi.Transaction) txnRow {
	var r txnRow
	_, r.tz = t.Date.Zone()
	var extra []string
	extra = append(extra, strconv.FormatInt(int64(t.TxnID), 10), string(t.Status), t.StatusText)
	if t.Provider != nil {
		r.providerID = int64(t.Provider.ID)
		r.provider = t.Provider.ShortName
		extra = append(extra, t.Provider.LongName)
	}
	if t.Source != nil {
		r.sourceID = int64(t.Source.ID)
		extra = append(extra, t.Source.ShortName)
	}
	if t.View != nil {
		extra = append(extra, t.View.Title, t.View.Account)
	}
	if t.Error != nil {
		extra = append(extra, *t.Error)
	}
	if e := t.ErrorText(); e != "" {
		extra = append(extra, e)
	}
	r.extra = strings.Join(extra, " ")
	return r
}

// Filter narrows a cache query. The zero value matches everything.
type Filter struct {
	Operation  qiwiapi.Operation   // "" or ALL: both ways
	Currencies []qiwiapi.Currency  // sum currency
	Sources    []qiwiapi.Source    // funding source (QW_RUB, CARD, ...)
	Statuses   []qiwiapi.TxnStatus // WAITING / SUCCESS / ERROR
	From, To   time.Time           // inclusive; zero = open
	Text       string              // words (prefix match) in account, provider, comment, status, error, txn id
	// Cond narrows further to exactly the rows an engine package chose
	// (store/insights: the rows behind a bar, a category, a counterparty);
	// the zero value matches everything. A filter with Cond reads the cache only.
	Cond Cond
	// Order is the rows' order in Page and Export.
	Order Order
}

// Order is the order of a cache query's rows.
type Order int

const (
	// OrderDate is the cache's own order: newest first (Export: oldest first).
	OrderDate Order = iota
	// OrderAmount groups the rows by currency (roubles, the wallet's own,
	// first; then the others by ISO code) and puts the largest sum of each
	// currency first, newest first among equal sums: amounts are only ever
	// compared within one currency, and over everything the filter matches
	// in the cache, not over a loaded page.
	OrderAmount
)

// orderBy is the ORDER BY of Page (and, with asc, of Export's date order).
func (o Order) orderBy(asc bool) string {
	switch {
	case o == OrderAmount:
		return "t.currency <> 643, t.currency ASC, t.amount DESC, t.id DESC"
	case asc:
		return "t.id ASC"
	}
	return "t.id DESC"
}

// Cond is a condition over a cached transaction (alias t), made by an
// engine package below store; screens carry it, they never write one.
type Cond struct {
	sql  string
	args []any
	// Label says in words which rows it keeps ("RUB out, 2026-05").
	Label string
}

// NewCond is a condition; sql is a boolean SQL expression over the txns
// columns as t.<column>, with ? for args.
func NewCond(label, sql string, args ...any) Cond {
	return Cond{sql: sql, args: args, Label: label}
}

// IsZero reports whether c keeps every row.
func (c Cond) IsZero() bool { return c.sql == "" }

// Key is a position in the cache's order: newest first by date, then txn id, then type.
type Key struct {
	Date  time.Time
	TxnID int64
	Type  qiwiapi.TxnType
	row   int64 // the row's id when the key came from Page
	// The row's currency and sum: where a Page in OrderAmount goes on.
	currency qiwiapi.Currency
	amount   int64
}

// Less reports whether k comes after o in the cache's order (is older).
func (k Key) Less(o Key) bool { return k.id() < o.id() }

// KeyOf is the position of a transaction.
func KeyOf(t qiwiapi.Transaction) Key {
	return Key{Date: t.Date, TxnID: int64(t.TxnID), Type: t.Type, currency: t.Sum.Currency, amount: t.Sum.Minor}
}

func (k Key) id() int64 {
	if k.row != 0 {
		return k.row
	}
	return sortKey(k.Date, k.TxnID, k.Type)
}

// Page is one page of cached history.
type Page struct {
	Transactions []qiwiapi.Transaction
	Next         *Key       // pass to the next Page call; nil: the cache has no more rows
	Sync         SyncStatus // how fresh the cache is ("from cache, last synced at T")
}

// where builds the WHERE clause for wallet and f.
func (f Filter) where(wallet string) (string, []any, error) {
	conds := []string{"t.wallet = ?"}
	args := []any{wallet}
	switch f.Operation {
	case "", qiwiapi.OperationAll:
	case qiwiapi.OperationIn, qiwiapi.OperationOut, qiwiapi.OperationQIWICard:
		conds = append(conds, "t.type = ?")
		args = append(args, string(f.Operation))
	default:
		return "", nil, i18n.Errorf("store.filter.operation", i18n.Args{"Value": fmt.Sprintf("%q", f.Operation)}, nil)
	}
	if len(f.Currencies) > 0 {
		conds = append(conds, "t.currency IN ("+placeholders(len(f.Currencies))+")")
		for _, c := range f.Currencies {
			args = append(args, int(c))
		}
	}
	if len(f.Sources) > 0 {
		conds = append(conds, "t.source_id IN ("+placeholders(len(f.Sources))+")")
		for _, src := range f.Sources {
			id, ok := sourceIDs[src]
			if !ok {
				return "", nil, i18n.Errorf("store.filter.source", i18n.Args{"Value": fmt.Sprintf("%q", src)}, nil)
			}
			args = append(args, id)
		}
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "t.status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	if !f.From.IsZero() {
		conds = append(conds, "t.id >= ?")
		args = append(args, f.From.Unix()<<24)
	}
	if !f.To.IsZero() {
		conds = append(conds, "t.id < ?")
		args = append(args, (f.To.Unix()+1)<<24)
	}
	if !f.Cond.IsZero() {
		conds = append(conds, "("+f.Cond.sql+")")
		args = append(args, f.Cond.args...)
	}
	return strings.Join(conds, " AND "), args, nil
}

// textCond restricts a whole-set query (summary, export) to the search's matches.
func textCond(f Filter) string {
	if ftsQuery(f.Text) == "" {
		return ""
	}
	return " AND t.id IN (SELECT rowid FROM txns_fts WHERE txns_fts MATCH ?)"
}

func textArgs(f Filter, args []any) []any {
	if q := ftsQuery(f.Text); q != "" {
		return append(args, q)
	}
	return args
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

// ftsQuery turns what a person typed into an FTS5 query: every word must
// appear, each as a prefix. Operators and quotes typed by the user are
// treated as text.
func ftsQuery(text string) string {
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var parts []string
	for _, w := range words {
		parts = append(parts, `"`+w+`"*`)
	}
	return strings.Join(parts, " AND ")
}

// Page returns up to limit cached transactions after the position after
// (nil: from the newest), newest first, matching f.
func (s *Store) Page(ctx context.Context, wallet string, f Filter, after *Key, limit int) (*Page, error) {
	if limit <= 0 {
		limit = 50
	}
	where, args, err := f.where(wallet)
	if err != nil {
		return nil, err
	}
	if f.Order == OrderAmount {
		return s.pageByAmount(ctx, wallet, f, where, args, after, limit)
	}
	if after != nil {
		where += " AND t.id < ?"
		args = append(args, after.id())
	}
	args = append(args, limit+1)
	var rows *sql.Rows
	if q := ftsQuery(f.Text); q != "" {
		// Walk the search index newest first and stop after a page.
		where = strings.ReplaceAll(where, "t.id", "f.rowid")
		rows, err = s.db.QueryContext(ctx, `SELECT r.raw, t.id FROM txns_fts f CROSS JOIN txns t ON t.id = f.rowid CROSS JOIN txn_raw r ON r.id = t.id
			WHERE txns_fts MATCH ? AND `+where+` ORDER BY f.rowid DESC LIMIT ?`, append([]any{q}, args...)...)
	} else {
		rows, err = s.db.QueryContext(ctx, `SELECT r.raw, t.id FROM txns t JOIN txn_raw r ON r.id = t.id
			WHERE `+where+` ORDER BY t.id DESC LIMIT ?`, args...)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	p := &Page{Transactions: make([]qiwiapi.Transaction, 0, limit)}
	var lastID int64
	for rows.Next() {
		var raw []byte
		var id int64
		if err := rows.Scan(&raw, &id); err != nil {
			return nil, err
		}
		if len(p.Transactions) == limit {
			k := KeyOf(p.Transactions[limit-1])
			k.row = lastID
			p.Next = &k
			break
		}
		lastID = id
		var t qiwiapi.Transaction
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, fmt.Errorf("store: cached transaction unreadable: %w", err)
		}
		p.Transactions = append(p.Transactions, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	st, err := s.SyncStatus(ctx, wallet)
	if err != nil {
		return nil, err
	}
	p.Sync = st
	return p, nil
}

// pageByAmount is Page in OrderAmount: the currencies f matches, roubles
// first, each walked in sum order (largest first, then newest) from the
// keyset after, on the txns_amount index, until the page is full.
func (s *Store) pageByAmount(ctx context.Context, wallet string, f Filter, where string, args []any, after *Key, limit int) (*Page, error) {
	curs, err := s.currenciesOf(ctx, wallet)
	if err != nil {
		return nil, err
	}
	type row struct {
		t   qiwiapi.Transaction
		key Key
	}
	var got []row
	for _, cur := range curs {
		if after != nil && currencyRank(cur) < currencyRank(after.currency) {
			continue // given on earlier pages
		}
		w, a := where+" AND t.currency = ?", append(slices.Clone(args), int(cur))
		if after != nil && cur == after.currency {
			w += " AND (t.amount, t.id) < (?, ?)"
			a = append(a, after.amount, after.id())
		}
		rows, err := s.db.QueryContext(ctx, `SELECT r.raw, t.id, t.amount FROM txns t INDEXED BY txns_amount JOIN txn_raw r ON r.id = t.id
			WHERE `+w+textCond(f)+` ORDER BY t.amount DESC, t.id DESC LIMIT ?`, append(textArgs(f, a), limit+1-len(got))...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var raw []byte
			k := Key{currency: cur}
			if err := rows.Scan(&raw, &k.row, &k.amount); err != nil {
				rows.Close()
				return nil, err
			}
			var t qiwiapi.Transaction
			if err := json.Unmarshal(raw, &t); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: cached transaction unreadable: %w", err)
			}
			got = append(got, row{t, k})
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
		if len(got) > limit {
			break
		}
	}
	p := &Page{Transactions: make([]qiwiapi.Transaction, 0, min(len(got), limit))}
	for i, r := range got {
		if i == limit {
			k := KeyOf(got[i-1].t)
			k.row, k.currency, k.amount = got[i-1].key.row, got[i-1].key.currency, got[i-1].key.amount
			p.Next = &k
			break
		}
		p.Transactions = append(p.Transactions, r.t)
	}
	st, err := s.SyncStatus(ctx, wallet)
	if err != nil {
		return nil, err
	}
	p.Sync = st
	return p, nil
}

// currenciesOf lists the currencies of the wallet's cached rows in
// OrderAmount's order: roubles, the wallet's own, first; then the others
// by ISO code. One index seek per currency (txns_amount), whatever the
// cache's size; a currency f matches nothing of costs its walk one query.
func (s *Store) currenciesOf(ctx context.Context, wallet string) ([]qiwiapi.Currency, error) {
	var out []qiwiapi.Currency
	for last := -1; ; {
		var c sql.NullInt64
		if err := s.db.QueryRowContext(ctx, `SELECT MIN(currency) FROM txns WHERE wallet = ? AND currency > ?`, wallet, last).Scan(&c); err != nil {
			return nil, err
		}
		if !c.Valid {
			break
		}
		last = int(c.Int64)
		out = append(out, qiwiapi.Currency(last))
	}
	slices.SortFunc(out, func(a, b qiwiapi.Currency) int { return currencyRank(a) - currencyRank(b) })
	return out, nil
}

// currencyRank orders currencies for OrderAmount: roubles, then by code.
func currencyRank(c qiwiapi.Currency) int {
	if c == qiwiapi.RUB {
		return 0
	}
	return int(c)
}

// CurrencyTotal sums one currency's transactions.
type CurrencyTotal struct {
	Currency qiwiapi.Currency
	In       qiwiapi.Amount // incoming sums
	Out      qiwiapi.Amount // outgoing and QIWI card sums (positive)
	// OutTotal is what the outgoing payments cost with commission (their
	// totals; the sum when QIWI sent no total), as QIWI's own totals count them.
	OutTotal qiwiapi.Amount
	Count    int
}

// Summary is the size and totals of a filtered cache view.
type Summary struct {
	Count  int
	Totals []CurrencyTotal // by currency code
}

// Summary counts and totals the cached transactions matching f. Failed
// (ERROR) transactions are counted but not summed, like QIWI's own totals.
func (s *Store) Summary(ctx context.Context, wallet string, f Filter) (*Summary, error) {
	where, args, err := f.where(wallet)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT t.currency,
		coalesce(sum(CASE WHEN t.type = 'IN' AND t.status <> 'ERROR' THEN t.amount END), 0),
		coalesce(sum(CASE WHEN t.type <> 'IN' AND t.status <> 'ERROR' THEN t.amount END), 0),
		coalesce(sum(CASE WHEN t.type <> 'IN' AND t.status <> 'ERROR' THEN CASE WHEN t.total <> 0 THEN t.total ELSE t.amount END END), 0),
		count(*)
		FROM txns t WHERE `+where+textCond(f)+` GROUP BY t.currency ORDER BY t.currency`, textArgs(f, args)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &Summary{}
	for rows.Next() {
		var ct CurrencyTotal
		var cur int
		if err := rows.Scan(&cur, &ct.In.Minor, &ct.Out.Minor, &ct.OutTotal.Minor, &ct.Count); err != nil {
			return nil, err
		}
		ct.Currency = qiwiapi.Currency(cur)
		ct.In.Currency, ct.Out.Currency, ct.OutTotal.Currency = ct.Currency, ct.Currency, ct.Currency
		out.Count += ct.Count
		out.Totals = append(out.Totals, ct)
	}
	return out, rows.Err()
}

// Cached returns one cached transaction by id and type ("" = any type).
func (s *Store) Cached(ctx context.Context, wallet string, txnID int64, typ qiwiapi.TxnType) (*qiwiapi.Transaction, error) {
	var raw []byte
	err := s.db.QueryRowContext(ctx, `SELECT r.raw FROM txns t JOIN txn_raw r ON r.id = t.id
		WHERE t.wallet = ? AND t.txn_id = ? AND (? = '' OR t.type = ?) ORDER BY t.type LIMIT 1`,
		wallet, txnID, string(typ), string(typ)).Scan(&raw)
	if isNoRows(err) {
		return nil, fmt.Errorf("transaction %d: %w", txnID, qiwiapi.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var t qiwiapi.Transaction
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// SyncStatus tells how fresh a wallet's cache is.
type SyncStatus struct {
	LastSync  time.Time // last successful refresh; zero: never
	LastTry   time.Time // last attempt, successful or not
	LastError string    // why the last attempt failed; "" when it did not
	Oldest    time.Time // with Complete: the wallet's history starts here
	Complete  bool      // the start of history is known: nothing older than Oldest exists
}

// Describe is the status line in tr's language (nil: English): "from
// cache, last synced at 2024-05-01 12:03 (offline: ...)", its time in loc.
// The last error is as it was recorded.
func (st SyncStatus) Describe(tr *i18n.Tr, loc *time.Location) string {
	if st.LastSync.IsZero() {
		if st.LastError != "" {
			return tr.T("store.sync.nothing_offline", i18n.Args{"Why": st.LastError})
		}
		return tr.T("store.sync.nothing", nil)
	}
	at := st.LastSync.In(loc).Format("2006-01-02 15:04")
	if st.LastError != "" {
		return tr.T("store.sync.cached_offline", i18n.Args{"At": at, "Why": st.LastError})
	}
	return tr.T("store.sync.cached", i18n.Args{"At": at})
}

// SyncStatus reads a wallet's sync state.
func (s *Store) SyncStatus(ctx context.Context, wallet string) (SyncStatus, error) {
	var st SyncStatus
	var last, try, oldest int64
	err := s.db.QueryRowContext(ctx, `SELECT last_sync_at, last_try_at, last_error, oldest, complete FROM sync_state WHERE wallet = ?`, wallet).
		Scan(&last, &try, &st.LastError, &oldest, &st.Complete)
	if isNoRows(err) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.LastSync, st.LastTry, st.Oldest = unixOrZero(last), unixOrZero(try), unixOrZero(oldest)
	return st, nil
}

func unixOrZero(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0)
}
