package sandbox

import "testing"

// A wallet whose outgoing payments are restricted (OUTGOING_PAYMENTS) is
// refused every payment, in both modes, with the sinap error body and
// QWPRC-319 ("Платеж невозможен"); nothing is debited or booked. Lifted,
// the same payment passes.
func TestRestrictedWalletCannotPay(t *testing.T) {
	for _, strict := range []bool{false, true} {
		e := newEnv(t, Options{Strict: strict})
		to := "+" + e.s.OtherWallets()[0]
		if !e.s.SetRestrictions(e.w, Restriction{Code: RestrictOutgoing, Description: "Outgoing payments are restricted"}) {
			t.Fatal("the demo wallet is unknown")
		}
		rub0, _ := e.s.Balance(e.w, 643)
		txns0 := len(e.txns(e.w))
		for _, c := range []struct {
			path string
			body map[string]any
		}{
			{payPath, payBody("1", 100, to)},
			{"/sinap/api/v2/terms/1099/payments", map[string]any{"id": "2", "sum": map[string]any{"amount": 1, "currency": "840"},
				"paymentMethod": map[string]any{"type": "Account", "accountId": "643"}, "fields": map[string]any{"account": "+" + e.w}}},
		} {
			r := e.post(c.path, c.body)
			expect(t, r, 400)
			if got := sinapCode(t, r); got != "QWPRC-319" {
				t.Fatalf("strict %v: %s: code %s, want QWPRC-319 (%s)", strict, c.path, got, r.body)
			}
			if ct := r.hdr.Get("Content-Type"); (ct == strictJSON) != strict {
				t.Fatalf("strict %v: Content-Type %q", strict, ct)
			}
		}
		if rub, _ := e.s.Balance(e.w, 643); rub != rub0 || e.s.PaymentCount(e.w) != 0 || len(e.txns(e.w)) != txns0 {
			t.Fatalf("strict %v: a refused payment moved money: %d -> %d, %d payments", strict, rub0, rub, e.s.PaymentCount(e.w))
		}
		// A malformed payment is still told what is wrong with it first.
		if r := e.post(payPath, payBody("3", 100, "79161112233")); sinapCode(t, r) != "QWPRC-4" {
			t.Fatalf("strict %v: malformed account: %s", strict, r.body)
		}
		e.s.SetRestrictions(e.w)
		expect(t, e.post(payPath, payBody("1", 100, to)), 200)
	}
}
