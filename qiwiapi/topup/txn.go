package topup

import (
	"strconv"
	"sync"
	"time"
)

// TxnGen makes transaction numbers: positive integers of up to 20 digits,
// unique per terminal. Each number is the current time in microseconds since
// 2000-01-01 UTC, or the previous number + 1 if the clock has not moved on,
// so numbers only grow, within a process and across restarts (pass the
// largest number the store holds). Several processes signing in with one
// terminal id must use different node digits.
type TxnGen struct {
	mu   sync.Mutex
	now  func() time.Time
	node uint64
	last uint64
}

var txnEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// NewTxnGen makes a generator. now may be nil (time.Now); after is the
// largest number issued before (from the store; "" if none); node (0-9) is
// the last digit of every number, to keep several installations of one
// terminal apart.
func NewTxnGen(now func() time.Time, after TxnNumber, node int) *TxnGen {
	if now == nil {
		now = time.Now
	}
	g := &TxnGen{now: now, node: uint64(node % 10)}
	if n, err := strconv.ParseUint(string(after), 10, 64); err == nil {
		g.last = n / 10
	}
	return g
}

// Next returns a new number, greater than every number issued before.
func (g *TxnGen) Next() TxnNumber {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := g.now().Sub(txnEpoch).Microseconds()
	v := uint64(0)
	if t > 0 {
		v = uint64(t)
	}
	if v <= g.last {
		v = g.last + 1
	}
	g.last = v
	return TxnNumber(strconv.FormatUint(v*10+g.node, 10))
}
