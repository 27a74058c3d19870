package moves

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi"
	"qiwidash/store"
)

// WalletKinds are the journal kinds a Wallet runs and lists.
var WalletKinds = []store.Kind{store.KindWalletPayment, store.KindConversion, store.KindInvoicePay}

// WalletOptions configure a Wallet.
type WalletOptions struct {
	Profile string // the profile that sends (journaled with each entry)
	Wallet  string // the paying wallet, digits only: only its entries are run
	Clock   Clock  // nil: real time
	// PollEvery is the pause between status reads of an accepted payment
	// (it doubles up to 8x while the payment stays WAITING; a Nudge cuts it
	// short). 0: 3 seconds.
	PollEvery time.Duration
	// RetryEvery is the pause before asking again about an unknown outcome
	// (it doubles up to 8x). 0: 5 seconds.
	RetryEvery time.Duration
	// Tr is the language of the notes journaled for a person (nil:
	// English). It is read as each note is written, so the shared Tr's
	// live switch (tr.Set) takes effect at once.
	Tr *i18n.Tr
}

// Wallet runs the money moves of one wallet: sinap payments (transfers,
// cards, mobile, any provider), conversions, and invoice pays.
type Wallet struct {
	*engine
	api *qiwiapi.Client
	o   WalletOptions
	ids *qiwiapi.IDGenerator
}

// NewWallet makes the wallet's engine. Client ids continue after the
// largest one journaled, so they keep increasing across restarts. Call
// Resume once at start, Close at the end.
func NewWallet(ctx context.Context, st *store.Store, api *qiwiapi.Client, o WalletOptions) (*Wallet, error) {
	if api == nil {
		return nil, errors.New("moves: a wallet needs a Wallet API client")
	}
	o.Wallet = strings.TrimPrefix(o.Wallet, "+")
	if o.PollEvery <= 0 {
		o.PollEvery = 3 * time.Second
	}
	if o.RetryEvery <= 0 {
		o.RetryEvery = 5 * time.Second
	}
	j := st.Journal()
	var last int64
	for _, k := range []store.Kind{store.KindWalletPayment, store.KindConversion} {
		id, err := j.MaxClientID(ctx, k)
		if err != nil {
			return nil, err
		}
		n, _ := strconv.ParseInt(id, 10, 64)
		last = max(last, n)
	}
	w := &Wallet{engine: newEngine(j, o.Clock), api: api, o: o}
	w.ids = qiwiapi.NewIDGenerator(last, w.clock.Now)
	return w, nil
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

// EncodePayment is the journal's form of a sinap payment.
func EncodePayment(p qiwiapi.Payment) json.RawMessage {
	b, _ := json.Marshal(paymentRequest{Provider: p.Provider, ID: p.ID, Amount: p.Sum.Decimal(), Currency: int(p.Sum.Currency), Comment: p.Comment, Fields: p.Fields})
	return b
}

// PaymentOf reads a journaled sinap payment back (an invoice pay or an
// unreadable request gives an error).
func PaymentOf(e store.Entry) (qiwiapi.Payment, error) {
	if e.Kind != store.KindWalletPayment && e.Kind != store.KindConversion {
		return qiwiapi.Payment{}, fmt.Errorf("moves: %s is not a sinap payment", e.Kind)
	}
	var r paymentRequest
	if err := json.Unmarshal(e.Request, &r); err != nil {
		return qiwiapi.Payment{}, fmt.Errorf("moves: payment request unreadable: %w", err)
	}
	sum, err := qiwiapi.ParseAmount(r.Amount, qiwiapi.Currency(r.Currency))
	if err != nil {
		return qiwiapi.Payment{}, fmt.Errorf("moves: payment amount: %w", err)
	}
	p := qiwiapi.Payment{Provider: r.Provider, ID: r.ID, Sum: sum, Comment: r.Comment, Fields: r.Fields}
	if p.ID != e.ClientID {
		return qiwiapi.Payment{}, fmt.Errorf("moves: entry %d: request id %s differs from client id %s", e.ID, p.ID, e.ClientID)
	}
	return p, nil
}

// invoiceRequest is the journaled form of an invoice pay.
type invoiceRequest struct {
	ID       int64 `json:"invoice_uid,string"`
	Currency int   `json:"currency,string"`
}

// InvoiceClientID is the journal's client id for paying invoice id.
func InvoiceClientID(id int64) string { return "invoice-" + strconv.FormatInt(id, 10) }

// Pay journals a sinap payment (a conversion when the provider is 1099)
// and starts its saga; it returns the journaled entry at once. A payment
// without an id gets the next client id. The saga sends it, and follows it
// to SUCCESS or ERROR; Await tells what happens.
func (w *Wallet) Pay(ctx context.Context, p qiwiapi.Payment, recipient string) (store.Entry, error) {
	if p.ID == "" {
		p.ID = w.ids.Next()
	}
	if err := p.Validate(); err != nil {
		return store.Entry{}, err
	}
	kind := store.KindWalletPayment
	if p.Provider == qiwiapi.ProviderConversion {
		kind = store.KindConversion
	}
	e, err := w.j.BeginOrResume(ctx, store.Intent{Kind: kind, ClientID: p.ID, Profile: w.o.Profile, Account: w.o.Wallet,
		Recipient: recipient, Amount: p.Sum, ProviderID: p.Provider, Request: EncodePayment(p)})
	if err != nil {
		return store.Entry{}, i18n.Errorf("moves.not_recorded.payment", nil, err)
	}
	w.signal()
	w.follow(*e, w.paymentSaga)
	return *e, nil
}

// PayInvoice journals paying an invoice issued to the wallet (client id
// "invoice-<id>") and starts its saga. An outcome that is not known is
// settled by reading the invoice's state: it is never paid twice.
func (w *Wallet) PayInvoice(ctx context.Context, inv qiwiapi.Invoice, merchant string) (store.Entry, error) {
	req, _ := json.Marshal(invoiceRequest{ID: int64(inv.ID), Currency: int(inv.Sum.Currency)})
	e, err := w.j.BeginOrResume(ctx, store.Intent{Kind: store.KindInvoicePay, ClientID: InvoiceClientID(int64(inv.ID)), Profile: w.o.Profile,
		Account: w.o.Wallet, Recipient: merchant, Amount: inv.Sum, Request: req})
	if err != nil {
		return store.Entry{}, i18n.Errorf("moves.not_recorded.invoice", nil, err)
	}
	w.signal()
	w.follow(*e, w.invoiceSaga)
	return *e, nil
}

// Resume starts the saga of every open entry of this wallet: unknown ones
// are re-asked or re-sent with the same id, accepted ones followed to
// their final status. Held entries wait for Retry.
func (w *Wallet) Resume(ctx context.Context) (Report, error) {
	var rep Report
	open, err := w.j.Recent(ctx, store.RecentOptions{Kinds: WalletKinds, Account: w.o.Wallet, Open: true, Limit: 1000})
	if err != nil {
		return rep, err
	}
	if w.o.Wallet == "" {
		return rep, nil // never send another wallet's entries with this token
	}
	for i := len(open) - 1; i >= 0; i-- {
		e := open[i]
		if e.State == store.StateHeld {
			rep.Held++
			continue
		}
		if w.start(e) {
			rep.Followed++
		}
	}
	return rep, nil
}

func (w *Wallet) start(e store.Entry) bool {
	if e.Kind == store.KindInvoicePay {
		return w.follow(e, w.invoiceSaga)
	}
	return w.follow(e, w.paymentSaga)
}

// Retry asks about an open entry now: a held one is released (a person
// fixed the cause) and its saga runs again; a running one looks again at
// once (never sooner than a 423 block allows).
func (w *Wallet) Retry(ctx context.Context, id int64) error {
	e, err := w.j.Get(ctx, id)
	if err != nil {
		return err
	}
	if !e.Open() {
		return ErrNotOpen
	}
	if strings.TrimPrefix(e.Account, "+") != w.o.Wallet {
		return i18n.Errorf("moves.other_wallet", i18n.Args{"ID": id}, nil)
	}
	if w.nudge(e.ID, 0) {
		return nil
	}
	if e.State == store.StateHeld {
		next := store.StateUnknown
		if e.SentAt.IsZero() {
			next = store.StatePending
		}
		if err := w.advance(ctx, e, store.Update{State: next, Err: errors.New(w.o.Tr.T("moves.note.released", nil))}); err != nil {
			return err
		}
	}
	w.start(*e)
	return nil
}

// Nudge says a verified notification reported wallet txn txnID: the saga
// following that payment reads its status now instead of at its next poll.
// It reports whether a followed payment had that id.
func (w *Wallet) Nudge(txnID int64) bool { return w.nudge(0, txnID) }

// Owns reports whether wallet (with or without "+") is this engine's.
func (w *Wallet) Owns(wallet string) bool {
	return w.o.Wallet != "" && strings.TrimPrefix(wallet, "+") == w.o.Wallet
}

// Recent lists the wallet's payments, conversions and invoice pays, newest
// first, at most n (0: 100): a client id journaled again after a refusal
// once, as its latest attempt.
func (w *Wallet) Recent(ctx context.Context, n int) ([]store.Entry, error) {
	o := store.RecentOptions{Kinds: WalletKinds, Account: w.o.Wallet, Latest: true, Limit: n}
	if w.o.Wallet == "" {
		o.Profile = w.o.Profile
	}
	return w.j.Recent(ctx, o)
}

// Await blocks until entry e moves (or ctx ends) and returns it as it is
// now. A final entry, or a held one nobody runs, is returned at once.
func (w *Wallet) Await(ctx context.Context, e store.Entry) (store.Entry, error) {
	return w.await(ctx, e)
}

// backoff doubles d per step up to 8x.
func backoff(d time.Duration, step int) time.Duration {
	return d << min(step, 3)
}

// paymentSaga brings a sinap payment to a final state: sent (again, with
// the same id, while its answer is unknown: QIWI answers a repeat with the
// original payment), then its status read from history until final.
func (w *Wallet) paymentSaga(ctx context.Context, e store.Entry, f *follower) {
	p, err := PaymentOf(e)
	if err != nil {
		_ = w.advance(ctx, &e, store.Update{State: store.StateHeld, Err: err})
		return
	}
	misses := 0
	for ctx.Err() == nil && e.Open() && e.State != store.StateHeld {
		if e.State == store.StateAccepted && e.TxnID() != 0 {
			wait := w.pollStatus(ctx, &e)
			if !e.Open() {
				return
			}
			if wait.block > 0 {
				_ = w.pause(ctx, f, wait.block, false)
				continue
			}
			_ = w.pause(ctx, f, backoff(w.o.PollEvery, misses/10), true)
			misses++
			continue
		}
		if err := w.advance(ctx, &e, store.Update{State: store.StateSent, RemoteID: e.RemoteID}); err != nil {
			return
		}
		info, _, perr := w.api.Payments.Pay(ctx, p)
		// An answer that names the transaction is followed by its status,
		// even when the rest of it could not be read.
		if info != nil && info.TxnID() != 0 {
			_ = w.advance(ctx, &e, store.Update{State: store.StateAccepted, RemoteID: strconv.FormatInt(info.TxnID(), 10)})
			misses = 0
			continue
		}
		if perr == nil {
			perr = fmt.Errorf("%w: QIWI accepted the payment without a transaction id", qiwiapi.ErrBadResponse)
		}
		if !w.settle(ctx, &e, f, perr, misses) {
			return
		}
		misses++
	}
}

// settle journals a failed send by the classifier's verdict and waits as
// it says; false ends the saga (final or held).
func (w *Wallet) settle(ctx context.Context, e *store.Entry, f *follower, err error, step int) bool {
	d := Classify(err)
	why := errors.New(explain.Error(w.o.Tr, err))
	switch d.Verdict {
	case Refused:
		_ = w.advance(ctx, e, store.Update{State: store.StateFailed, Err: why})
		return false
	case Fatal:
		_ = w.advance(ctx, e, store.Update{State: store.StateHeld, Err: why})
		return false
	case Retry:
		until := w.clock.Now().Add(d.Wait)
		msg := w.o.Tr.T("moves.note.asked_again", i18n.Args{"Why": why.Error(), "At": until.Format("15:04")})
		if w.advance(ctx, e, store.Update{State: store.StateUnknown, Err: errors.New(msg)}) != nil {
			return false
		}
		return w.pause(ctx, f, d.Wait, false) == nil
	}
	if w.advance(ctx, e, store.Update{State: store.StateUnknown, Err: why}) != nil {
		return false
	}
	return w.pause(ctx, f, backoff(w.o.RetryEvery, step), true) == nil
}

type pollResult struct{ block time.Duration }

// pollStatus reads an accepted payment's status from history once.
func (w *Wallet) pollStatus(ctx context.Context, e *store.Entry) pollResult {
	t, _, err := w.api.History.Transaction(ctx, e.TxnID(), qiwiapi.TypeOut)
	if err != nil {
		if d := Classify(err); d.Verdict == Retry {
			return pollResult{block: d.Wait}
		}
		return pollResult{} // history lags behind payments, or no answer: ask again later
	}
	switch t.Status {
	case qiwiapi.StatusSuccess:
		_ = w.advance(ctx, e, store.Update{State: store.StateSucceeded})
	case qiwiapi.StatusError:
		msg := w.o.Tr.T("moves.note.failed_returned", nil)
		if t.ErrorCode != 0 {
			msg = w.o.Tr.T("moves.note.failed_code", i18n.Args{"Why": explain.PaymentCode(w.o.Tr, int(t.ErrorCode))})
		}
		_ = w.advance(ctx, e, store.Update{State: store.StateFailed, Err: errors.New(msg)})
	}
	return pollResult{}
}

// invoiceSaga pays an invoice once: an unknown outcome is resolved by
// reading whether the invoice is still unpaid (then paying is safe) or not
// (it was paid), never by paying blindly again.
func (w *Wallet) invoiceSaga(ctx context.Context, e store.Entry, f *follower) {
	var req invoiceRequest
	if err := json.Unmarshal(e.Request, &req); err != nil || req.ID == 0 {
		_ = w.advance(ctx, &e, store.Update{State: store.StateHeld, Err: fmt.Errorf("moves: invoice request unreadable: %v", err)})
		return
	}
	step := 0
	for ctx.Err() == nil && e.Open() && e.State != store.StateHeld {
		if e.State != store.StatePending {
			unpaid, err := w.invoiceUnpaid(ctx, req.ID)
			if err != nil {
				if !w.settle(ctx, &e, f, err, step) {
					return
				}
				step++
				continue
			}
			if !unpaid {
				// Gone from the unpaid list: paid by us, or expired or rejected
				// meanwhile. The wallet's history tells which; when it cannot,
				// a person does. Never paid again blindly.
				paid, err := w.invoicePaid(ctx, req.ID)
				switch {
				case err != nil:
					if !w.settle(ctx, &e, f, err, step) {
						return
					}
					step++
					continue
				case paid:
					_ = w.advance(ctx, &e, store.Update{State: store.StateSucceeded})
				default:
					_ = w.advance(ctx, &e, store.Update{State: store.StateHeld, Err: errors.New(w.o.Tr.T("moves.note.invoice_gone", nil))})
				}
				return
			}
		}
		if err := w.advance(ctx, &e, store.Update{State: store.StateSent}); err != nil {
			return
		}
		// Any answer but PAID_STATUS (qiwiapi.ErrInvoiceNotPaid) is unknown:
		// the invoice's state says what happened.
		_, _, err := w.api.Invoices.Pay(ctx, strconv.FormatInt(req.ID, 10), qiwiapi.Currency(req.Currency))
		if err == nil {
			_ = w.advance(ctx, &e, store.Update{State: store.StateSucceeded})
			return
		}
		if !w.settle(ctx, &e, f, err, step) {
			return
		}
		step++
	}
}

// invoiceUnpaid reads whether invoice id is still among the unpaid ones.
// invoicePaid looks for the invoice's payment among the wallet's newest
// outgoing transactions (QIWI writes the invoice id as its trmTxnId).
func (w *Wallet) invoicePaid(ctx context.Context, id int64) (bool, error) {
	page, _, err := w.api.History.List(ctx, w.o.Wallet, qiwiapi.HistoryOptions{Rows: 50, Operation: qiwiapi.OperationOut})
	if err != nil {
		return false, err
	}
	for _, t := range page.Transactions {
		if string(t.TrmTxnID) == strconv.FormatInt(id, 10) && t.Status != qiwiapi.StatusError {
			return true, nil
		}
	}
	return false, nil
}

func (w *Wallet) invoiceUnpaid(ctx context.Context, id int64) (bool, error) {
	o := qiwiapi.InvoiceOptions{Rows: 50}
	for range 200 {
		page, _, err := w.api.Invoices.Unpaid(ctx, o)
		if err != nil {
			return false, err
		}
		for _, inv := range page.Invoices {
			if int64(inv.ID) == id {
				return true, nil
			}
		}
		if page.Next == nil {
			return false, nil
		}
		o = *page.Next
	}
	return false, errors.New("moves: the unpaid invoices never ended")
}
