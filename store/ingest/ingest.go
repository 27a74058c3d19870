// Package ingest is the engine's notification ingestion: it receives QIWI's
// push notifications over HTTP (wallet webhooks and merchant bill
// callbacks), verifies them (qiwiapi/notify), recognises repeats by what
// QIWI signed, also across restarts (the store's seen notifications),
// writes what they say into the store (bill statuses into the bill
// records; wallet payments recorded), and tells whoever listens:
//
//   - subscribers get an Event per notification, verified or not, without
//     ever holding up the receiver (a slow subscriber loses events and
//     sees the count in Dropped);
//   - OnWalletPayment and OnBill are called, one at a time and in order,
//     after a verified notification that was not seen before is stored,
//     so the history is refreshed and a followed payment re-checked.
//
// A wallet webhook's status is not among the fields QIWI signs: it is a
// hint. Its Event says "signature ok, status not yet confirmed"
// (StatusConfirmed false), the store records the status with a "?"
// ("SUCCESS?"), and, when Options.Confirm is set, the Ingest asks the API
// about a SUCCESS or ERROR and publishes a second Event with the answer
// ("signature ok, status confirmed", or what QIWI says instead), records
// the confirmed status, and only then calls OnWalletPayment.
//
// The same Ingest serves `qiwidash listen`, `--listen` and the demo; no
// screen runs a server.
package ingest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi/notify"
	"qiwidash/store"
)

// DefaultAddr is where a receiver listens when no address is given:
// loopback, any port.
const DefaultAddr = "127.0.0.1:0"

// Limits bound what one client may take of the receiver. Zero fields get
// the defaults below; bodies are capped at notify.MaxBody (64 KiB).
type Limits struct {
	ReadHeaderTimeout time.Duration // 10s: the request line and headers
	ReadTimeout       time.Duration // 15s: the whole request, body included
	WriteTimeout      time.Duration // 15s: until the answer is written
	IdleTimeout       time.Duration // 60s: a keep-alive connection between requests
	MaxConns          int           // 64 connections at once; more wait to be accepted
}

func (l Limits) withDefaults() Limits {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&l.ReadHeaderTimeout, 10*time.Second)
	def(&l.ReadTimeout, 15*time.Second)
	def(&l.WriteTimeout, 15*time.Second)
	def(&l.IdleTimeout, 60*time.Second)
	if l.MaxConns <= 0 {
		l.MaxConns = 64
	}
	return l
}

// Options configure an Ingest.
type Options struct {
	// Checks says how notifications are verified (VerifyWebhook, ShopID,
	// NotifyPassword, MerchantAuth, CheckSource, ...). Its Sink and Observe
	// are the Ingest's own; set ones are ignored.
	Checks notify.Config
	// Store keeps what was seen and what it changed; nil: nothing is
	// written, and repeats are recognised within this process only.
	Store *store.Store
	// Wallet is the wallet the webhooks are about, handed to
	// OnWalletPayment ("" = the notification's personId).
	Wallet string
	// OnWalletPayment and OnBill (may be nil) hear of each verified
	// notification not seen before, once it is stored: txnID is QIWI's
	// transaction id. They run one at a time on the Ingest's own
	// goroutine, in arrival order, never on the receiver's: a slow one
	// delays the next, never QIWI's answer.
	OnWalletPayment func(wallet string, txnID int64)
	OnBill          func(billID string)
	// Confirm asks the API for the status of wallet transaction txnID of
	// type typ (IN or OUT), e.g. one history or transaction request inside
	// the wallet's request budget; it runs on the Ingest's own goroutine
	// with ConfirmTimeout. Nil: wallet statuses stay "not yet confirmed".
	Confirm        func(ctx context.Context, wallet string, txnID int64, typ string) (status string, err error)
	ConfirmTimeout time.Duration // 30s when <= 0
	Limits         Limits
	Now            func() time.Time
	// Tr is the language of the words an Event carries for a person (why a
	// status was not confirmed); nil: English. It is read as each is written.
	Tr *i18n.Tr
}

// Event is one notification as the receiver judged it. The embedded
// Notice has its verdict, and the verified content in Wallet or Bill.
type Event struct {
	notify.Notice
	// StatusConfirmed says whether the status may be taken as final on the
	// notification's word. A bill callback's status is authenticated (it
	// is signed, or the request carries the notification password). A
	// wallet webhook's status is not among QIWI's signed fields (unless
	// its signFields name it): false, until the API confirms it.
	StatusConfirmed bool
	// Confirmation is where a verified wallet payment's status stands.
	Confirmation Confirmation
	// APIStatus is the status the API gave (Confirmed, Contradicted);
	// ConfirmError why it could not be asked (NotConfirmed).
	APIStatus, ConfirmError string
	// FollowUp marks the second event of a wallet payment: the answer of
	// the API about the status of the notification it repeats.
	FollowUp bool
}

// Confirmation says whether the API has confirmed a wallet payment's
// status.
type Confirmation int

// Confirmations.
const (
	NoConfirmation  Confirmation = iota // not a verified wallet payment, or its status is signed
	NotYetConfirmed                     // the API has not been asked (yet)
	Confirmed                           // the API gives the same status
	Contradicted                        // the API gives another status (APIStatus)
	NotConfirmed                        // asking the API failed (ConfirmError)
)

// Applied reports a verified notification seen for the first time and
// stored: the one event per payment or bill status that changes things
// (a FollowUp is not one: it confirms an applied one).
func (e Event) Applied() bool { return e.Outcome == notify.Accepted && !e.FollowUp }

// Ingest is one receiver with its store writer, subscribers and
// callbacks. It is safe for concurrent use.
type Ingest struct {
	o   Options
	rc  *notify.Receiver
	now func() time.Time

	mu     sync.Mutex
	subs   map[*Subscription]struct{}
	closed bool

	serving sync.WaitGroup
	ctx     context.Context
	cancel  context.CancelFunc
	srvErr  error

	qmu     sync.Mutex
	queue   []func()
	qclosed bool
	wake    chan struct{} // a callback was queued
	stop    chan struct{} // closed by Close
	qdone   chan struct{} // closed when the dispatcher ends
	once    sync.Once
}

// New builds an Ingest; Start or Serve puts it on the network, Close ends it.
func New(o Options) *Ingest {
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Limits = o.Limits.withDefaults()
	if o.ConfirmTimeout <= 0 {
		o.ConfirmTimeout = 30 * time.Second
	}
	in := &Ingest{o: o, now: o.Now, subs: map[*Subscription]struct{}{}, wake: make(chan struct{}, 1), stop: make(chan struct{}), qdone: make(chan struct{})}
	in.ctx, in.cancel = context.WithCancel(context.Background())
	cfg := o.Checks
	cfg.Sink, cfg.Observe = sink{in}, in.observe
	if cfg.Now == nil {
		cfg.Now = o.Now
	}
	in.rc = notify.New(cfg)
	go in.dispatch()
	return in
}

// Handler serves both notification paths (notify.DefaultWebhookPath and
// notify.DefaultBillPath), for tests and for mounting elsewhere.
func (in *Ingest) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(notify.DefaultWebhookPath, in.rc)
	mux.Handle(notify.DefaultBillPath, in.rc)
	return mux
}

func (in *Ingest) server() *http.Server {
	l := in.o.Limits
	return &http.Server{
		Handler:           in.Handler(),
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    16 << 10,
	}
}

// Start listens on addr (DefaultAddr when empty) and serves in the
// background until Close. It returns the base URL, e.g.
// "http://127.0.0.1:43121": wallet webhooks go to
// url+notify.DefaultWebhookPath, merchant callbacks to
// url+notify.DefaultBillPath.
func (in *Ingest) Start(addr string) (url string, err error) {
	ln, err := Listen(addr)
	if err != nil {
		return "", err
	}
	in.serving.Add(1)
	go func() {
		defer in.serving.Done()
		if err := in.Serve(in.ctx, ln); err != nil {
			in.mu.Lock()
			in.srvErr = err
			in.mu.Unlock()
		}
	}()
	return BaseURL(ln), nil
}

// Listen opens a TCP listener on addr (DefaultAddr when empty).
func Listen(addr string) (net.Listener, error) {
	if addr == "" {
		addr = DefaultAddr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, i18n.Errorf("ingest.receiver_failed", nil, err)
	}
	return ln, nil
}

// BaseURL is the http URL of a listener.
func BaseURL(ln net.Listener) string { return "http://" + ln.Addr().String() }

// Serve serves notifications on ln until ctx ends (or Close), then lets
// the requests in flight finish (3 s at most) and returns.
func (in *Ingest) Serve(ctx context.Context, ln net.Listener) error {
	srv := in.server()
	ln = limitListener(ln, in.o.Limits.MaxConns)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return i18n.Errorf("ingest.receiver_failed", nil, err)
	case <-ctx.Done():
	case <-in.ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return i18n.Errorf("ingest.receiver_failed", nil, err)
	}
	return nil
}

// Close stops serving, runs the callbacks already queued, and ends every
// subscription. Call it before closing the store.
func (in *Ingest) Close() error {
	in.cancel()
	in.serving.Wait()
	in.once.Do(func() {
		in.qmu.Lock()
		in.qclosed = true
		in.qmu.Unlock()
		close(in.stop)
	})
	<-in.qdone
	in.mu.Lock()
	defer in.mu.Unlock()
	if !in.closed {
		in.closed = true
		for s := range in.subs {
			close(s.ch)
			delete(in.subs, s)
		}
	}
	return in.srvErr
}

// observe publishes every notification to the subscribers; a wallet
// payment applied for the first time then has its status confirmed and
// its callback called, in that order, on the dispatcher.
func (in *Ingest) observe(n notify.Notice) {
	e := Event{Notice: n}
	switch {
	case n.Bill != nil:
		e.StatusConfirmed = true
	case n.Wallet != nil:
		e.StatusConfirmed = n.Wallet.StatusSigned()
		if !e.StatusConfirmed {
			e.Confirmation = NotYetConfirmed
		}
	}
	in.publish(e)
	if !e.Applied() || n.Wallet == nil {
		return
	}
	wallet, txn := in.walletOf(*n.Wallet), parseTxn(n.Wallet.TxnID)
	if e.Confirmation == NotYetConfirmed && in.o.Confirm != nil && needsConfirm(n.Wallet.Status) {
		in.later(func() { in.confirm(e, wallet, txn) })
	}
	if cb := in.o.OnWalletPayment; cb != nil && txn != 0 {
		in.later(func() { cb(wallet, txn) })
	}
}

// needsConfirm: only a final status is worth a request; WAITING is never
// taken as final anyway.
func needsConfirm(status string) bool { return status == "SUCCESS" || status == "ERROR" }

// parseTxn reads QIWI's transaction id; 0 when it is not a number.
func parseTxn(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// walletOf is the wallet a payment is about: Options.Wallet, or its personId.
func (in *Ingest) walletOf(e notify.Event) string {
	if in.o.Wallet == "" && e.PersonID != 0 {
		return strconv.FormatInt(e.PersonID, 10)
	}
	return in.o.Wallet
}

// confirm asks the API about a payment's status, records the answer and
// publishes it as a FollowUp of e.
func (in *Ingest) confirm(e Event, wallet string, txn int64) {
	w := e.Wallet
	f := e
	f.FollowUp, f.Time = true, in.now()
	var status string
	err := i18n.Errorf("ingest.txn_not_number", i18n.Args{"ID": strconv.Quote(w.TxnID)}, nil)
	if txn != 0 {
		ctx, cancel := context.WithTimeout(in.ctx, in.o.ConfirmTimeout)
		status, err = in.o.Confirm(ctx, wallet, txn, w.Type)
		cancel()
	}
	switch {
	case err != nil:
		f.Confirmation, f.ConfirmError = NotConfirmed, explain.Error(in.o.Tr, err)
	case strings.EqualFold(status, w.Status):
		f.Confirmation, f.APIStatus, f.StatusConfirmed = Confirmed, status, true
	default:
		f.Confirmation, f.APIStatus = Contradicted, status
	}
	if st := in.o.Store; st != nil && err == nil {
		// The seen record keeps the sender's claim with a "?" until now.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if serr := st.SetNotificationStatus(ctx, walletKey(wallet, w), status); serr != nil {
			f.ConfirmError = in.o.Tr.T("ingest.not_recorded", i18n.Args{"Why": serr.Error()})
		}
		cancel()
	}
	in.publish(f)
}

// walletKey is the store key of a wallet payment notification.
func walletKey(wallet string, e *notify.Event) string { return "wallet:" + wallet + ":" + e.Key() }

func (in *Ingest) publish(e Event) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for s := range in.subs {
		select {
		case s.ch <- e:
		default:
			s.dropped.Add(1)
		}
	}
}

// later queues a callback for the dispatcher (dropped after Close).
func (in *Ingest) later(f func()) {
	in.qmu.Lock()
	if in.qclosed {
		in.qmu.Unlock()
		return
	}
	in.queue = append(in.queue, f)
	in.qmu.Unlock()
	select {
	case in.wake <- struct{}{}:
	default: // already woken
	}
}

// dispatch runs queued callbacks one at a time until Close, then the rest.
func (in *Ingest) dispatch() {
	defer close(in.qdone)
	run := func() {
		for {
			in.qmu.Lock()
			if len(in.queue) == 0 {
				in.qmu.Unlock()
				return
			}
			f := in.queue[0]
			in.queue = in.queue[1:]
			in.qmu.Unlock()
			f()
		}
	}
	for {
		select {
		case <-in.wake:
			run()
		case <-in.stop:
			run()
			return
		}
	}
}

// Subscription is one subscriber's stream of events.
type Subscription struct {
	in      *Ingest
	ch      chan Event
	dropped atomic.Int64
}

// DefaultBuffer is a subscription's buffer when Subscribe gets <= 0.
const DefaultBuffer = 256

// Subscribe starts a stream of events that buffers up to buffer of them
// (DefaultBuffer when <= 0): when it is full, new events are dropped for
// this subscriber (counted in Dropped), never waited for.
func (in *Ingest) Subscribe(buffer int) *Subscription {
	if buffer <= 0 {
		buffer = DefaultBuffer
	}
	s := &Subscription{in: in, ch: make(chan Event, buffer)}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.closed {
		close(s.ch)
	} else {
		in.subs[s] = struct{}{}
	}
	return s
}

// Events is the stream; it is closed by Close and when the Ingest closes.
func (s *Subscription) Events() <-chan Event { return s.ch }

// Dropped is how many events did not fit the buffer.
func (s *Subscription) Dropped() int64 { return s.dropped.Load() }

// Close ends the subscription (Events is closed).
func (s *Subscription) Close() {
	s.in.mu.Lock()
	defer s.in.mu.Unlock()
	if _, ok := s.in.subs[s]; ok {
		delete(s.in.subs, s)
		close(s.ch)
	}
}

// sink writes verified notifications into the store and queues the
// callbacks; it is the notify.Sink of the receiver.
type sink struct{ in *Ingest }

// WalletPayment records the payment as seen; the status is recorded with
// a "?" unless it is signed: it is the sender's word until confirmed. The
// callback is queued by observe, once the event is published.
func (k sink) WalletPayment(ctx context.Context, e notify.Event) error {
	in := k.in
	st := in.o.Store
	if st == nil {
		return nil
	}
	wallet, status := in.walletOf(e), e.Status
	if status != "" && !e.StatusSigned() {
		status += "?"
	}
	fresh, err := st.SaveNotification(ctx, store.Notification{
		Key: walletKey(wallet, &e), Kind: "wallet", Scope: wallet, Ref: e.TxnID, Type: e.Type,
		Status: status, Amount: e.Sum, MessageID: e.MessageID, Received: in.now(),
	}, nil)
	if err != nil {
		return err
	}
	if !fresh {
		return notify.ErrDuplicate
	}
	return nil
}

func (k sink) BillChanged(ctx context.Context, e notify.BillEvent) error {
	in := k.in
	shop := in.o.Checks.ShopID
	if st := in.o.Store; st != nil {
		fresh, err := st.SaveNotification(ctx, store.Notification{
			Key: "bill:" + shop + ":" + e.Key(), Kind: "bill", Scope: shop, Ref: e.BillID,
			Status: string(e.Status), Amount: e.Amount, Received: in.now(),
		}, billUpdate(shop, e, in.now()))
		if err != nil {
			return err
		}
		if !fresh {
			return notify.ErrDuplicate
		}
	}
	if cb := in.o.OnBill; cb != nil {
		id := e.BillID
		in.later(func() { cb(id) })
	}
	return nil
}
