package payments

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/store"
	smoves "qiwidash/store/moves"
	"qiwidash/ui/uitest"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func rub(minor int64) qiwiapi.Amount { return qiwiapi.Amount{Minor: minor, Currency: qiwiapi.RUB} }

// seed journals an entry as an earlier run left it: begun, then moved
// through moves (state, and for some a txn id or an error).
func seed(t *testing.T, env *uitest.Env, kind store.Kind, account, recipient, clientID string, amount qiwiapi.Amount, request any, moves ...store.Update) store.Entry {
	t.Helper()
	req, err := json.Marshal(request)
	must(t, err)
	provider := 0
	if p, ok := request.(qiwiapi.Payment); ok {
		req, provider = smoves.EncodePayment(p), p.Provider
	}
	j := env.Store.Journal()
	e, err := j.Begin(context.Background(), store.Intent{Kind: kind, ClientID: clientID, Profile: "default", Account: account,
		Recipient: recipient, Amount: amount, ProviderID: provider, Request: req})
	must(t, err)
	for _, u := range moves {
		e, err = j.Advance(context.Background(), e.ID, u)
		must(t, err)
	}
	return *e
}

// journalState is the journal's latest entry for client id.
func journalState(t *testing.T, env *uitest.Env, kind store.Kind, id string) store.Entry {
	t.Helper()
	e, err := env.Store.Journal().Find(context.Background(), kind, id)
	must(t, err)
	return *e
}

var (
	sent     = store.Update{State: store.StateSent}
	success  = store.Update{State: store.StateSucceeded}
	accepted = func(txn string) store.Update { return store.Update{State: store.StateAccepted, RemoteID: txn} }
	unknown  = func(why string) store.Update { return store.Update{State: store.StateUnknown, Err: errors.New(why)} }
)

// A new Payments screen lists what earlier runs journaled for the wallet
// (a transfer and an invoice payment), and a new transfer goes on top.
func TestRecentPaymentsComeFromTheJournal(t *testing.T) {
	env := uitest.New(t)
	env.StoreClock.Set(uitest.Now.Add(-26 * time.Hour)) // "yesterday": an earlier run
	wallet := env.Common.Wallet

	old, err := qiwiapi.WalletTransfer("1000", "+79161112233", rub(4200), "rent")
	must(t, err)
	seed(t, env, store.KindWalletPayment, wallet, "QIWI wallet +79161112233", old.ID, old.Sum, old, sent, accepted("777001"), success)
	env.StoreClock.Set(uitest.Now.Add(-25 * time.Hour))
	req := map[string]string{"invoice_uid": "55", "currency": "643"}
	seed(t, env, store.KindInvoicePay, wallet, "ООО Ромашка", "invoice-55", rub(99900), req, sent, success)
	// Another wallet's payment is not this screen's business.
	foreign := old
	foreign.ID = "1001"
	seed(t, env, store.KindWalletPayment, "79990000002", "QIWI wallet +79161112233", foreign.ID, foreign.Sum, foreign)
	env.StoreClock.Set(uitest.Now)

	d := newDriver(t, env)
	if n := len(d.m.recent); n != 2 {
		t.Fatalf("listed %d payments, want 2", n)
	}
	inv, tr := d.m.recent[0], d.m.recent[1]
	if inv.id() != "invoice-55" || inv.kind != kindInvoice || inv.je.State != store.StateSucceeded || inv.recipient != "ООО Ромашка" || inv.payment.Sum != rub(99900) {
		t.Fatalf("first entry = %+v, want the invoice payment", inv)
	}
	if tr.id() != "1000" || tr.kind != kindWallet || tr.je.State != store.StateSucceeded || tr.je.TxnID() != 777001 {
		t.Fatalf("second entry = %+v, want the transfer", tr)
	}
	view := d.m.View()
	for _, want := range []string{"earlier runs too", "Invoice payment", "ООО Ромашка", "-999.00 ₽", "Wallet transfer", "777001", "19 Nov 11:00"} {
		if !strings.Contains(view, want) {
			t.Errorf("the list lacks %q:\n%s", want, view)
		}
	}
	if strings.Count(view, "✓ SUCCESS") != 2 {
		t.Errorf("want two SUCCESS rows:\n%s", view)
	}
	// Nothing final is followed: no wait for the engine is left.
	if len(d.Queue) != 0 {
		t.Fatalf("%d commands left after loading", len(d.Queue))
	}

	// A new transfer in this run goes on top, and stays there once the
	// list is read back from the journal.
	d.sendWallet("+79161112233", "10")
	d.yes()
	d.run(20, func() bool { return len(d.m.recent) == 3 && d.m.recent[0].je.State == store.StateAccepted })
	if n := len(d.m.recent); n != 3 {
		t.Fatalf("listed %d payments, want 3", n)
	}
	e := d.m.recent[0]
	if e.je.State != store.StateAccepted || e.je.TxnID() == 0 || e.payment.Sum != rub(1000) || e.kind != kindWallet {
		t.Fatalf("top entry = %+v, want the new transfer, waiting", e)
	}
	if d.m.recent[1] != inv || d.m.recent[2] != tr {
		t.Fatal("the earlier entries moved")
	}
	if got := journalState(t, env, store.KindWalletPayment, e.id()); got.State != store.StateAccepted || got.TxnID() != e.je.TxnID() {
		t.Fatalf("journal has %+v", got)
	}
	if d.m.selectedEntry() != e {
		t.Fatal("the cursor left the new payment")
	}
	env.Sandbox.Server.SettleNow()
	d.run(30, func() bool { return e.je.State != store.StateAccepted })
	if e.je.State != store.StateSucceeded {
		t.Fatalf("state = %v, want SUCCESS", e.je.State)
	}
	d.run(20, nil)
	if len(d.m.recent) != 3 || d.m.recent[0] != e {
		t.Fatalf("after settling: %d entries, top %+v", len(d.m.recent), d.m.recent[0])
	}
	if got := journalState(t, env, store.KindWalletPayment, e.id()); got.State != store.StateSucceeded {
		t.Fatalf("journal has %+v", got)
	}
	if n := env.Sandbox.Server.PaymentCount(wallet); n != 1 {
		t.Fatalf("PaymentCount = %d, want 1", n)
	}
}

// Payments an earlier run left open are followed by the engine's resume:
// one QIWI accepted is polled to its end, one whose answer was lost is
// re-sent with its id (QIWI answers with the original). Neither is paid
// again.
func TestJournaledOpenPaymentsAreFollowed(t *testing.T) {
	env := uitest.New(t)
	env.StoreClock.Set(uitest.Now.Add(-time.Hour))
	srv, wallet := env.Sandbox.Server, env.Common.Wallet
	ctx := context.Background()

	acc, err := qiwiapi.WalletTransfer("2000", "+79161112233", rub(1500), "")
	must(t, err)
	info, _, err := env.Common.API.Payments.Pay(ctx, acc)
	must(t, err)
	seed(t, env, store.KindWalletPayment, wallet, "QIWI wallet +79161112233", acc.ID, acc.Sum, acc, sent, accepted(strconv.FormatInt(info.TxnID(), 10)))

	lost, err := qiwiapi.WalletTransfer("2001", "+79161112233", rub(2500), "")
	must(t, err)
	_, _, err = env.Common.API.Payments.Pay(ctx, lost) // went through; the run "never saw" the answer
	must(t, err)
	seed(t, env, store.KindWalletPayment, wallet, "QIWI wallet +79161112233", lost.ID, lost.Sum, lost, sent, unknown("connection reset"))
	paid := srv.PaymentCount(wallet)
	env.StoreClock.Set(uitest.Now)

	if rep, err := env.Common.Moves.Resume(ctx); err != nil || rep.Followed != 2 {
		t.Fatalf("resume: %+v, %v", rep, err)
	}
	d := newDriver(t, env)
	if len(d.m.recent) != 2 {
		t.Fatalf("listed %d payments, want 2", len(d.m.recent))
	}
	byID := map[string]*entry{}
	for _, e := range d.m.recent {
		byID[e.id()] = e
	}
	a, l := byID["2000"], byID["2001"]
	d.run(40, func() bool { return a.je.State == store.StateAccepted && l.je.State == store.StateAccepted })
	if a.je.State != store.StateAccepted || a.je.TxnID() != info.TxnID() {
		t.Fatalf("accepted entry: %+v", a.je)
	}
	if l.je.State != store.StateAccepted || l.je.TxnID() == 0 {
		t.Fatalf("lost entry was not found again: state %v note %q", l.je.State, l.note(nil))
	}
	if got := journalState(t, env, store.KindWalletPayment, "2001"); got.State != store.StateAccepted || got.TxnID() != l.je.TxnID() {
		t.Fatalf("journal has %+v for the found payment", got)
	}
	srv.SettleNow()
	d.run(60, func() bool { return a.je.State == store.StateSucceeded && l.je.State == store.StateSucceeded })
	if a.je.State != store.StateSucceeded || l.je.State != store.StateSucceeded {
		t.Fatalf("states %v %v (%s / %s), want both SUCCESS", a.je.State, l.je.State, a.je.LastError, l.je.LastError)
	}
	d.run(40, nil)
	if len(d.Queue) != 0 {
		t.Fatal("following did not stop after the final status")
	}
	for _, id := range []string{"2000", "2001"} {
		if got := journalState(t, env, store.KindWalletPayment, id); got.State != store.StateSucceeded {
			t.Errorf("journal has %+v for %s", got, id)
		}
	}
	if n := srv.PaymentCount(wallet); n != paid {
		t.Fatalf("PaymentCount %d -> %d: something was paid again", paid, n)
	}
	if errs := d.ErrorToasts(); len(errs) != 0 {
		t.Fatalf("error toasts: %v", errs)
	}
}

// An open invoice payment is listed as unknown but not re-sent from here
// (the Invoices screen pays invoices); once the journal says it is paid, a
// reload shows it.
func TestJournaledInvoiceIsNotResentHere(t *testing.T) {
	env := uitest.New(t)
	req := map[string]string{"invoice_uid": "9", "currency": "643"}
	je := seed(t, env, store.KindInvoicePay, env.Common.Wallet, "Shop", "invoice-9", rub(100), req, sent, unknown("timeout"))
	d := newDriver(t, env)
	if len(d.m.recent) != 1 || d.m.recent[0].je.State != store.StateUnknown {
		t.Fatalf("recent = %+v", d.m.recent)
	}
	e := d.m.recent[0]
	d.m.cursor = d.m.kindRows()
	d.Press("enter")
	if len(d.Confirms) != 0 || !strings.Contains(d.LastToast().Text, "Invoices screen") {
		t.Fatalf("enter on an invoice: confirms %d, toast %q", len(d.Confirms), d.LastToast().Text)
	}
	_, err := env.Store.Journal().Advance(context.Background(), je.ID, success) // paid from the Invoices screen
	must(t, err)
	d.Press("r")
	if e.je.State != store.StateSucceeded || d.m.recent[0] != e {
		t.Fatalf("after reload: %+v", d.m.recent[0])
	}
}

// A screen without the engine (no store) cannot pay and says so.
func TestNoEngineNoPayments(t *testing.T) {
	env := uitest.New(t)
	env.Common.Moves = nil
	d := newDriver(t, env)
	if view := d.m.View(); !strings.Contains(view, "payment journal") {
		t.Fatalf("view:\n%s", view)
	}
	d.m.cursor = 0
	d.Press("enter")
	if d.m.form != nil || !strings.Contains(d.LastToast().Text, "payment journal") {
		t.Fatalf("a payment form opened without the journal; toast %q", d.LastToast().Text)
	}
}

// A journaled card payment shows the card masked, whether or not its
// request could be read back.
func TestJournaledCardIsMasked(t *testing.T) {
	env := uitest.New(t)
	card, err := qiwiapi.CardTransfer("3000", qiwiapi.ProviderVisaRU, "4111111111111111", rub(5000))
	must(t, err)
	seed(t, env, store.KindWalletPayment, env.Common.Wallet, "card 4111111111111111 (Visa)", card.ID, card.Sum, card, sent,
		store.Update{State: store.StateFailed, Err: errors.New("card blocked")})
	// A request nobody can read back as a payment: the engine holds it.
	seed(t, env, store.KindWalletPayment, env.Common.Wallet, "card 5500000000000004 (MasterCard)", "3001", rub(100), map[string]string{"what": "?"},
		store.Update{State: store.StateHeld, Err: errors.New("request unreadable")})
	d := newDriver(t, env)
	view := d.m.View()
	for _, n := range []string{"4111111111111111", "5500000000000004"} {
		if strings.Contains(view, n) {
			t.Fatalf("card %s in clear:\n%s", n, view)
		}
	}
	if !strings.Contains(view, "41••••••••••••11") || !strings.Contains(view, "55••••••••••••04") || !strings.Contains(view, "card blocked") {
		t.Fatalf("view:\n%s", view)
	}
	for _, e := range d.m.recent {
		if e.id() == "3001" && (e.retryable() || e.je.State != store.StateHeld) {
			t.Fatalf("an unreadable request is offered for re-sending: %+v", e)
		}
	}
}
