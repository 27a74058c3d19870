package payments

import (
	"strings"
	"testing"

	"qiwidash/i18n"
	"qiwidash/qiwiapi/sandbox"
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
