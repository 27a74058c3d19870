// Package bills keeps the bills a merchant issued from qiwidash, with their
// refunds, between runs: the record the Bills screen writes before each
// request, and the one the support console and the Overview read.
package bills

import (
	"context"
	"sort"
	"sync"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
)

// Bill is an invoice issued from the Bills screen, as kept between runs. It is
// saved before the request is sent (ID and amount fixed once per intent),
// so a lost answer is resolved by repeating the same request.
type Bill struct {
	ID       string
	Payer    string // "tel:+79161234567"
	Amount   qiwiapi.Amount
	Comment  string
	Lifetime time.Time // pay-by deadline
	Created  time.Time
	// Status is QIWI's last known status; "" until QIWI confirmed the bill.
	Status pull.BillStatus
	// Refused is set when QIWI refused to issue the bill (LastError says why).
	Refused bool
	// LastError is the last failure in words ("" after a success).
	LastError string
	// Updated is when Status last changed; ViaCallback says a verified
	// callback brought it.
	Updated     time.Time
	ViaCallback bool
	Refunds     []Refund
}

// Refund is one refund of a paid bill, saved before it is sent.
type Refund struct {
	ID      string // 1-9 of [0-9A-Za-z], unique within the bill
	Amount  qiwiapi.Amount
	Created time.Time
	// Status is QIWI's answer; "" until QIWI confirmed the refund.
	Status    pull.RefundStatus
	LastError string
	// Done is refund.amount, what QIWI actually refunded (no currency
	// until QIWI said); Amount stays what was asked for.
	Done qiwiapi.Amount `json:",omitzero"`
	// Error is refund.error (242: it would exceed the remaining amount).
	Error pull.ResultCode `json:",omitempty"`
}

// Moved is what the refund moved: QIWI's refund.amount once known.
func (r Refund) Moved() qiwiapi.Amount {
	if r.Done.Currency != 0 {
		return r.Done
	}
	return r.Amount
}

// Refunded sums the successful refunds.
func (b Bill) Refunded() qiwiapi.Amount {
	return b.sumRefunds(func(r Refund) bool { return r.Status == pull.RefundSuccess })
}

// Pending sums refunds that are not final: processing at QIWI, or sent
// without an answer yet (QIWI may hold them, so they are not offered again).
func (b Bill) Pending() qiwiapi.Amount {
	return b.sumRefunds(func(r Refund) bool { return !r.Status.Final() })
}

// Refundable is what remains refundable: paid minus successful refunds.
func (b Bill) Refundable() qiwiapi.Amount {
	if b.Status != pull.BillPaid {
		return qiwiapi.Amount{Currency: b.Amount.Currency}
	}
	return qiwiapi.Amount{Minor: b.Amount.Minor - b.Refunded().Minor, Currency: b.Amount.Currency}
}

func (b Bill) sumRefunds(keep func(Refund) bool) qiwiapi.Amount {
	sum := qiwiapi.Amount{Currency: b.Amount.Currency}
	for _, r := range b.Refunds {
		if keep(r) {
			sum.Minor += r.Moved().Minor
		}
	}
	return sum
}

// FindRefund returns a pointer to the refund with id, or nil.
func (b *Bill) FindRefund(id string) *Refund {
	for i := range b.Refunds {
		if b.Refunds[i].ID == id {
			return &b.Refunds[i]
		}
	}
	return nil
}

// Clone is b with its own copy of the refunds.
func (b Bill) Clone() Bill {
	b.Refunds = append([]Refund(nil), b.Refunds...)
	return b
}

// Store keeps issued bills with their refunds: NewStoreFor keeps them in
// the SQLite store, NewMemory in memory (tests, the demo). SaveBill
// inserts or replaces by ID. Bills returns every bill, newest first.
type Store interface {
	SaveBill(ctx context.Context, b Bill) error
	Bills(ctx context.Context) ([]Bill, error)
}

// Memory is a Store in memory, safe for concurrent use.
type Memory struct {
	mu    sync.Mutex
	bills map[string]Bill
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{bills: map[string]Bill{}} }

// SaveBill implements Store.
func (s *Memory) SaveBill(_ context.Context, b Bill) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bills[b.ID] = b.Clone()
	return nil
}

// Bills implements Store: newest first, then by ID.
func (s *Memory) Bills(context.Context) ([]Bill, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Bill, 0, len(s.bills))
	for _, b := range s.bills {
		out = append(out, b.Clone())
	}
	sortBills(out)
	return out, nil
}

func sortBills(bs []Bill) {
	sort.SliceStable(bs, func(i, j int) bool {
		if !bs[i].Created.Equal(bs[j].Created) {
			return bs[i].Created.After(bs[j].Created)
		}
		return bs[i].ID > bs[j].ID
	})
}
