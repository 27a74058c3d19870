package search

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/store/bills"
)

// Source is where a hit was found.
type Source string

// Sources of hits.
const (
	FromHistory Source = "history" // a cached history row (one leg)
	FromJournal Source = "journal" // a money move sent from here (payment, top-up, refund)
	FromBill    Source = "bill"    // a merchant bill issued from here
)

// Hit is one thing found: enough to list it and to open its case.
type Hit struct {
	Source   Source
	Profiles []string // the profiles the wallet, terminal or shop belongs to
	Scope    string   // the wallet number, terminal id or shop id
	Ref      string   // the txn id, the journal's client id, the bill id
	TxnID    int64    // QIWI's txn id when known
	Type     qiwiapi.TxnType
	Date     time.Time
	Amount   qiwiapi.Amount
	Status   string
	Account  string // the other side: an account, phone, card, payer
	Text     string // provider, comment
	Matched  []Kind // which readings of the query found it

	entry int64  // journal entry id
	kind  string // journal kind or bill record kind
}

// SourceIn names where the hit was found, in tr's language (nil: English).
func (h Hit) SourceIn(tr *i18n.Tr) string {
	switch h.Source {
	case FromHistory:
		return tr.T("search.from_history", nil)
	case FromJournal:
		return tr.T("search.from_journal", nil)
	case FromBill:
		return tr.T("search.from_bill", nil)
	}
	return string(h.Source)
}

// StatusIn is the hit's status for a person: QIWI's as it sent it, the
// journal's and this app's own words in tr's language. (Status keeps the
// words `find --json` writes.)
func (h Hit) StatusIn(tr *i18n.Tr) string {
	switch {
	case h.Source == FromJournal:
		return stateWords(tr, h.Status)
	case h.Source == FromBill && h.Status == billRefused:
		return tr.T("search.bill_refused", nil)
	case h.Source == FromBill && h.Status == billUnconfirmed:
		return tr.T("search.bill_unconfirmed", nil)
	}
	return h.Status
}

// TextIn is the hit's text for a person: a journal entry's kind in tr's
// language, else the provider or comment as they are.
func (h Hit) TextIn(tr *i18n.Tr) string {
	if h.Source == FromJournal {
		return kindWords(tr, store.Kind(h.kind))
	}
	return h.Text
}

// Profile is the first profile of the hit ("" when none is saved).
func (h Hit) Profile() string {
	if len(h.Profiles) == 0 {
		return ""
	}
	return h.Profiles[0]
}

// Result is what Find found.
type Result struct {
	Query Query
	Hits  []Hit // newest first
	// More is set when a reading had more hits than the limit.
	More bool
}

// Options shape Find.
type Options struct {
	// Profiles are the saved profiles, to name whose wallet, terminal or
	// shop each hit belongs to (the demo's are in memory, not in the store).
	Profiles []store.Profile
	// Terminals and Shops name the agent terminal and shop of each profile
	// (their ids are secrets' neighbours and not in store.Profile).
	Terminals, Shops map[string]string // profile -> id
	Limit            int               // hits per reading; 0: 200
	// Tr is the language a case (Open) is told in; nil: English. Hits keep
	// the words `find --json` writes (Hit.StatusIn and TextIn translate).
	Tr *i18n.Tr
}

// owners maps a wallet, terminal or shop to the profiles holding it.
type owners map[string][]string

func ownersOf(o Options) owners {
	m := owners{}
	add := func(scope, name string) {
		scope = strings.TrimPrefix(scope, "+")
		if scope != "" && !slices.Contains(m[scope], name) {
			m[scope] = append(m[scope], name)
		}
	}
	for _, p := range o.Profiles {
		add(p.Wallet, p.Name)
	}
	for name, id := range o.Terminals {
		add(id, name)
	}
	for name, id := range o.Shops {
		add(id, name)
	}
	return m
}

func (m owners) of(scope string) []string { return m[strings.TrimPrefix(scope, "+")] }

// Find runs q over every wallet's cache, the journal and the bills in st.
// Each reading of the query runs as its own indexed lookup; a row found by
// several readings is listed once.
func Find(ctx context.Context, st *store.Store, q Query, o Options) (*Result, error) {
	if len(q.Kinds) == 0 {
		return nil, ErrEmpty
	}
	limit := o.Limit
	if limit <= 0 {
		limit = 200
	}
	own := ownersOf(o)
	res := &Result{Query: q}
	byRow := map[int64]int{} // txns.id -> index in Hits
	add := func(id int64, h Hit, k Kind) {
		if i, ok := byRow[id]; ok {
			if !slices.Contains(res.Hits[i].Matched, k) {
				res.Hits[i].Matched = append(res.Hits[i].Matched, k)
			}
			return
		}
		h.Matched = []Kind{k}
		byRow[id] = len(res.Hits)
		res.Hits = append(res.Hits, h)
	}
	const cols = `t.id, t.wallet, t.txn_id, t.type, t.date, t.tz, t.status, t.amount, t.currency, t.account, t.provider, t.comment`
	type lookup struct {
		kind Kind
		sql  string
		args []any
	}
	var ls []lookup
	if q.TxnID != 0 {
		ls = append(ls, lookup{KindTxnID, `SELECT ` + cols + ` FROM txns t WHERE t.txn_id = ? ORDER BY t.id DESC LIMIT ?`, []any{q.TxnID}})
	}
	if q.Amount != nil {
		cond, args := "t.amount = ?", []any{q.Amount.Minor}
		if q.Amount.Currency != 0 {
			cond, args = cond+" AND t.currency = ?", append(args, int(q.Amount.Currency))
		}
		ls = append(ls, lookup{KindAmount, `SELECT ` + cols + ` FROM txns t WHERE ` + cond + ` ORDER BY t.id DESC LIMIT ?`, args})
	}
	if len(q.Account) > 0 {
		// The trigram index is asked for the last 7 characters of each
		// fragment (a phone's "+7916" trigrams are in most rows and would
		// only slow it down); the whole fragment is then checked in the row.
		var parts []string
		var checks []string
		var args []any
		for _, f := range q.Account {
			tail := []rune(f)
			tail = tail[max(0, len(tail)-7):]
			parts = append(parts, `"`+strings.ReplaceAll(string(tail), `"`, `""`)+`"`)
			checks = append(checks, " AND instr(t.account, ?) > 0")
			args = append(args, f)
		}
		ls = append(ls, lookup{KindAccount, `SELECT ` + cols + ` FROM txns_acct a CROSS JOIN txns t ON t.id = a.rowid
			WHERE txns_acct MATCH ?` + strings.Join(checks, "") + ` ORDER BY a.rowid DESC LIMIT ?`, append([]any{strings.Join(parts, " AND ")}, args...)})
	}
	if !q.From.IsZero() {
		lo, hi := store.SortKeyRange(q.From, q.To)
		ls = append(ls, lookup{KindDate, `SELECT ` + cols + ` FROM txns t WHERE t.id >= ? AND t.id < ? ORDER BY t.id DESC LIMIT ?`, []any{lo, hi}})
	}
	if fq := store.FTSQuery(q.Words); fq != "" {
		ls = append(ls, lookup{KindWords, `SELECT ` + cols + ` FROM txns_fts f CROSS JOIN txns t ON t.id = f.rowid
			WHERE txns_fts MATCH ? ORDER BY f.rowid DESC LIMIT ?`, []any{fq}})
	}
	for _, l := range ls {
		n, err := scanTxns(ctx, st, l.sql, append(l.args, limit+1), func(id int64, h Hit) {
			h.Profiles = own.of(h.Scope)
			add(id, h, l.kind)
		})
		if err != nil {
			return nil, i18n.Errorf("search.err_read", i18n.Args{"Where": string(l.kind)}, err)
		}
		if n > limit {
			res.More = true
		}
	}
	if err := findJournal(ctx, st, q, own, res, limit); err != nil {
		return nil, err
	}
	if err := findBills(ctx, st, q, own, res, limit); err != nil {
		return nil, err
	}
	slices.SortStableFunc(res.Hits, func(a, b Hit) int { return b.Date.Compare(a.Date) })
	return res, nil
}

// scanTxns runs a txns query and hands each row over as a hit; it returns
// how many rows came (at most limit+1: one more says there are more).
func scanTxns(ctx context.Context, st *store.Store, q string, args []any, each func(id int64, h Hit)) (int, error) {
	rows, err := st.Read(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	limit := args[len(args)-1].(int)
	n := 0
	for rows.Next() {
		var id, txnID, date, amount int64
		var tz, cur int
		var h Hit
		var typ, status string
		if err := rows.Scan(&id, &h.Scope, &txnID, &typ, &date, &tz, &status, &amount, &cur, &h.Account, &h.Text, new(string)); err != nil {
			return n, err
		}
		n++
		if n >= limit {
			continue // the one row past the limit only says "more"
		}
		h.Source, h.TxnID, h.Ref, h.Type, h.Status = FromHistory, txnID, strconv.FormatInt(txnID, 10), qiwiapi.TxnType(typ), status
		h.Date = time.Unix(date, 0).In(time.FixedZone("", tz))
		h.Amount = qiwiapi.Amount{Minor: amount, Currency: qiwiapi.Currency(cur)}
		each(id, h)
	}
	return n, rows.Err()
}

// findJournal adds the money moves sent from here that the query names
// and that no history row found already (their case shows both).
func findJournal(ctx context.Context, st *store.Store, q Query, own owners, res *Result, limit int) error {
	type cond struct {
		kind Kind
		sql  string
		args []any
	}
	var cs []cond
	if q.TxnID != 0 {
		id := strconv.FormatInt(q.TxnID, 10)
		cs = append(cs, cond{KindTxnID, "remote_id = ? OR client_id = ?", []any{id, id}})
	}
	if q.Topup != "" {
		cs = append(cs, cond{KindTopup, "client_id = ? OR remote_id = ?", []any{q.Topup, q.Topup}})
	}
	if q.Amount != nil {
		c := cond{KindAmount, "amount = ?", []any{q.Amount.Minor}}
		if q.Amount.Currency != 0 {
			c.sql, c.args = c.sql+" AND currency = ?", append(c.args, int(q.Amount.Currency))
		}
		cs = append(cs, c)
	}
	for _, f := range q.Account {
		cs = append(cs, cond{KindAccount, "instr(recipient, ?) > 0", []any{f}})
	}
	if !q.From.IsZero() {
		cs = append(cs, cond{KindDate, "created_at >= ? AND created_at < ?", []any{q.From.UnixMilli(), q.To.UnixMilli()}})
	}
	if q.BillID != "" {
		cs = append(cs, cond{KindBill, "kind = ? AND instr(recipient, ?) > 0", []any{string(store.KindMerchantRefund), q.BillID}})
	}
	shown := map[string]bool{} // scope + txn id of the history hits
	for _, h := range res.Hits {
		shown[h.Scope+"/"+h.Ref] = true
	}
	seen := map[int64]int{}
	for _, c := range cs {
		rows, err := st.Read(ctx, `SELECT id, kind, client_id, profile, account, recipient, amount, currency, state, outcome, remote_id, created_at
			FROM journal WHERE `+c.sql+` ORDER BY id DESC LIMIT ?`, append(c.args, limit)...)
		if err != nil {
			return i18n.Errorf("search.err_read", i18n.Args{"Where": "journal"}, err)
		}
		for rows.Next() {
			var h Hit
			var id, amount, created int64
			var cur int
			var kind, state, outcome, profile string
			if err := rows.Scan(&id, &kind, &h.Ref, &profile, &h.Scope, &h.Account, &amount, &cur, &state, &outcome, &h.Text, &created); err != nil {
				rows.Close()
				return i18n.Errorf("search.err_read", i18n.Args{"Where": "journal"}, err)
			}
			remote := h.Text
			h.Text = kindWords(nil, store.Kind(kind))
			h.TxnID, _ = strconv.ParseInt(remote, 10, 64)
			if remote != "" && shown[strings.TrimPrefix(h.Scope, "+")+"/"+remote] {
				continue // its history row is listed; the case shows the journal too
			}
			if i, ok := seen[id]; ok {
				if !slices.Contains(res.Hits[i].Matched, c.kind) {
					res.Hits[i].Matched = append(res.Hits[i].Matched, c.kind)
				}
				continue
			}
			h.Source, h.entry, h.kind = FromJournal, id, kind
			h.Status = state
			if state == "final" {
				h.Status = outcome
			}
			h.Amount = qiwiapi.Amount{Minor: amount, Currency: qiwiapi.Currency(cur)}
			h.Date = time.UnixMilli(created)
			h.Profiles = own.of(h.Scope)
			if len(h.Profiles) == 0 && profile != "" {
				h.Profiles = []string{profile} // the profile that sent it
			}
			h.Matched = []Kind{c.kind}
			seen[id] = len(res.Hits)
			res.Hits = append(res.Hits, h)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return i18n.Errorf("search.err_read", i18n.Args{"Where": "journal"}, err)
		}
	}
	return nil
}

// kindWords names a journal kind for a person, in tr's language.
func kindWords(tr *i18n.Tr, k store.Kind) string {
	switch k {
	case store.KindWalletPayment:
		return tr.T("search.kind_payment", nil)
	case store.KindConversion:
		return tr.T("search.kind_conversion", nil)
	case store.KindInvoicePay:
		return tr.T("search.kind_invoice", nil)
	case store.KindAgentTopup:
		return tr.T("search.kind_topup", nil)
	case store.KindMerchantRefund:
		return tr.T("search.kind_refund", nil)
	}
	return string(k)
}

// stateWords names a journal state or a final outcome as the journal
// table keeps them ("sent", "success"), in tr's language.
func stateWords(tr *i18n.Tr, s string) string {
	switch s {
	case "pending":
		return tr.T("search.state_pending", nil)
	case "sent":
		return tr.T("search.state_sent", nil)
	case "accepted":
		return tr.T("search.state_accepted", nil)
	case "unknown":
		return tr.T("search.state_unknown", nil)
	case "held":
		return tr.T("search.state_held", nil)
	case "succeeded":
		return tr.T("search.state_succeeded", nil)
	case "success":
		return tr.T("search.state_success", nil)
	case "failed":
		return tr.T("search.state_failed", nil)
	case "abandoned":
		return tr.T("search.state_abandoned", nil)
	}
	return s
}

type billRecord struct {
	bills.Bill
	kind, shop string
}

// billRecords reads every shop's bill records.
func billRecords(ctx context.Context, st *store.Store) ([]billRecord, error) {
	rows, err := st.Read(ctx, `SELECT kind, json FROM records WHERE kind = 'merchant.bill' OR kind GLOB 'merchant.bill/*'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []billRecord
	for rows.Next() {
		var r billRecord
		var js string
		if err := rows.Scan(&r.kind, &js); err != nil {
			return nil, err
		}
		if json.Unmarshal([]byte(js), &r.Bill) != nil {
			continue // a record this build cannot read is not a hit
		}
		r.shop = bills.ShopOf(r.kind)
		out = append(out, r)
	}
	return out, rows.Err()
}

func findBills(ctx context.Context, st *store.Store, q Query, own owners, res *Result, limit int) error {
	recs, err := billRecords(ctx, st)
	if err != nil {
		return i18n.Errorf("search.err_read", i18n.Args{"Where": "bills"}, err)
	}
	words := strings.Fields(strings.ToLower(q.Words))
	n := 0
	for _, r := range recs {
		var matched []Kind
		if q.BillID != "" && strings.Contains(strings.ToLower(r.ID), strings.ToLower(q.BillID)) {
			matched = append(matched, KindBill)
		}
		if q.Amount != nil && r.Amount.Minor == q.Amount.Minor && (q.Amount.Currency == 0 || q.Amount.Currency == r.Amount.Currency) {
			matched = append(matched, KindAmount)
		}
		if len(q.Account) > 0 && containsAll(r.Payer, q.Account) {
			matched = append(matched, KindAccount)
		}
		if !q.From.IsZero() && !r.Created.Before(q.From) && r.Created.Before(q.To) {
			matched = append(matched, KindDate)
		}
		if len(words) > 0 && containsAll(strings.ToLower(r.Comment+" "+r.ID), words) {
			matched = append(matched, KindWords)
		}
		if len(matched) == 0 {
			continue
		}
		if n++; n > limit {
			res.More = true
			break
		}
		res.Hits = append(res.Hits, Hit{
			Source: FromBill, Profiles: own.of(r.shop), Scope: r.shop, Ref: r.ID, Date: r.Created,
			Amount: r.Amount, Status: billStatus(r.Bill), Account: r.Payer, Text: r.Comment, Matched: matched, kind: r.kind,
		})
	}
	return nil
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// A bill's status in this app's words, when QIWI's is not known.
const (
	billRefused     = "refused"       // QIWI refused to issue it
	billUnconfirmed = "not confirmed" // issued, QIWI's answer not seen
)

func billStatus(b bills.Bill) string {
	switch {
	case b.Refused:
		return billRefused
	case b.Status == "":
		return billUnconfirmed
	}
	return string(b.Status)
}
