package moves

import (
	"context"
	"errors"
	"strings"
	"testing"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
	sbagent "qiwidash/qiwiapi/sandbox/agent"
	"qiwidash/qiwiapi/topup"
)

// noMoves asserts that nothing was journaled or sent by a check.
func noMoves(t *testing.T, e *env, w *Wallet, paymentsBefore int) {
	t.Helper()
	if list, err := w.Recent(context.Background(), 10); err != nil || len(list) != 0 {
		t.Fatalf("a check journaled %d entries (%v)", len(list), err)
	}
	if n := e.sb.Wallet.PaymentCount(e.sb.Creds.Wallet); n != paymentsBefore {
		t.Fatalf("a check sent a payment: %d payments, want %d", n, paymentsBefore)
	}
}

// A 99 999 999 999 ₽ transfer is refused before any confirmation: the
// balance cannot cover it, and the refusal says so with both sums.
func TestCheckRefusesATransferAboveTheBalance(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	w := e.wallet(t)
	before := e.sb.Wallet.PaymentCount(e.sb.Creds.Wallet)
	bal, _ := e.sb.Wallet.Balance(e.sb.Creds.Wallet, 643)
	_, err := w.Check(ctx, transfer(e.sb.Wallet.OtherWallets()[0], 99_999_999_999_00))
	var r *Refusal
	if !errors.As(err, &r) || !errors.Is(err, ErrCannotSucceed) {
		t.Fatalf("check: %v, want a refusal", err)
	}
	holds := qiwiapi.Amount{Minor: bal, Currency: qiwiapi.RUB}.Format()
	if !strings.Contains(r.Error(), "Not enough money") || !strings.Contains(r.Error(), holds) || !strings.Contains(r.Error(), "99 999 999 999") {
		t.Fatalf("reason %q should name the debit and the balance %s", r.Error(), holds)
	}
	// A screen writes the amounts its own way (masked in privacy mode).
	masked := r.Text(nil, func(a qiwiapi.Amount) string { return "••• " + a.Currency.Symbol() })
	if strings.Contains(masked, holds) || strings.Contains(masked, "99 999") || !strings.Contains(masked, "••• ₽") {
		t.Fatalf("the amounts are not the screen's: %q", masked)
	}
	noMoves(t, e, w, before)
}

// A payment that fits is priced: QIWI's commission, the debit with it and
// the balance; the limits it counts towards were read.
func TestCheckPricesAPaymentThatFits(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	w := e.wallet(t)
	before := e.sb.Wallet.PaymentCount(e.sb.Creds.Wallet)
	c, err := w.Check(ctx, transfer(e.sb.Wallet.OtherWallets()[0], 100_00))
	if err != nil {
		t.Fatal(err)
	}
	if c.Debit != c.Commission.WithdrawSum || c.Debit.Minor < 100_00 || c.Debit.Currency != qiwiapi.RUB {
		t.Fatalf("debit %v, commission %+v", c.Debit, c.Commission)
	}
	bal, _ := e.sb.Wallet.Balance(e.sb.Creds.Wallet, 643)
	if c.Balance.Minor != bal {
		t.Fatalf("balance %v, the sandbox holds %d", c.Balance, bal)
	}
	var types []string
	for _, l := range c.Limits {
		types = append(types, string(l.Type))
	}
	if got := strings.Join(types, ","); got != "TURNOVER,PAYMENTS_P2P" || c.LimitsUnread != "" {
		t.Fatalf("limits %s (%s)", got, c.LimitsUnread)
	}
	noMoves(t, e, w, before)
}

// A transfer the balance covers but QIWI's monthly limit does not is
// refused, naming the limit.
func TestCheckRefusesATransferAboveTheLimit(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.sb.Wallet.AddIncoming(e.sb.Creds.Wallet, 2_000_000_00, 643, e.sb.Wallet.OtherWallets()[1])
	w := e.wallet(t)
	before := e.sb.Wallet.PaymentCount(e.sb.Creds.Wallet)
	_, err := w.Check(ctx, transfer(e.sb.Wallet.OtherWallets()[0], 1_500_000_00))
	if !errors.Is(err, ErrCannotSucceed) || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("check: %v, want a limit refusal", err)
	}
	noMoves(t, e, w, before)
}

// QIWI's own refusal of the commission question (an unknown provider)
// is a refusal, in QIWI's words.
func TestCheckRefusesWhatQIWIRefuses(t *testing.T) {
	e := newEnv(t)
	w := e.wallet(t)
	p := transfer(e.sb.Wallet.OtherWallets()[0], 100_00)
	p.Provider = 424242
	if _, err := w.Check(context.Background(), p); !errors.Is(err, ErrCannotSucceed) || !strings.Contains(err.Error(), "QIWI refuses") {
		t.Fatalf("check: %v", err)
	}
}

// An invoice above the balance of its currency's account is refused before
// the pay is confirmed; one that fits passes.
func TestCheckInvoiceAgainstTheBalance(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	w := e.wallet(t)
	page, _, err := e.api.Invoices.Unpaid(ctx, qiwiapi.InvoiceOptions{Rows: 50})
	if err != nil || len(page.Invoices) == 0 {
		t.Fatalf("unpaid: %v", err)
	}
	var above, fits *qiwiapi.Invoice
	for i, inv := range page.Invoices {
		bal, ok := e.sb.Wallet.Balance(e.sb.Creds.Wallet, int(inv.Sum.Currency))
		switch {
		case ok && inv.Sum.Minor > bal && above == nil:
			above = &page.Invoices[i]
		case ok && inv.Sum.Minor <= bal && fits == nil:
			fits = &page.Invoices[i]
		}
	}
	if above == nil || fits == nil {
		t.Fatalf("the demo should hold an invoice above the balance and one within it: %+v", page.Invoices)
	}
	if _, err := w.CheckInvoice(ctx, *above); !errors.Is(err, ErrCannotSucceed) || !strings.Contains(err.Error(), above.Sum.Format()) {
		t.Fatalf("invoice %v above the balance: %v", above.Sum, err)
	}
	if _, err := w.CheckInvoice(ctx, *fits); err != nil {
		t.Fatalf("invoice %v within the balance: %v", fits.Sum, err)
	}
	noMoves(t, e, w, e.sb.Wallet.PaymentCount(e.sb.Creds.Wallet))
}

// A top-up above the agent's balance in its currency is refused before
// confirmation and nothing is journaled; one within it passes with the
// wallet's answers and the balance.
func TestTopupCheckAgainstTheAgentBalance(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	tops := e.topups(t)
	usd := e.sb.Agent.Balance(840)
	tp := topup.Topup{Account: sbagent.WalletOK, Amount: qiwiapi.Amount{Minor: usd + 1, Currency: qiwiapi.USD}, Funds: topup.Cash}
	_, err := tops.Check(ctx, tp)
	if !errors.Is(err, ErrCannotSucceed) || !strings.Contains(err.Error(), qiwiapi.Amount{Minor: usd, Currency: qiwiapi.USD}.Format()) {
		t.Fatalf("check above the agent balance: %v", err)
	}
	tp.Amount.Minor = 10_00
	c, err := tops.Check(ctx, tp)
	if err != nil || !c.Exist || !c.Deposit.Possible || c.AgentBalance.Minor != usd {
		t.Fatalf("check within: %+v, %v", c, err)
	}
	tp.Account = sbagent.WalletNoCash
	tp.Amount.Currency = qiwiapi.RUB
	if _, err := tops.Check(ctx, tp); !errors.Is(err, ErrCannotSucceed) || !strings.Contains(err.Error(), "cannot take") {
		t.Fatalf("check of a wallet that takes no cash: %v", err)
	}
	if list, err := tops.List(ctx); err != nil || len(list) != 0 {
		t.Fatalf("checks journaled %d top-ups (%v)", len(list), err)
	}
	if n := e.sb.Agent.PaymentCount(); n != 0 {
		t.Fatalf("checks sent %d top-ups", n)
	}
}

// A token that cannot read the limits does not stop a payment: the check
// passes and says the limits were not checked; one that cannot read the
// balance stops it, as a check that could not run (not a refusal).
func TestCheckWithoutTheScopes(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	noLimits := walletClient(t, e.sb.URL, e.sb.Wallet.NewToken(e.sb.Creds.Wallet, sandbox.ScopePayments, sandbox.ScopeBalance))
	w, err := NewWallet(ctx, e.st, noLimits, WalletOptions{Profile: "default", Wallet: e.sb.Creds.Wallet, Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	c, err := w.Check(ctx, transfer(e.sb.Wallet.OtherWallets()[0], 100_00))
	if err != nil || c.LimitsUnread == "" || len(c.Limits) != 0 {
		t.Fatalf("check: %+v, %v; want a pass with the limits unread", c, err)
	}
	noBalance := walletClient(t, e.sb.URL, e.sb.Wallet.NewToken(e.sb.Creds.Wallet, sandbox.ScopePayments))
	w2, err := NewWallet(ctx, e.st, noBalance, WalletOptions{Profile: "default", Wallet: e.sb.Creds.Wallet, Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w2.Close)
	_, err = w2.Check(ctx, transfer(e.sb.Wallet.OtherWallets()[0], 100_00))
	if err == nil || errors.Is(err, ErrCannotSucceed) || !errors.Is(err, qiwiapi.ErrForbidden) || !strings.Contains(err.Error(), "could not check the balance") {
		t.Fatalf("check without the balance scope: %v", err)
	}
}
