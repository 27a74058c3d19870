// Package overview is the engine of the Overview mode: one row per
// profile, painted from the store at once (the last answers kept, the
// cached history, the bills, the agent's balance samples), then refreshed
// in the background, every profile at the same time and each within its
// own wallet's request budget, so a slow or offline profile never holds up
// the rest. It also raises the alerts a person watching many profiles
// needs: a low agent balance, a restricted wallet, a payment stuck in
// WAITING for over an hour, a bill about to expire. It only reads.
package overview

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
	"qiwidash/store/bills"
)

// StuckAfter is how long a payment may stay WAITING before it is an alert.
const StuckAfter = time.Hour

// ExpiringWithin is how close to its deadline a waiting bill is an alert.
const ExpiringWithin = time.Hour

// snapshotKind is the record kind of each profile's last live answers.
const snapshotKind = "overview.live"

// AgentBalance is one currency of an agent terminal's balance.
type AgentBalance struct {
	Amount    qiwiapi.Amount
	Threshold *qiwiapi.Amount // the configured low mark, nil when none
	Low       bool
}

// Stuck is a payment WAITING for longer than StuckAfter.
type Stuck struct {
	TxnID  int64
	Date   time.Time
	Amount qiwiapi.Amount
}

// Expiring is a waiting bill whose deadline is within ExpiringWithin.
type Expiring struct {
	BillID   string
	Lifetime time.Time
	Amount   qiwiapi.Amount
}

// Row is one profile in the Overview.
type Row struct {
	Profile string
	Has     store.Modes // which credentials the profile holds

	WalletNumber string
	Balances     []qiwiapi.Amount // the wallet's accounts
	AgentBalance []AgentBalance   // the terminal's, per currency
	BillsWaiting int
	PaidToday    int
	Restrictions []string // in QIWI's words; non-empty: outgoing payments restricted or the wallet blocked
	Stuck        []Stuck
	Expiring     []Expiring

	LastSync time.Time // the history cache's last successful sync
	Read     time.Time // when balances and restrictions were last read; zero: never
	Failed   string    // what failed at the last refresh, in words (the language of that refresh)
	Fresh    bool      // this row comes from a refresh of this run (not only the cache)
}

// Alert is something a person should look at, with the profile it concerns.
type Alert struct {
	Key     string // stable while the condition lasts: tell a person once
	Profile string
	// Text says it in words, its amounts and times written by the screen
	// (masked in privacy mode, in the screens' zone).
	Text func(Writer) string
}

// Writer writes an alert's words in the reader's language, and its
// amounts, times and personal numbers the way the screen shows them.
type Writer struct {
	Tr       *i18n.Tr // the words' language; nil: English
	Money    func(qiwiapi.Amount) string
	Time     func(t time.Time, layout string) string
	Personal func(string) string // a txn or bill id, a restriction's words
}

// Plain writes amounts and times as they are, in English (tests, logs).
var Plain = Writer{
	Money:    qiwiapi.Amount.Format,
	Time:     func(t time.Time, layout string) string { return t.Format(layout) },
	Personal: func(s string) string { return s },
}

// Alerts lists what needs a person in the row.
func (r Row) Alerts() []Alert {
	var out []Alert
	add := func(key string, text func(Writer) string) {
		out = append(out, Alert{Key: r.Profile + "/" + key, Profile: r.Profile, Text: text})
	}
	for _, b := range r.AgentBalance {
		if b.Low && b.Threshold != nil {
			add("low/"+b.Amount.Currency.Code(), func(w Writer) string {
				return w.Tr.T("overview_alert.low", i18n.Args{"Amount": w.Money(b.Amount), "Mark": w.Money(*b.Threshold)})
			})
		}
	}
	if len(r.Restrictions) > 0 {
		add("restricted", func(w Writer) string {
			return w.Tr.T("overview_alert.restricted", i18n.Args{"Restrictions": strings.Join(r.Restrictions, "; ")})
		})
	}
	for _, s := range r.Stuck {
		add(fmt.Sprintf("stuck/%d", s.TxnID), func(w Writer) string {
			return w.Tr.T("overview_alert.stuck", i18n.Args{"ID": w.Personal(strconv.FormatInt(s.TxnID, 10)), "Amount": w.Money(s.Amount),
				"Since": w.Time(s.Date, "2006-01-02 15:04")})
		})
	}
	for _, e := range r.Expiring {
		add("expiring/"+e.BillID, func(w Writer) string {
			return w.Tr.T("overview_alert.expiring", i18n.Args{"ID": w.Personal(e.BillID), "Amount": w.Money(e.Amount), "At": w.Time(e.Lifetime, "15:04")})
		})
	}
	return out
}

// Totals sums the rows' wallet balances per currency, and the agents'.
func Totals(rows []Row) (wallets, agents []qiwiapi.Amount) {
	sum := func(into []qiwiapi.Amount, a qiwiapi.Amount) []qiwiapi.Amount {
		for i := range into {
			if into[i].Currency == a.Currency {
				into[i].Minor += a.Minor
				return into
			}
		}
		return append(into, a)
	}
	for _, r := range rows {
		for _, b := range r.Balances {
			wallets = sum(wallets, b)
		}
		for _, b := range r.AgentBalance {
			agents = sum(agents, b.Amount)
		}
	}
	byCode := func(a, b qiwiapi.Amount) int { return int(a.Currency) - int(b.Currency) }
	slices.SortFunc(wallets, byCode)
	slices.SortFunc(agents, byCode)
	return wallets, agents
}

// Clients are one profile's API clients for a refresh. API's history
// requests must pass the wallet's scheduler (qiwiapi.WithGate with the
// process's budget.Registry), so the Overview shares the wallet's budget
// with every screen.
type Clients struct {
	API      *qiwiapi.Client // nil without a token
	Wallet   string
	Agent    *topup.Client // nil without agent credentials
	Terminal string
	Shop     string // the merchant's shop id, "" without
}

// Engine builds the Overview's rows.
type Engine struct {
	Store *store.Store
	// Profiles lists the saved profiles (names, wallets, credential kinds).
	Profiles func(ctx context.Context) ([]store.Profile, error)
	// Clients unlocks one profile and builds its clients; nil: no refresh.
	Clients func(ctx context.Context, profile string) (Clients, error)
	// Thresholds are the agent's low-balance marks (the config's).
	Thresholds map[qiwiapi.Currency]qiwiapi.Amount
	Now        func() time.Time
	// Timeout bounds each profile's refresh; 0: 30 seconds.
	Timeout time.Duration
}

// snapshot is what a refresh read, kept for the next first paint.
type snapshot struct {
	Balances     []qiwiapi.Amount
	Agent        []qiwiapi.Amount
	Restrictions []string
	Terminal     string
	Shop         string
	Read         time.Time
	Failed       string
}

func (e *Engine) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// Load is the first paint: every profile's row from the store alone, in
// a fixed number of queries however many profiles there are.
func (e *Engine) Load(ctx context.Context) ([]Row, error) {
	ps, err := e.Profiles(ctx)
	if err != nil {
		return nil, err
	}
	return e.rows(ctx, ps)
}

// cached is what the store holds for the rows being built.
type cached struct {
	snaps map[string]snapshot  // by profile
	sync  map[string]time.Time // by wallet
	stuck map[string][]Stuck   // by wallet
	bills map[string]shopBills // by shop
}

// shopBills is a shop's bills in the Overview.
type shopBills struct {
	waiting, paidToday int
	expiring           []Expiring
}

// rows builds the rows of ps from the store. With one profile, each query
// asks for that profile only.
func (e *Engine) rows(ctx context.Context, ps []store.Profile) ([]Row, error) {
	now := e.now()
	c, err := e.read(ctx, ps, now)
	if err != nil {
		return nil, err
	}
	out := make([]Row, 0, len(ps))
	for _, p := range ps {
		snap := c.snaps[p.Name]
		r := Row{Profile: p.Name, Has: p.Has, WalletNumber: p.Wallet,
			Balances: snap.Balances, Restrictions: snap.Restrictions, Read: snap.Read, Failed: snap.Failed}
		if p.Wallet != "" {
			r.LastSync, r.Stuck = c.sync[p.Wallet], c.stuck[p.Wallet]
		}
		agent := snap.Agent
		if len(agent) == 0 && snap.Terminal != "" {
			if agent, err = e.agentSamples(ctx, snap.Terminal); err != nil {
				return nil, err
			}
		}
		for _, a := range agent {
			b := AgentBalance{Amount: a}
			if t, ok := e.Thresholds[a.Currency]; ok {
				b.Threshold, b.Low = &t, a.Minor < t.Minor
			}
			r.AgentBalance = append(r.AgentBalance, b)
		}
		if snap.Shop != "" {
			b := c.bills[snap.Shop]
			r.BillsWaiting, r.PaidToday, r.Expiring = b.waiting, b.paidToday, b.expiring
		}
		out = append(out, r)
	}
	return out, nil
}

// read runs the queries of rows: the kept answers, the sync states, the
// payments WAITING too long (the partial index of WAITING rows), and the
// bills waiting or updated today.
func (e *Engine) read(ctx context.Context, ps []store.Profile, now time.Time) (*cached, error) {
	c := &cached{snaps: map[string]snapshot{}, sync: map[string]time.Time{}, stuck: map[string][]Stuck{}, bills: map[string]shopBills{}}
	one := len(ps) == 1
	var name, wallet string
	if one {
		name, wallet = ps[0].Name, ps[0].Wallet
	}
	st := e.Store
	err := each(ctx, st, `SELECT key, json FROM records WHERE kind = ? AND (? = '' OR key = ?)`, []any{snapshotKind, name, name}, func(sc scanner) error {
		var key, js string
		if err := sc.Scan(&key, &js); err != nil {
			return err
		}
		var s snapshot
		if json.Unmarshal([]byte(js), &s) == nil {
			c.snaps[key] = s
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if one && wallet == "" {
		wallet = "-" // no wallet: no sync state, no history
	}
	err = each(ctx, st, `SELECT wallet, last_sync_at FROM sync_state WHERE ? = '' OR wallet = ?`, []any{wallet, wallet}, func(sc scanner) error {
		var w string
		var at int64
		if err := sc.Scan(&w, &at); err != nil {
			return err
		}
		if at > 0 {
			c.sync[w] = time.Unix(at, 0)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, st, `SELECT wallet, txn_id, date, tz, amount, currency FROM txns INDEXED BY txns_waiting
		WHERE status = 'WAITING' AND date < ? AND (? = '' OR wallet = ?) ORDER BY wallet, date DESC`, []any{now.Add(-StuckAfter).Unix(), wallet, wallet}, func(sc scanner) error {
		var w string
		var s Stuck
		var date int64
		var tz, cur int
		if err := sc.Scan(&w, &s.TxnID, &date, &tz, &s.Amount.Minor, &cur); err != nil {
			return err
		}
		if len(c.stuck[w]) < 20 {
			s.Date, s.Amount.Currency = time.Unix(date, 0).In(time.FixedZone("", tz)), qiwiapi.Currency(cur)
			c.stuck[w] = append(c.stuck[w], s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	shop := ""
	if one {
		shop = "-"
		if s, ok := c.snaps[name]; ok && s.Shop != "" {
			shop = s.Shop
		}
	}
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, now.Location()).Unix()
	// Counts in SQL (waiting; paid since midnight); only the bills about
	// to expire come out as rows.
	err = each(ctx, st, `SELECT kind, count(*) FILTER (WHERE s = 'waiting'), count(*) FILTER (WHERE s = 'paid' AND unixepoch(u) >= ?)
		FROM (SELECT kind, json_extract(json, '$.Status') AS s, json_extract(json, '$.Updated') AS u
			FROM records WHERE kind GLOB 'merchant.bill/*' AND (? = '' OR kind = ?))
		GROUP BY kind`, []any{today, shop, bills.Kind(shop)}, func(sc scanner) error {
		var kind string
		var n shopBills
		if err := sc.Scan(&kind, &n.waiting, &n.paidToday); err != nil {
			return err
		}
		c.bills[bills.ShopOf(kind)] = n
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, each(ctx, st, `SELECT kind, json FROM records WHERE kind GLOB 'merchant.bill/*' AND (? = '' OR kind = ?)
		AND json_extract(json, '$.Status') = 'waiting' AND unixepoch(json_extract(json, '$.Lifetime')) BETWEEN ? AND ?`,
		[]any{shop, bills.Kind(shop), now.Unix(), now.Add(ExpiringWithin).Unix()}, func(sc scanner) error {
			var kind, js string
			if err := sc.Scan(&kind, &js); err != nil {
				return err
			}
			var b struct {
				ID       string
				Amount   qiwiapi.Amount
				Lifetime time.Time
			}
			if json.Unmarshal([]byte(js), &b) == nil {
				s := bills.ShopOf(kind)
				n := c.bills[s]
				n.expiring = append(n.expiring, Expiring{BillID: b.ID, Lifetime: b.Lifetime, Amount: b.Amount})
				c.bills[s] = n
			}
			return nil
		})
}

type scanner interface{ Scan(...any) error }

// each runs a query and hands every row to fn.
func each(ctx context.Context, st *store.Store, q string, args []any, fn func(scanner) error) error {
	rows, err := st.Read(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// agentSamples is the last balance sample of each currency the agent
// screen kept for the terminal ("agent.balance/<terminal>:<currency>").
func (e *Engine) agentSamples(ctx context.Context, terminal string) ([]qiwiapi.Amount, error) {
	var out []qiwiapi.Amount
	err := each(ctx, e.Store, `SELECT minor, currency FROM samples WHERE id IN
		(SELECT max(id) FROM samples WHERE series GLOB ? GROUP BY series) ORDER BY currency`, []any{"agent.balance/" + terminal + ":*"}, func(sc scanner) error {
		var a qiwiapi.Amount
		var cur int
		if err := sc.Scan(&a.Minor, &cur); err != nil {
			return err
		}
		a.Currency = qiwiapi.Currency(cur)
		out = append(out, a)
		return nil
	})
	return out, err
}

// Refresh reads every profile live at once and sends each row as soon as
// its profile answered (or failed, or timed out); the channel closes when
// all are done. A profile's history request waits for its own wallet's
// budget, at background priority. What failed (Row.Failed) is worded in
// tr's language (nil: English).
func (e *Engine) Refresh(ctx context.Context, tr *i18n.Tr) <-chan Row {
	out := make(chan Row)
	go func() {
		defer close(out)
		ps, err := e.Profiles(ctx)
		if err != nil || e.Clients == nil {
			return
		}
		var wg sync.WaitGroup
		for _, p := range ps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := e.refreshOne(ctx, tr, p)
				if err != nil {
					r.Failed = tr.Error(err)
				}
				select {
				case out <- r:
				case <-ctx.Done():
				}
			}()
		}
		wg.Wait()
	}()
	return out
}

func (e *Engine) refreshOne(ctx context.Context, tr *i18n.Tr, p store.Profile) (Row, error) {
	timeout := e.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	pctx, cancel := context.WithTimeout(budget.WithPriority(ctx, budget.Background), timeout)
	defer cancel()
	live := &snapshot{Read: e.now()}
	var failed []string
	var gotBalances, gotAgent, gotRestrictions bool
	c, err := e.Clients(pctx, p.Name)
	if err != nil {
		failed = append(failed, tr.T("overview_alert.failed_opening", i18n.Args{"Why": explain.Error(tr, err)}))
	}
	live.Terminal, live.Shop = c.Terminal, c.Shop
	if c.API != nil {
		if rs, _, err := c.API.Profile.Restrictions(pctx, c.Wallet); err != nil {
			failed = append(failed, tr.T("overview_alert.failed_restrictions", i18n.Args{"Why": explain.Error(tr, err)}))
		} else {
			gotRestrictions = true
			for _, r := range rs {
				live.Restrictions = append(live.Restrictions, strings.TrimSpace(r.Code+" "+r.Description))
			}
		}
		if accs, _, err := c.API.Balances.List(pctx, c.Wallet); err != nil {
			failed = append(failed, tr.T("overview_alert.failed_balances", i18n.Args{"Why": explain.Error(tr, err)}))
		} else {
			gotBalances = true
			for _, a := range accs {
				if a.Balance != nil {
					live.Balances = append(live.Balances, *a.Balance)
				}
			}
		}
		// The newest page of history, within the wallet's budget: payments
		// stuck in WAITING are judged on fresh statuses.
		if page, _, err := c.API.History.List(pctx, c.Wallet, qiwiapi.HistoryOptions{Rows: 50}); err != nil {
			failed = append(failed, tr.T("overview_alert.failed_history", i18n.Args{"Why": explain.Error(tr, err)}))
		} else if _, err := e.Store.Upsert(ctx, c.Wallet, page.Transactions); err != nil {
			failed = append(failed, tr.T("overview_alert.failed_cache", i18n.Args{"Why": tr.Error(err)}))
		}
	}
	if c.Agent != nil {
		if bals, _, err := c.Agent.Ping(pctx); err != nil {
			failed = append(failed, tr.T("overview_alert.failed_agent", i18n.Args{"Why": explain.Error(tr, err)}))
		} else {
			gotAgent, live.Agent = true, bals
		}
	}
	if len(failed) > 0 {
		var old snapshot // keep what the last good read knew
		if e.Store.Get(ctx, snapshotKind, p.Name, &old) == nil {
			if !gotBalances {
				live.Balances = old.Balances
			}
			if !gotAgent {
				live.Agent = old.Agent
			}
			if !gotRestrictions {
				live.Restrictions = old.Restrictions
			}
			if err != nil {
				live.Terminal, live.Shop, live.Read = old.Terminal, old.Shop, old.Read
			}
		}
		live.Failed = strings.Join(failed, "; ")
	}
	if err := e.Store.Put(ctx, snapshotKind, p.Name, live); err != nil {
		return Row{Profile: p.Name}, err
	}
	rows, err := e.rows(ctx, []store.Profile{p})
	if err != nil || len(rows) != 1 {
		return Row{Profile: p.Name}, err
	}
	rows[0].Fresh = true
	return rows[0], nil
}
