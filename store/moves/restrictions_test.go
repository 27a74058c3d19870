package moves

import (
	"context"
	"errors"
	"strings"
	"testing"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
)

// restrict restricts the outgoing payments of e's wallet, as the demo's
// "restricted" profile is.
func restrict(e *env) {
	e.sb.Wallet.SetRestrictions(e.sb.Creds.Wallet, sandbox.Restriction{Code: sandbox.RestrictOutgoing, Description: "Outgoing payments are restricted"})
}

// A wallet whose outgoing payments QIWI restricts is refused any payment
// before confirmation, a transfer that fits as much as a conversion, with
// the restriction named in English and in Russian; nothing is sent.
func TestCheckRefusesARestrictedWallet(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	w := e.wallet(t)
	restrict(e)
	before := e.sb.Wallet.PaymentCount(e.sb.Creds.Wallet)
	conversion := qiwiapi.Payment{Provider: qiwiapi.ProviderConversion, Sum: qiwiapi.Amount{Minor: 10_00, Currency: qiwiapi.USD},
		Fields: map[string]string{"account": "+" + e.sb.Creds.Wallet}}
	ru := i18n.New(i18n.RU)
	for _, p := range []qiwiapi.Payment{transfer(e.sb.Wallet.OtherWallets()[0], 100_00), conversion} {
		_, err := w.Check(ctx, p)
		var r *Refusal
		if !errors.As(err, &r) || !errors.Is(err, ErrCannotSucceed) {
			t.Fatalf("check of provider %d: %v, want a refusal", p.Provider, err)
		}
		const en = "QIWI restricts outgoing payments from this wallet (OUTGOING_PAYMENTS: Outgoing payments are restricted): this payment would be refused"
		if got := r.Text(nil, qiwiapi.Amount.Format); got != en || r.Error() != en {
			t.Fatalf("English:\n got %q\nwant %q", got, en)
		}
		const want = "QIWI ограничил исходящие платежи с этого кошелька (OUTGOING_PAYMENTS: Outgoing payments are restricted): платёж будет отклонён"
		if got := r.Text(ru, qiwiapi.Amount.Format); got != want {
			t.Fatalf("Russian:\n got %q\nwant %q", got, want)
		}
	}
	noMoves(t, e, w, before)
	// Lifted, the same transfer is priced again.
	e.sb.Wallet.SetRestrictions(e.sb.Creds.Wallet)
	if _, err := w.Check(ctx, transfer(e.sb.Wallet.OtherWallets()[0], 100_00)); err != nil {
		t.Fatalf("check after the restriction is lifted: %v", err)
	}
}

// Restrictions the token cannot read do not stop a payment, as limits it
// cannot read do not: the check passes and says they were not checked,
// in the reader's language. A read that failed otherwise (QIWI busy) is a
// check that could not run, as for the limits: no refusal, not offered yet.
func TestCheckWithoutTheRestrictions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	restrict(e) // unread, the restriction is QIWI's to refuse when paid
	tr := i18n.New(i18n.RU)
	noProfile := walletClient(t, e.sb.URL, e.sb.Wallet.NewToken(e.sb.Creds.Wallet, sandbox.ScopePayments, sandbox.ScopeBalance))
	w, err := NewWallet(ctx, e.st, noProfile, WalletOptions{Profile: "default", Wallet: e.sb.Creds.Wallet, Clock: e.clock, Tr: tr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	c, err := w.Check(ctx, transfer(e.sb.Wallet.OtherWallets()[0], 100_00))
	if err != nil || !strings.HasPrefix(c.RestrictionsUnread, "токен не может читать ограничения кошелька (") {
		t.Fatalf("check: %+v, %v; want a pass with the restrictions unread, in Russian", c, err)
	}
	tr.Set(i18n.EN)
	if c, _ = w.Check(ctx, transfer(e.sb.Wallet.OtherWallets()[0], 100_00)); !strings.HasPrefix(c.RestrictionsUnread, "the token cannot read the wallet's restrictions (") {
		t.Fatalf("unread in English: %q", c.RestrictionsUnread)
	}

	e.sb.Wallet.SetRestrictions(e.sb.Creds.Wallet)
	w2 := e.wallet(t)
	e.sb.Wallet.SetFaults(sandbox.Faults{Burst423: 1}) // the restrictions are asked first
	_, err = w2.Check(ctx, transfer(e.sb.Wallet.OtherWallets()[0], 100_00))
	if err == nil || errors.Is(err, ErrCannotSucceed) || !errors.Is(err, qiwiapi.ErrRateLimited) || !strings.Contains(err.Error(), "could not check the wallet's restrictions") {
		t.Fatalf("check with the restrictions unread: %v", err)
	}
}
