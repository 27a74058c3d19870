package invoices

import (
	"context"
	"strings"
	"testing"

	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/ui/uitest"
	"qiwidash/views/payments"
)

// Paying invoices journals them in the store (the paid one and the refused
// one), so the Payments screen lists them among the wallet's payments.
func TestInvoicePaysAreJournaledForPayments(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env, 50)
	paid := d.selectAffordable()
	d.Press("P")
	d.yes()
	var big qiwiapi.Invoice
	for i, inv := range d.m.invoices {
		if inv.Sum.Minor >= 1_000_000_00 {
			d.m.cursor, big = i, inv
		}
	}
	d.Press("P") // checked before the confirmation: not offered
	if errs := d.ErrorToasts(); len(d.Confirms) != 0 || len(errs) != 1 || !strings.Contains(errs[0], "Not enough money") {
		t.Fatalf("confirmations %d, error toasts = %v", len(d.Confirms), errs)
	}
	// Money arrives, so the check passes; another device spends it before
	// the yes, so QIWI refuses the pay: that refusal is journaled too.
	srv, wallet, other := env.Sandbox.Server, env.Common.Wallet, env.Sandbox.Server.OtherWallets()[0]
	srv.AddIncoming(wallet, big.Sum.Minor, 643, other)
	d.Press("P")
	bal, _ := srv.Balance(wallet, 643)
	spend, err := qiwiapi.WalletTransfer("1700000000001", "+"+other, qiwiapi.Amount{Minor: bal - big.Sum.Minor + 100, Currency: qiwiapi.RUB}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Common.API.Payments.Pay(context.Background(), spend); err != nil {
		t.Fatal(err)
	}
	d.yes()
	if errs := d.ErrorToasts(); len(errs) != 2 || !strings.Contains(errs[1], "Not enough funds") {
		t.Fatalf("error toasts = %v", errs)
	}

	es, err := env.Common.Moves.Recent(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]store.Entry{}
	for _, e := range es {
		got[e.ClientID] = e
	}
	if len(es) != 2 {
		t.Fatalf("journal lists %d entries, want 2: %+v", len(es), es)
	}
	if e := got[clientID(paid)]; e.Kind != store.KindInvoicePay || e.State != store.StateSucceeded || e.Amount != paid.Sum || e.Recipient != d.m.merchant(paid) {
		t.Errorf("paid invoice journaled as %+v", e)
	}
	if e := got[clientID(big)]; e.State != store.StateFailed || !strings.Contains(e.LastError, "Not enough funds") {
		t.Errorf("refused invoice journaled as %+v", e)
	}

	// A Payments screen on the same journal lists both.
	pm := payments.New(env.Common)
	pm.SetSize(uitest.Width, uitest.Height-6)
	uitest.NewDriver(t, pm)
	view := pm.View()
	for _, want := range []string{"Invoice payment", prefix(d.m.merchant(paid)), "✓ SUCCESS", "✗ REFUSED", "Not enough funds"} {
		if !strings.Contains(view, want) {
			t.Errorf("Payments lacks %q:\n%s", want, view)
		}
	}
}

// prefix is the start of s that fits the Payments list's recipient column.
func prefix(s string) string {
	r := []rune(s)
	return string(r[:min(len(r), 20)])
}
