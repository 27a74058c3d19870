package invoices

import (
	"context"
	"strings"
	"testing"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/ui/uitest"
)

// driver runs the screen like the shell (uitest.Driver) with the typed model
// at hand.
type driver struct {
	*uitest.Driver
	m *Model
}

func newDriver(t *testing.T, env *uitest.Env, pageSize int) *driver {
	m := New(env.Common)
	m.PageSize = pageSize
	m.SetSize(uitest.Width, uitest.Height-6)
	return &driver{Driver: uitest.NewDriver(t, m), m: m}
}

// yes answers the only confirmation asked with yes.
func (d *driver) yes() {
	d.T.Helper()
	if len(d.Confirms) != 1 {
		d.T.Fatalf("confirmations = %d, want 1", len(d.Confirms))
	}
	d.Yes()
}

// selectAffordable puts the cursor on an invoice the demo wallet can pay.
func (d *driver) selectAffordable() qiwiapi.Invoice {
	for i, inv := range d.m.invoices {
		if inv.Sum.Minor < 100_000_00 {
			d.m.cursor = i
			return inv
		}
	}
	d.T.Fatal("no affordable invoice")
	return qiwiapi.Invoice{}
}

func (d *driver) has(id qiwiapi.FlexInt) bool {
	for _, inv := range d.m.invoices {
		if inv.ID == id {
			return true
		}
	}
	return false
}

func TestLoadsAndFollowsPaging(t *testing.T) {
	env := uitest.New(t)
	all := newDriver(t, env, 50)
	if n := len(all.m.invoices); n != 8 {
		t.Fatalf("invoices = %d, want 8", n)
	}
	d := newDriver(t, env, 3)
	// The first page (3) is within 5 rows of the end, so the next was asked for.
	if n := len(d.m.invoices); n != 6 || d.m.next == nil {
		t.Fatalf("after load: %d invoices, next %v; want 6 and more to come", n, d.m.next)
	}
	d.Press("j")
	if n := len(d.m.invoices); n != 8 || d.m.next != nil {
		t.Fatalf("after moving down: %d invoices, next %v; want all 8", n, d.m.next)
	}
	for i := range all.m.invoices {
		if all.m.invoices[i].ID != d.m.invoices[i].ID {
			t.Fatalf("paged order differs at %d", i)
		}
	}
}

func TestPayThroughConfirmation(t *testing.T) {
	env := uitest.New(t)
	srv, wallet := env.Sandbox.Server, env.Common.Wallet
	before, _ := srv.Balance(wallet, 643)
	d := newDriver(t, env, 50)
	inv := d.selectAffordable()
	d.Press("P")
	if len(d.Confirms) != 1 {
		t.Fatal("pay did not ask for confirmation")
	}
	if got, want := d.Confirms[0].Lines[1], "The account holds "+(qiwiapi.Amount{Minor: before, Currency: qiwiapi.RUB}).Format()+" before it."; got != want {
		t.Fatalf("confirmation line 2 = %q", got)
	}
	want := "Pay " + inv.Sum.Format() + " to " + inv.Provider.LongName + " for invoice " + qiwiapi.Amount{Minor: int64(inv.ID) * 100}.Number() + " from your RUB account."
	if got := d.Confirms[0].Lines[0]; got != want {
		t.Fatalf("confirmation says %q, want %q", got, want)
	}
	if after, _ := srv.Balance(wallet, 643); after != before {
		t.Fatal("paid before the confirmation")
	}
	d.yes()
	if toast := d.LastToast(); toast.Error || !strings.HasPrefix(toast.Text, "Paid ") {
		t.Fatalf("toast = %+v", toast)
	}
	if d.has(inv.ID) {
		t.Fatal("the paid invoice is still listed")
	}
	if n := len(d.m.invoices); n != 7 {
		t.Fatalf("invoices = %d, want 7", n)
	}
	if after, _ := srv.Balance(wallet, 643); after != before-inv.Sum.Minor {
		t.Fatalf("balance %d -> %d, want a drop of %d", before, after, inv.Sum.Minor)
	}
	id := "invoice-" + qiwiapi.Amount{Minor: int64(inv.ID) * 100}.Number()
	// One journal entry: sent once, then succeeded.
	all, err := env.Store.Journal().Recent(context.Background(), store.RecentOptions{Account: wallet})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Kind != store.KindInvoicePay || all[0].ClientID != id || all[0].Attempts != 1 || all[0].State != store.StateSucceeded {
		t.Fatalf("journal = %+v, want one invoice pay %s sent once, succeeded", all, id)
	}
}

func TestPayWithoutFundsExplainsAndKeepsInvoice(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env, 50)
	var big qiwiapi.Invoice
	for i, inv := range d.m.invoices {
		if inv.Sum.Minor >= 1_000_000_00 {
			d.m.cursor, big = i, inv
		}
	}
	bal, _ := env.Sandbox.Server.Balance(env.Common.Wallet, int(big.Sum.Currency))
	d.Press("P")
	// Checked before the confirmation: never offered, nothing journaled.
	if len(d.Confirms) != 0 {
		t.Fatalf("an invoice above the balance reached the confirmation: %+v", d.Confirms)
	}
	toast := d.LastToast()
	holds := qiwiapi.Amount{Minor: bal, Currency: big.Sum.Currency}.Format()
	if !toast.Error || !strings.Contains(toast.Text, "Not enough money") || !strings.Contains(toast.Text, holds) {
		t.Fatalf("toast = %+v, want the funds problem in words with the balance %s", toast, holds)
	}
	if !d.has(big.ID) {
		t.Fatal("an unpaid invoice vanished")
	}
	if all, err := env.Store.Journal().Recent(context.Background(), store.RecentOptions{Account: env.Common.Wallet}); err != nil || len(all) != 0 {
		t.Fatalf("journal = %+v, %v; want nothing", all, err)
	}
}

func TestReject(t *testing.T) {
	env := uitest.New(t)
	srv, wallet := env.Sandbox.Server, env.Common.Wallet
	before, _ := srv.Balance(wallet, 643)
	d := newDriver(t, env, 50)
	inv := d.m.invoices[0]
	d.Press("x")
	if len(d.Confirms) != 1 || !strings.Contains(d.Confirms[0].Lines[0], "the merchant will see it declined") {
		t.Fatalf("confirmations = %+v", d.Confirms)
	}
	d.yes()
	if d.has(inv.ID) || len(d.m.invoices) != 7 {
		t.Fatal("the rejected invoice is still listed")
	}
	if after, _ := srv.Balance(wallet, 643); after != before {
		t.Fatal("rejecting moved money")
	}
}

func TestCopyAndReadOnly(t *testing.T) {
	env := uitest.New(t)
	env.Common.Settings.ReadOnly = true
	d := newDriver(t, env, 50)
	d.Press("y")
	if len(d.Copies) != 1 || d.Copies[0].Text != d.m.invoices[0].PayURL {
		t.Fatalf("copies = %+v", d.Copies)
	}
	d.Press("P")
	d.Press("x")
	if len(d.Confirms) != 0 {
		t.Fatal("read-only mode offered to pay or reject")
	}
	for _, b := range d.m.ShortHelp() {
		if (b.Help().Desc == "pay" || b.Help().Desc == "reject") && b.Enabled() {
			t.Fatalf("%s shown in read-only help", b.Help().Desc)
		}
	}
}

func TestRelative(t *testing.T) {
	now := uitest.Now
	for _, c := range []struct {
		d    time.Duration
		want string
	}{{-time.Minute, "expired"}, {0, "expired"}, {30 * time.Second, "in 1m"}, {42 * time.Minute, "in 42m"},
		{3*time.Hour + 10*time.Minute, "in 3h"}, {47 * time.Hour, "in 47h"}, {5*24*time.Hour + time.Hour, "in 5d"}} {
		if got := Relative(nil, now.Add(c.d), now); got != c.want {
			t.Errorf("Relative(%v) = %q, want %q", c.d, got, c.want)
		}
	}
	ru := i18n.New(i18n.RU)
	for d, want := range map[time.Duration]string{0: "истёк", 30 * time.Second: "1 мин", 47 * time.Hour: "47 ч", 5*24*time.Hour + time.Hour: "5 дн"} {
		if got := Relative(ru, now.Add(d), now); got != want {
			t.Errorf("ru: Relative(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestGoldenList(t *testing.T) {
	env := uitest.New(t)
	uitest.Golden(t, New(env.Common), uitest.Step{WaitFor: "Pay link"})
}

// TestPrivacyNeverHidesTheConfirmation: the pay confirmation names the
// amount in full with privacy on, while the list masks it.
func TestPrivacyNeverHidesTheConfirmation(t *testing.T) {
	env := uitest.New(t)
	env.Common.Settings.Privacy = true
	d := newDriver(t, env, 50)
	inv := d.selectAffordable()
	if strings.Contains(d.m.View(), inv.Sum.Format()) {
		t.Fatalf("privacy on: the list shows %s", inv.Sum.Format())
	}
	d.Press("P")
	if len(d.Confirms) != 1 {
		t.Fatal("pay did not ask for confirmation")
	}
	if got := d.Confirms[0].Lines[0]; !strings.HasPrefix(got, "Pay "+inv.Sum.Format()+" to ") {
		t.Fatalf("privacy on: the confirmation says %q", got)
	}
}

// TestGoldenList80x24: amount and expiry stay; the invoice number goes.
func TestGoldenList80x24(t *testing.T) {
	env := uitest.New(t)
	uitest.GoldenAt(t, 80, 24, New(env.Common), uitest.Step{WaitFor: "Pay link"})
}
