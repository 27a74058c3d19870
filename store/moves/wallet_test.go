package moves

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sandbox"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
)

func TestClassify(t *testing.T) {
	blocked := &qiwiapi.Error{StatusCode: 423, RetryAfter: 7 * time.Minute}
	for _, tc := range []struct {
		name string
		err  error
		want Verdict
		wait time.Duration
	}{
		{"423 names its block", blocked, Retry, 7 * time.Minute},
		{"423 without a time waits 5 minutes", &qiwiapi.Error{StatusCode: 423}, Retry, budget.DefaultBlock},
		{"wrapped 423", fmt.Errorf("pay: %w", blocked), Retry, 7 * time.Minute},
		{"400 is a refusal", &qiwiapi.Error{StatusCode: 400}, Refused, 0},
		{"404 is a refusal", &qiwiapi.Error{StatusCode: 404}, Refused, 0},
		{"401 holds", &qiwiapi.Error{StatusCode: 401}, Fatal, 0},
		{"403 holds", &qiwiapi.Error{StatusCode: 403}, Fatal, 0},
		{"5xx after sending is unknown", &qiwiapi.Error{StatusCode: 502}, Unknown, 0},
		{"network is unknown", &qiwiapi.NetworkError{Method: "POST", Path: "/", Err: errors.New("reset")}, Unknown, 0},
		{"unreadable answer is unknown", &qiwiapi.DecodeError{Err: errors.New("unexpected EOF")}, Unknown, 0},
		{"timeout is unknown", context.DeadlineExceeded, Unknown, 0},
		{"anything else is unknown", errors.New("EOF"), Unknown, 0},
		{"top-up broken XML is unknown", &topup.DecodeError{Err: errors.New("eof")}, Unknown, 0},
		{"top-up HTTP 500 is unknown", &topup.HTTPError{StatusCode: 500}, Unknown, 0},
		{"top-up HTTP 423 waits", &topup.HTTPError{StatusCode: 423}, Retry, budget.DefaultBlock},
		{"top-up fatal code holds", &topup.RequestError{RequestResult: topup.RequestResult{Code: topup.RequestIPBlocked, Fatal: true}}, Fatal, 0},
		{"top-up busy is unknown", &topup.RequestError{RequestResult: topup.RequestResult{Code: 13}}, Unknown, 0},
		{"merchant auth holds", &pull.AuthError{ErrorResponse: &pull.ErrorResponse{Code: pull.CodeAuthFailed}}, Fatal, 0},
		{"merchant 423 waits", &pull.RateLimitError{ErrorResponse: &pull.ErrorResponse{}, RetryAfter: time.Minute}, Retry, time.Minute},
	} {
		d := Classify(tc.err)
		if d.Verdict != tc.want || d.Wait != tc.wait {
			t.Errorf("%s: %v / %s, want %v / %s", tc.name, d.Verdict, d.Wait, tc.want, tc.wait)
		}
	}
}

func TestStateNamesAndFinals(t *testing.T) {
	for s := store.StatePending; s <= store.StateAbandoned; s++ {
		if s.String() == "invalid" {
			t.Errorf("state %d has no name", s)
		}
		final := s == store.StateSucceeded || s == store.StateFailed || s == store.StateAbandoned
		if s.Final() != final {
			t.Errorf("%s.Final() = %v", s, s.Final())
		}
	}
}

// A payment whose answer is lost (executed, then the connection drops) is
// unknown, re-sent with the same id, and made exactly once; it is then
// followed to SUCCESS.
func TestPaymentLostAnswerIsResentWithTheSameID(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	srv, wallet := e.sb.Wallet, e.sb.Creds.Wallet
	w := e.wallet(t)
	before := srv.PaymentCount(wallet)
	srv.SetFaults(sandbox.Faults{CommitThenDrop: 2})
	got, err := w.Pay(ctx, transfer(srv.OtherWallets()[0], 777), "wallet +"+srv.OtherWallets()[0])
	if err != nil {
		t.Fatal(err)
	}
	got = awaitState(t, w.Await, got, store.StateAccepted)
	if got.Attempts != 3 || got.TxnID() == 0 {
		t.Errorf("accepted after %d attempts, txn %d; want 3 attempts (two answers lost) and a txn id", got.Attempts, got.TxnID())
	}
	if n := srv.PaymentCount(wallet) - before; n != 1 {
		t.Fatalf("%d payments, want 1", n)
	}
	srv.SettleNow()
	got = awaitState(t, w.Await, got, store.StateSucceeded)
	if n := srv.PaymentCount(wallet) - before; n != 1 {
		t.Fatalf("%d payments at the end, want 1", n)
	}
}

// A 423 on an invoice pay is waited out (QIWI's block, never a quick retry)
// and never recorded as failed; the invoice is then paid once.
func TestInvoice423IsWaitedOutNotFailed(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	w := e.wallet(t)
	inv := affordableInvoice(t, e)
	e.sb.Wallet.SetFaults(sandbox.Faults{Burst423: 1})
	got, err := w.PayInvoice(ctx, inv, "shop")
	if err != nil {
		t.Fatal(err)
	}
	for got.State != store.StateSucceeded {
		if got.State == store.StateFailed {
			t.Fatalf("a 423 was recorded as failed: %s", got.LastError)
		}
		got = awaitState(t, w.Await, got, store.StateSucceeded, store.StateFailed, store.StateUnknown)
		if got.State == store.StateUnknown {
			got = awaitState(t, w.Await, got, store.StateSucceeded, store.StateFailed, store.StateSent)
		}
	}
	if n := e.clock.sleptAtLeast(budget.DefaultBlock); n != 1 {
		t.Errorf("%d waits of the 5-minute block, want 1", n)
	}
	if n := paidInvoice(t, e, int64(inv.ID)); n != 1 {
		t.Errorf("invoice paid %d times, want 1", n)
	}
}

// An invoice pay whose answer cannot be read is settled by reading the
// invoice: it left the unpaid list and its payment is in the history, so it
// was paid; it is not paid again.
func TestInvoiceUnknownResolvedByItsState(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	w := e.wallet(t)
	inv := affordableInvoice(t, e)
	e.sb.Wallet.SetFaults(sandbox.Faults{InvalidJSON: 1})
	got, err := w.PayInvoice(ctx, inv, "shop")
	if err != nil {
		t.Fatal(err)
	}
	got = awaitState(t, w.Await, got, store.StateSucceeded, store.StateFailed, store.StateHeld)
	if got.State != store.StateSucceeded || got.Attempts != 1 {
		t.Fatalf("state %s after %d attempts (%s), want succeeded after 1", got.State, got.Attempts, got.LastError)
	}
	if n := paidInvoice(t, e, int64(inv.ID)); n != 1 {
		t.Errorf("invoice paid %d times, want 1", n)
	}
}

// A refused invoice pay (not enough funds) is final and explained.
func TestInvoiceRefusalIsFinal(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	w := e.wallet(t)
	page, _, err := e.api.Invoices.Unpaid(ctx, qiwiapi.InvoiceOptions{Rows: 50})
	if err != nil {
		t.Fatal(err)
	}
	var big *qiwiapi.Invoice
	for i, inv := range page.Invoices {
		if inv.Sum.Minor >= 1_000_000_00 {
			big = &page.Invoices[i]
		}
	}
	if big == nil {
		t.Fatal("the demo data has no unaffordable invoice any more")
	}
	got, err := w.PayInvoice(ctx, *big, "shop")
	if err != nil {
		t.Fatal(err)
	}
	got = awaitState(t, w.Await, got, store.StateFailed, store.StateSucceeded)
	if got.State != store.StateFailed || got.LastError == "" {
		t.Fatalf("refusal: %s %q", got.State, got.LastError)
	}
	// The same invoice may be paid again later: a new attempt, same client id.
	again, err := w.PayInvoice(ctx, *big, "shop")
	if err != nil || again.ID == got.ID {
		t.Fatalf("paying again after a refusal: %+v, %v", again, err)
	}
}

// A notification for a followed payment settles it at once, long before
// its next poll.
func TestNudgeSettlesAtOnce(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	srv := e.sb.Wallet
	w, err := NewWallet(ctx, e.st, e.api, WalletOptions{Wallet: e.sb.Creds.Wallet, PollEvery: time.Hour, RetryEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	got, err := w.Pay(ctx, transfer(srv.OtherWallets()[0], 500), "x")
	if err != nil {
		t.Fatal(err)
	}
	got = awaitState(t, w.Await, got, store.StateAccepted)
	srv.SettleNow()
	if !w.Nudge(got.TxnID()) {
		t.Fatal("Nudge found no followed payment")
	}
	if w.Nudge(got.TxnID() + 12345) {
		t.Error("Nudge of another txn found a payment")
	}
	awaitState(t, w.Await, got, store.StateSucceeded)
}

// Unknown payments left by a run are re-sent with the same id by Resume,
// and a second Resume pays nothing more.
func TestResumeFinishesAnotherRunsPayment(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	srv, wallet := e.sb.Wallet, e.sb.Creds.Wallet
	before := srv.PaymentCount(wallet)
	p := transfer(srv.OtherWallets()[0], 2500)
	p.ID = "1717171717000"
	j := e.st.Journal()
	en, err := j.Begin(ctx, store.Intent{Kind: store.KindWalletPayment, ClientID: p.ID, Account: wallet, Recipient: "x", Amount: p.Sum,
		ProviderID: p.Provider, Request: EncodePayment(p)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Advance(ctx, en.ID, store.Update{State: store.StateSent}); err != nil {
		t.Fatal(err)
	}
	w := e.wallet(t)
	rep, err := w.Resume(ctx)
	if err != nil || rep.Followed != 1 {
		t.Fatalf("resume: %+v, %v", rep, err)
	}
	got := awaitState(t, w.Await, *en, store.StateAccepted)
	if rep, _ := w.Resume(ctx); rep.Followed != 0 {
		t.Errorf("a second resume started %d sagas again", rep.Followed)
	}
	srv.SettleNow()
	awaitState(t, w.Await, got, store.StateSucceeded)
	if n := srv.PaymentCount(wallet) - before; n != 1 {
		t.Fatalf("%d payments, want 1", n)
	}
	// Another wallet's entries are never sent with this token.
	other := transfer(srv.OtherWallets()[1], 100)
	other.ID = "1717171717001"
	if _, err := j.Begin(ctx, store.Intent{Kind: store.KindWalletPayment, ClientID: other.ID, Account: srv.OtherWallets()[0], Amount: other.Sum,
		ProviderID: other.Provider, Request: EncodePayment(other)}); err != nil {
		t.Fatal(err)
	}
	if rep, _ := w.Resume(ctx); rep.Followed != 0 {
		t.Errorf("resume followed another wallet's payment: %+v", rep)
	}
}

// 401 holds the payment for a person (no retries); Retry releases it.
func TestUnauthorizedHoldsUntilRetried(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	srv := e.sb.Wallet
	bad := walletClient(t, e.sb.URL, "not-a-token")
	w, err := NewWallet(ctx, e.st, bad, WalletOptions{Wallet: e.sb.Creds.Wallet, Clock: e.clock, PollEvery: time.Second, RetryEvery: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.Pay(ctx, transfer(srv.OtherWallets()[0], 100), "x")
	if err != nil {
		t.Fatal(err)
	}
	got = awaitState(t, w.Await, got, store.StateHeld)
	if got.Attempts != 1 {
		t.Errorf("a held payment was sent %d times", got.Attempts)
	}
	w.Close()
	good := e.wallet(t)
	if err := good.Retry(ctx, got.ID); err != nil {
		t.Fatal(err)
	}
	got = awaitState(t, good.Await, got, store.StateAccepted)
	if srv.PaymentCount(e.sb.Creds.Wallet) == 0 {
		t.Error("not paid after the release")
	}
}

func affordableInvoice(t *testing.T, e *env) qiwiapi.Invoice {
	t.Helper()
	page, _, err := e.api.Invoices.Unpaid(context.Background(), qiwiapi.InvoiceOptions{Rows: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range page.Invoices {
		if inv.Sum.Minor < 10_000_00 && inv.Sum.Currency == qiwiapi.RUB {
			return inv
		}
	}
	t.Fatal("no affordable invoice in the demo data")
	return qiwiapi.Invoice{}
}

// paidInvoice counts the wallet's history rows paying invoice id (the
// sandbox writes one per executed pay, trmTxnId = the invoice id).
func paidInvoice(t testing.TB, e *env, id int64) int {
	t.Helper()
	return countTrm(t, e, fmt.Sprint(id))
}

// countTrm counts the demo wallet's outgoing history rows with trmTxnId trm.
func countTrm(t testing.TB, e *env, trm string) int {
	t.Helper()
	e.sb.Wallet.SetFaults(sandbox.Faults{})
	page, _, err := e.api.History.List(context.Background(), e.sb.Creds.Wallet, qiwiapi.HistoryOptions{Rows: 50, Operation: qiwiapi.OperationOut})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tx := range page.Transactions {
		if string(tx.TrmTxnID) == trm {
			n++
		}
	}
	return n
}

// With no saga running, Changes waits for a move (or its context) instead
// of returning at once: a screen watching it would otherwise spin.
func TestChangesWaitsWhenIdle(t *testing.T) {
	e := newEnv(t)
	w := e.wallet(t)
	v := w.Version()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	got, err := w.Changes(ctx, v)
	if !errors.Is(err, context.DeadlineExceeded) || got != v {
		t.Fatalf("idle Changes returned %d, %v; want to wait until its deadline", got, err)
	}
	// A new intent is a move: Changes returns with the new version.
	done := make(chan uint64, 1)
	go func() {
		n, _ := w.Changes(context.Background(), v)
		done <- n
	}()
	if _, err := w.Pay(context.Background(), transfer(e.sb.Wallet.OtherWallets()[0], 100), "x"); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-done:
		if n == v {
			t.Fatalf("Changes returned the old version %d", n)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Changes did not return after a new payment")
	}
}
