package payments

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

// The store's journal lists in the screens' terms.
var _ common.JournalReader = NewJournalReader(nil)

// openStore is a real store in a temp dir whose clock is *clock.
func openStore(t *testing.T, clock *time.Time) *store.Store {
	t.Helper()
	keyring.MockInit()
	st, err := store.Open(filepath.Join(t.TempDir(), "qiwidash.db"), store.Options{
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return *clock },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func rub(minor int64) qiwiapi.Amount { return qiwiapi.Amount{Minor: minor, Currency: qiwiapi.RUB} }

// journalState is the state the journal lists for client id.
func journalState(t *testing.T, uj *store.UIJournal, id string) store.UIEntry {
	t.Helper()
	es, err := uj.Recent(context.Background(), 100)
	must(t, err)
	for _, e := range es {
		if e.ClientID == id {
			return e
		}
	}
	t.Fatalf("%s is not in the journal", id)
	return store.UIEntry{}
}

// A new Payments screen lists what earlier runs journaled for the wallet
// (a transfer and an invoice payment), and a new transfer goes on top.
func TestRecentPaymentsComeFromTheJournal(t *testing.T) {
	env := uitest.New(t)
	clock := uitest.Now.Add(-26 * time.Hour) // "yesterday": an earlier run
	st := openStore(t, &clock)
	wallet := env.Common.Wallet
	uj := st.UIJournal("default", wallet)

	old, err := qiwiapi.WalletTransfer("1000", "+79161112233", rub(4200), "rent")
	must(t, err)
	must(t, uj.Begin("payment", "QIWI wallet +79161112233", old.Sum, old.ID, old))
	must(t, uj.Update(old.ID, "sent", "", 0))
	must(t, uj.Update(old.ID, "accepted", "", 777001))
	must(t, uj.Update(old.ID, "final", "", 777001))
	clock = clock.Add(time.Hour)
	req := map[string]string{"invoice_uid": "55", "currency": "643"}
	must(t, uj.Begin("invoice", "ООО Ромашка", rub(99900), "invoice-55", req))
	must(t, uj.Update("invoice-55", "sent", "", 0))
	must(t, uj.Update("invoice-55", "final", "", 0))
	// Another wallet's payment is not this screen's business.
	foreign := old
	foreign.ID = "1001"
	must(t, st.UIJournal("other", "79990000002").Begin("payment", "QIWI wallet +79161112233", foreign.Sum, foreign.ID, foreign))

	env.Common.Journal = uj
	d := newDriver(t, env)
	if n := len(d.m.recent); n != 2 {
		t.Fatalf("listed %d payments, want 2", n)
	}
	inv, tr := d.m.recent[0], d.m.recent[1]
	if inv.id() != "invoice-55" || inv.kind != kindInvoice || inv.state != stSuccess || inv.recipient != "ООО Ромашка" || inv.payment.Sum != rub(99900) {
		t.Fatalf("first entry = %+v, want the invoice payment", inv)
	}
	if tr.id() != "1000" || tr.kind != kindWallet || tr.state != stSuccess || tr.txnID != 777001 {
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
	// Nothing final is re-checked: no request went out for them.
	if len(d.Queue) != 0 {
		t.Fatalf("%d commands left after loading", len(d.Queue))
	}

	// A new transfer in this run goes on top, and stays there once the
	// list is read back from the journal.
	clock = uitest.Now
	d.sendWallet("+79161112233", "10")
	d.yes()
	d.run(20, func() bool { return len(d.m.recent) == 3 && d.m.recent[0].state == stWaiting })
	if n := len(d.m.recent); n != 3 {
		t.Fatalf("listed %d payments, want 3", n)
	}
	e := d.m.recent[0]
	if e.restored || e.state != stWaiting || e.txnID == 0 || e.payment.Sum != rub(1000) {
		t.Fatalf("top entry = %+v, want the new transfer, waiting", e)
	}
	if d.m.recent[1] != inv || d.m.recent[2] != tr {
		t.Fatal("the earlier entries moved")
	}
	if got := journalState(t, uj, e.id()); got.State != "accepted" || got.TxnID != e.txnID {
		t.Fatalf("journal has %+v", got)
	}
	if d.m.selectedEntry() != e {
		t.Fatal("the cursor left the new payment")
	}
	env.Sandbox.Server.SettleNow()
	d.run(30, func() bool { return e.state != stWaiting })
	if e.state != stSuccess {
		t.Fatalf("state = %v, want SUCCESS", e.state)
	}
	d.run(20, nil)
	if len(d.m.recent) != 3 || d.m.recent[0] != e {
		t.Fatalf("after settling: %d entries, top %+v", len(d.m.recent), d.m.recent[0])
	}
	if got := journalState(t, uj, e.id()); got.State != "success" {
		t.Fatalf("journal has %+v", got)
	}
	if n := env.Sandbox.Server.PaymentCount(wallet); n != 1 {
		t.Fatalf("PaymentCount = %d, want 1", n)
	}
}

// Payments an earlier run left open are followed: one QIWI accepted is
// polled to its end, one whose answer was lost is found in history by its
// id. Neither is sent again.
func TestJournaledOpenPaymentsAreFollowed(t *testing.T) {
	env := uitest.New(t)
	clock := uitest.Now.Add(-time.Hour)
	st := openStore(t, &clock)
	srv, wallet := env.Sandbox.Server, env.Common.Wallet
	uj := st.UIJournal("default", wallet)
	ctx := context.Background()

	accepted, err := qiwiapi.WalletTransfer("2000", "+79161112233", rub(1500), "")
	must(t, err)
	must(t, uj.Begin("payment", "QIWI wallet +79161112233", accepted.Sum, accepted.ID, accepted))
	must(t, uj.Update(accepted.ID, "sent", "", 0))
	info, _, err := env.Common.API.Payments.Pay(ctx, accepted)
	must(t, err)
	must(t, uj.Update(accepted.ID, "accepted", "", info.TxnID()))

	lost, err := qiwiapi.WalletTransfer("2001", "+79161112233", rub(2500), "")
	must(t, err)
	must(t, uj.Begin("payment", "QIWI wallet +79161112233", lost.Sum, lost.ID, lost))
	must(t, uj.Update(lost.ID, "sent", "", 0))
	_, _, err = env.Common.API.Payments.Pay(ctx, lost) // went through; the run "never saw" the answer
	must(t, err)
	must(t, uj.Update(lost.ID, "unknown", "connection reset", 0))
	sent := srv.PaymentCount(wallet)

	env.Common.Journal = uj
	d := newDriver(t, env)
	if len(d.m.recent) != 2 {
		t.Fatalf("listed %d payments, want 2", len(d.m.recent))
	}
	byID := map[string]*entry{}
	for _, e := range d.m.recent {
		byID[e.id()] = e
	}
	a, l := byID["2000"], byID["2001"]
	d.run(40, func() bool { return a.state == stWaiting && l.state == stWaiting && a.polls >= 1 && l.polls >= 1 })
	if a.state != stWaiting || a.txnID != info.TxnID() {
		t.Fatalf("accepted entry: %+v", a)
	}
	if l.state != stWaiting || l.txnID == 0 {
		t.Fatalf("lost entry was not found in history: state %v note %q", l.state, l.note)
	}
	if got := journalState(t, uj, "2001"); got.State != "accepted" || got.TxnID != l.txnID {
		t.Fatalf("journal has %+v for the found payment", got)
	}
	srv.SettleNow()
	d.run(60, func() bool { return a.state == stSuccess && l.state == stSuccess })
	if a.state != stSuccess || l.state != stSuccess {
		t.Fatalf("states %v %v, want both SUCCESS", a.state, l.state)
	}
	d.run(40, nil)
	if len(d.Queue) != 0 {
		t.Fatal("following did not stop after the final status")
	}
	for _, id := range []string{"2000", "2001"} {
		if got := journalState(t, uj, id); got.State != "success" {
			t.Errorf("journal has %+v for %s", got, id)
		}
	}
	if n := srv.PaymentCount(wallet); n != sent {
		t.Fatalf("PaymentCount %d -> %d: something was sent again", sent, n)
	}
	if errs := d.ErrorToasts(); len(errs) != 0 {
		t.Fatalf("error toasts: %v", errs)
	}
}

// An open invoice payment is listed as unknown but neither re-sent nor
// looked up here (the Invoices screen pays invoices); once the journal says
// it is paid, a reload shows it.
func TestJournaledInvoiceIsNotResentHere(t *testing.T) {
	env := uitest.New(t)
	clock := uitest.Now.Add(-time.Hour)
	st := openStore(t, &clock)
	uj := st.UIJournal("default", env.Common.Wallet)
	req := map[string]string{"invoice_uid": "9", "currency": "643"}
	must(t, uj.Begin("invoice", "Shop", rub(100), "invoice-9", req))
	must(t, uj.Update("invoice-9", "sent", "", 0))
	must(t, uj.Update("invoice-9", "unknown", "timeout", 0))
	env.Common.Journal = uj
	d := newDriver(t, env)
	if len(d.m.recent) != 1 || d.m.recent[0].state != stUnknown {
		t.Fatalf("recent = %+v", d.m.recent)
	}
	e := d.m.recent[0]
	d.m.cursor = d.m.kindRows()
	d.Press("enter")
	if len(d.Confirms) != 0 || !strings.Contains(d.LastToast().Text, "Invoices screen") {
		t.Fatalf("enter on an invoice: confirms %d, toast %q", len(d.Confirms), d.LastToast().Text)
	}
	must(t, uj.Update("invoice-9", "final", "", 0)) // paid from the Invoices screen
	d.Press("r")
	if e.state != stSuccess || d.m.recent[0] != e {
		t.Fatalf("after reload: %+v", d.m.recent[0])
	}
}

// A screen without a listing journal shows this session's payments only.
func TestNoReaderListsThisSessionOnly(t *testing.T) {
	env := uitest.New(t)
	env.Common.Journal = &fakeJournal{}
	d := newDriver(t, env)
	if view := d.m.View(); !strings.Contains(view, "No payments sent in this session yet.") {
		t.Fatalf("view:\n%s", view)
	}
}

// A journaled card payment shows the card masked, whether or not its
// request could be read back.
func TestJournaledCardIsMasked(t *testing.T) {
	env := uitest.New(t)
	clock := uitest.Now.Add(-time.Hour)
	st := openStore(t, &clock)
	uj := st.UIJournal("default", env.Common.Wallet)
	card, err := qiwiapi.CardTransfer("3000", qiwiapi.ProviderVisaRU, "4111111111111111", rub(5000))
	must(t, err)
	must(t, uj.Begin("payment", "card 4111111111111111 (Visa)", card.Sum, card.ID, card))
	must(t, uj.Update(card.ID, "final", "card blocked", 0))
	// A request the screen cannot read back as a payment.
	must(t, uj.Begin("payment", "card 5500000000000004 (MasterCard)", rub(100), "3001", map[string]string{"what": "?"}))
	env.Common.Journal = uj
	d := newDriver(t, env)
	view := d.m.View()
	for _, n := range []string{"4111111111111111", "5500000000000004"} {
		if strings.Contains(view, n) {
			t.Fatalf("card %s in clear:\n%s", n, view)
		}
	}
	if !strings.Contains(view, "411111••••••1111") || !strings.Contains(view, "550000••••••0004") || !strings.Contains(view, "card blocked") {
		t.Fatalf("view:\n%s", view)
	}
	for _, e := range d.m.recent {
		if e.id() == "3001" && (e.retryable() || e.state != stNotSent) {
			t.Fatalf("an unreadable request is offered for re-sending: %+v", e)
		}
	}
}
