package agent

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// answer is a test-side reading of a response, independent of the client.
type answer struct {
	Result struct {
		Fatal string `xml:"fatal,attr"`
		Code  string `xml:",chardata"`
	} `xml:"result-code"`
	Payments []struct {
		Status  string `xml:"status,attr"`
		TxnID   string `xml:"txn_id,attr"`
		Number  string `xml:"transaction-number,attr"`
		Result  string `xml:"result-code,attr"`
		Final   string `xml:"final-status,attr"`
		Fatal   string `xml:"fatal-error,attr"`
		Date    string `xml:"txn-date,attr"`
		FromAmt string `xml:"from>amount"`
		ToAmt   string `xml:"to>amount"`
	} `xml:"payment"`
	Balances []struct {
		Code  string `xml:"code,attr"`
		Value string `xml:",chardata"`
	} `xml:"balances>balance"`
	Exist   string `xml:"exist"`
	Deposit string `xml:"deposit-possible"`
}

type tenv struct {
	t   *testing.T
	clk *fakeClock
	s   *Server
	ts  *httptest.Server
}

func newEnv(t *testing.T, o Options) *tenv {
	e := &tenv{t: t, clk: &fakeClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}}
	if o.Now == nil {
		o.Now = e.clk.Now
	}
	if o.SettleDelay == 0 {
		o.SettleDelay = time.Minute
	}
	e.s = New(o)
	e.ts = httptest.NewServer(e.s)
	t.Cleanup(e.ts.Close)
	return e
}

func (e *tenv) post(body string, hdr ...string) (int, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+Path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/xml")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (e *tenv) call(body string, hdr ...string) answer {
	e.t.Helper()
	code, b := e.post(body, hdr...)
	if code != 200 {
		e.t.Fatalf("HTTP %d: %s", code, b)
	}
	var a answer
	if err := xml.Unmarshal(b, &a); err != nil {
		e.t.Fatalf("answer is not XML: %v\n%s", err, b)
	}
	return a
}

// doc loads a documented request and puts the demo credentials in.
func doc(t testing.TB, name string) string {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, old := range []string{"<terminal-id>123<", "<terminal-id>44<"} {
		s = strings.Replace(s, old, "<terminal-id>"+DemoTerminalID()+"<", 1)
	}
	for _, old := range []string{">***<", ">XXXXXX<", ">XXXXX<", ">password<"} {
		s = strings.Replace(s, old, ">"+DemoPassword()+"<", 1)
	}
	return s
}

func payXML(number, account, amount, ccy, funds string) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<request><request-type>pay</request-type><terminal-id>` + DemoTerminalID() + `</terminal-id>
<extra name="password">` + DemoPassword() + `</extra><extra name="income_wire_transfer">` + funds + `</extra>
<auth><payment><transaction-number>` + number + `</transaction-number><from><ccy>` + ccy + `</ccy></from>
<to><amount>` + amount + `</amount><ccy>` + ccy + `</ccy><service-id>99</service-id><account-number>` + account + `</account-number></to></payment></auth></request>`
}

func statusXML(numbers ...string) string {
	var b strings.Builder
	b.WriteString(`<request><request-type>pay</request-type><terminal-id>` + DemoTerminalID() + `</terminal-id><extra name="password">` + DemoPassword() + `</extra><status>`)
	for _, n := range numbers {
		b.WriteString(`<payment><transaction-number>` + n + `</transaction-number><to><account-number>79001112233</account-number></to></payment>`)
	}
	b.WriteString(`</status></request>`)
	return b.String()
}

func TestDocumentedRequests(t *testing.T) {
	e := newEnv(t, Options{})
	// Each documented request parses; with the docs' own placeholder
	// credentials the answer is 150, fatal.
	for _, f := range []string{"pay_request.xml", "status_request.xml", "check_deposit_request.xml", "check_user_request.xml", "ping_request.xml"} {
		raw, _ := os.ReadFile(filepath.Join("testdata", f))
		if a := e.call(string(raw)); a.Result.Code != "150" || a.Result.Fatal != "true" {
			t.Errorf("%s with the docs' credentials: %+v", f, a.Result)
		}
	}
	a := e.call(doc(t, "ping_request.xml"))
	if a.Result.Code != "0" || len(a.Balances) != 4 || a.Balances[0].Code != "398" || a.Balances[1].Code != "643" {
		t.Fatalf("ping: %+v", a)
	}
	if a := e.call(doc(t, "check_user_request.xml")); a.Result.Code != "0" || a.Exist != "0" {
		t.Errorf("check-user of an unknown phone: %+v", a)
	}
	if a := e.call(doc(t, "check_deposit_request.xml")); a.Result.Code != "0" || a.Exist != "0" || a.Deposit != "1" {
		t.Errorf("check-deposit of a new phone: %+v", a)
	}
	// The documented pay uses alpha currency codes.
	a = e.call(doc(t, "pay_request.xml"))
	if len(a.Payments) != 1 || a.Payments[0].Status != "50" || a.Payments[0].TxnID == "" || a.Payments[0].ToAmt != "1115.00" ||
		a.Payments[0].Number != "12345678" || a.Payments[0].Date != "01.03.2026 12:00:00" {
		t.Fatalf("pay: %+v", a.Payments)
	}
	a = e.call(doc(t, "status_request.xml"))
	if len(a.Payments) != 1 || a.Payments[0].Status != "50" || a.Payments[0].Final != "false" {
		t.Fatalf("status: %+v", a.Payments)
	}
	if a := e.call(doc(t, "check_user_request.xml")); a.Exist != "0" {
		// 79031234567 is not the paid account (79181234567).
		t.Errorf("check-user: %+v", a)
	}
	if got := len(e.s.Requests()); got != 11 {
		t.Errorf("%d requests recorded", got)
	}
}

func TestLifecycleAndIdempotency(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	rub0 := e.s.Balance(RUB)
	w0, _ := e.s.WalletBalance(WalletOK, RUB)
	a := e.call(payXML("42", WalletOK, "100.50", "643", "1"))
	p := a.Payments[0]
	if p.Status != "50" || p.Final != "false" || p.Result != "0" || p.FromAmt != "100.50" {
		t.Fatalf("accepted: %+v", p)
	}
	if e.s.Balance(RUB) != rub0-100_50 {
		t.Error("agent not debited at 50")
	}
	e.clk.Add(30 * time.Second)
	if st, _ := e.s.PaymentStatus("42"); st != 52 {
		t.Errorf("after half the delay: %d", st)
	}
	if w, _ := e.s.WalletBalance(WalletOK, RUB); w != w0 {
		t.Error("wallet credited before the final status")
	}
	// Same number, same parameters: the existing payment, not a new one.
	a = e.call(payXML("42", WalletOK, "100.50", "643", "1"))
	if a.Payments[0].TxnID != p.TxnID || a.Payments[0].Status != "52" || e.s.PaymentCount() != 1 {
		t.Fatalf("repeat: %+v", a.Payments)
	}
	// Same number, other parameters: 215, fatal, nothing paid.
	a = e.call(payXML("42", WalletOK, "100.51", "643", "1"))
	if q := a.Payments[0]; q.Result != "215" || q.Fatal != "true" || q.TxnID != "" || q.Status != "-1" {
		t.Fatalf("215: %+v", q)
	}
	e.clk.Add(30 * time.Second)
	a = e.call(statusXML("42", "43"))
	if len(a.Payments) != 1 || a.Payments[0].Status != "60" || a.Payments[0].Final != "true" {
		t.Fatalf("final: %+v", a.Payments)
	}
	if w, _ := e.s.WalletBalance(WalletOK, RUB); w != w0+100_50 {
		t.Error("wallet not credited")
	}
	if e.s.Balance(RUB) != rub0-100_50 || e.s.PaymentCount() != 1 {
		t.Error("paid twice")
	}
	// SettleNow and the 702 refund.
	e.call(payXML("44", WalletNearLimit, "10.00", "643", "1"))
	if e.s.Balance(RUB) != rub0-110_50 {
		t.Error("702 payment not debited while processing")
	}
	e.s.SettleNow()
	if st, _ := e.s.PaymentStatus("44"); st != 160 || e.s.Balance(RUB) != rub0-100_50 {
		t.Errorf("702: status %d, agent %d", st, rub0-e.s.Balance(RUB))
	}
	a = e.call(statusXML("44"))
	if a.Payments[0].Result != "702" || a.Payments[0].Fatal != "true" {
		t.Errorf("702 answer: %+v", a.Payments[0])
	}
}

func TestCodesForInputs(t *testing.T) {
	e := newEnv(t, Options{SettleDelay: -1})
	tests := []struct {
		name, body              string
		status, result, fatal   string
		registered, reqLevel150 bool
	}{
		{"241", payXML("1", WalletOK, "0.99", "643", "1"), "160", "241", "true", true, false},
		{"242", payXML("2", WalletOK, "60000.01", "643", "1"), "160", "242", "true", true, false},
		{"242 usd", payXML("3", WalletOK, "1000.01", "840", "1"), "160", "242", "true", true, false},
		{"204", payXML("4", WalletNoCash, "10.00", "643", "0"), "150", "204", "true", true, false},
		{"non-cash ok", payXML("5", WalletNoCash, "10.00", "643", "1"), "60", "0", "false", true, false},
		{"319", payXML("6", WalletBlocked, "10.00", "643", "1"), "150", "319", "true", true, false},
		{"298", payXML("7", PhoneNoWallet, "10.00", "643", "1"), "160", "298", "true", true, false},
		{"155", strings.Replace(payXML("8", WalletOK, "10.00", "643", "1"), "<service-id>99", "<service-id>98", 1), "-1", "155", "true", false, false},
		{"220", payXML("9", WalletOK, "100.00", "124", "1"), "-1", "220", "false", false, false},
		{"316", strings.Replace(payXML("10", WalletOK, "10.00", "643", "1"), ">"+DemoTerminalID()+"<", ">"+DemoBlockedTerminalID()+"<", 1), "-1", "316", "true", false, false},
		{"150", strings.Replace(payXML("11", WalletOK, "10.00", "643", "1"), DemoPassword(), "nope", 1), "", "", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.call(tt.body)
			if tt.reqLevel150 {
				if a.Result.Code != "150" || a.Result.Fatal != "true" || len(a.Payments) != 0 {
					t.Fatalf("%+v", a)
				}
				return
			}
			p := a.Payments[0]
			if p.Status != tt.status || p.Result != tt.result || p.Fatal != tt.fatal || (p.TxnID != "") != tt.registered {
				t.Fatalf("got %+v", p)
			}
		})
	}
	if n := e.s.PaymentCount(); n != 1 {
		t.Errorf("%d payments debited, want 1", n)
	}
	// check-deposit-possible per wallet.
	cd := func(phone, funds string) answer {
		return e.call(`<request><request-type>check-deposit-possible</request-type><terminal-id>` + DemoTerminalID() +
			`</terminal-id><extra name="password">` + DemoPassword() + `</extra><extra name="phone">` + phone +
			`</extra><extra name="income_wire_transfer">` + funds + `</extra></request>`)
	}
	for _, c := range []struct{ phone, funds, code, fatal, exist, possible string }{
		{WalletOK, "0", "0", "false", "1", "1"},
		{WalletNoCash, "0", "204", "true", "1", "0"},
		{WalletNoCash, "1", "0", "false", "1", "1"},
		{WalletBlocked, "1", "319", "true", "1", "0"},
		{PhoneNoWallet, "1", "298", "true", "0", "0"},
		{WalletNew, "0", "0", "false", "0", "1"},
	} {
		a := cd(c.phone, c.funds)
		if a.Result.Code != c.code || a.Result.Fatal != c.fatal || a.Exist != c.exist || a.Deposit != c.possible {
			t.Errorf("check-deposit %s/%s: %+v", c.phone, c.funds, a)
		}
	}
}

func TestSignatureVerification(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 1024)
	other, _ := rsa.GenerateKey(rand.Reader, 1024)
	e := newEnv(t, Options{PublicKey: &key.PublicKey})
	body := `<request><request-type>ping</request-type><terminal-id>` + DemoTerminalID() + `</terminal-id></request>`
	sign := func(k *rsa.PrivateKey, b string) string {
		h := sha1.Sum([]byte(b))
		sig, _ := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA1, h[:])
		return base64.StdEncoding.EncodeToString(sig)
	}
	if a := e.call(body, "X-Digital-Sign", sign(key, body), "X-Digital-Sign-Alg", "SHA1withRSA"); a.Result.Code != "0" {
		t.Errorf("valid signature refused: %+v", a.Result)
	}
	for name, hdr := range map[string][]string{
		"other key":     {"X-Digital-Sign", sign(other, body), "X-Digital-Sign-Alg", "SHA1withRSA"},
		"other body":    {"X-Digital-Sign", sign(key, body+" "), "X-Digital-Sign-Alg", "SHA1withRSA"},
		"wrong alg":     {"X-Digital-Sign", sign(key, body), "X-Digital-Sign-Alg", "MD5withRSA"},
		"not base64":    {"X-Digital-Sign", "%%%", "X-Digital-Sign-Alg", "SHA1withRSA"},
		"no password":   {},
		"unknown alg":   {"X-Digital-Sign", sign(key, body), "X-Digital-Sign-Alg", "SHA256withRSA"},
		"no public key": nil,
	} {
		srv := e
		if hdr == nil {
			srv = newEnv(t, Options{})
			hdr = []string{"X-Digital-Sign", sign(key, body), "X-Digital-Sign-Alg", "SHA1withRSA"}
		}
		if a := srv.call(body, hdr...); a.Result.Code != "150" || a.Result.Fatal != "true" {
			t.Errorf("%s: accepted %+v", name, a.Result)
		}
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t, Options{})
	e.s.SetFaults(Faults{Only: "pay", Count: 1, DropAfterCommit: true})
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+Path, strings.NewReader(payXML("1", WalletOK, "5.00", "643", "1")))
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("commit-then-drop answered")
	}
	if e.s.PaymentCount() != 1 {
		t.Fatal("commit-then-drop did not commit")
	}
	// Count is used up: the next pay is answered (the existing payment).
	if a := e.call(payXML("1", WalletOK, "5.00", "643", "1")); a.Payments[0].TxnID == "" || e.s.PaymentCount() != 1 {
		t.Fatalf("resend: %+v", a.Payments)
	}
	e.s.SetFaults(Faults{Only: "pay", Drop: true})
	req, _ = http.NewRequest(http.MethodPost, e.ts.URL+Path, strings.NewReader(payXML("2", WalletOK, "5.00", "643", "1")))
	if _, err := http.DefaultClient.Do(req); err == nil || e.s.PaymentCount() != 1 {
		t.Fatal("drop committed or answered")
	}
	// Only: ping is not affected by a pay fault.
	if a := e.call(doc(t, "ping_request.xml")); a.Result.Code != "0" {
		t.Error("fault leaked to ping")
	}
	e.s.SetFaults(Faults{HTTPStatus: 503})
	if code, _ := e.post(doc(t, "ping_request.xml")); code != 503 {
		t.Errorf("HTTP %d", code)
	}
	e.s.SetFaults(Faults{BrokenXML: true})
	_, b := e.post(payXML("3", WalletOK, "5.00", "643", "1"))
	if xml.Unmarshal(b, new(answer)) == nil {
		t.Errorf("broken XML parses: %s", b)
	}
	if e.s.PaymentCount() != 2 {
		t.Error("broken XML fault does not process")
	}
	e.s.SetFaults(Faults{EmptyTxnID: true})
	if a := e.call(payXML("4", WalletOK, "5.00", "643", "1")); a.Payments[0].TxnID != "" || a.Payments[0].Status != "-1" || e.s.PaymentCount() != 2 {
		t.Errorf("empty txn_id: %+v", a.Payments)
	}
	for f, code := range map[Faults]string{{Busy: true}: "13", {Unknown: true}: "300", {BlockIP: true}: "339"} {
		e.s.SetFaults(f)
		if a := e.call(doc(t, "ping_request.xml")); a.Result.Code != code {
			t.Errorf("%+v: %+v", f, a.Result)
		}
	}
	e.s.SetFaults(Faults{})
	// Latency with an injected sleep.
	slept := time.Duration(0)
	e2 := newEnv(t, Options{Sleep: func(ctx context.Context, d time.Duration) error { slept += d; return nil }})
	e2.s.SetFaults(Faults{Latency: 5 * time.Second})
	if a := e2.call(doc(t, "ping_request.xml")); a.Result.Code != "0" || slept != 5*time.Second {
		t.Errorf("latency: %v %+v", slept, a.Result)
	}
	// Method and path.
	resp, _ := http.Get(e.ts.URL + Path)
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", resp.StatusCode)
	}
	resp, _ = http.Post(e.ts.URL+"/xml/other.jsp", "application/xml", strings.NewReader("<request/>"))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("other path: %d", resp.StatusCode)
	}
	// Requests keeps method, path, headers and the raw body.
	reqs := e.s.Requests()
	last := reqs[len(reqs)-1]
	if last.Method != http.MethodGet || last.Path != Path {
		t.Errorf("last request %+v", last)
	}
	if first := reqs[0]; first.Kind != "pay" || !bytes.Contains(first.Body, []byte("<transaction-number>1<")) {
		t.Errorf("first request %+v", first)
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	now := func() time.Time { return time.Unix(0, 0) }
	a, b, c := New(Options{Seed: 1, Now: now}), New(Options{Seed: 1, Now: now}), New(Options{Seed: 2, Now: now})
	if a.Balance(RUB) != b.Balance(RUB) || len(a.wallets) != len(b.wallets) {
		t.Error("same seed, different data")
	}
	if a.Balance(RUB) == c.Balance(RUB) && a.Balance(USD) == c.Balance(USD) {
		t.Error("the seed changes nothing")
	}
	if a.Balance(RUB) < 1_000_000_00 || a.Balance(EUR) < 10_000_00 || a.Balance(KZT) < 5_000_000_00 {
		t.Error("balances")
	}
}

func FuzzServe(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, name := range files {
		b, _ := os.ReadFile(name)
		f.Add(b)
		f.Add([]byte(doc(f, filepath.Base(name))))
	}
	f.Add([]byte(payXML("1", WalletOK, "99999999999999999.99", "643", "1")))
	s := New(Options{Now: func() time.Time { return time.Unix(1e9, 0) }, SettleDelay: -1})
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, Path, bytes.NewReader(body)))
		if rec.Code != 200 {
			t.Fatalf("HTTP %d", rec.Code)
		}
		var a answer
		if err := xml.Unmarshal(rec.Body.Bytes(), &a); err != nil {
			t.Fatalf("answer is not XML: %v\n%s", err, rec.Body.Bytes())
		}
		for _, bal := range a.Balances {
			if strings.HasPrefix(bal.Value, "-") {
				t.Fatalf("negative agent balance %s", bal.Value)
			}
		}
	})
}
