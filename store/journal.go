package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"qiwidash/i18n"
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

// State is where a journaled money move stands. It is the one state type
// of every saga (store/moves) and of the screens that show them.
//
//	pending -> sent -> accepted -> succeeded | failed
//	              \-> unknown ---^  (re-asked, or re-sent with the same id, until known)
//	any open state -> held (a fatal answer: waits for a person) -> resumed
type State int

// Journal states. Succeeded, Failed and Abandoned are final.
const (
	StatePending   State = iota // written, not yet handed to the network (or still being checked)
	StateSent                   // on the wire; the answer has not been seen
	StateAccepted               // the service took it (RemoteID known); the final status is awaited
	StateUnknown                // the answer was lost or unreadable: ask again, never "failed"
	StateHeld                   // a fatal answer: nothing is retried until a person acts
	StateSucceeded              // final: done (paid, credited)
	StateFailed                 // final: refused, or failed with the money returned
	StateAbandoned              // final: a person gave up on it
)

var stateNames = [...]string{"pending", "sent", "accepted", "unknown", "held", "succeeded", "failed", "abandoned"}

func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "invalid"
}

// Final reports a state nothing moves out of.
func (s State) Final() bool {
	return s == StateSucceeded || s == StateFailed || s == StateAbandoned
}

// row is how the state is kept in the journal table: open states by name,
// final ones as "final" with an outcome (the table's unique index lets a
// client id be journaled again after a final non-success).
func (s State) row() (state, outcome string) {
	switch s {
	case StateSucceeded:
		return "final", "success"
	case StateFailed:
		return "final", "failed"
	case StateAbandoned:
		return "final", "abandoned"
	}
	return s.String(), ""
}

func stateOfRow(state, outcome string) State {
	if state == "final" {
		switch outcome {
		case "success":
			return StateSucceeded
		case "abandoned":
			return StateAbandoned
		}
		return StateFailed
	}
	for i, n := range stateNames {
		if n == state {
			return State(i)
		}
	}
	return StateUnknown // never guess a final state from an unreadable row
}

var transitions = map[State][]State{
	StatePending:  {StatePending, StateSent, StateHeld, StateFailed, StateAbandoned},
	StateSent:     {StateSent, StateAccepted, StateUnknown, StateHeld, StateSucceeded, StateFailed},
	StateUnknown:  {StateSent, StateAccepted, StateUnknown, StateHeld, StateSucceeded, StateFailed},
	StateAccepted: {StateAccepted, StateUnknown, StateHeld, StateSucceeded, StateFailed},
	StateHeld:     {StatePending, StateSent, StateAccepted, StateUnknown, StateHeld, StateSucceeded, StateFailed, StateAbandoned},
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
	RemoteID  string // the service's transaction id once known
	Attempts  int    // how many requests were made for it (counted before each leaves)
	LastError string
	// Progress is the saga's own record beyond the request (the top-up
	// state machine); empty for sagas that need none.
	Progress  json.RawMessage
	CreatedAt time.Time
	UpdatedAt time.Time
	SentAt    time.Time
	FinalAt   time.Time
	// StatusAskedAt is when a status request about it last went out (zero:
	// never), whether or not its answer came back.
	StatusAskedAt time.Time
}

// Open reports an entry the journal still has to bring to a final state.
func (e Entry) Open() bool { return !e.State.Final() }

// TxnID is the service's transaction id as a number (0 when not known or
// not numeric).
func (e Entry) TxnID() int64 {
	n, _ := strconv.ParseInt(e.RemoteID, 10, 64)
	return n
}

// Journal is the write-ahead record of money-moving requests.
type Journal struct{ s *Store }

// Journal returns the store's journal.
func (s *Store) Journal() *Journal { return &Journal{s: s} }

// ErrDuplicate is returned by Begin for a client id already journaled for
// the kind by an entry that is still open or succeeded. An id whose earlier
// attempts were all refused or abandoned may be journaled again: nothing
// was paid under it.
var ErrDuplicate = errors.New("this client id is already in the journal")

// ErrNoEntry is returned by Find for a client id never journaled.
var ErrNoEntry = errors.New("no journal entry")

// Begin writes an intent durably (state pending) before anything is sent.
func (j *Journal) Begin(ctx context.Context, in Intent) (*Entry, error) {
	if in.Kind == "" || in.ClientID == "" {
		return nil, errors.New("journal: kind and client id are required")
	}
	if !json.Valid(in.Request) {
		return nil, errors.New("journal: the request must be JSON")
	}
	now := j.s.now().UnixMilli()
	st, _ := StatePending.row()
	r, err := j.s.db.ExecContext(ctx, `INSERT INTO journal (kind, client_id, profile, account, recipient, amount, currency, provider_id, request, state, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		string(in.Kind), in.ClientID, in.Profile, in.Account, in.Recipient, in.Amount.Minor, int(in.Amount.Currency), in.ProviderID,
		[]byte(in.Request), st, now, now)
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return nil, i18n.Errorf("store.journal.duplicate", i18n.Args{"Kind": in.Kind, "ClientID": in.ClientID}, ErrDuplicate)
		}
		return nil, err
	}
	id, _ := r.LastInsertId()
	return j.Get(ctx, id)
}

// Update moves an entry along the state machine.
type Update struct {
	State    State
	RemoteID string          // "" keeps the known one
	Err      error           // recorded as LastError (nil clears it)
	Progress json.RawMessage // nil keeps the saga's progress
	Attempt  bool            // a request is about to leave (StateSent always counts one)
	// StatusAskedAt, when set, records that a status request leaves now
	// (the saga's clock); zero keeps the recorded time.
	StatusAskedAt time.Time
}

// Advance applies u to the entry, refusing moves the state machine does not allow.
// Moving to StateSent (or an Update with Attempt) counts an attempt.
func (j *Journal) Advance(ctx context.Context, id int64, u Update) (*Entry, error) {
	tx, err := j.s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var curState, curOutcome string
	if err := tx.QueryRowContext(ctx, `SELECT state, outcome FROM journal WHERE id = ?`, id).Scan(&curState, &curOutcome); err != nil {
		if isNoRows(err) {
			return nil, fmt.Errorf("journal: no entry %d", id)
		}
		return nil, err
	}
	if cur := stateOfRow(curState, curOutcome); !canMove(cur, u.State) {
		return nil, fmt.Errorf("journal: entry %d cannot go from %s to %s", id, cur, u.State)
	}
	now := j.s.now().UnixMilli()
	msg := ""
	if u.Err != nil {
		msg = u.Err.Error()
	}
	sent, final, attempt := 0, 0, 0
	if u.State == StateSent {
		sent = 1
	}
	if sent == 1 || u.Attempt {
		attempt = 1
	}
	if u.State.Final() {
		final = 1
	}
	keep := 1
	if u.Progress != nil {
		keep = 0
	}
	asked := int64(0)
	if !u.StatusAskedAt.IsZero() {
		asked = u.StatusAskedAt.UnixMilli()
	}
	state, outcome := u.State.row()
	_, err = tx.ExecContext(ctx, `UPDATE journal SET state = ?, outcome = ?, last_error = ?, updated_at = ?,
		remote_id = CASE WHEN ? <> '' THEN ? ELSE remote_id END,
		attempts = attempts + ?,
		progress = CASE WHEN ? = 1 THEN progress ELSE ? END,
		sent_at = CASE WHEN ? = 1 THEN ? ELSE sent_at END,
		final_at = CASE WHEN ? = 1 THEN ? ELSE final_at END,
		status_asked_at = CASE WHEN ? > 0 THEN ? ELSE status_asked_at END
		WHERE id = ?`,
		state, outcome, msg, now, u.RemoteID, u.RemoteID, attempt, keep, []byte(u.Progress), sent, now, final, now, asked, asked, id)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return j.Get(ctx, id)
}

const entryCols = `id, kind, client_id, profile, account, recipient, amount, currency, provider_id, request, state, outcome,
	remote_id, attempts, last_error, progress, created_at, updated_at, sent_at, final_at, status_asked_at`

type scanner interface{ Scan(...any) error }

func scanEntry(r scanner) (*Entry, error) {
	var e Entry
	var kind, state, outcome string
	var cur int
	var req, progress []byte
	var created, updated, sent, final, asked int64
	if err := r.Scan(&e.ID, &kind, &e.ClientID, &e.Profile, &e.Account, &e.Recipient, &e.Amount.Minor, &cur, &e.ProviderID, &req,
		&state, &outcome, &e.RemoteID, &e.Attempts, &e.LastError, &progress, &created, &updated, &sent, &final, &asked); err != nil {
		return nil, err
	}
	e.Kind, e.State = Kind(kind), stateOfRow(state, outcome)
	if len(progress) > 0 {
		e.Progress = json.RawMessage(progress)
	}
	e.Amount.Currency = qiwiapi.Currency(cur)
	e.Request = json.RawMessage(req)
	e.CreatedAt, e.UpdatedAt = time.UnixMilli(created), time.UnixMilli(updated)
	if sent > 0 {
		e.SentAt = time.UnixMilli(sent)
	}
	if final > 0 {
		e.FinalAt = time.UnixMilli(final)
	}
	if asked > 0 {
		e.StatusAskedAt = time.UnixMilli(asked)
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
		return nil, fmt.Errorf("journal: %s %s: %w", kind, clientID, ErrNoEntry)
	}
	return e, err
}

// RecentOptions filter Recent. Zero values match all.
type RecentOptions struct {
	Kinds   []Kind
	Profile string
	// Account matches the paying wallet (with or without "+"), terminal or shop.
	Account string
	Open    bool // only entries not final
	// Latest lists a client id journaled again after a refusal once, as
	// its latest attempt.
	Latest bool
	Limit  int // 0: 100
}

// Recent lists entries newest first: the screens' lists.
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
	if a := strings.TrimPrefix(o.Account, "+"); a != "" {
		conds = append(conds, "account IN (?, ?)")
		args = append(args, a, "+"+a)
	}
	if o.Open {
		conds = append(conds, "state <> 'final'")
	}
	where := strings.Join(conds, " AND ")
	if o.Latest {
		where = "id IN (SELECT max(id) FROM journal WHERE " + where + " GROUP BY kind, client_id)"
	}
	if o.Limit <= 0 {
		o.Limit = 100
	}
	args = append(args, o.Limit)
	rows, err := j.s.db.QueryContext(ctx, `SELECT `+entryCols+` FROM journal WHERE `+where+` ORDER BY created_at DESC, id DESC LIMIT ?`, args...)
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

// MaxClientID is the largest numeric client id of a kind ("" when none),
// compared as a number of any length: it seeds the id generators so ids
// keep increasing across restarts.
func (j *Journal) MaxClientID(ctx context.Context, kind Kind) (string, error) {
	var id string
	err := j.s.db.QueryRowContext(ctx, `SELECT client_id FROM journal WHERE kind = ? AND client_id <> '' AND client_id NOT GLOB '*[^0-9]*'
		ORDER BY length(ltrim(client_id, '0')) DESC, ltrim(client_id, '0') DESC LIMIT 1`, string(kind)).Scan(&id)
	if isNoRows(err) {
		return "", nil
	}
	return id, err
}

// BeginOrResume journals an intent idempotently: when the client id's
// latest attempt is still open and is the same intent (amount and
// recipient), that entry is returned as it is; when the latest attempt was
// refused or abandoned, a new attempt is journaled; when it succeeded, or
// is open with another amount or recipient, ErrDuplicate is returned.
func (j *Journal) BeginOrResume(ctx context.Context, in Intent) (*Entry, error) {
	e, err := j.Find(ctx, in.Kind, in.ClientID)
	if errors.Is(err, ErrNoEntry) {
		return j.Begin(ctx, in)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case e.State.Final() && e.State != StateSucceeded:
		return j.Begin(ctx, in)
	case e.State.Final():
		return nil, i18n.Errorf("store.journal.succeeded", i18n.Args{"Kind": in.Kind, "ClientID": in.ClientID}, ErrDuplicate)
	case e.Amount != in.Amount || e.Recipient != in.Recipient:
		return nil, i18n.Errorf("store.journal.open", i18n.Args{"Kind": in.Kind, "ClientID": in.ClientID, "Amount": e.Amount.Decimal(),
			"Recipient": e.Recipient}, ErrDuplicate)
	}
	return e, nil
}
