package live

import (
	"context"
	"errors"
	"sync"
	"time"

	"qiwidash/qiwiapi/notify"
)

// DefaultSyncTimeout bounds one background history sync.
const DefaultSyncTimeout = 2 * time.Minute

// StoreSinkOptions say where a StoreSink writes.
type StoreSinkOptions struct {
	// RecordBill writes a verified bill callback into the profile's bill
	// records (merchant.CallbackRecorder.Record); nil: bill callbacks are
	// acknowledged, not recorded.
	RecordBill func(ctx context.Context, e notify.BillEvent) error
	// Refresh brings the wallet's newest history into the cache (the
	// history reader's Refresh); nil: wallet webhooks are acknowledged,
	// nothing is synced.
	Refresh func(ctx context.Context) (changed bool, err error)
	// OnSync is told the outcome of every background sync (may be nil).
	// It runs on the sync's goroutine.
	OnSync func(changed bool, err error)
	// SyncTimeout overrides DefaultSyncTimeout.
	SyncTimeout time.Duration
	Now         func() time.Time
}

// StoreSink is the notify.Sink that writes what the receiver accepts into
// the store, so the dashboard (or the next start) sees it:
//
//   - a bill callback sets that bill's status in the merchant bill records,
//     marked as brought by a callback; a bill the store does not know is
//     recorded from the callback's fields;
//   - a wallet webhook starts a history sync (the reader's Refresh) in the
//     background, so the transaction lands in the cache as QIWI reports it,
//     never as a partial row built from the webhook. Webhooks arriving
//     during a sync cause one more sync after it, not one each.
//
// Close stops a running sync and waits for it; call it before closing
// the store.
type StoreSink struct {
	o StoreSinkOptions

	mu      sync.Mutex
	running bool
	again   bool
	closed  bool
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// NewStoreSink makes a sink writing where o says.
func NewStoreSink(o StoreSinkOptions) *StoreSink {
	if o.SyncTimeout <= 0 {
		o.SyncTimeout = DefaultSyncTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &StoreSink{o: o, ctx: ctx, cancel: cancel}
}

// WalletPayment starts a background sync of the wallet's history and
// returns at once (QIWI wants its answer within a second or two).
func (s *StoreSink) WalletPayment(_ context.Context, _ notify.Event) error {
	if s.o.Refresh == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return errors.New("the receiver is shutting down")
	case s.running:
		s.again = true
		return nil
	}
	s.running = true
	s.wg.Add(1)
	go s.syncLoop()
	return nil
}

func (s *StoreSink) syncLoop() {
	defer s.wg.Done()
	for {
		ctx, cancel := context.WithTimeout(s.ctx, s.o.SyncTimeout)
		changed, err := s.o.Refresh(ctx)
		cancel()
		if s.o.OnSync != nil {
			s.o.OnSync(changed, err)
		}
		s.mu.Lock()
		if !s.again || s.closed {
			s.running = false
			s.mu.Unlock()
			return
		}
		s.again = false
		s.mu.Unlock()
	}
}

// Wait blocks until no sync is running.
func (s *StoreSink) Wait() { s.wg.Wait() }

// Close refuses further webhooks, cancels a running sync and waits for it.
func (s *StoreSink) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}

// BillChanged records the bill's new status through RecordBill.
func (s *StoreSink) BillChanged(ctx context.Context, e notify.BillEvent) error {
	if s.o.RecordBill == nil {
		return nil
	}
	return s.o.RecordBill(ctx, e)
}
