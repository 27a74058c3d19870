package merchant

import (
	"context"
	"sync"
	"time"

	"qiwidash/qiwiapi/notify"
)

// CallbackRecorder writes verified bill callbacks into the bill records,
// so the Bills screen (or the next start) sees them. One read-modify-write
// of the records runs at a time.
type CallbackRecorder struct {
	Bills BillStore
	Now   func() time.Time

	mu sync.Mutex
}

// NewCallbackRecorder records into bills, timestamped with now.
func NewCallbackRecorder(bills BillStore, now func() time.Time) *CallbackRecorder {
	if now == nil {
		now = time.Now
	}
	return &CallbackRecorder{Bills: bills, Now: now}
}

// Record sets the bill's new status, marked as brought by a callback. A bill
// already final keeps its status (QIWI's statuses after paid, rejected or
// expired never change; a late callback does not undo a refund's
// bookkeeping). A bill the records do not know (issued by another client,
// or before this store) is recorded from the callback's fields.
func (r *CallbackRecorder) Record(ctx context.Context, e notify.BillEvent) error {
	if e.BillID == "" || e.Status == "" {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	all, err := r.Bills.Bills(ctx)
	if err != nil {
		return err
	}
	now := r.Now()
	for _, b := range all {
		if b.ID != e.BillID {
			continue
		}
		if b.Status == e.Status || b.Status.Final() {
			return nil
		}
		b.Status, b.Updated, b.ViaCallback = e.Status, now, true
		return r.Bills.SaveBill(ctx, b)
	}
	return r.Bills.SaveBill(ctx, Bill{
		ID: e.BillID, Payer: e.User, Amount: e.Amount, Comment: e.Comment,
		Created: now, Status: e.Status, Updated: now, ViaCallback: true,
	})
}
