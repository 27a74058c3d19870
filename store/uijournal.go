package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"qiwidash/qiwiapi"
)

// The kinds and states the screens speak (ui/common.Journal).
const (
	UIKindPayment = "payment" // a sinap payment or a conversion; the request is a qiwiapi.Payment
	UIKindInvoice = "invoice" // paying an invoice issued to the wallet
	// UIKindConversion is how Recent reports a conversion (a payment to
	// provider 1099); Begin takes it as a synonym of UIKindPayment.
	UIKindConversion = "conversion"

	UIStateSent     = "sent"     // about to go out (again)
	UIStateAccepted = "accepted" // QIWI took it; txnID is its id
	UIStateUnknown  = "unknown"  // no readable answer: may be re-sent with the same id
	UIStateFinal    = "final"    // the outcome is known: success when lastError is "", failed otherwise

	// States only Recent reports: where an entry stands, final ones by outcome.
	UIStatePending   = "pending"   // journaled, never handed to the network
	UIStateSuccess   = "success"   // final: paid
	UIStateFailed    = "failed"    // final: refused or failed, nothing paid
	UIStateAbandoned = "abandoned" // final: a person gave up on it
)

// uiKinds are the journal kinds a UIJournal looks client ids up in.
var uiKinds = []Kind{KindWalletPayment, KindConversion, KindInvoicePay}

// UIJournal is the journal as the wallet screens use it (Payments,
// Invoices): it satisfies ui/common.Journal. Calls come from tea.Cmds.
//
// Begin for a client id that is already journaled and still open resumes
// that intent (a retry after a lost answer, or after a restart) instead of
// failing. A client id whose last attempt was refused or abandoned starts a
// new attempt, so the same unpaid invoice can be paid again after a failure.
// A client id that already succeeded is refused: it would pay twice.
type UIJournal struct {
	j       *Journal
	profile string
	account string
}

// UIJournal returns the journal for the screens of one profile and wallet.
func (s *Store) UIJournal(profile, wallet string) *UIJournal {
	return &UIJournal{j: s.Journal(), profile: profile, account: wallet}
}

// Begin records an intent before it is first sent.
func (u *UIJournal) Begin(kind, recipient string, amount qiwiapi.Amount, clientID string, request any) error {
	in := Intent{ClientID: clientID, Profile: u.profile, Account: u.account, Recipient: recipient, Amount: amount}
	switch kind {
	case UIKindPayment, UIKindConversion:
		in.Kind = KindWalletPayment
		p, ok := asPayment(request)
		if ok {
			// The form WalletResender can send again after a restart.
			in.Kind, in.ProviderID, in.Request = PaymentKind(p), p.Provider, encodePayment(p)
			if p.ID != clientID {
				return fmt.Errorf("journal: payment id %s differs from client id %s", p.ID, clientID)
			}
		}
	case UIKindInvoice:
		in.Kind = KindInvoicePay
	default:
		return fmt.Errorf("journal: unknown kind %q", kind)
	}
	if in.Request == nil {
		b, err := json.Marshal(request)
		if err != nil {
			return fmt.Errorf("journal: request: %w", err)
		}
		in.Request = b
	}
	_, err := u.j.BeginOrResume(context.Background(), in)
	return err
}

func asPayment(v any) (qiwiapi.Payment, bool) {
	switch p := v.(type) {
	case qiwiapi.Payment:
		return p, true
	case *qiwiapi.Payment:
		if p != nil {
			return *p, true
		}
	}
	return qiwiapi.Payment{}, false
}

// Update records what happened to the latest attempt of clientID. State is
// one of the UIState* strings; txnID (when not 0) is QIWI's transaction id.
// Moves the screens skip (an answer without a recorded "sent") are filled
// in; "sent" after a refusal opens a new attempt; "final" on a final entry
// with the same outcome is a no-op.
func (u *UIJournal) Update(clientID, state, lastError string, txnID int64) error {
	ctx := context.Background()
	e, err := u.j.latest(ctx, clientID, uiKinds)
	if err != nil {
		return err
	}
	var lastErr error
	if lastError != "" {
		lastErr = errors.New(lastError)
	}
	remote := ""
	if txnID != 0 {
		remote = strconv.FormatInt(txnID, 10)
	}
	switch state {
	case UIStateSent:
		if e.State == StateFinal {
			if e.Outcome == OutcomeSuccess {
				return fmt.Errorf("journal: %s %s already succeeded; sending it again would pay twice", e.Kind, clientID)
			}
			if e, err = u.j.BeginOrResume(ctx, e.Intent); err != nil {
				return err
			}
		}
		_, err = u.j.Advance(ctx, e.ID, Update{State: StateSent, RemoteID: remote})
		return err
	case UIStateAccepted, UIStateUnknown:
		if e.State == StatePending {
			if e, err = u.j.Advance(ctx, e.ID, Update{State: StateSent}); err != nil {
				return err
			}
		}
		_, err = u.j.Advance(ctx, e.ID, Update{State: State(state), RemoteID: remote, Err: lastErr})
		return err
	case UIStateFinal:
		out := OutcomeSuccess
		if lastError != "" {
			out = OutcomeFailed
		}
		if e.State == StateFinal {
			if e.Outcome == out {
				return nil
			}
			return fmt.Errorf("journal: %s %s is already final (%s), not %s", e.Kind, clientID, e.Outcome, out)
		}
		_, err = u.j.Advance(ctx, e.ID, Update{State: StateFinal, Outcome: out, RemoteID: remote, Err: lastErr})
		return err
	}
	return fmt.Errorf("journal: unknown state %q", state)
}

// UIEntry is one journaled payment, conversion or invoice payment as the
// wallet screens list it (see UIJournal.Recent).
type UIEntry struct {
	ClientID  string
	Kind      string // UIKindPayment, UIKindConversion or UIKindInvoice
	Provider  int    // the sinap provider id; 0 for invoices
	Recipient string // as the screen described it when it was journaled
	Amount    qiwiapi.Amount
	// State is UIStatePending, UIStateSent, UIStateAccepted or
	// UIStateUnknown while open; UIStateSuccess, UIStateFailed or
	// UIStateAbandoned once final.
	State     string
	LastError string
	TxnID     int64           // QIWI's transaction id; 0 when not known
	Request   json.RawMessage // as journaled (DecodePayment reads a payment's)
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Open reports an entry whose outcome is not known yet.
func (e UIEntry) Open() bool {
	switch e.State {
	case UIStateSuccess, UIStateFailed, UIStateAbandoned:
		return false
	}
	return true
}

// Recent lists the wallet's payments, conversions and invoice payments,
// newest first, at most n (n <= 0: 100), from every run and every profile
// that journaled them for this wallet (a UIJournal without a wallet lists
// its profile's). A client id journaled again after a refusal is listed
// once, as its latest attempt.
func (u *UIJournal) Recent(ctx context.Context, n int) ([]UIEntry, error) {
	if n <= 0 {
		n = 100
	}
	var args []any
	for _, k := range uiKinds {
		args = append(args, string(k))
	}
	owner := "profile = ?"
	if w := strings.TrimPrefix(u.account, "+"); w != "" {
		owner = "account IN (?, ?)"
		args = append(args, w, "+"+w)
	} else {
		args = append(args, u.profile)
	}
	args = append(args, n)
	rows, err := u.j.s.db.QueryContext(ctx, `SELECT `+entryCols+` FROM journal WHERE id IN (
			SELECT max(id) FROM journal WHERE kind IN (`+placeholders(len(uiKinds))+`) AND `+owner+` GROUP BY kind, client_id)
		ORDER BY created_at DESC, id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UIEntry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, uiEntry(*e))
	}
	return out, rows.Err()
}

// uiEntry describes a journal entry in the screens' words.
func uiEntry(e Entry) UIEntry {
	ue := UIEntry{ClientID: e.ClientID, Provider: e.ProviderID, Recipient: e.Recipient, Amount: e.Amount,
		State: string(e.State), LastError: e.LastError, Request: e.Request, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
	switch e.Kind {
	case KindConversion:
		ue.Kind = UIKindConversion
	case KindInvoicePay:
		ue.Kind = UIKindInvoice
	default:
		ue.Kind = UIKindPayment
	}
	if e.State == StateFinal {
		switch e.Outcome {
		case OutcomeSuccess:
			ue.State = UIStateSuccess
		case OutcomeAbandon:
			ue.State = UIStateAbandoned
		default:
			ue.State = UIStateFailed
		}
	}
	ue.TxnID, _ = strconv.ParseInt(e.RemoteID, 10, 64)
	return ue
}

// BeginOrResume journals an intent idempotently: when the client id's
// latest attempt is still open and is the same intent (amount and
// recipient), that entry is returned as it is; when the latest attempt was
// refused or abandoned, a new attempt is journaled; when it succeeded, or
// is open with another amount or recipient, ErrDuplicate is returned.
func (j *Journal) BeginOrResume(ctx context.Context, in Intent) (*Entry, error) {
	e, err := j.latest(ctx, in.ClientID, []Kind{in.Kind})
	if errors.Is(err, errNoEntry) {
		return j.Begin(ctx, in)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case e.State == StateFinal && e.Outcome != OutcomeSuccess:
		return j.Begin(ctx, in)
	case e.State == StateFinal:
		return nil, fmt.Errorf("%w: %s %s already succeeded", ErrDuplicate, in.Kind, in.ClientID)
	case e.Amount != in.Amount || e.Recipient != in.Recipient:
		return nil, fmt.Errorf("%w: %s %s is open for %s to %s", ErrDuplicate, in.Kind, in.ClientID, e.Amount.Decimal(), e.Recipient)
	}
	return e, nil
}

var errNoEntry = errors.New("no journal entry")

// latest is the newest entry of clientID among kinds.
func (j *Journal) latest(ctx context.Context, clientID string, kinds []Kind) (*Entry, error) {
	args := []any{clientID}
	for _, k := range kinds {
		args = append(args, string(k))
	}
	e, err := scanEntry(j.s.db.QueryRowContext(ctx, `SELECT `+entryCols+` FROM journal WHERE client_id = ? AND kind IN (`+placeholders(len(kinds))+`)
		ORDER BY id DESC LIMIT 1`, args...))
	if isNoRows(err) {
		return nil, fmt.Errorf("journal: client id %s: %w", clientID, errNoEntry)
	}
	return e, err
}

// WalletResenders routes the wallet's payments and conversions to one
// WalletResender, for Journal.Resume at start-up. *qiwiapi.Client's
// Payments and History services fit; history may be nil. Entries journaled
// for another wallet (another profile's) are skipped: they must never be
// sent with this wallet's token.
func WalletResenders(wallet string, payments WalletPayer, history TxnReader) Resenders {
	r := walletOnly{wallet: strings.TrimPrefix(wallet, "+"), r: WalletResender{Payments: payments, History: history}}
	return Resenders{KindWalletPayment: r, KindConversion: r}
}

// walletOnly resumes the entries of one paying wallet and skips the rest.
type walletOnly struct {
	wallet string
	r      WalletResender
}

func (w walletOnly) Resume(ctx context.Context, e Entry, sending func() error) (Update, error) {
	if w.wallet == "" || strings.TrimPrefix(e.Account, "+") != w.wallet {
		return Update{}, errSkip
	}
	return w.r.Resume(ctx, e, sending)
}
