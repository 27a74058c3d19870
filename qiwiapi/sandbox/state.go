package sandbox

import (
	"sort"
	"time"
)

// account is one currency balance of a wallet.
type account struct {
	cur     int
	balance int64
}

type identData struct {
	firstName, middleName, lastName, birthDate, passport, inn, snils, oms string
}

// wallet is a person in the sandbox.
type wallet struct {
	number      string
	personID    int64
	first       string
	middle      string
	last        string
	email       string
	operator    string
	mcAlias     string
	ip          string
	registered  time.Time
	lastLogin   time.Time
	passChanged time.Time
	pinChanged  time.Time
	identLevel  string
	ident       *identData
	nickname    string

	accounts   []*account
	defaultCur int
	lazyCur    int  // account whose balance is null on the first accounts request
	asked      bool // the first accounts request has been answered

	txns     []*txn           // newest first: date desc, id desc
	byID     map[int64][]*txn // one or two legs (conversion OUT + IN share an id)
	payments map[string]*payment

	paymentCount int
	hook         *hook
	invoices     []*invoice // newest first

	histTimes    []time.Time
	blockedUntil time.Time
	restrictions []Restriction // SetRestrictions
}

func (w *wallet) account(cur int) *account {
	for _, a := range w.accounts {
		if a.cur == cur {
			return a
		}
	}
	return nil
}

// txn is one history item (one leg).
type txn struct {
	id      int64
	w       *wallet
	date    time.Time
	typ     string // IN, OUT, QIWI_CARD
	status  string // WAITING, SUCCESS, ERROR
	errCode int
	trm     string
	account string
	sum     int64
	comm    int64
	cur     int
	prov    int
	source  string // QW_RUB, QW_USD, QW_EUR, QW_KZT, CARD, MK
	comment string
	rate    string // currencyRate literal ("" = 1)

	// pending settlement
	settleAt    time.Time
	finalStatus string
	finalErr    int
	refund      int64 // returned to the debited account on ERROR
	refundCur   int
	credit      *credit // executed on SUCCESS
}

// credit is the receiving leg of a transfer or conversion.
type credit struct {
	to   *wallet
	cur  int
	amt  int64
	from string // account shown on the IN leg
	rate string
}

func (t *txn) total() int64 { return t.sum + t.comm }

// less orders newest first.
func (t *txn) newer(o *txn) bool {
	if !t.date.Equal(o.date) {
		return t.date.After(o.date)
	}
	return t.id > o.id
}

// insertTxn puts t into its wallet's history in order.
func insertTxn(w *wallet, t *txn) {
	t.w = w
	i := sort.Search(len(w.txns), func(i int) bool { return t.newer(w.txns[i]) })
	w.txns = append(w.txns, nil)
	copy(w.txns[i+1:], w.txns[i:])
	w.txns[i] = t
	w.byID[t.id] = append(w.byID[t.id], t)
}

// insertTxns adds many transactions at once (seeding): one sort instead of
// one shifting insert each.
func insertTxns(w *wallet, ts []*txn) {
	for _, t := range ts {
		t.w = w
		w.byID[t.id] = append(w.byID[t.id], t)
	}
	w.txns = append(w.txns, ts...)
	sort.SliceStable(w.txns, func(i, j int) bool { return w.txns[i].newer(w.txns[j]) })
}

// payment is a sinap payment remembered for idempotency.
type payment struct {
	body []byte // the original PaymentInfo
}
