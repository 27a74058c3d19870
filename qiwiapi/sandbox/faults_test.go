package sandbox

import (
	"encoding/json"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	e := newEnv(t, Options{})
	prof := "/person-profile/v1/profile/current"

	e.s.SetFaults(Faults{Burst423: 2})
	expectQiwiError(t, e.get(prof), 423, "request.blocked")
	expectQiwiError(t, e.get(prof), 423, "request.blocked")
	expect(t, e.get(prof), 200)

	e.s.SetFaults(Faults{ErrorRate: 1})
	expectQiwiError(t, e.get(prof), 500, "internal.error")
	e.s.SetFaults(Faults{ErrorRate: 0.5})
	n500 := 0
	for range 200 {
		if e.get(prof).code == 500 {
			n500++
		}
	}
	if n500 < 60 || n500 > 140 {
		t.Fatalf("ErrorRate 0.5 gave %d/200", n500)
	}

	e.s.SetFaults(Faults{TruncateJSON: 1})
	full := e.get("/sinap/crossRates")
	e.s.SetFaults(Faults{TruncateJSON: 1})
	cut := e.get("/sinap/crossRates")
	expect(t, cut, 200)
	if json.Valid(cut.body) || len(cut.body) == 0 || len(cut.body) > len(full.body) {
		t.Fatalf("truncated: %q", cut.body)
	}
	if got := e.get("/sinap/crossRates"); !json.Valid(got.body) {
		t.Fatal("truncation lasted too long")
	}

	e.s.SetFaults(Faults{InvalidJSON: 1})
	if r := e.get(prof); r.code != 200 || string(r.body) != `{"not json` {
		t.Fatalf("invalid: %d %q", r.code, r.body)
	}
	e.s.SetFaults(Faults{EmptyBody: 1})
	if r := e.get(prof); r.code != 200 || len(r.body) != 0 {
		t.Fatalf("empty: %d %q", r.code, r.body)
	}
	expect(t, e.get(prof), 200)

	e.s.SetFaults(Faults{Latency: 30 * time.Millisecond})
	t0 := time.Now()
	expect(t, e.get(prof), 200)
	if d := time.Since(t0); d < 30*time.Millisecond {
		t.Fatalf("latency %v", d)
	}
	e.s.SetFaults(Faults{})
}

func TestCommitThenDrop(t *testing.T) {
	e := newEnv(t, Options{})
	rub0, _ := e.s.Balance(e.w, 643)
	e.s.SetFaults(Faults{CommitThenDrop: 1})
	// Non-payment requests are not dropped.
	expect(t, e.get("/sinap/crossRates"), 200)
	body, _ := json.Marshal(payBody("9001", 10, "+79161112233"))
	req, _ := newReq("POST", e.ts.URL+payPath, body, e.tok)
	res, err := e.ts.Client().Do(req)
	if err == nil {
		res.Body.Close()
		t.Fatal("the connection was not dropped")
	}
	// The payment was executed anyway ...
	if rub, _ := e.s.Balance(e.w, 643); rub != rub0-10_00 || e.s.PaymentCount(e.w) != 1 {
		t.Fatalf("not committed: %d, count %d", rub0-rub, e.s.PaymentCount(e.w))
	}
	// ... and the retry with the same id gets the original, once.
	r := e.post(payPath, payBody("9001", 10, "+79161112233"))
	expect(t, r, 200)
	if e.s.PaymentCount(e.w) != 1 {
		t.Fatal("retry created a second payment")
	}
	// Invoice pay is a payment POST too; its repeat is 404 (already paid).
	inv := e.invoices()[0]
	e.s.SetFaults(Faults{CommitThenDrop: 1})
	pb, _ := json.Marshal(map[string]string{"invoice_uid": itoa64(inv.id), "currency": "643"})
	hreq, _ := newReq("POST", e.ts.URL+"/checkout-api/invoice/pay/wallet", pb, e.tok)
	if res, err := e.ts.Client().Do(hreq); err == nil {
		res.Body.Close()
		t.Fatal("invoice pay not dropped")
	}
	if e.invoices()[0].status != "PAID" {
		t.Fatal("invoice not paid")
	}
	expectQiwiError(t, e.post("/checkout-api/invoice/pay/wallet", map[string]string{"invoice_uid": itoa64(inv.id), "currency": "643"}), 404, "invoice.not.found")
	if n := len(e.s.Requests()); n < 5 {
		t.Fatalf("request log has %d entries", n)
	}
}
