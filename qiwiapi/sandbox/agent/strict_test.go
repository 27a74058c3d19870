package agent

import (
	"strings"
	"testing"
)

// Issue 11 item 12: the sandbox answers as the docs say. Amounts have
// exactly two decimals; a body over 1 MiB or with junk after </request> is
// not processed; a blocked terminal gets nothing, not even its balance.
func TestRequestsAsTheDocsSay(t *testing.T) {
	e := newEnv(t, Options{})
	for i, amount := range []string{"10", "10.5", "10.000", "1e1"} {
		a := e.call(payXML("9"+strings.Repeat("1", i+1), WalletOK, amount, "643", "1"))
		if a.Result.Code != "300" || len(a.Payments) != 0 {
			t.Fatalf("amount %q: %+v, want request error 300", amount, a)
		}
	}
	if n := e.s.PaymentCount(); n != 0 {
		t.Fatalf("%d payments made from malformed amounts", n)
	}
	junk := payXML("77", WalletOK, "10.00", "643", "1") + "<request><request-type>ping</request-type></request>"
	if a := e.call(junk); a.Result.Code != "300" || len(a.Payments) != 0 {
		t.Fatalf("junk after </request>: %+v", a)
	}
	big := strings.Replace(payXML("78", WalletOK, "10.00", "643", "1"), "</request>", "<!--"+strings.Repeat("x", 1<<20)+"--></request>", 1)
	if code, b := e.post(big); code == 200 && !strings.Contains(string(b), ">300<") {
		t.Fatalf("a body over 1 MiB was processed: %d %.200s", code, b)
	}
	if n := e.s.PaymentCount(); n != 0 {
		t.Fatalf("%d payments made from refused bodies", n)
	}
	ping := strings.Replace(doc(t, "ping_request.xml"), ">"+DemoTerminalID()+"<", ">"+DemoBlockedTerminalID()+"<", 1)
	if a := e.call(ping); a.Result.Code == "0" || len(a.Balances) != 0 {
		t.Fatalf("a blocked terminal pinged: %+v", a)
	}
}
