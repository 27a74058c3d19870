// Package insights answers "where did my money go" from a wallet's cached
// history: money per month and per day, per category and per counterparty,
// each one SQL aggregate over the cache (index txns_insights), never a scan
// of rows into Go. Every answer also says which rows it summed (a Drill), so
// a screen can open exactly those rows in History.
//
// What is summed: successful payments (status SUCCESS, as QIWI's own
// totals); incoming by their sum, outgoing (OUT and QIWI card) by their
// total, what left the wallet with commission (the sum when QIWI sent no
// total). Days and months are the calendar of the zone asked in (Moscow,
// QIWI's zone, on the screen).
package insights

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/store"
)

// Insights reads one wallet's cached history.
type Insights struct {
	st     *store.Store
	wallet string
}

// New reads wallet's history in st.
func New(st *store.Store, wallet string) *Insights { return &Insights{st: st, wallet: wallet} }

// Wallet is the wallet read.
func (x *Insights) Wallet() string { return x.wallet }

// outExpr is what an outgoing payment took from the wallet.
const outExpr = `CASE WHEN t.total <> 0 THEN t.total ELSE t.amount END`

// Drill names the rows behind a figure: the dates and a condition over the
// cache. reader.Query{Start: d.From, End: d.To, Cond: d.Cond} lists them.
type Drill struct {
	From, To time.Time // inclusive
	Cond     store.Cond
}

// Side is incoming or outgoing money.
type Side bool

// The two sides.
const (
	In  Side = true
	Out Side = false
)

func (s Side) String() string { return s.Word(nil) }

// Word is the side in tr's language (nil: English): "in", "out".
func (s Side) Word(tr *i18n.Tr) string {
	if s == In {
		return tr.T("spending.in", nil)
	}
	return tr.T("spending.out", nil)
}

func (s Side) cond() string {
	if s == In {
		return "t.type = 'IN'"
	}
	return "t.type <> 'IN'"
}

// Bucket is the money of one day or month in one currency.
type Bucket struct {
	Start    time.Time // the first second of the day or month
	End      time.Time // its last second
	Currency qiwiapi.Currency
	In, Out  qiwiapi.Amount // incoming sums; outgoing totals (with commission)
	// OutSum is the outgoing payments' sums, without commission.
	OutSum qiwiapi.Amount
	// Commission is what the outgoing payments paid in commission.
	Commission        qiwiapi.Amount
	InCount, OutCount int
	// Partial marks the current day or month: it is not over yet.
	Partial bool
}

// Drill is the bucket's rows on one side, labelled in tr's language (nil:
// English).
func (b Bucket) Drill(side Side, tr *i18n.Tr) Drill {
	when := b.Start.Format("2006-01-02")
	if b.End.Sub(b.Start) > 48*time.Hour {
		when = b.Start.Format("2006-01")
	}
	label := tr.T("spending.drill_bucket", i18n.Args{"Currency": b.Currency.Code(), "Side": side.Word(tr), "When": when})
	return Drill{From: b.Start, To: b.End, Cond: store.NewCond(label,
		"t.status = 'SUCCESS' AND t.currency = ? AND "+side.cond(), int(b.Currency))}
}

// day is one day's sums of one currency as the SQL gives them.
type day struct {
	day        int64 // days since the epoch in the zone
	currency   qiwiapi.Currency
	in, out    int64
	outSum     int64
	commission int64
	nIn, nOut  int
}

// moscowOffset is the zone the kept sums (txn_days, txn_accounts) are in:
// QIWI's, Moscow time, UTC+03:00 all year.
const moscowOffset = 3 * 3600

// piece is part of a range: whole Moscow days [lo, hi), read from the
// kept sums, or a part of one day [from, to), read from the rows.
type piece struct {
	whole    bool
	lo, hi   int64
	from, to time.Time
}

// pieces cuts [from, to) into the whole Moscow days inside it and the
// partial days at its edges.
func pieces(from, to time.Time) []piece {
	f, t := from.Unix()+moscowOffset, to.Unix()+moscowOffset
	lo, hi := (f+86399)/86400, t/86400 // the first and the end of the whole days
	if lo >= hi {
		return []piece{{from: from, to: to}}
	}
	var out []piece
	if f < lo*86400 {
		out = append(out, piece{from: from, to: time.Unix(lo*86400-moscowOffset, 0)})
	}
	out = append(out, piece{whole: true, lo: lo, hi: hi})
	if t > hi*86400 {
		out = append(out, piece{from: time.Unix(hi*86400-moscowOffset, 0), to: to})
	}
	return out
}

// days sums successful payments of [from, to) per Moscow day, currency
// and side; cur 0 is every currency. Whole days are read from the kept
// sums (txn_days); partial ones from the rows (index txns_insights). A
// day cut in two comes as two entries.
func (x *Insights) days(ctx context.Context, from, to time.Time, cur qiwiapi.Currency) ([]day, error) {
	var out []day
	for _, p := range pieces(from, to) {
		var q string
		var args []any
		if p.whole {
			q = `SELECT t.day AS d, t.currency,
		coalesce(sum(CASE WHEN t.type = 'IN' THEN t.amount END), 0),
		coalesce(sum(CASE WHEN t.type <> 'IN' THEN t.spent END), 0),
		coalesce(sum(CASE WHEN t.type <> 'IN' THEN t.amount END), 0),
		coalesce(sum(CASE WHEN t.type <> 'IN' THEN t.commission END), 0),
		coalesce(sum(CASE WHEN t.type = 'IN' THEN t.n END), 0), coalesce(sum(CASE WHEN t.type <> 'IN' THEN t.n END), 0)
		FROM txn_days t WHERE t.wallet = ? AND t.day >= ? AND t.day < ?`
			args = []any{x.wallet, p.lo, p.hi}
		} else {
			q = `SELECT (t.date + ?) / 86400 AS d, t.currency,
		coalesce(sum(CASE WHEN t.type = 'IN' THEN t.amount END), 0),
		coalesce(sum(CASE WHEN t.type <> 'IN' THEN ` + outExpr + ` END), 0),
		coalesce(sum(CASE WHEN t.type <> 'IN' THEN t.amount END), 0),
		coalesce(sum(CASE WHEN t.type <> 'IN' THEN t.commission END), 0),
		count(CASE WHEN t.type = 'IN' THEN 1 END), count(CASE WHEN t.type <> 'IN' THEN 1 END)
		FROM txns t INDEXED BY txns_insights
		WHERE t.wallet = ? AND t.status = 'SUCCESS' AND t.date >= ? AND t.date < ?`
			args = []any{moscowOffset, x.wallet, p.from.Unix(), p.to.Unix()}
		}
		if cur != 0 {
			q += ` AND t.currency = ?`
			args = append(args, int(cur))
		}
		ds, err := x.dayRows(ctx, q+` GROUP BY d, t.currency ORDER BY d, t.currency`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}

func (x *Insights) dayRows(ctx context.Context, q string, args ...any) ([]day, error) {
	rows, err := x.st.Read(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("insights: %w", err)
	}
	defer rows.Close()
	var out []day
	for rows.Next() {
		var d day
		var c int
		if err := rows.Scan(&d.day, &c, &d.in, &d.out, &d.outSum, &d.commission, &d.nIn, &d.nOut); err != nil {
			return nil, err
		}
		if d.nIn == 0 && d.nOut == 0 {
			continue // kept sums of rows that are no longer successful
		}
		d.currency = qiwiapi.Currency(c)
		out = append(out, d)
	}
	return out, rows.Err()
}

// MonthStart is the first second of t's month in t's zone.
func MonthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
}

// Months is the money per month of the n months up to now's (the last one
// partial), per currency: RUB first, then by currency code. Every month of
// a currency that has any is given, empty months with zero sums.
func (x *Insights) Months(ctx context.Context, now time.Time, n int) (map[qiwiapi.Currency][]Bucket, []qiwiapi.Currency, error) {
	if n <= 0 {
		n = 12
	}
	first := MonthStart(now).AddDate(0, -(n - 1), 0)
	end := MonthStart(now).AddDate(0, 1, 0)
	ds, err := x.days(ctx, first, end, 0)
	if err != nil {
		return nil, nil, err
	}
	loc := now.Location()
	byCur := map[qiwiapi.Currency][]Bucket{}
	var curs []qiwiapi.Currency
	for _, d := range ds {
		ms, ok := byCur[d.currency]
		if !ok {
			curs = append(curs, d.currency)
			for i := range n {
				s := first.AddDate(0, i, 0)
				e := s.AddDate(0, 1, 0).Add(-time.Second)
				ms = append(ms, Bucket{Start: s, End: e, Currency: d.currency, Partial: i == n-1,
					In: zero(d.currency), Out: zero(d.currency), OutSum: zero(d.currency), Commission: zero(d.currency)})
			}
		}
		at := time.Unix(d.day*86400, 0).UTC()
		t := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, loc)
		i := (t.Year()-first.Year())*12 + int(t.Month()) - int(first.Month())
		if i >= 0 && i < n {
			add(&ms[i], d)
		}
		byCur[d.currency] = ms
	}
	SortCurrencies(curs)
	return byCur, curs, nil
}

// Days is the money per day of month (the month holding m, in m's zone) in
// currency cur; every day of the month is given.
func (x *Insights) Days(ctx context.Context, m time.Time, cur qiwiapi.Currency, now time.Time) ([]Bucket, error) {
	first := MonthStart(m)
	end := first.AddDate(0, 1, 0)
	ds, err := x.days(ctx, first, end, cur)
	if err != nil {
		return nil, err
	}
	var out []Bucket
	for s := first; s.Before(end); s = s.AddDate(0, 0, 1) {
		e := s.AddDate(0, 0, 1)
		out = append(out, Bucket{Start: s, End: e.Add(-time.Second), Currency: cur, In: zero(cur), Out: zero(cur), OutSum: zero(cur), Commission: zero(cur),
			Partial: !now.Before(s) && now.Before(e)})
	}
	for _, d := range ds {
		at := time.Unix(d.day*86400, 0).UTC()
		if i := at.Day() - 1; i >= 0 && i < len(out) {
			add(&out[i], d)
		}
	}
	return out, nil
}

func zero(c qiwiapi.Currency) qiwiapi.Amount { return qiwiapi.Amount{Currency: c} }

func add(b *Bucket, d day) {
	b.In.Minor += d.in
	b.Out.Minor += d.out
	b.OutSum.Minor += d.outSum
	b.Commission.Minor += d.commission
	b.InCount += d.nIn
	b.OutCount += d.nOut
}

// SortCurrencies puts RUB first, then the rest by code.
func SortCurrencies(cs []qiwiapi.Currency) {
	slices.SortFunc(cs, func(a, b qiwiapi.Currency) int {
		if (a == qiwiapi.RUB) != (b == qiwiapi.RUB) {
			if a == qiwiapi.RUB {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Code(), b.Code())
	})
}

// CategoryTotal is the outgoing money of one category in one currency.
type CategoryTotal struct {
	Category Category
	Currency qiwiapi.Currency
	Out      qiwiapi.Amount // totals, with commission
	Count    int
	from, to time.Time
	groups   []providerKey // the provider groups it holds: its rows
}

type providerKey struct {
	id   int64
	name string
	typ  string
}

// Drill is the category's rows, labelled in tr's language (nil: English).
func (c CategoryTotal) Drill(tr *i18n.Tr) Drill {
	var vals []string
	args := []any{int(c.Currency)}
	for _, g := range c.groups {
		vals = append(vals, "(?, ?, ?)")
		args = append(args, g.id, g.name, g.typ)
	}
	cond := "t.status = 'SUCCESS' AND t.currency = ? AND t.type <> 'IN'"
	if len(vals) > 0 {
		cond += " AND (t.provider_id, t.provider, t.type) IN (VALUES " + strings.Join(vals, ", ") + ")"
	} else {
		cond += " AND 0"
	}
	return Drill{From: c.from, To: c.to, Cond: store.NewCond(c.Currency.Code()+" "+c.Category.Name(tr), cond, args...)}
}

// Categories is where outgoing money in currency cur went over [from, to],
// largest first. The money is summed per provider in SQL (the kept sums
// for whole Moscow days); providers are grouped into categories by
// CategoryOf.
func (x *Insights) Categories(ctx context.Context, from, to time.Time, cur qiwiapi.Currency) ([]CategoryTotal, error) {
	by := map[Category]*CategoryTotal{}
	for _, p := range pieces(from, to.Add(time.Second)) {
		var q string
		var args []any
		if p.whole {
			q = `SELECT t.provider_id, t.provider, t.type, sum(t.spent), sum(t.n) FROM txn_days t
		WHERE t.wallet = ? AND t.day >= ? AND t.day < ? AND t.currency = ? AND t.type <> 'IN'
		GROUP BY t.provider_id, t.provider, t.type HAVING sum(t.n) > 0`
			args = []any{x.wallet, p.lo, p.hi, int(cur)}
		} else {
			q = `SELECT t.provider_id, t.provider, t.type, coalesce(sum(` + outExpr + `), 0), count(*)
		FROM txns t INDEXED BY txns_insights
		WHERE t.wallet = ? AND t.status = 'SUCCESS' AND t.date >= ? AND t.date < ? AND t.currency = ? AND t.type <> 'IN'
		GROUP BY t.provider_id, t.provider, t.type`
			args = []any{x.wallet, p.from.Unix(), p.to.Unix(), int(cur)}
		}
		if err := x.categoryRows(ctx, by, from, to, cur, q, args...); err != nil {
			return nil, err
		}
	}
	out := make([]CategoryTotal, 0, len(by))
	for _, ct := range by {
		out = append(out, *ct)
	}
	slices.SortFunc(out, func(a, b CategoryTotal) int {
		if c := cmp.Compare(b.Out.Minor, a.Out.Minor); c != 0 {
			return c
		}
		return cmp.Compare(a.Category.rank(), b.Category.rank())
	})
	return out, nil
}

func (x *Insights) categoryRows(ctx context.Context, by map[Category]*CategoryTotal, from, to time.Time, cur qiwiapi.Currency, q string, args ...any) error {
	rows, err := x.st.Read(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("insights: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g providerKey
		var sum int64
		var n int
		if err := rows.Scan(&g.id, &g.name, &g.typ, &sum, &n); err != nil {
			return err
		}
		cat := CategoryOf(qiwiapi.TxnType(g.typ), g.id, g.name)
		ct := by[cat]
		if ct == nil {
			ct = &CategoryTotal{Category: cat, Currency: cur, Out: zero(cur), from: from, to: to}
			by[cat] = ct
		}
		ct.Out.Minor += sum
		ct.Count += n
		if !slices.Contains(ct.groups, g) {
			ct.groups = append(ct.groups, g)
		}
	}
	return rows.Err()
}

// Counterparty is one recipient (Out) or sender (In) in one currency.
type Counterparty struct {
	Side     Side
	Account  string // as QIWI wrote it; "" when it gave none
	Provider string // the provider's name (the last one seen)
	Currency qiwiapi.Currency
	Sum      qiwiapi.Amount // incoming sums or outgoing totals
	Count    int
	from, to time.Time
}

// Drill is the counterparty's rows, labelled in tr's language (nil: English).
func (c Counterparty) Drill(tr *i18n.Tr) Drill {
	name := c.Account
	if name == "" {
		name = tr.T("spending.no_account", nil)
	}
	label := tr.T("spending.drill_counterparty", i18n.Args{"Currency": c.Currency.Code(), "Side": c.Side.Word(tr), "Who": name})
	return Drill{From: c.from, To: c.to, Cond: store.NewCond(label,
		"t.status = 'SUCCESS' AND t.currency = ? AND "+c.Side.cond()+" AND t.account = ?", int(c.Currency), c.Account)}
}

// Counterparties is the top n recipients (side Out) or senders (side In)
// of currency cur in the Moscow month holding month: byCount orders them
// by how many payments, else by how much money. It reads the kept sums
// per account (txn_accounts).
func (x *Insights) Counterparties(ctx context.Context, month time.Time, cur qiwiapi.Currency, side Side, byCount bool, n int) ([]Counterparty, error) {
	m := MonthStart(month.In(qiwiapi.Moscow))
	order := "t.money DESC, t.n DESC"
	if byCount {
		order = "t.n DESC, t.money DESC"
	}
	incoming := 0
	if side == In {
		incoming = 1
	}
	rows, err := x.st.Read(ctx, `SELECT t.account, t.provider, t.money, t.n FROM txn_accounts t
		WHERE t.wallet = ? AND t.month = ? AND t.currency = ? AND t.incoming = ? AND t.n > 0
		ORDER BY `+order+`, t.account LIMIT ?`, x.wallet, m.Year()*12+int(m.Month())-1, int(cur), incoming, n)
	if err != nil {
		return nil, fmt.Errorf("insights: %w", err)
	}
	defer rows.Close()
	var out []Counterparty
	for rows.Next() {
		c := Counterparty{Side: side, Currency: cur, Sum: zero(cur), from: m, to: m.AddDate(0, 1, 0).Add(-time.Second)}
		if err := rows.Scan(&c.Account, &c.Provider, &c.Sum.Minor, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
