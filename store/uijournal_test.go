package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
	"qiwidash/ui/common"
)

// The screens' journal interface, checked here because store must not
// import ui outside tests.
var _ common.Journal = (*UIJournal)(nil)

func countEntries(t *testing.T, s *Store, clientID string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM journal WHERE client_id = ?`, clientID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A payment begun by the Payments screen, whose answer was lost, is resent
// once by the start-up resume of the next run, with the same id.
func TestUIJournalPaymentResumesAfterRestart(t *testing.T) {
	ctx := context.Background()
	sb, _ := startSandbox(t, 20)
	srv := sb.Server
	wallet := srv.DemoWallet()
	cl := newClient(t, sb.URL, srv.DemoToken())
	keyring.MockInit()
	path := filepath.Join(t.TempDir(), "qiwidash.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	uj := s.UIJournal("default", wallet)
	p := qiwiapi.Payment{Provider: qiwiapi.ProviderWalletTransfer, ID: "1717000000777",
		Sum: qiwiapi.Amount{Minor: 1234, Currency: qiwiapi.RUB}, Fields: map[string]string{"account": "+" + srv.OtherWallets()[0]}}
	if err := uj.Begin(UIKindPayment, p.Fields["account"], p.Sum, p.ID, p); err != nil {
		t.Fatal(err)
	}
	// The screen retries before it knows the entry exists: same intent, no error, one entry.
	if err := uj.Begin(UIKindPayment, p.Fields["account"], p.Sum, p.ID, p); err != nil {
		t.Fatalf("begin again: %v", err)
	}
	if n := countEntries(t, s, p.ID); n != 1 {
		t.Fatalf("%d entries, want 1", n)
	}
	other := p
	other.Sum.Minor++
	if err := uj.Begin(UIKindPayment, p.Fields["account"], other.Sum, p.ID, other); !errors.Is(err, ErrDuplicate) {
		t.Errorf("same id, other amount: %v", err)
	}
	if err := uj.Update(p.ID, UIStateSent, "", 0); err != nil {
		t.Fatal(err)
	}
	if err := uj.Update(p.ID, UIStateUnknown, "connection reset", 0); err != nil {
		t.Fatal(err)
	}
	e, _ := s.Journal().Find(ctx, KindWalletPayment, p.ID)
	if e.State != StateUnknown || e.LastError != "connection reset" || e.ProviderID != p.Provider || e.Account != wallet || e.Profile != "default" {
		t.Fatalf("entry = %+v", e)
	}
	s.Close()

	// The next run: resume before the UI starts.
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Another profile's open payment must not go out with this wallet's token.
	foreign := p
	foreign.ID = "1717000000999"
	if err := s.UIJournal("other", "79997776655").Begin(UIKindPayment, p.Fields["account"], p.Sum, foreign.ID, foreign); err != nil {
		t.Fatal(err)
	}
	before := srv.PaymentCount(wallet)
	rep, err := s.Journal().Resume(ctx, WalletResenders("+"+wallet, cl.Payments, cl.History))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Resumed) != 1 || rep.Resumed[0].State != StateAccepted || rep.Resumed[0].RemoteID == "" || rep.Resumed[0].ClientID != p.ID || rep.Skipped != 1 {
		t.Fatalf("resume report %+v", rep)
	}
	if e, _ := s.Journal().Find(ctx, KindWalletPayment, foreign.ID); e.State != StatePending || e.Attempts != 0 {
		t.Errorf("the other wallet's entry was touched: %+v", e)
	}
	if n := srv.PaymentCount(wallet) - before; n != 1 {
		t.Errorf("%d payments, want 1", n)
	}
	// A conversion is journaled under its own kind, which the resenders also take.
	conv := qiwiapi.Payment{Provider: qiwiapi.ProviderConversion, ID: "1717000000778", Sum: qiwiapi.Amount{Minor: 100, Currency: qiwiapi.USD},
		Fields: map[string]string{"account": wallet}}
	uj = s.UIJournal("default", wallet)
	if err := uj.Begin(UIKindPayment, wallet, conv.Sum, conv.ID, &conv); err != nil {
		t.Fatal(err)
	}
	if e, err := s.Journal().Find(ctx, KindConversion, conv.ID); err != nil || e.ProviderID != qiwiapi.ProviderConversion {
		t.Errorf("conversion entry %+v, %v", e, err)
	}
	if _, ok := WalletResenders(wallet, cl.Payments, nil)[KindConversion]; !ok {
		t.Error("no resender for conversions")
	}
}

// Paying the same unpaid invoice again after a refusal is a new attempt,
// in the same run (no Begin) and after a restart (Begin again).
func TestUIJournalInvoiceAgainAfterRefusal(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	uj := s.UIJournal("default", "79990000000")
	sum := qiwiapi.Amount{Minor: 50000, Currency: qiwiapi.RUB}
	req := map[string]string{"invoice_uid": "7", "currency": "643"}
	id := "invoice-7"
	if err := uj.Begin(UIKindInvoice, "Shop", sum, id, req); err != nil {
		t.Fatal(err)
	}
	steps := []struct{ state, err string }{
		{UIStateSent, ""}, {UIStateFinal, "not enough money"}, // refused
		{UIStateSent, ""}, {UIStateFinal, "not enough money"}, // same run, tried again: a new attempt
	}
	for _, st := range steps {
		if err := uj.Update(id, st.state, st.err, 0); err != nil {
			t.Fatalf("%s: %v", st.state, err)
		}
	}
	if err := uj.Update(id, UIStateFinal, "not enough money", 0); err != nil {
		t.Errorf("repeating a final update: %v", err)
	}
	// A later run pays it again: Begin is called anew.
	if err := uj.Begin(UIKindInvoice, "Shop", sum, id, req); err != nil {
		t.Fatalf("begin after refusal: %v", err)
	}
	if err := uj.Update(id, UIStateSent, "", 0); err != nil {
		t.Fatal(err)
	}
	if err := uj.Update(id, UIStateFinal, "", 0); err != nil {
		t.Fatal(err)
	}
	if n := countEntries(t, s, id); n != 3 {
		t.Errorf("%d attempts journaled, want 3", n)
	}
	e, _ := s.Journal().Find(ctx, KindInvoicePay, id)
	if e.State != StateFinal || e.Outcome != OutcomeSuccess || e.Attempts != 1 {
		t.Errorf("latest attempt = %+v", e)
	}
	// Paid: neither a new Begin nor a new "sent" may go through.
	if err := uj.Begin(UIKindInvoice, "Shop", sum, id, req); !errors.Is(err, ErrDuplicate) {
		t.Errorf("begin after success: %v", err)
	}
	if err := uj.Update(id, UIStateSent, "", 0); err == nil {
		t.Error("sent after success accepted")
	}
	if err := uj.Update(id, UIStateFinal, "late refusal", 0); err == nil {
		t.Error("a conflicting final outcome was accepted")
	}
}

func TestUIJournalFillsSkippedMovesAndRejectsNonsense(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	uj := s.UIJournal("p", "w")
	p := qiwiapi.Payment{Provider: 99, ID: "42", Sum: qiwiapi.Amount{Minor: 10, Currency: qiwiapi.RUB}, Fields: map[string]string{"account": "79001234567"}}
	if err := uj.Begin(UIKindPayment, "79001234567", p.Sum, p.ID, p); err != nil {
		t.Fatal(err)
	}
	// The "sent" update failed earlier; the answer still lands.
	if err := uj.Update("42", UIStateAccepted, "", 9001); err != nil {
		t.Fatal(err)
	}
	if err := uj.Update("42", UIStateAccepted, "", 9001); err != nil { // recheck found it again
		t.Fatal(err)
	}
	if err := uj.Update("42", UIStateFinal, "", 0); err != nil {
		t.Fatal(err)
	}
	e, _ := s.Journal().Find(ctx, KindWalletPayment, "42")
	if e.State != StateFinal || e.Outcome != OutcomeSuccess || e.RemoteID != "9001" || e.Attempts != 1 {
		t.Errorf("entry = %+v", e)
	}
	if err := uj.Update("42", "exploded", "", 0); err == nil {
		t.Error("unknown state accepted")
	}
	if err := uj.Update("nobody", UIStateSent, "", 0); err == nil {
		t.Error("update of an unknown client id accepted")
	}
	if err := uj.Begin("teleport", "x", p.Sum, "43", p); err == nil {
		t.Error("unknown kind accepted")
	}
	bad := p
	bad.ID = "44"
	if err := uj.Begin(UIKindPayment, "x", p.Sum, "45", bad); err == nil {
		t.Error("a payment whose id is not the client id was accepted")
	}
}

// Recent lists one wallet's payments, conversions and invoice payments
// newest first, in the screens' words, each client id once (its latest
// attempt), and nothing journaled for another wallet.
func TestUIJournalRecent(t *testing.T) {
	keyring.MockInit()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	s, err := Open(filepath.Join(t.TempDir(), "qiwidash.db"), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	const wallet = "79990000001"
	uj := s.UIJournal("default", wallet)
	step := func() { now = now.Add(time.Minute) }
	rub := func(minor int64) qiwiapi.Amount { return qiwiapi.Amount{Minor: minor, Currency: qiwiapi.RUB} }
	pay := qiwiapi.Payment{Provider: qiwiapi.ProviderWalletTransfer, ID: "100", Sum: rub(1000), Fields: map[string]string{"account": "+79161112233"}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(uj.Begin(UIKindPayment, "QIWI wallet +79161112233", pay.Sum, pay.ID, pay))
	must(uj.Update(pay.ID, UIStateSent, "", 0))
	must(uj.Update(pay.ID, UIStateAccepted, "", 5551))
	must(uj.Update(pay.ID, UIStateFinal, "", 5551))
	step()
	conv := qiwiapi.Payment{Provider: qiwiapi.ProviderConversion, ID: "101", Sum: qiwiapi.Amount{Minor: 500, Currency: qiwiapi.USD}, Fields: map[string]string{"account": wallet}}
	must(uj.Begin(UIKindPayment, "your USD account", conv.Sum, conv.ID, conv))
	must(uj.Update(conv.ID, UIStateSent, "", 0))
	must(uj.Update(conv.ID, UIStateAccepted, "", 5552))
	step()
	// An invoice refused once, then paid: listed once, as paid.
	req := map[string]string{"invoice_uid": "7", "currency": "643"}
	must(uj.Begin(UIKindInvoice, "Shop", rub(5000), "invoice-7", req))
	must(uj.Update("invoice-7", UIStateSent, "", 0))
	must(uj.Update("invoice-7", UIStateFinal, "not enough money", 0))
	step()
	must(uj.Begin(UIKindInvoice, "Shop", rub(5000), "invoice-7", req))
	must(uj.Update("invoice-7", UIStateSent, "", 0))
	must(uj.Update("invoice-7", UIStateFinal, "", 0))
	step()
	lost := pay
	lost.ID = "102"
	must(uj.Begin(UIKindPayment, "QIWI wallet +79161112233", lost.Sum, lost.ID, lost))
	must(uj.Update(lost.ID, UIStateSent, "", 0))
	must(uj.Update(lost.ID, UIStateUnknown, "connection reset", 0))
	step()
	// Another wallet's payment, and an agent top-up: not listed.
	other := pay
	other.ID = "103"
	must(s.UIJournal("other", "79990000002").Begin(UIKindPayment, "x", other.Sum, other.ID, other))
	if _, err := s.Journal().Begin(ctx, Intent{Kind: KindAgentTopup, ClientID: "t1", Profile: "default", Account: wallet, Amount: rub(1), Request: []byte("{}")}); err != nil {
		t.Fatal(err)
	}

	got, err := uj.Recent(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ id, kind, state, lastErr string }
	want := []row{
		{"102", UIKindPayment, UIStateUnknown, "connection reset"},
		{"invoice-7", UIKindInvoice, UIStateSuccess, ""},
		{"101", UIKindConversion, UIStateAccepted, ""},
		{"100", UIKindPayment, UIStateSuccess, ""},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if (row{g.ClientID, g.Kind, g.State, g.LastError}) != w {
			t.Errorf("entry %d = %+v, want %+v", i, row{g.ClientID, g.Kind, g.State, g.LastError}, w)
		}
	}
	if g := got[3]; g.TxnID != 5551 || g.Provider != qiwiapi.ProviderWalletTransfer || g.Amount != pay.Sum ||
		g.Recipient != "QIWI wallet +79161112233" || !g.CreatedAt.Equal(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("payment entry = %+v", g)
	}
	if p, err := DecodePayment(got[3].Request); err != nil || p.ID != "100" || p.Fields["account"] != "+79161112233" {
		t.Errorf("request decodes to %+v, %v", p, err)
	}
	if got[0].Open() != true || got[1].Open() {
		t.Error("Open() wrong")
	}
	if got, _ := uj.Recent(ctx, 2); len(got) != 2 || got[0].ClientID != "102" {
		t.Errorf("limit 2: %+v", got)
	}
	// The wallet written with a plus is the same wallet.
	if got, _ := s.UIJournal("default", "+"+wallet).Recent(ctx, 0); len(got) != 4 {
		t.Errorf("with a plus: %d entries", len(got))
	}
}
