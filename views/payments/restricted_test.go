package payments

import (
	"context"
	"strings"
	"testing"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
	"qiwidash/store/moves"
	"qiwidash/ui/uitest"
)

// A wallet whose outgoing payments QIWI restricts (the demo's
// "restricted" profile) never reaches "y confirm": the engine's check
// reads the restriction and the form says why, in the reader's language;
// nothing is sent or journaled.
func TestRestrictedWalletIsRefusedBeforeConfirm(t *testing.T) {
	for _, c := range []struct {
		lang i18n.Lang
		want string
	}{
		{i18n.EN, "QIWI restricts outgoing payments from this wallet (OUTGOING_PAYMENTS: Outgoing payments are restricted)"},
		{i18n.RU, "QIWI ограничил исходящие платежи с этого кошелька (OUTGOING_PAYMENTS: Outgoing payments are restricted)"},
	} {
		t.Run(string(c.lang), func(t *testing.T) {
			env := uitest.New(t)
			env.Speak(c.lang)
			env.Sandbox.Server.SetRestrictions(env.Common.Wallet, sandbox.Restriction{Code: sandbox.RestrictOutgoing, Description: "Outgoing payments are restricted"})
			d := newDriver(t, env)
			d.sendWallet("+79161112233", "100")
			d.run(20, func() bool { return !d.m.checkPending })
			if len(d.Confirms) != 0 {
				t.Fatalf("a payment from a restricted wallet reached the confirmation: %+v", d.Confirms)
			}
			if !strings.HasPrefix(d.m.form.Banner, c.want) {
				t.Fatalf("banner %q, want %q…", d.m.form.Banner, c.want)
			}
			if !strings.Contains(d.m.View(), "OUTGOING_PAYMENTS") {
				t.Fatalf("the form does not show the refusal:\n%s", d.m.View())
			}
			if n := env.Sandbox.Server.PaymentCount(env.Common.Wallet); n != 0 || len(d.m.recent) != 0 {
				t.Fatalf("%d payments sent, %d listed", n, len(d.m.recent))
			}
		})
	}
}

// A token that cannot read the wallet's restrictions (nor its limits)
// does not stop a payment: the confirmation is asked, and says in the
// reader's language that they were not checked.
func TestConfirmSaysTheRestrictionsWereNotChecked(t *testing.T) {
	for _, c := range []struct {
		lang i18n.Lang
		want string
	}{
		{i18n.EN, "Restrictions: not checked: the token cannot read the wallet's restrictions ("},
		{i18n.RU, "Ограничения:  не проверены: токен не может читать ограничения кошелька ("},
	} {
		t.Run(string(c.lang), func(t *testing.T) {
			env := uitest.New(t)
			env.Speak(c.lang)
			tok := env.Sandbox.Server.NewToken(env.Common.Wallet, sandbox.ScopePayments, sandbox.ScopeBalance)
			api, err := qiwiapi.NewClient(tok, qiwiapi.WithBaseURL(env.Sandbox.URL), qiwiapi.WithSleep(func(context.Context, time.Duration) error { return nil }))
			if err != nil {
				t.Fatal(err)
			}
			w, err := moves.NewWallet(context.Background(), env.Store, api, moves.WalletOptions{Profile: "default", Wallet: env.Common.Wallet,
				Clock: uitest.Clock{}, Tr: env.Common.Tr, PollEvery: 50 * time.Millisecond, RetryEvery: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(w.Close)
			env.Common.Moves = w
			d := newDriver(t, env)
			d.sendWallet("+79161112233", "100")
			d.run(20, func() bool { return !d.m.checkPending })
			if len(d.Confirms) != 1 {
				t.Fatalf("confirmations = %d, want 1 (banner %q)", len(d.Confirms), d.m.form.Banner)
			}
			if lines := strings.Join(d.Confirms[0].Lines, "\n"); !strings.Contains(lines, c.want) {
				t.Fatalf("confirmation lacks %q:\n%s", c.want, lines)
			}
		})
	}
}
