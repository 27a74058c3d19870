package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"qiwidash/qiwiapi"
)

// Kind names a money-moving action. The journal treats the request as opaque
// JSON; the Resender registered for the kind knows what it means.
type Kind string

// Kinds of journaled actions.
const (
	KindWalletPayment  Kind = "wallet.payment"  // sinap payment (transfer, card, mobile, any provider)
	KindConversion     Kind = "wallet.convert"  // sinap payment to provider 1099
	KindInvoicePay     Kind = "wallet.invoice"  // paying an invoice issued to the wallet
	KindAgentTopup     Kind = "agent.topup"     // Top-Up XML pay
	KindMerchantRefund Kind = "merchant.refund" // Pull REST refund
)

// State is where a journaled action stands.
//
//	pending -> sent -> accepted -> final
//	              \-> unknown ---^  (re-asked or re-sent with the same id until known)
type State string

// Journal states.
const (
	StatePending  State = "pending"  // written, not yet handed to the network
	StateSent     State = "sent"     // on the wire; the answer has not been seen
	StateAccepted State = "accepted" // the service took it (RemoteID known); the final status is awaited
	StateUnknown  State = "unknown"  // the answer was lost or unreadable: ask again
	StateFinal    State = "final"    // the outcome is known (see Outcome)
)

// Outcome of a final entry.
type Outcome string

// Outcomes.
const (
	OutcomeSuccess Outcome = "success"
	OutcomeFailed  Outcome = "failed"    // the service refused or the payment failed
	OutcomeAbandon Outcome = "abandoned" // a person gave up on it
	OutcomeNone    Outcome = ""
)

var transitions = map[State][]State{
	StatePending:  {StateSent, StateFinal},
	StateSent:     {StateSent, StateAccepted, StateUnknown, StateFinal},
	StateUnknown:  {StateSent, StateAccepted, StateUnknown, StateFinal},
	StateAccepted: {StateAccepted, StateUnknown, StateFinal},
	StateFinal:    {},
}

func canMove(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Intent is an action about to be sent.
type Intent struct {
	Kind       Kind
	ClientID   string          // the idempotency id sent to the service; unique per kind
	Profile    string          // profile that sends it
	Account    string          // paying wallet / terminal / shop
	Recipient  string          // who gets the money (account, phone, bill id)
	Amount     qiwiapi.Amount  // the sum
	ProviderID int             // provider ("terms") id, 0 when not a sinap payment
	Request    json.RawMessage // everything needed to send it again, verbatim
}

// Entry is one journaled action.
type Entry struct {
	ID int64
	Intent
	State     State
	Outcome   Outcome
	RemoteID  string // the service's transaction id once known
	Attempts  int    // how many times it was sent or asked about
	LastError string
	CreatedAt time.Time
	UpdatedAt time.Time
	SentAt    time.Time
	FinalAt   time.Time
}

// Open reports an entry the journal still has to bring to a final state.
func (e Entry) Open() bool { return e.State != StateFinal }

// Journal is the write-ahead record of money-moving requests.
type Journal struct{ s *Store }

// Journal returns the store's journal.
func (s *Store) Journal() *Journal { return &Journal{s: s} }

// ErrDuplicate is returned by Begin for a client id already journaled for
// the kind by an entry that is still open or succeeded. An id whose earlier
// attempts were all refused or abandoned may be journaled again: nothing
// was paid under it.
var ErrDuplicate = errors.New("this client id is already in the journal")

// Begin writes an intent durably (state pending) before anything is sent.
func (j *Journal) Begin(ctx context.Context, in Intent) (*Entry, error) {
	if in.Kind == "" || in.ClientID == "" {
		return nil, errors.New("journal: kind and client id are required")
	}
	if !json.Valid(in.Request) {
		return nil, errors.New("journal: the request must be JSON")
	}
	now := j.s.now().UnixMilli()
	r, err := j.s.db.ExecContext(ctx, `INSERT INTO journal (kind, client_id, profile, account, recipient, amount, currency, provider_id, request, state, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		string(in.Kind), in.ClientID, in.Profile, in.Account, in.Recipient, in.Amount.Minor, int(in.Amount.Currency), in.ProviderID,
		[]byte(in.Request), string(StatePending), now, now)
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return nil, fmt.Errorf("%w: %s %s", ErrDuplicate, in.Kind, in.ClientID)
		}
		return nil, err
	}
	id, _ := r.LastInsertId()
	return j.Get(ctx, id)
}

// Update moves an entry along the state machine.
type Update struct {
	State    State
	Outcome  Outcome // with StateFinal
	RemoteID string  // "" keeps the known one
	Err      error   // recorded as LastError ("" clears it)
}

// Advance applies u to the entry, refusing moves the state machine does not allow.
// Moving to StateSent counts an attempt.
func (j *Journal) Advance(ctx context.Context, id int64, u Update) (*Entry, error) {
	tx, err := j.s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var cur string
	if err := tx.QueryRowContext(ctx, `SELECT state FROM journal WHERE id = ?`, id).Scan(&cur); err != nil {
		if isNoRows(err) {
			return nil, fmt.Errorf("journal: no entry %d", id)
		}
		return nil, err
	}
	if !canMove(State(cur), u.State) {
		return nil, fmt.Errorf("journal: entry %d cannot go from %s to %s", id, cur, u.State)
	}
	now := j.s.now().UnixMilli()
	msg := ""
	if u.Err != nil {
		msg = u.Err.Error()
	}
	sent, final := 0, 0
	if u.State == StateSent {
		sent = 1
	}
	if u.State == StateFinal {
		final = 1
	}
	_, err = tx.ExecContext(ctx, `UPDATE journal SET state = ?, outcome = ?, last_error = ?, updated_at = ?,
		remote_id = CASE WHEN ? <> '' THEN ? ELSE remote_id END,
		attempts = attempts + ?,
		sent_at = CASE WHEN ? = 1 THEN ? ELSE sent_at END,
		final_at = CASE WHEN ? = 1 THEN ? ELSE final_at END
		WHERE id = ?`,
		string(u.State), string(u.Outcome), msg, now, u.RemoteID, u.RemoteID, sent, sent, now, final, now, id)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return j.Get(ctx, id)
}

const entryCols = `id, kind, client_id, profile, account, recipient, amount, currency, provider_id, request, state, outcome,
	remote_id, attempts, last_error, created_at, updated_at, sent_at, final_at`

type scanner interface{ Scan(...any) error }

func scanEntry(r scanner) (*Entry, error) {
	var e Entry
	var kind, state, outcome string
	var cur int
	var req []byte
	var created, updated, sent, final int64
	if err := r.Scan(&e.ID, &kind, &e.ClientID, &e.Profile, &e.Account, &e.Recipient, &e.Amount.Minor, &cur, &e.ProviderID, &req,
		&state, &outcome, &e.RemoteID, &e.Attempts, &e.LastError, &created, &updated, &sent, &final); err != nil {
		return nil, err
	}
	e.Kind, e.State, e.Outcome = Kind(kind), State(state), Outcome(outcome)
	e.Amount.Currency = qiwiapi.Currency(cur)
	e.Request = json.RawMessage(req)
	e.CreatedAt, e.UpdatedAt = time.UnixMilli(created), time.UnixMilli(updated)
	if sent > 0 {
		e.SentAt = time.UnixMilli(sent)
	}
	if final > 0 {
		e.FinalAt = time.UnixMilli(final)
	}
	return &e, nil
}

// Get reads one entry.
func (j *Journal) Get(ctx context.Context, id int64) (*Entry, error) {
	e, err := scanEntry(j.s.db.QueryRowContext(ctx, `SELECT `+entryCols+` FROM journal WHERE id = ?`, id))
	if isNoRows(err) {
		return nil, fmt.Errorf("journal: no entry %d", id)
	}
	return e, err
}

// Find reads the entry of a kind and client id: the latest attempt when
// the id was journaled again after a refusal.
func (j *Journal) Find(ctx context.Context, kind Kind, clientID string) (*Entry, error) {
	e, err := scanEntry(j.s.db.QueryRowContext(ctx, `SELECT `+entryCols+` FROM journal WHERE kind = ? AND client_id = ? ORDER BY id DESC LIMIT 1`,
		string(kind), clientID))
	if isNoRows(err) {
		return nil, fmt.Errorf("journal: no %s entry %s", kind, clientID)
	}
	return e, err
}

// RecentOptions filter Recent. Zero values match all.
type RecentOptions struct {
	Kinds   []Kind
	Profile string
	Open    bool // only entries not final
	Limit   int  // 0: 100
}

// Recent lists entries newest first: the Payments screen's "recent" list.
func (j *Journal) Recent(ctx context.Context, o RecentOptions) ([]Entry, error) {
	conds := []string{"1"}
	var args []any
	if len(o.Kinds) > 0 {
		conds = append(conds, "kind IN ("+placeholders(len(o.Kinds))+")")
		for _, k := range o.Kinds {
			args = append(args, string(k))
		}
	}
	if o.Profile != "" {
		conds = append(conds, "profile = ?")
		args = append(args, o.Profile)
	}
	if o.Open {
		conds = append(conds, "state <> 'final'")
	}
	if o.Limit <= 0 {
		o.Limit = 100
	}
	args = append(args, o.Limit)
	rows, err := j.s.db.QueryContext(ctx, `SELECT `+entryCols+` FROM journal WHERE `+strings.Join(conds, " AND ")+` ORDER BY created_at DESC, id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// LastClientID is the largest numeric client id of a kind, to seed
// qiwiapi.NewIDGenerator so ids keep increasing across restarts.
func (j *Journal) LastClientID(ctx context.Context, kind Kind) (int64, error) {
	var n *int64
	err := j.s.db.QueryRowContext(ctx, `SELECT max(CAST(client_id AS INTEGER)) FROM journal WHERE kind = ?`, string(kind)).Scan(&n)
	if err != nil || n == nil {
		return 0, err
	}
	return *n, nil
}

// Resender brings an unfinished entry forward. It asks the service about it
// and re-sends it with the SAME client id when the service never saw it (or
// when re-sending is idempotent, as for sinap payments). It returns the
// entry's new state; an error leaves the entry open for the next resume.
// sending is called right before a request that may move money goes out,
// so that the journal records the attempt first.
type Resender interface {
	Resume(ctx context.Context, e Entry, sending func() error) (Update, error)
}

// Resenders routes entries to a Resender by kind.
type Resenders map[Kind]Resender

// Resume implements Resender.
func (m Resenders) Resume(ctx context.Context, e Entry, sending func() error) (Update, error) {
	r, ok := m[e.Kind]
	if !ok {
		return Update{}, errSkip
	}
	return r.Resume(ctx, e, sending)
}

var errSkip = errors.New("no resender for this kind")

// ResumeReport says what Resume did.
type ResumeReport struct {
	Resumed []Entry // entries that moved (final or accepted)
	Open    []Entry // entries still open (an error is in LastError)
	Skipped int     // entries of kinds r does not handle
}

// Resume brings every open entry forward once with r, oldest first. It is
// meant for startup, and for a periodic pass while entries stay open.
func (j *Journal) Resume(ctx context.Context, r Resender) (ResumeReport, error) {
	var rep ResumeReport
	open, err := j.Recent(ctx, RecentOptions{Open: true, Limit: 1000})
	if err != nil {
		return rep, err
	}
	for i := len(open) - 1; i >= 0; i-- {
		e := open[i]
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		sending := func() error {
			_, err := j.Advance(ctx, e.ID, Update{State: StateSent, RemoteID: e.RemoteID})
			return err
		}
		u, rerr := r.Resume(ctx, e, sending)
		if errors.Is(rerr, errSkip) {
			rep.Skipped++
			continue
		}
		cur, err := j.Get(ctx, e.ID)
		if err != nil {
			return rep, err
		}
		if rerr != nil {
			if cur.State == StatePending {
				// Never sent: still safe to send later, so it stays pending.
				_, err = j.s.db.ExecContext(ctx, `UPDATE journal SET last_error = ?, updated_at = ? WHERE id = ?`, rerr.Error(), j.s.now().UnixMilli(), e.ID)
			} else {
				st := cur.State
				if st == StateSent {
					st = StateUnknown
				}
				_, err = j.Advance(ctx, e.ID, Update{State: st, Err: rerr})
			}
			if err != nil {
				return rep, err
			}
			cur, _ = j.Get(ctx, e.ID)
			rep.Open = append(rep.Open, *cur)
			continue
		}
		next, err := j.Advance(ctx, e.ID, u)
		if err != nil {
			return rep, err
		}
		if next.Open() && next.State != StateAccepted {
			rep.Open = append(rep.Open, *next)
		} else {
			rep.Resumed = append(rep.Resumed, *next)
		}
	}
	return rep, nil
}
