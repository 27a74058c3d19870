package search

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/store"
	"qiwidash/store/bills"
	"qiwidash/store/moves"
)

// Field is one fact of a case.
type Field struct {
	Name, Value string
	// Personal values (accounts, phones, payers, comments, wallet numbers)
	// are masked in privacy mode and always in the report.
	Personal bool
	// Money values are masked in privacy mode (the report keeps them: a
	// ticket needs the amount); Amount is the value, for the screen to write.
	Money  bool
	Amount qiwiapi.Amount
}

// Event is one moment of a case's timeline.
type Event struct {
	At     time.Time
	Source string // "journal", "history", "notification", "bill", "refund", "top-up"
	Text   string // no personal data: states, ids, codes and their words
}

// Case is everything known about one payment, bill or top-up.
type Case struct {
	Title    string
	Profiles []string
	Scope    string // wallet, terminal or shop
	Fields   []Field
	Events   []Event // in time order
	// Explanation is the error in words ("" when there is none).
	Explanation string
	Raw         json.RawMessage // QIWI's JSON of the history row, when cached
}

// Open gathers the case of a hit: its history rows (every leg), the
// journal entries that sent it with each of their changes, the
// notifications received about it, its receipt, its error explained, and
// for bills and top-ups their own status trail.
func Open(ctx context.Context, st *store.Store, h Hit, o Options) (*Case, error) {
	own := ownersOf(o)
	c := &Case{Profiles: h.Profiles, Scope: h.Scope}
	switch h.Source {
	case FromHistory:
		c.Title = fmt.Sprintf("Payment %d", h.TxnID)
		if err := c.history(ctx, st, h.Scope, h.TxnID); err != nil {
			return nil, err
		}
		if err := c.journal(ctx, st, `remote_id = ? AND account IN (?, ?)`, strconv.FormatInt(h.TxnID, 10), h.Scope, "+"+h.Scope); err != nil {
			return nil, err
		}
		if err := c.notifications(ctx, st, "wallet", h.Scope, h.Ref); err != nil {
			return nil, err
		}
	case FromJournal:
		c.Title = strings.ToUpper(kindWords(store.Kind(h.kind))[:1]) + kindWords(store.Kind(h.kind))[1:] + " " + h.Ref
		if err := c.journal(ctx, st, `id = ?`, h.entry); err != nil {
			return nil, err
		}
		if h.TxnID != 0 && store.Kind(h.kind) != store.KindAgentTopup {
			wallet := strings.TrimPrefix(h.Scope, "+")
			if err := c.history(ctx, st, wallet, h.TxnID); err != nil {
				return nil, err
			}
			if err := c.notifications(ctx, st, "wallet", wallet, strconv.FormatInt(h.TxnID, 10)); err != nil {
				return nil, err
			}
		}
	case FromBill:
		c.Title = "Bill " + h.Ref
		if err := c.bill(ctx, st, h.kind, h.Ref); err != nil {
			return nil, err
		}
		if err := c.journal(ctx, st, `kind = ? AND recipient = ?`, string(store.KindMerchantRefund), h.Ref); err != nil {
			return nil, err
		}
		if err := c.notifications(ctx, st, "bill", h.Scope, h.Ref); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("search: a hit from %q cannot be opened", h.Source)
	}
	if len(c.Profiles) == 0 {
		c.Profiles = own.of(c.Scope)
	}
	slices.SortStableFunc(c.Events, func(a, b Event) int { return a.At.Compare(b.At) })
	return c, nil
}

func (c *Case) add(name, value string, personal bool) {
	if value == "" {
		return
	}
	c.Fields = append(c.Fields, Field{Name: name, Value: value, Personal: personal})
}

func (c *Case) money(name string, a qiwiapi.Amount) {
	c.Fields = append(c.Fields, Field{Name: name, Value: a.Format(), Money: true, Amount: a})
}

func (c *Case) event(at time.Time, source, text string) {
	c.Events = append(c.Events, Event{At: at, Source: source, Text: text})
}

func (c *Case) explain(s string) {
	if s != "" && !strings.Contains(c.Explanation, s) {
		if c.Explanation != "" {
			c.Explanation += "\n"
		}
		c.Explanation += s
	}
}

// history adds the cached rows of txn id in wallet (both legs of a conversion).
func (c *Case) history(ctx context.Context, st *store.Store, wallet string, txnID int64) error {
	rows, err := st.Read(ctx, `SELECT r.raw, t.synced_at FROM txns t JOIN txn_raw r ON r.id = t.id
		WHERE t.wallet = ? AND t.txn_id = ? ORDER BY t.type`, wallet, txnID)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var raw []byte
		var synced int64
		if err := rows.Scan(&raw, &synced); err != nil {
			return err
		}
		var t qiwiapi.Transaction
		if err := json.Unmarshal(raw, &t); err != nil {
			return fmt.Errorf("search: cached transaction %d unreadable: %w", txnID, err)
		}
		n++
		leg := ""
		if n > 1 {
			leg = " (" + string(t.Type) + " leg)"
		}
		if n == 1 {
			c.Scope = wallet
			c.add("Wallet", "+"+wallet, true)
			c.add("Txn id", strconv.FormatInt(int64(t.TxnID), 10), false)
			c.Raw = raw
		}
		c.add("Direction"+leg, string(t.Type), false)
		c.add("Status"+leg, statusWords(t), false)
		c.add("Date"+leg, t.Date.Format("2006-01-02 15:04:05 -07:00"), false)
		c.money("Amount"+leg, t.Sum)
		if t.Commission.Minor != 0 {
			c.money("Commission"+leg, t.Commission)
		}
		if t.Total.Minor != 0 {
			c.money("Total"+leg, t.Total)
		}
		c.add("Account"+leg, t.Account, true)
		if t.Provider != nil {
			c.add("Provider"+leg, strings.TrimSpace(t.Provider.ShortName+" ("+strconv.FormatInt(int64(t.Provider.ID), 10)+")"), false)
		}
		if t.Source != nil {
			c.add("Paid from"+leg, t.Source.ShortName, false)
		}
		c.add("Comment"+leg, t.Comment, true)
		c.add("Terminal txn id"+leg, string(t.TrmTxnID), false)
		if t.ErrorCode != 0 {
			c.add("Error code"+leg, strconv.Itoa(int(t.ErrorCode)), false)
			c.explain(fmt.Sprintf("Error %d: %s", int(t.ErrorCode), t.ErrorText()))
		}
		receipt := "not available (the payment is not final)"
		if t.Features != nil && t.Features.ChequeReady {
			receipt = "ready at QIWI (History: d saves it, e e-mails it)"
		} else if t.Status == qiwiapi.StatusError {
			receipt = "none (the payment failed)"
		}
		c.add("Receipt"+leg, receipt, false)
		c.event(t.Date, "history", fmt.Sprintf("QIWI dated the %s payment%s (txn %d)", strings.ToLower(string(t.Type)), leg, int64(t.TxnID)))
		if synced > 0 {
			at := time.UnixMilli(synced)
			if synced < 1e11 { // rows cached before schema 5 kept seconds
				at = time.Unix(synced, 0)
			}
			c.event(at, "history", "last read from QIWI's history"+leg+": "+statusWords(t))
		}
	}
	return rows.Err()
}

func statusWords(t qiwiapi.Transaction) string {
	s := string(t.Status)
	if t.StatusText != "" && !strings.EqualFold(t.StatusText, s) {
		s += " (" + t.StatusText + ")"
	}
	return s
}

// journal adds the journal entries matching where, each with its trail.
func (c *Case) journal(ctx context.Context, st *store.Store, where string, args ...any) error {
	rows, err := st.Read(ctx, `SELECT id FROM journal WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	j := st.Journal()
	for n, id := range ids {
		e, err := j.Get(ctx, id)
		if err != nil {
			return err
		}
		p := ""
		if len(ids) > 1 {
			p = fmt.Sprintf(" (attempt %d)", n+1)
		}
		c.add("Sent from here as"+p, kindWords(e.Kind)+", client id "+e.ClientID, false)
		c.add("Journal state"+p, e.State.String(), false)
		if e.RemoteID != "" {
			c.add("QIWI id"+p, e.RemoteID, false)
		}
		if c.Scope == "" {
			c.Scope = strings.TrimPrefix(e.Account, "+")
		}
		c.add("Sent from account"+p, e.Account, true)
		c.add("Recipient"+p, e.Recipient, true)
		if !slices.ContainsFunc(c.Fields, func(f Field) bool { return f.Money }) {
			c.money("Amount", e.Amount)
		}
		c.add("Requests made"+p, strconv.Itoa(e.Attempts), false)
		if e.Kind == store.KindAgentTopup {
			if tp, err := moves.TopupOf(*e); err == nil {
				s := tp.State
				c.add("Top-up status", s.Status.String(), false)
				if s.TxnID != "" {
					c.add("QIWI top-up id", s.TxnID, false)
				}
				if s.Result != 0 {
					c.add("Result code", s.Result.String(), false)
					c.explain(fmt.Sprintf("Result %s", s.Result.String()))
				}
				if tp.LastCode != 0 {
					c.explain("Request error " + tp.LastCode.String())
				}
				if s.Note != "" {
					c.explain(s.Note)
				}
			}
		}
		if e.LastError != "" {
			c.explain(e.LastError)
		}
		if err := c.trail(ctx, st, *e); err != nil {
			return err
		}
	}
	return nil
}

// trail turns the journal's changes of an entry into events: journaled,
// sent (and sent again with the same id after a restart or an unknown
// answer), each answer, the final state.
func (c *Case) trail(ctx context.Context, st *store.Store, e store.Entry) error {
	rows, err := st.Read(ctx, `SELECT at, state, outcome, remote_id, attempts, error FROM journal_events WHERE entry = ? ORDER BY id`, e.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	src := "journal"
	if e.Kind == store.KindAgentTopup {
		src = "top-up"
	}
	lastAttempts, lastRemote, n := 0, "", 0
	for rows.Next() {
		var at int64
		var state, outcome, remote, msg string
		var attempts int
		if err := rows.Scan(&at, &state, &outcome, &remote, &attempts, &msg); err != nil {
			return err
		}
		n++
		var text string
		switch {
		case n == 1:
			text = fmt.Sprintf("journaled before sending, client id %s", e.ClientID)
		case state == "sent" && attempts > 1 && attempts > lastAttempts:
			text = fmt.Sprintf("sent again with the same client id %s (request %d)", e.ClientID, attempts)
		case state == "sent":
			text = fmt.Sprintf("sent (request %d)", attempts)
		case state == "final":
			text = "final: " + outcome
		case attempts > lastAttempts:
			text = fmt.Sprintf("%s (request %d)", state, attempts)
		default:
			text = state
		}
		if remote != "" && remote != lastRemote {
			text += ", QIWI id " + remote
		}
		if msg != "" {
			text += ": " + msg
		}
		lastAttempts, lastRemote = attempts, remote
		c.event(time.UnixMilli(at), src, text)
	}
	return rows.Err()
}

// notifications adds the verified notifications received about ref.
func (c *Case) notifications(ctx context.Context, st *store.Store, kind, scope, ref string) error {
	rows, err := st.Read(ctx, `SELECT status, message_id, received_at FROM seen_notifications
		WHERE kind = ? AND scope = ? AND ref = ? ORDER BY received_at`, kind, strings.TrimPrefix(scope, "+"), ref)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var status, msgID string
		var at int64
		if err := rows.Scan(&status, &msgID, &at); err != nil {
			return err
		}
		n++
		what := "webhook"
		if kind == "bill" {
			what = "bill callback"
		}
		text := what + " received, signature verified, status " + strings.TrimSuffix(status, "?")
		if strings.HasSuffix(status, "?") {
			text += " (not yet confirmed with the API)"
		} else if kind == "wallet" {
			text += " (confirmed with the API)"
		}
		if msgID != "" {
			text += ", message " + msgID
		}
		c.event(time.UnixMilli(at), "notification", text)
	}
	if n == 0 {
		c.add("Notifications", "none received (unverified ones are never kept)", false)
	} else {
		c.add("Notifications", strconv.Itoa(n)+" verified", false)
	}
	return rows.Err()
}

// bill adds a merchant bill and its refunds.
func (c *Case) bill(ctx context.Context, st *store.Store, kind, id string) error {
	var b bills.Bill
	if err := st.Get(ctx, kind, id, &b); err != nil {
		return err
	}
	c.Scope = bills.ShopOf(kind)
	c.add("Shop", c.Scope, false)
	c.add("Bill id", b.ID, false)
	c.add("Status", billStatus(b)+" "+statusMeaning(b), false)
	c.money("Amount", b.Amount)
	c.add("Payer", b.Payer, true)
	c.add("Comment", b.Comment, true)
	if !b.Lifetime.IsZero() {
		c.add("Pay by", b.Lifetime.Format("2006-01-02 15:04:05 -07:00"), false)
	}
	if b.LastError != "" {
		c.explain(b.LastError)
	}
	c.event(b.Created, "bill", "issued from here, bill id "+b.ID)
	if !b.Updated.IsZero() && b.Status != "" {
		via := "read from QIWI"
		if b.ViaCallback {
			via = "told by a verified callback"
		}
		c.event(b.Updated, "bill", "status "+string(b.Status)+" ("+via+")")
	}
	for _, r := range b.Refunds {
		st := string(r.Status)
		if st == "" {
			st = "sent, not yet confirmed"
		}
		c.event(r.Created, "refund", "refund "+r.ID+" of "+r.Amount.Format()+": "+st)
		if r.LastError != "" {
			c.explain("Refund " + r.ID + ": " + r.LastError)
		}
	}
	return nil
}

func statusMeaning(b bills.Bill) string {
	if b.Status == "" {
		return ""
	}
	return "(" + b.Status.Meaning() + ")"
}

// Report is the case as Markdown for a ticket: every field, the timeline,
// the explanation. Personal data is masked by the privacy rule
// (sanitize.MaskMiddle), also where a personal value is quoted in the
// timeline or an error; there is no secret in a case to leave out (it
// holds no token, password, request body or raw answer), and every value
// passes sanitize.Text, so the report is safe to paste into a terminal.
func (c *Case) Report() string {
	var b strings.Builder
	clean := func(s string) string { return strings.ReplaceAll(sanitize.Text(s), "|", "\\|") }
	fmt.Fprintf(&b, "# %s\n\n", clean(c.Title))
	if len(c.Profiles) > 0 {
		fmt.Fprintf(&b, "Profile: %s\n\n", clean(strings.Join(c.Profiles, ", ")))
	}
	b.WriteString("| Field | Value |\n|---|---|\n")
	for _, f := range c.Fields {
		v := f.Value
		if f.Personal {
			v = sanitize.MaskMiddle(v)
		}
		fmt.Fprintf(&b, "| %s | %s |\n", clean(f.Name), clean(v))
	}
	if c.Explanation != "" {
		b.WriteString("\n## What went wrong\n\n")
		for _, l := range strings.Split(c.Explanation, "\n") {
			fmt.Fprintf(&b, "- %s\n", clean(c.MaskText(l)))
		}
	}
	b.WriteString("\n## Timeline\n\n")
	if len(c.Events) == 0 {
		b.WriteString("- nothing recorded\n")
	}
	for _, e := range c.Events {
		fmt.Fprintf(&b, "- %s · %s · %s\n", e.At.Format("2006-01-02 15:04:05 -07:00"), e.Source, clean(c.MaskText(e.Text)))
	}
	return b.String()
}

// MaskText masks, by the privacy rule, every personal value of the case
// (also without its "+") where free text quotes it: an error, an event.
func (c *Case) MaskText(s string) string {
	var pairs []string
	for _, f := range c.Fields {
		if v := strings.TrimPrefix(f.Value, "+"); f.Personal && len(v) >= 4 {
			pairs = append(pairs, f.Value, sanitize.MaskMiddle(f.Value), v, sanitize.MaskMiddle(v))
		}
	}
	return strings.NewReplacer(pairs...).Replace(s)
}
