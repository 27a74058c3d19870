package moves

import (
	"context"
	"errors"

	"qiwidash/i18n"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
)

// Bills runs a merchant's bill moves against the Pull REST API: issuing a
// bill, cancelling it, refunding it, and following unfinished refunds.
// Issuing and refunding are repeatable under the same bill and refund ids
// (QIWI answers a repeat as the first time), so a lost answer is settled by
// asking again; Classify judges every error. The caller keeps the bill
// records; the engine saves an intent (through the caller's save) before
// anything is sent.
type Bills struct{ c *pull.Client }

// NewBills makes the merchant's bill engine; nil without a client.
func NewBills(c *pull.Client) *Bills {
	if c == nil {
		return nil
	}
	return &Bills{c: c}
}

// BillAnswer is QIWI's answer about a bill move.
type BillAnswer struct {
	Bill *pull.Bill // nil when no readable answer came
	Err  error
	// Verdict is the classifier's word on Err: Refused means the move did
	// not happen and never will under this id; anything else is unknown
	// or to be asked again (with the same id).
	Verdict Verdict
}

func billAnswer(b *pull.Bill, err error) BillAnswer {
	a := BillAnswer{Bill: b, Err: err}
	if err != nil {
		a.Verdict = Classify(err).Verdict
	}
	return a
}

// ErrNotSaved wraps the error of an intent's save: nothing was sent.
var ErrNotSaved = errors.New("not sent: the intent could not be saved")

// notSaved is a failed save of an intent, in words (errors.Is ErrNotSaved
// and the save's error).
func notSaved(err error) error {
	return i18n.Errorf("moves.not_saved", i18n.Args{"Why": err.Error()}, errors.Join(ErrNotSaved, err))
}

// Create saves the intent with save, then issues bill id (again, after a
// lost answer: same id, same data). Nothing leaves unsaved.
func (b *Bills) Create(ctx context.Context, id string, cb pull.CreateBill, save func(context.Context) error) BillAnswer {
	if err := save(ctx); err != nil {
		return BillAnswer{Err: notSaved(err), Verdict: Retry}
	}
	got, _, err := b.c.Bills.Create(ctx, id, &cb)
	return billAnswer(got, err)
}

// Cancel cancels an unpaid bill.
func (b *Bills) Cancel(ctx context.Context, id string) BillAnswer {
	got, _, err := b.c.Bills.Cancel(ctx, id)
	return billAnswer(got, err)
}

// Get reads a bill's status.
func (b *Bills) Get(ctx context.Context, id string) BillAnswer {
	got, _, err := b.c.Bills.Get(ctx, id)
	return billAnswer(got, err)
}

// RefundAnswer is QIWI's answer about a refund.
type RefundAnswer struct {
	Refund  *pull.Refund
	Err     error
	Verdict Verdict
}

func refundAnswer(r *pull.Refund, err error) RefundAnswer {
	a := RefundAnswer{Refund: r, Err: err}
	if err != nil {
		a.Verdict = Classify(err).Verdict
	}
	return a
}

// Refund saves the intent with save (nil: saved already), then asks QIWI
// to refund amount of a paid bill under refundID.
func (b *Bills) Refund(ctx context.Context, billID, refundID string, amount qiwiapi.Amount, save func(context.Context) error) RefundAnswer {
	if save != nil {
		if err := save(ctx); err != nil {
			return RefundAnswer{Err: notSaved(err), Verdict: Retry}
		}
	}
	got, _, err := b.c.Refunds.Create(ctx, billID, refundID, amount)
	return refundAnswer(got, err)
}

// FollowRefund reads an unfinished refund. One QIWI never received (its
// answer was lost before QIWI had it: "not found") is sent again under the
// same id when sent says it was never confirmed.
func (b *Bills) FollowRefund(ctx context.Context, billID, refundID string, amount qiwiapi.Amount, confirmed bool) RefundAnswer {
	got, _, err := b.c.Refunds.Get(ctx, billID, refundID, amount.Currency)
	var er *pull.ErrorResponse
	if !confirmed && errors.As(err, &er) && er.Code == pull.CodeBillNotFound {
		return b.Refund(ctx, billID, refundID, amount, nil)
	}
	return refundAnswer(got, err)
}
