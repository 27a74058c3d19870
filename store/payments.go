package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"qiwidash/qiwiapi"
)

// WalletPayer sends sinap payments; *qiwiapi.PaymentsService implements it.
type WalletPayer interface {
	Pay(ctx context.Context, p qiwiapi.Payment) (*qiwiapi.PaymentInfo, *qiwiapi.Response, error)
}

// TxnReader reads one transaction; *qiwiapi.HistoryService implements it.
type TxnReader interface {
	Transaction(ctx context.Context, id int64, typ qiwiapi.TxnType) (*qiwiapi.Transaction, *qiwiapi.Response, error)
}

// paymentRequest is the journaled form of a sinap payment: all that is
// needed to send it again with the same id.
type paymentRequest struct {
	Provider int               `json:"provider"`
	ID       string            `json:"id"`
	Amount   string            `json:"amount"` // exact decimal
	Currency int               `json:"currency"`
	Comment  string            `json:"comment,omitempty"`
	Fields   map[string]string `json:"fields"`
}

func encodePayment(p qiwiapi.Payment) json.RawMessage {
	b, _ := json.Marshal(paymentRequest{Provider: p.Provider, ID: p.ID, Amount: p.Sum.Decimal(), Currency: int(p.Sum.Currency), Comment: p.Comment, Fields: p.Fields})
	return b
}

// DecodePayment reads a journaled sinap payment back.
func DecodePayment(raw json.RawMessage) (qiwiapi.Payment, error) {
	var r paymentRequest
	if err := json.Unmarshal(raw, &r); err != nil {
		return qiwiapi.Payment{}, fmt.Errorf("journal: payment request unreadable: %w", err)
	}
	sum, err := qiwiapi.ParseAmount(r.Amount, qiwiapi.Currency(r.Currency))
	if err != nil {
		return qiwiapi.Payment{}, fmt.Errorf("journal: payment amount: %w", err)
	}
	return qiwiapi.Payment{Provider: r.Provider, ID: r.ID, Sum: sum, Comment: r.Comment, Fields: r.Fields}, nil
}

// PaymentKind is the journal kind of a sinap payment.
func PaymentKind(p qiwiapi.Payment) Kind {
	if p.Provider == qiwiapi.ProviderConversion {
		return KindConversion
	}
	return KindWalletPayment
}

// Pay journals a sinap payment, then sends it: the entry is durable before
// the request leaves, and the answer moves it to accepted (with QIWI's txn
// id), failed (a refusal), or unknown (no readable answer: Resume re-sends
// it with the same id, which QIWI answers with the original payment).
func (j *Journal) Pay(ctx context.Context, payer WalletPayer, profile, wallet string, p qiwiapi.Payment) (*Entry, *qiwiapi.PaymentInfo, error) {
	if err := p.Validate(); err != nil {
		return nil, nil, err
	}
	e, err := j.Begin(ctx, Intent{
		Kind: PaymentKind(p), ClientID: p.ID, Profile: profile, Account: wallet,
		Recipient: p.Fields["account"], Amount: p.Sum, ProviderID: p.Provider, Request: encodePayment(p),
	})
	if err != nil {
		return nil, nil, err
	}
	if e, err = j.Advance(ctx, e.ID, Update{State: StateSent}); err != nil {
		return nil, nil, err
	}
	info, _, perr := payer.Pay(ctx, p)
	u := paymentUpdate(info, perr)
	next, err := j.Advance(context.WithoutCancel(ctx), e.ID, u)
	if err != nil {
		return e, info, errors.Join(perr, err)
	}
	return next, info, perr
}

// paymentUpdate maps a sinap answer to the journal.
func paymentUpdate(info *qiwiapi.PaymentInfo, err error) Update {
	if err == nil {
		return Update{State: StateAccepted, RemoteID: strconv.FormatInt(info.TxnID(), 10)}
	}
	if Refused(err) {
		return Update{State: StateFinal, Outcome: OutcomeFailed, Err: err}
	}
	return Update{State: StateUnknown, Err: err}
}

// Refused reports a sinap error that proves the payment was not made: QIWI
// answered 4xx (other than 423, "try again"). Network errors, 5xx and
// unreadable answers leave the outcome unknown.
func Refused(err error) bool {
	var apiErr *qiwiapi.Error
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && !errors.Is(err, qiwiapi.ErrRateLimited)
}

// WalletResender resumes sinap payments (and conversions): an accepted one
// is looked up in history until final; one whose answer was never seen is
// sent again with the same id.
type WalletResender struct {
	Payments WalletPayer
	History  TxnReader // nil: accepted entries are left for the history screen
}

// Resume implements Resender.
func (r WalletResender) Resume(ctx context.Context, e Entry, sending func() error) (Update, error) {
	if e.State == StateAccepted && e.RemoteID != "" {
		if r.History == nil {
			return Update{State: StateAccepted}, nil
		}
		id, err := strconv.ParseInt(e.RemoteID, 10, 64)
		if err != nil {
			return Update{}, fmt.Errorf("journal: txn id %q: %w", e.RemoteID, err)
		}
		t, _, err := r.History.Transaction(ctx, id, qiwiapi.TypeOut)
		if errors.Is(err, qiwiapi.ErrNotFound) {
			return Update{State: StateAccepted}, nil // history lags behind payments
		}
		if err != nil {
			return Update{}, err
		}
		switch t.Status {
		case qiwiapi.StatusSuccess:
			return Update{State: StateFinal, Outcome: OutcomeSuccess}, nil
		case qiwiapi.StatusError:
			msg := t.ErrorText()
			if msg == "" && t.Error != nil {
				msg = *t.Error
			}
			return Update{State: StateFinal, Outcome: OutcomeFailed, Err: errors.New(msg)}, nil
		}
		return Update{State: StateAccepted}, nil
	}
	p, err := DecodePayment(e.Request)
	if err != nil {
		return Update{}, err
	}
	if p.ID != e.ClientID {
		return Update{}, fmt.Errorf("journal: entry %d: request id %s differs from client id %s", e.ID, p.ID, e.ClientID)
	}
	if err := sending(); err != nil {
		return Update{}, err
	}
	info, _, perr := r.Payments.Pay(ctx, p)
	u := paymentUpdate(info, perr)
	if u.State == StateUnknown {
		return Update{}, perr
	}
	return u, nil
}
