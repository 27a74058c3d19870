package payments

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
	"qiwidash/store"
	"qiwidash/ui/uitest"
)

// driver runs the screen like the shell (uitest.Driver) with the typed model
// at hand. Each key press runs at most 50 messages.
type driver struct {
	*uitest.Driver
	m *Model
}

func newDriver(t *testing.T, env *uitest.Env) *driver {
	t.Helper()
	m := New(env.Common)
	m.Debounce, m.WatchFor = 0, 20*time.Millisecond
	m.SetSize(uitest.Width, uitest.Height-6)
	d := &driver{Driver: uitest.NewDriver(t, m), m: m}
	d.Limit = 50
	return d
}

// run handles queued commands until none is left, limit messages were
// handled, or until() holds.
func (d *driver) run(limit int, until func() bool) {
	defer func(l int) { d.Limit = l }(d.Limit)
	d.Limit = limit
	d.Run(until)
}

// yes answers the last confirmation with "y" and forgets the others; the
// answer is only queued, so the test decides how far to run it.
func (d *driver) yes() {
	d.T.Helper()
	if len(d.Confirms) == 0 {
		d.T.Fatal("no confirmation was asked")
	}
	c := d.Confirms[len(d.Confirms)-1]
	d.Confirms = nil
	d.Queue = append(d.Queue, c.Yes)
}

func (d *driver) openKind(k kindID) {
	for i, x := range kinds {
		if x.id == k {
			d.m.cursor = i
		}
	}
	d.Press("enter")
	if d.m.form == nil || d.m.form.kind != k {
		d.T.Fatalf("form %v did not open", k)
	}
}

func (d *driver) fieldProblem(key string) string {
	return d.m.form.Get(key).Problem
}

// sendWallet fills the wallet transfer form and submits it.
func (d *driver) sendWallet(to, amount string) {
	d.T.Helper()
	d.openKind(kindWallet)
	d.Type(to)
	d.Press("tab")
	d.Type(amount)
	d.Press("enter", "enter") // to the comment, then review
}

func TestCardLuhnBlocksSubmit(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env)
	d.openKind(kindCard)
	d.Type("4111 1111 1111 1112")
	want := "The number has a typo (check digit does not match)"
	if got := d.fieldProblem("card"); got != want {
		t.Fatalf("card problem = %q, want %q", got, want)
	}
	if !strings.Contains(d.m.View(), want) {
		t.Fatalf("the problem is not shown under the field:\n%s", d.m.View())
	}
	d.Press("tab", "tab")
	d.Type("100")
	d.Press("enter") // review from the last field
	if len(d.Confirms) != 0 {
		t.Fatal("an invalid card reached the confirmation")
	}
	if d.m.form.FocusKey() != "card" {
		t.Fatalf("focus went to %q, want the card field", d.m.form.FocusKey())
	}
	if !strings.Contains(d.m.View(), "Fix the fields marked ✗") {
		t.Fatalf("no banner:\n%s", d.m.View())
	}
	// A valid MIR number picks the MIR provider from its digits.
	for range 19 {
		d.Press("backspace")
	}
	d.Type("2200000000000004")
	if got := d.m.form.Get("card").Note; got != "MIR card → provider 31652" {
		t.Fatalf("note = %q", got)
	}
}

func TestAmountWithThreeDecimalsRefused(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env)
	d.openKind(kindWallet)
	d.Type("+79161112233")
	d.Press("tab")
	d.Type("1.005")
	if got := d.fieldProblem("amount"); got != "At most 2 digits after the point for RUB" {
		t.Fatalf("amount problem = %q", got)
	}
	d.Press("enter", "enter")
	if len(d.Confirms) != 0 || env.Sandbox.Server.PaymentCount(env.Common.Wallet) != 0 {
		t.Fatal("1.005 was accepted")
	}
	if !strings.Contains(d.m.View(), "Commission: shown once the recipient and amount are valid") {
		t.Fatalf("a commission was previewed for an invalid amount:\n%s", d.m.View())
	}
}

func TestWalletTransferSendsOnceAndFollowsStatus(t *testing.T) {
	env := uitest.New(t)
	srv, wallet := env.Sandbox.Server, env.Common.Wallet
	d := newDriver(t, env)
	d.sendWallet("+79161112233", "150.5")
	if len(d.Confirms) != 1 {
		t.Fatalf("confirmations = %d, want 1", len(d.Confirms))
	}
	wantTransferConfirmed(t, d)
	if n := srv.PaymentCount(wallet); n != 0 {
		t.Fatalf("sent before the confirmation: %d", n)
	}
	d.yes()
	d.run(20, func() bool { return len(d.m.recent) == 1 && d.m.recent[0].je.State == store.StateAccepted })
	if n := srv.PaymentCount(wallet); n != 1 {
		t.Fatalf("PaymentCount = %d, want 1", n)
	}
	e := d.m.recent[0]
	if e.je.State != store.StateAccepted || e.je.TxnID() == 0 {
		t.Fatalf("state %v txn %d, want WAITING with a txn id", e.je.State, e.je.TxnID())
	}
	if !strings.Contains(d.m.View(), "… WAITING") {
		t.Fatalf("WAITING not on screen:\n%s", d.m.View())
	}
	srv.SettleNow()
	d.run(20, func() bool { return e.je.State != store.StateAccepted })
	if e.je.State != store.StateSucceeded {
		t.Fatalf("state = %v, want SUCCESS", e.je.State)
	}
	if !strings.Contains(d.m.View(), "✓ SUCCESS") {
		t.Fatalf("SUCCESS not on screen:\n%s", d.m.View())
	}
	d.run(20, nil)
	if len(d.Queue) != 0 {
		t.Fatal("polling did not stop after the final status")
	}
	if srv.PaymentCount(wallet) != 1 {
		t.Fatal("more than one payment")
	}
}

func TestRecipientEndingIn0000ShowsError(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env)
	d.sendWallet("+79161110000", "10")
	d.yes()
	d.run(20, func() bool { return len(d.m.recent) == 1 && d.m.recent[0].je.State == store.StateAccepted })
	env.Sandbox.Server.SettleNow()
	e := d.m.recent[0]
	d.run(30, func() bool { return e.je.State != store.StateAccepted })
	if e.je.State != store.StateFailed {
		t.Fatalf("state = %v, want ERROR", e.je.State)
	}
	view := d.m.View()
	if !strings.Contains(view, "✗ ERROR") || !strings.Contains(view, qiwiapi.PaymentErrorText(5)) {
		t.Fatalf("the error is not explained on screen:\n%s", view)
	}
}

func TestRetryAfterDroppedResponseSendsOnce(t *testing.T) {
	env := uitest.New(t)
	srv, wallet := env.Sandbox.Server, env.Common.Wallet
	d := newDriver(t, env)
	// The payment is executed, then the connection drops; the client's own
	// retry (same id) gets the original payment back.
	srv.SetFaults(sandbox.Faults{CommitThenDrop: 1})
	d.sendWallet("+79161112233", "25")
	d.yes()
	d.run(20, func() bool { return len(d.m.recent) == 1 && d.m.recent[0].je.State == store.StateAccepted })
	if n := srv.PaymentCount(wallet); n != 1 {
		t.Fatalf("PaymentCount = %d, want 1", n)
	}
	if st := d.m.recent[0].je.State; st != store.StateAccepted {
		t.Fatalf("state = %v, want WAITING", st)
	}
}

func TestUnknownOutcomeRetryReusesTheID(t *testing.T) {
	env := uitest.New(t)
	srv, wallet := env.Sandbox.Server, env.Common.Wallet
	d := newDriver(t, env)
	// Every attempt (the first and the client's two retries) is executed
	// or found, then dropped: the screen gets no answer at all.
	srv.SetFaults(sandbox.Faults{CommitThenDrop: 3})
	d.sendWallet("+79161112233", "25")
	d.yes()
	d.run(20, func() bool { return len(d.m.recent) == 1 && d.m.recent[0].je.State == store.StateUnknown })
	e := d.m.recent[0]
	if e.je.State != store.StateUnknown {
		t.Fatalf("state = %v, want UNKNOWN (never failed)", e.je.State)
	}
	view := d.m.View()
	if !strings.Contains(view, "? UNKNOWN") || strings.Contains(view, "ERROR") || strings.Contains(view, "REFUSED") {
		t.Fatalf("unknown outcome shown wrongly:\n%s", view)
	}
	id := e.id()
	d.Queue = nil // the engine waits before asking again: retry by hand instead
	srv.SetFaults(sandbox.Faults{})
	d.m.cursor = d.m.kindRows()
	d.Press("enter")
	if len(d.Confirms) != 1 || !strings.Contains(strings.Join(d.Confirms[0].Lines, " "), "SAME id") {
		t.Fatalf("re-send was not confirmed: %+v", d.Confirms)
	}
	d.yes()
	d.run(20, func() bool { return e.je.State == store.StateAccepted })
	if e.je.State != store.StateAccepted || e.id() != id || e.je.TxnID() == 0 {
		t.Fatalf("after retry: state %v id %s (was %s) txn %d", e.je.State, e.id(), id, e.je.TxnID())
	}
	if n := srv.PaymentCount(wallet); n != 1 {
		t.Fatalf("PaymentCount = %d, want 1", n)
	}
	// One journal entry for the intent, sent twice under the same id.
	all, err := env.Store.Journal().Recent(context.Background(), store.RecentOptions{Account: wallet})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].ClientID != id || all[0].Attempts != 2 || all[0].State != store.StateAccepted {
		t.Fatalf("journal = %+v, want one entry for %s sent twice, accepted", all, id)
	}
}

// r asks the engine to look at an unknown payment again now: it is re-sent
// with its id, and QIWI answers with the original payment.
func TestUnknownOutcomeRecheckFindsThePayment(t *testing.T) {
	env := uitest.New(t)
	srv := env.Sandbox.Server
	d := newDriver(t, env)
	srv.SetFaults(sandbox.Faults{CommitThenDrop: 3})
	d.sendWallet("+79161112233", "30")
	d.yes()
	d.run(40, func() bool { return len(d.m.recent) == 1 && d.m.recent[0].je.State == store.StateUnknown })
	d.Queue = nil
	d.Press("r")
	d.run(40, func() bool { return len(d.m.recent) == 1 && d.m.recent[0].je.State == store.StateAccepted })
	e := d.m.recent[0]
	if e.je.State != store.StateAccepted || e.je.TxnID() == 0 {
		t.Fatalf("re-check did not find the payment: state %v note %q", e.je.State, e.note(nil))
	}
	if srv.PaymentCount(env.Common.Wallet) != 1 {
		t.Fatal("more than one payment")
	}
}

func TestMobileOperatorResolvedFromNumber(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env)
	d.openKind(kindMobile)
	d.Type("+7 912 345-67-89")
	if got := d.m.form.Get("phone").Note; got != "Operator: МТС (provider 1)" {
		t.Fatalf("operator note = %q", got)
	}
	d.Press("tab")
	d.Type("100")
	if !strings.Contains(d.m.View(), "Commission 10.00 ₽ · total 110.00 ₽") {
		t.Fatalf("no commission preview:\n%s", d.m.View())
	}
	d.Press("enter")
	if len(d.Confirms) != 1 || !strings.Contains(strings.Join(d.Confirms[0].Lines, "\n"), "phone +79123456789 (МТС)") {
		t.Fatalf("confirmation: %+v", d.Confirms)
	}
}

func TestServiceSearchAndConversionRate(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env)
	d.openKind(kindService)
	d.Type("onlime")
	prov := d.m.form.Get("provider")
	if len(prov.Options) != 1 || prov.Options[0].Value != "674" {
		t.Fatalf("search options = %+v", prov.Options)
	}
	d.Press("esc")
	d.openKind(kindConversion)
	d.run(10, nil)
	if note := d.m.form.Get("currency").Note; !strings.HasPrefix(note, "QIWI cross rate: 1 USD = ") {
		t.Fatalf("rate note = %q", note)
	}
	d.Press("tab")
	d.Type("10")
	if note := d.m.form.Get("amount").Note; !strings.Contains(note, "will be taken from your RUB account") {
		t.Fatalf("cost note = %q", note)
	}
}

func TestStaleCommissionIsDropped(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env)
	d.openKind(kindWallet)
	old := d.m.commissionGen
	q := quote{99, "+79161112233", qiwiapi.Amount{Minor: 100, Currency: qiwiapi.RUB}}
	d.m.requestCommission(q)
	d.m.Update(commissionMsg{gen: old, q: q, c: &qiwiapi.Commission{}})
	if d.m.commission != nil {
		t.Fatal("a preview from an older generation was applied")
	}
}

func TestReadOnlyHidesSending(t *testing.T) {
	env := uitest.New(t)
	env.Common.Settings.ReadOnly = true
	d := newDriver(t, env)
	d.Press("enter")
	view := d.m.View()
	if d.m.form != nil || d.m.InputFocused() || strings.Contains(view, "New payment") || !strings.Contains(view, "Read-only mode") {
		t.Fatalf("read-only screen offers sending:\n%s", view)
	}
}

func TestGoldenMenu(t *testing.T) {
	env := uitest.New(t)
	uitest.Golden(t, New(env.Common), uitest.Step{WaitFor: "Recent payments"})
}

func TestGoldenWalletForm(t *testing.T) {
	// enter opens the wallet form; type a recipient, move on, type an
	// amount with three decimals, then a comment longer than QIWI takes.
	uitest.GoldenSizes(t, func(t *testing.T) uitest.Sized {
		m := New(uitest.New(t).Common)
		m.Debounce, m.WatchFor = 0, 20*time.Millisecond
		return m
	},
		uitest.Step{Send: uitest.Press("enter")}, uitest.Step{Send: uitest.Type("+79161112233")},
		uitest.Step{Send: uitest.Press("tab")}, uitest.Step{Send: uitest.Type("1.005"), WaitFor: "At most 2 digits"},
		uitest.Step{Send: uitest.Press("tab")}, uitest.Step{Send: uitest.Type(strings.Repeat("x", 150)), WaitFor: "150/140"})
}

// A transfer the balance cannot cover is refused by the engine's check
// with the reason on the form: it never reaches the confirmation.
func TestGoldenWalletRefusedBeforeConfirm(t *testing.T) {
	uitest.GoldenSizes(t, func(t *testing.T) uitest.Sized {
		m := New(uitest.New(t).Common)
		m.Debounce, m.WatchFor = 0, 20*time.Millisecond
		return m
	},
		uitest.Step{Send: uitest.Press("enter")}, uitest.Step{Send: uitest.Type("+79161112233")},
		uitest.Step{Send: uitest.Press("tab")}, uitest.Step{Send: uitest.Type("99 999 999 999"), WaitFor: "Commission 0.00"},
		uitest.Step{Send: uitest.Press("enter", "enter"), WaitFor: "Not enough money"})
}

// A transfer above the balance never reaches "y confirm": the engine's
// check refuses it first and the form says why; nothing is journaled.
// 1e3 is not an amount.
func TestTransferAboveTheBalanceIsRefusedBeforeConfirm(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env)
	d.sendWallet("+79161112233", "1e3")
	if got := d.fieldProblem("amount"); got != "Digits only: write 1000, not 1e3" || len(d.Confirms) != 0 {
		t.Fatalf("1e3: problem %q, %d confirmations", got, len(d.Confirms))
	}
	d.Press("esc")
	d.sendWallet("+79161112233", "99 999 999 999")
	d.run(20, func() bool { return !d.m.checkPending })
	if len(d.Confirms) != 0 {
		t.Fatalf("a payment the balance cannot cover reached the confirmation: %+v", d.Confirms)
	}
	if !strings.Contains(d.m.form.Banner, "Not enough money") || !strings.Contains(d.m.View(), "Not enough money") {
		t.Fatalf("banner %q", d.m.form.Banner)
	}
	if n := env.Sandbox.Server.PaymentCount(env.Common.Wallet); n != 0 || len(d.m.recent) != 0 {
		t.Fatalf("%d payments sent, %d listed", n, len(d.m.recent))
	}
}

// wantTransferConfirmed checks the confirmation of a 150.50 ₽ transfer to
// +79161112233 names all of it, and returns its text.
func wantTransferConfirmed(t *testing.T, d *driver) string {
	t.Helper()
	lines := strings.Join(d.Confirms[0].Lines, "\n")
	for _, want := range []string{"QIWI wallet +79161112233", "Amount:      150.50 ₽", "Commission:  0.00 ₽", "Total:       150.50 ₽"} {
		if !strings.Contains(lines, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, lines)
		}
	}
	return lines
}

// TestPrivacyNeverHidesTheConfirmation: with privacy on, the confirmation
// still names the recipient and every amount in full (what is agreed to),
// while the recent list masks them.
func TestPrivacyNeverHidesTheConfirmation(t *testing.T) {
	env := uitest.New(t)
	env.Common.Settings.Privacy = true
	d := newDriver(t, env)
	d.sendWallet("+79161112233", "150.5")
	if len(d.Confirms) != 1 {
		t.Fatalf("confirmations = %d, want 1", len(d.Confirms))
	}
	lines := wantTransferConfirmed(t, d)
	if strings.Contains(lines, "•") {
		t.Errorf("privacy on: the confirmation masks something:\n%s", lines)
	}
	d.yes()
	d.run(20, func() bool { return len(d.m.recent) == 1 })
	view := d.m.View()
	if strings.Contains(view, "150.50") || strings.Contains(view, "+79161112233") || !strings.Contains(view, "-••• ₽") {
		t.Errorf("privacy on: the recent list shows the payment:\n%s", view)
	}
}

// goldenRecent journals three payments of earlier runs (a transfer, an
// invoice and a failed card transfer) and draws the menu with them.
func goldenRecent(t *testing.T, width, height int) {
	env := uitest.New(t)
	env.StoreClock.Set(uitest.Now.Add(-26 * time.Hour))
	wallet := env.Common.Wallet
	tr, err := qiwiapi.WalletTransfer("1000", "+79161112233", rub(1520050), "rent")
	must(t, err)
	seed(t, env, store.KindWalletPayment, wallet, "QIWI wallet +79161112233", tr.ID, tr.Sum, tr, sent, accepted("777001"), success)
	env.StoreClock.Set(uitest.Now.Add(-25 * time.Hour))
	seed(t, env, store.KindInvoicePay, wallet, "ООО Ромашка", "invoice-55", rub(99900), map[string]string{"invoice_uid": "55", "currency": "643"}, sent, success)
	card, err := qiwiapi.CardTransfer("3000", qiwiapi.ProviderVisaRU, "4111111111111111", rub(5000000))
	must(t, err)
	seed(t, env, store.KindWalletPayment, wallet, "card 4111111111111111 (Visa)", card.ID, card.Sum, card, sent,
		store.Update{State: store.StateFailed, Err: errors.New("card blocked")})
	env.StoreClock.Set(uitest.Now)
	uitest.GoldenAt(t, width, height, New(env.Common), uitest.Step{WaitFor: "777001"})
}

// TestGoldenRecent: status, time, recipient and amount of every payment,
// with its kind and txn id where the width allows.
func TestGoldenRecent(t *testing.T) { goldenRecent(t, uitest.Width, uitest.Height) }

// TestGoldenRecent80x24: at the smallest size the kind goes first; the
// amount never does.
func TestGoldenRecent80x24(t *testing.T) { goldenRecent(t, 80, 24) }
