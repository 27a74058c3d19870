package search

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
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
	Source string // "journal", "history", "notification", "bill", "refund", "top-up" (SourceIn words it)
	Text   string // no personal data: states, ids, codes and their words
}

// SourceIn names where the event was read, in tr's language (nil: English).
func (e Event) SourceIn(tr *i18n.Tr) string {
	switch e.Source {
	case "journal":
		return tr.T("search.src_journal", nil)
	case "history":
		return tr.T("search.src_history", nil)
	case "notification":
		return tr.T("search.src_notification", nil)
	case "bill":
		return tr.T("search.src_bill", nil)
	case "refund":
		return tr.T("search.src_refund", nil)
	case "top-up":
		return tr.T("search.src_topup", nil)
	}
	return e.Source
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

	tr *i18n.Tr // the language the case is told in (Options.Tr)
}

// Open gathers the case of a hit: its history rows (every leg), the
// journal entries that sent it with each of their changes, the
// notifications received about it, its receipt, its error explained, and
// for bills and top-ups their own status trail. Its words are in o.Tr's
// language.
func Open(ctx context.Context, st *store.Store, h Hit, o Options) (*Case, error) {
	c, err := open(ctx, st, h, o)
	if err != nil {
		return nil, i18n.Errorf("search.err_case", i18n.Args{"Ref": h.Ref}, err)
	}
	return c, nil
}

func open(ctx context.Context, st *store.Store, h Hit, o Options) (*Case, error) {
	own := ownersOf(o)
	c := &Case{Profiles: h.Profiles, Scope: h.Scope, tr: o.Tr}
	switch h.Source {
	case FromHistory:
		c.Title = o.Tr.T("search.title_payment", i18n.Args{"Txn": h.TxnID})
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
		c.Title = o.Tr.T("search.title_journal", i18n.Args{"Kind": capital(kindWords(o.Tr, store.Kind(h.kind))), "Ref": h.Ref})
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
		c.Title = o.Tr.T("search.title_bill", i18n.Args{"ID": h.Ref})
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
		return nil, i18n.Errorf("search.err_open", i18n.Args{"Source": string(h.Source)}, nil)
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
	c.Fields = append(c.Fields, Field{Name: name, Value: a.FormatWith(c.tr.Separators()), Money: true, Amount: a})
}

// capital is s with its first letter upper case ("Платёж…").
func capital(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
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
			return i18n.Errorf("search.err_cached", i18n.Args{"Txn": txnID}, err)
		}
		n++
		tr := c.tr
		// name is a field's name, for the second leg of a conversion with the leg's direction.
		name := func(id string) string {
			if n > 1 {
				return tr.T("search.leg", i18n.Args{"Field": tr.T(id, nil), "Dir": string(t.Type)})
			}
			return tr.T(id, nil)
		}
		if n == 1 {
			c.Scope = wallet
			c.add(tr.T("search.field_wallet", nil), "+"+wallet, true)
			c.add(tr.T("search.field_txn_id", nil), strconv.FormatInt(int64(t.TxnID), 10), false)
			c.Raw = raw
		}
		c.add(name("search.field_direction"), string(t.Type), false)
		c.add(name("search.field_status"), statusWords(t), false)
		c.add(name("search.field_date"), t.Date.Format("2006-01-02 15:04:05 -07:00"), false)
		c.money(name("search.field_amount"), t.Sum)
		if t.Commission.Minor != 0 {
			c.money(name("search.field_commission"), t.Commission)
		}
		if t.Total.Minor != 0 {
			c.money(name("search.field_total"), t.Total)
		}
		c.add(name("search.field_account"), t.Account, true)
		if t.Provider != nil {
			c.add(name("search.field_provider"), strings.TrimSpace(t.Provider.ShortName+" ("+strconv.FormatInt(int64(t.Provider.ID), 10)+")"), false)
		}
		if t.Source != nil {
			c.add(name("search.field_paid_from"), t.Source.ShortName, false)
		}
		c.add(name("search.field_comment"), t.Comment, true)
		c.add(name("search.field_terminal_txn"), string(t.TrmTxnID), false)
		if t.ErrorCode != 0 {
			c.add(name("search.field_error_code"), strconv.Itoa(int(t.ErrorCode)), false)
			c.explain(tr.T("search.explain_error", i18n.Args{"Code": int(t.ErrorCode), "Text": explain.PaymentCode(tr, int(t.ErrorCode))}))
		}
		receipt := tr.T("search.receipt_not_final", nil)
		if t.Features != nil && t.Features.ChequeReady {
			receipt = tr.T("search.receipt_ready", nil)
		} else if t.Status == qiwiapi.StatusError {
			receipt = tr.T("search.receipt_failed", nil)
		}
		c.add(name("search.field_receipt"), receipt, false)
		args := i18n.Args{"Type": strings.ToLower(string(t.Type)), "Dir": string(t.Type), "Txn": int64(t.TxnID), "Status": statusWords(t)}
		if n > 1 {
			c.event(t.Date, "history", tr.T("search.event_dated_leg", args))
		} else {
			c.event(t.Date, "history", tr.T("search.event_dated", args))
		}
		if synced > 0 {
			at := time.UnixMilli(synced)
			if synced < 1e11 { // rows cached before schema 5 kept seconds
				at = time.Unix(synced, 0)
			}
			if n > 1 {
				c.event(at, "history", tr.T("search.event_read_leg", args))
			} else {
				c.event(at, "history", tr.T("search.event_read", args))
			}
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
		tr := c.tr
		// name is a field's name, with the attempt when several entries sent it.
		name := func(id string) string {
			if len(ids) > 1 {
				return tr.T("search.attempt", i18n.Args{"Field": tr.T(id, nil), "N": n + 1})
			}
			return tr.T(id, nil)
		}
		c.add(name("search.field_sent_as"), tr.T("search.sent_as", i18n.Args{"Kind": kindWords(tr, e.Kind), "ID": e.ClientID}), false)
		c.add(name("search.field_journal_state"), stateWords(tr, e.State.String()), false)
		if e.RemoteID != "" {
			c.add(name("search.field_qiwi_id"), e.RemoteID, false)
		}
		if c.Scope == "" {
			c.Scope = strings.TrimPrefix(e.Account, "+")
		}
		c.add(name("search.field_sent_from"), e.Account, true)
		c.add(name("search.field_recipient"), e.Recipient, true)
		if !slices.ContainsFunc(c.Fields, func(f Field) bool { return f.Money }) {
			c.money(tr.T("search.field_amount", nil), e.Amount)
		}
		c.add(name("search.field_requests"), strconv.Itoa(e.Attempts), false)
		if e.Kind == store.KindAgentTopup {
			if tp, err := moves.TopupOf(*e); err == nil {
				s := tp.State
				c.add(tr.T("search.field_topup_status", nil), strconv.Itoa(int(s.Status))+" "+explain.TopUpStatus(tr, s.Status), false)
				if s.TxnID != "" {
					c.add(tr.T("search.field_topup_id", nil), s.TxnID, false)
				}
				if s.Result != 0 {
					result := strconv.Itoa(int(s.Result)) + " " + explain.TopUpResult(tr, s.Result)
					c.add(tr.T("search.field_result", nil), result, false)
					c.explain(tr.T("search.explain_result", i18n.Args{"Result": result}))
				}
				if tp.LastCode != 0 {
					c.explain(tr.T("search.explain_request", i18n.Args{"Code": strconv.Itoa(int(tp.LastCode)) + " " + explain.TopUpRequest(tr, tp.LastCode)}))
				}
				if note := explain.TopUpNote(tr, s); note != "" {
					c.explain(note)
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
		tr := c.tr
		args := i18n.Args{"ID": e.ClientID, "N": attempts, "State": stateWords(tr, state), "Outcome": stateWords(tr, outcome)}
		var text string
		switch {
		case n == 1:
			text = tr.T("search.event_journaled", args)
		case state == "sent" && attempts > 1 && attempts > lastAttempts:
			text = tr.T("search.event_sent_again", args)
		case state == "sent":
			text = tr.T("search.event_sent", args)
		case state == "final":
			text = tr.T("search.event_final", args)
		case attempts > lastAttempts:
			text = tr.T("search.event_state_request", args)
		default:
			text = stateWords(tr, state)
		}
		if remote != "" && remote != lastRemote {
			text = tr.T("search.event_qiwi_id", i18n.Args{"Text": text, "ID": remote})
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
		tr := c.tr
		args := i18n.Args{"Status": strings.TrimSuffix(status, "?")}
		var text string
		switch {
		case kind == "bill" && strings.HasSuffix(status, "?"):
			text = tr.T("search.event_callback_unconfirmed", args)
		case kind == "bill":
			text = tr.T("search.event_callback", args)
		case strings.HasSuffix(status, "?"):
			text = tr.T("search.event_webhook_unconfirmed", args)
		case kind == "wallet":
			text = tr.T("search.event_webhook_confirmed", args)
		default:
			text = tr.T("search.event_webhook", args)
		}
		if msgID != "" {
			text = tr.T("search.event_message", i18n.Args{"Text": text, "ID": msgID})
		}
		c.event(time.UnixMilli(at), "notification", text)
	}
	if n == 0 {
		c.add(c.tr.T("search.field_notifications", nil), c.tr.T("search.notifications_none", nil), false)
	} else {
		c.add(c.tr.T("search.field_notifications", nil), c.tr.N("search.notifications_verified", n, nil), false)
	}
	return rows.Err()
}

// bill adds a merchant bill and its refunds.
func (c *Case) bill(ctx context.Context, st *store.Store, kind, id string) error {
	var b bills.Bill
	if err := st.Get(ctx, kind, id, &b); err != nil {
		return err
	}
	tr := c.tr
	c.Scope = bills.ShopOf(kind)
	c.add(tr.T("search.field_shop", nil), c.Scope, false)
	c.add(tr.T("search.field_bill_id", nil), b.ID, false)
	c.add(tr.T("search.field_status", nil), Hit{Source: FromBill, Status: billStatus(b)}.StatusIn(tr)+" "+statusMeaning(tr, b), false)
	c.money(tr.T("search.field_amount", nil), b.Amount)
	c.add(tr.T("search.field_payer", nil), b.Payer, true)
	c.add(tr.T("search.field_comment", nil), b.Comment, true)
	if !b.Lifetime.IsZero() {
		c.add(tr.T("search.field_pay_by", nil), b.Lifetime.Format("2006-01-02 15:04:05 -07:00"), false)
	}
	if b.LastError != "" {
		c.explain(b.LastError)
	}
	c.event(b.Created, "bill", tr.T("search.event_issued", i18n.Args{"ID": b.ID}))
	if !b.Updated.IsZero() && b.Status != "" {
		if b.ViaCallback {
			c.event(b.Updated, "bill", tr.T("search.event_bill_callback", i18n.Args{"Status": string(b.Status)}))
		} else {
			c.event(b.Updated, "bill", tr.T("search.event_bill_read", i18n.Args{"Status": string(b.Status)}))
		}
	}
	for _, r := range b.Refunds {
		st := string(r.Status)
		if st == "" {
			st = tr.T("search.refund_unconfirmed", nil)
		}
		c.event(r.Created, "refund", tr.T("search.event_refund", i18n.Args{"ID": r.ID, "Amount": r.Amount.FormatWith(tr.Separators()), "Status": st}))
		if r.LastError != "" {
			c.explain(tr.T("search.explain_refund", i18n.Args{"ID": r.ID, "Why": r.LastError}))
		}
	}
	return nil
}

func statusMeaning(tr *i18n.Tr, b bills.Bill) string {
	if b.Status == "" {
		return ""
	}
	return "(" + explain.PullBillStatus(tr, b.Status) + ")"
}

// Report is the case as Markdown for a ticket, in the case's language:
// every field, the timeline, the explanation. Personal data is masked by the privacy rule
// (sanitize.MaskMiddle), also where a personal value is quoted in the
// timeline or an error; there is no secret in a case to leave out (it
// holds no token, password, request body or raw answer), and every value
// passes sanitize.Text, so the report is safe to paste into a terminal.
func (c *Case) Report() string {
	tr := c.tr
	var b strings.Builder
	clean := func(s string) string { return strings.ReplaceAll(sanitize.Text(s), "|", "\\|") }
	fmt.Fprintf(&b, "# %s\n\n", clean(c.Title))
	if len(c.Profiles) > 0 {
		b.WriteString(tr.T("search.report_profile", i18n.Args{"Names": clean(strings.Join(c.Profiles, ", "))}) + "\n\n")
	}
	b.WriteString(tr.T("search.report_table", nil) + "\n|---|---|\n")
	for _, f := range c.Fields {
		v := f.Value
		if f.Personal {
			v = sanitize.MaskMiddle(v)
		}
		fmt.Fprintf(&b, "| %s | %s |\n", clean(f.Name), clean(v))
	}
	if c.Explanation != "" {
		b.WriteString("\n## " + tr.T("search.what_went_wrong", nil) + "\n\n")
		for _, l := range strings.Split(c.Explanation, "\n") {
			fmt.Fprintf(&b, "- %s\n", clean(c.MaskText(l)))
		}
	}
	b.WriteString("\n## " + tr.T("search.timeline", nil) + "\n\n")
	if len(c.Events) == 0 {
		b.WriteString("- " + tr.T("search.nothing_recorded", nil) + "\n")
	}
	for _, e := range c.Events {
		fmt.Fprintf(&b, "- %s · %s · %s\n", e.At.Format("2006-01-02 15:04:05 -07:00"), e.SourceIn(tr), clean(c.MaskText(e.Text)))
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
