package pull_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sandbox/merchant"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	clock  *clock
	sb     *merchant.Server
	client *pull.Client
	url    string
}

// setup starts the sandbox under a path prefix (the client must keep it) and
// a client with sleeping switched off.
func setup(t *testing.T) *env {
	t.Helper()
	clk := &clock{t: time.Date(2016, 9, 20, 10, 0, 0, 0, time.UTC)}
	sb := merchant.New(merchant.Options{Seed: 1, Now: clk.Now, Strict: strictSandbox})
	mux := http.NewServeMux()
	mux.Handle("/prefix/", http.StripPrefix("/prefix", sb))
	ts := httptest.NewServer(mux)
	t.Cleanup(func() { ts.Close(); sb.Close() })
	c, err := pull.NewClient(pull.Credentials{
		APIID: merchant.DemoAPIID(), APIPassword: merchant.DemoAPIPassword(), ShopID: merchant.DemoShopID(),
	}, pull.WithBaseURL(ts.URL+"/prefix"), pull.WithRetry(2, 0), pull.WithClock(clk.Now), pull.WithUserAgent("qiwidash-test"))
	if err != nil {
		t.Fatal(err)
	}
	return &env{clock: clk, sb: sb, client: c, url: ts.URL + "/prefix"}
}

func rub(t *testing.T, s string) qiwiapi.Amount {
	t.Helper()
	a, err := qiwiapi.ParseAmount(s, qiwiapi.RUB)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func lastRequest(t *testing.T, sb *merchant.Server) merchant.Request {
	t.Helper()
	reqs := sb.Requests()
	if len(reqs) == 0 {
		t.Fatal("sandbox saw no request")
	}
	return reqs[len(reqs)-1]
}

func wantHeaders(t *testing.T, r merchant.Request, form bool) {
	t.Helper()
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("23244123:453Fdgd443"))
	want := map[string]string{"Accept": "application/json", "Authorization": auth, "User-Agent": "qiwidash-test"}
	if form {
		want["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
	}
	for k, v := range want {
		if got := r.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	if !form && r.Header.Get("Content-Type") != "" {
		t.Errorf("Content-Type on a bodiless request: %q", r.Header.Get("Content-Type"))
	}
}

func TestCreateBillWire(t *testing.T) {
	e := setup(t)
	amount, err := qiwiapi.ParseAmountFloor("10.009", qiwiapi.RUB) // rounded down
	if err != nil {
		t.Fatal(err)
	}
	bill, resp, err := e.client.Bills.Create(context.Background(), "BILL-1", &pull.CreateBill{
		User:      "+79161234567",
		Amount:    amount,
		Comment:   "test",
		Lifetime:  time.Date(2016, 9, 25, 12, 0, 0, 0, time.UTC), // 15:00 in Moscow
		PaySource: pull.PayQW,
		PrvName:   "Shop & Co",
	})
	if err != nil {
		t.Fatal(err)
	}
	r := lastRequest(t, e.sb)
	if r.Method != "PUT" || r.Path != "/api/v2/prv/373712/bills/BILL-1" {
		t.Errorf("request %s %s", r.Method, r.Path)
	}
	wantHeaders(t, r, true)
	wantBody := "amount=10.00&ccy=RUB&comment=test&lifetime=2016-09-25T15%3A00%3A00&pay_source=qw&prv_name=Shop+%26+Co&user=tel%3A%2B79161234567"
	if string(r.Body) != wantBody {
		t.Errorf("body\n got %s\nwant %s", r.Body, wantBody)
	}
	want := &pull.Bill{BillID: "BILL-1", Amount: rub(t, "10.00"), Status: pull.BillWaiting, User: "tel:+79161234567", Comment: "test"}
	if !reflect.DeepEqual(bill, want) {
		t.Errorf("bill\n got %+v\nwant %+v", bill, want)
	}
	if resp.StatusCode != 200 || resp.ResultCode != 0 || resp.Attempts != 1 || len(resp.Body) == 0 {
		t.Errorf("response %d %v attempts %d", resp.StatusCode, resp.ResultCode, resp.Attempts)
	}
}

func TestCreateIsIdempotent(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	req := &pull.CreateBill{User: "tel:+79161234567", Amount: rub(t, "99.90"), Comment: "x", Lifetime: e.clock.Now().Add(time.Hour)}
	a, _, err := e.client.Bills.Create(ctx, "same", req)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := e.client.Bills.Create(ctx, "same", req)
	if err != nil {
		t.Fatalf("repeat: %v", err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("repeat differs: %+v vs %+v", a, b)
	}
	req.Amount = rub(t, "100.00")
	_, _, err = e.client.Bills.Create(ctx, "same", req)
	var er *pull.ErrorResponse
	if !errors.As(err, &er) || er.Code != pull.CodeBillExists || !er.Fatal() {
		t.Fatalf("different amount: %v", err)
	}
}

func TestGetCancel(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	if _, _, err := e.client.Bills.Create(ctx, "C/1", &pull.CreateBill{User: "+79161234567", Amount: rub(t, "5"), Lifetime: e.clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if r := lastRequest(t, e.sb); r.Path != "/api/v2/prv/373712/bills/C%2F1" {
		t.Errorf("escaped path %q", r.Path)
	}
	got, _, err := e.client.Bills.Get(ctx, "C/1")
	if err != nil || got.Status != pull.BillWaiting || got.Amount != rub(t, "5.00") {
		t.Fatalf("get: %+v %v", got, err)
	}
	r := lastRequest(t, e.sb)
	if r.Method != "GET" || len(r.Body) != 0 {
		t.Errorf("get sent %s with body %q", r.Method, r.Body)
	}
	wantHeaders(t, r, false)

	got, _, err = e.client.Bills.Cancel(ctx, "C/1")
	if err != nil || got.Status != pull.BillRejected {
		t.Fatalf("cancel: %+v %v", got, err)
	}
	r = lastRequest(t, e.sb)
	if r.Method != "PATCH" || string(r.Body) != "status=rejected" {
		t.Errorf("cancel sent %s %q", r.Method, r.Body)
	}
	wantHeaders(t, r, true)
	if _, _, err := e.client.Bills.Cancel(ctx, "C/1"); err != nil {
		t.Errorf("second cancel: %v", err)
	}

	// A paid bill cannot be cancelled; a missing one is 210.
	if _, _, err := e.client.Bills.Cancel(ctx, "demo-paid-1"); code(err) != pull.CodeAlreadyPaid {
		t.Errorf("cancel paid: %v", err)
	}
	if _, _, err := e.client.Bills.Cancel(ctx, "demo-paying-1"); code(err) != pull.CodeAlreadyPaid {
		t.Errorf("cancel being paid: %v", err)
	}
	if _, _, err := e.client.Bills.Get(ctx, "nope"); code(err) != pull.CodeBillNotFound {
		t.Errorf("get missing: %v", err)
	}
}

func code(err error) pull.ResultCode {
	var er *pull.ErrorResponse
	if errors.As(err, &er) {
		return er.Code
	}
	return -1
}

func TestSeededBillsAndOrigin(t *testing.T) {
	e := setup(t)
	b, _, err := e.client.Bills.Get(context.Background(), "demo-paid-usd")
	if err != nil {
		t.Fatal(err)
	}
	if b.Status != pull.BillPaid || b.Amount.Currency != qiwiapi.USD || b.OriginAmount == nil ||
		b.OriginAmount.Currency != qiwiapi.RUB || b.OriginAmount.Minor != b.Amount.Minor*90 {
		t.Errorf("paid USD bill: %+v origin %+v", b, b.OriginAmount)
	}
	for _, id := range merchant.SeededBills() {
		if _, _, err := e.client.Bills.Get(context.Background(), id); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}

func TestExpiryByClock(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	if _, _, err := e.client.Bills.Create(ctx, "exp", &pull.CreateBill{User: "+79161234567", Amount: rub(t, "5"), Lifetime: e.clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	b, _, err := e.client.Bills.Get(ctx, "exp")
	if err != nil || b.Status != pull.BillExpired {
		t.Fatalf("after lifetime: %+v %v", b, err)
	}
	// The 45-day cap applies to a zero lifetime too.
	if _, _, err := e.client.Bills.Create(ctx, "cap", &pull.CreateBill{User: "+79161234567", Amount: rub(t, "5")}); err != nil {
		t.Fatal(err)
	}
	if body := string(lastRequest(t, e.sb).Body); !strings.Contains(body, "lifetime=2016-11-04T14%3A00%3A00") {
		t.Errorf("default lifetime: %s", body)
	}
	e.clock.Advance(45*24*time.Hour - time.Second)
	if b, _, _ := e.client.Bills.Get(ctx, "cap"); b.Status != pull.BillWaiting {
		t.Errorf("before cap: %s", b.Status)
	}
	e.clock.Advance(time.Second)
	if b, _, _ := e.client.Bills.Get(ctx, "cap"); b.Status != pull.BillExpired {
		t.Errorf("at cap: %s", b.Status)
	}
}

func TestResultCodesFromSandbox(t *testing.T) {
	e := setup(t)
	kzt, _ := qiwiapi.ParseAmount("100", qiwiapi.KZT)
	cases := []struct {
		name string
		req  pull.CreateBill
		want pull.ResultCode
	}{
		{"below minimum", pull.CreateBill{User: "+79161234567", Amount: rub(t, "0.50")}, 241},
		{"above maximum", pull.CreateBill{User: "+79161234567", Amount: rub(t, "500000.01")}, 242},
		{"currency", pull.CreateBill{User: "+79161234567", Amount: kzt}, 1001},
		{"mobile operator", pull.CreateBill{User: "+77011234567", Amount: rub(t, "10"), PaySource: pull.PayMobile}, 1019},
		{"not registered", pull.CreateBill{User: "+79990000298", Amount: rub(t, "10")}, 298},
		{"forbidden", pull.CreateBill{User: "+79990000078", Amount: rub(t, "10")}, 78},
		{"monthly limit", pull.CreateBill{User: "+79990000700", Amount: rub(t, "10")}, 700},
		{"payer blocked", pull.CreateBill{User: "+79990000774", Amount: rub(t, "10")}, 774},
		{"region", pull.CreateBill{User: "+79990000934", Amount: rub(t, "10")}, 934},
		{"rate", pull.CreateBill{User: "+79990001003", Amount: rub(t, "10")}, 1003},
		{"country", pull.CreateBill{User: "+79990001018", Amount: rub(t, "10")}, 1018},
	}
	for i, c := range cases {
		_, _, err := e.client.Bills.Create(context.Background(), fmt.Sprintf("code-%d", i), &c.req)
		if got := code(err); got != c.want {
			t.Errorf("%s: got %v (%v), want %v", c.name, got, err, c.want)
		}
	}
}

func TestAuthErrorsAndRedaction(t *testing.T) {
	e := setup(t)
	cases := []struct {
		id, pass, shop string
		want           pull.ResultCode
	}{
		{"23244123", "wrong-secret-pw", "373712", 150},
		{"11111111", "wrong-secret-pw", "373712", 150},
		{merchant.DemoBlockedAPIID(), merchant.DemoAPIPassword(), "373714", 155},
		{merchant.DemoBlockedMerchantAPIID(), merchant.DemoAPIPassword(), "373713", 316},
		{"23244123", merchant.DemoAPIPassword(), "373713", 319},
	}
	for _, c := range cases {
		creds := pull.Credentials{APIID: c.id, APIPassword: c.pass, ShopID: c.shop}
		cl, err := pull.NewClient(creds, pull.WithBaseURL(e.url), pull.WithRetry(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		_, resp, err := cl.Bills.Get(context.Background(), "demo-paid-1")
		var ae *pull.AuthError
		if !errors.As(err, &ae) || ae.Code != c.want || resp.StatusCode != 401 {
			t.Errorf("%s@%s: %v", c.id, c.shop, err)
			continue
		}
		text := fmt.Sprintf("%v %+v %#v %s %v %#v", err, cl, cl, creds, creds, creds)
		if strings.Contains(text, c.pass) || strings.Contains(text, base64.StdEncoding.EncodeToString([]byte(c.id+":"+c.pass))) {
			t.Errorf("password leaked: %s", text)
		}
	}
	// No Authorization at all: 341 with 401.
	req, _ := http.NewRequest("GET", e.url+"/api/v2/prv/373712/bills/demo-paid-1", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("no auth: HTTP %d", resp.StatusCode)
	}
}

func TestRetryReadsAndCreate(t *testing.T) {
	e := setup(t)
	ctx := context.Background()

	e.sb.SetFaults(merchant.Faults{Status5xx: 1})
	b, resp, err := e.client.Bills.Get(ctx, "demo-waiting-1")
	if err != nil || b.Status != pull.BillWaiting || resp.Attempts != 2 {
		t.Fatalf("5xx then ok: %v attempts %d", err, resp.Attempts)
	}

	e.sb.SetFaults(merchant.Faults{BrokenJSON: 1})
	if _, resp, err = e.client.Bills.Get(ctx, "demo-waiting-1"); err != nil || resp.Attempts != 2 {
		t.Fatalf("broken JSON then ok: %v", err)
	}

	e.sb.SetFaults(merchant.Faults{ResultCode: 13, ResultCodeCount: 2})
	if _, resp, err = e.client.Bills.Get(ctx, "demo-waiting-1"); err != nil || resp.Attempts != 3 {
		t.Fatalf("busy twice then ok: %v", err)
	}

	e.sb.SetFaults(merchant.Faults{ResultCode: 300, ResultCodeCount: 5})
	n := len(e.sb.Requests())
	_, _, err = e.client.Bills.Get(ctx, "demo-waiting-1")
	if code(err) != pull.CodeTechnical || len(e.sb.Requests())-n != 3 {
		t.Fatalf("persistent 300: %v after %d requests", err, len(e.sb.Requests())-n)
	}
	e.sb.SetFaults(merchant.Faults{})

	// Commit-then-drop on create: the repeat with the same bill_id gets the bill.
	e.sb.SetFaults(merchant.Faults{DropAfterCommit: 1})
	n = len(e.sb.Requests())
	req := &pull.CreateBill{User: "+79161234567", Amount: rub(t, "42.00"), Comment: "retry", Lifetime: e.clock.Now().Add(time.Hour)}
	bill, resp, err := e.client.Bills.Create(ctx, "drop-1", req)
	if err != nil || bill.BillID != "drop-1" || resp.Attempts != 2 {
		t.Fatalf("create after drop: %v", err)
	}
	reqs := e.sb.Requests()[n:]
	if len(reqs) != 2 || string(reqs[0].Body) != string(reqs[1].Body) || reqs[0].Path != reqs[1].Path {
		t.Fatalf("create attempts differ: %+v", reqs)
	}

	// A PATCH is never repeated automatically.
	e.sb.SetFaults(merchant.Faults{Status5xx: 1})
	n = len(e.sb.Requests())
	if _, _, err := e.client.Bills.Cancel(ctx, "drop-1"); err == nil {
		t.Fatal("cancel through a 503 succeeded")
	}
	if got := len(e.sb.Requests()) - n; got != 1 {
		t.Errorf("cancel sent %d times", got)
	}
	// Fatal result codes are not retried.
	n = len(e.sb.Requests())
	e.client.Bills.Get(ctx, "missing")
	if got := len(e.sb.Requests()) - n; got != 1 {
		t.Errorf("210 sent %d times", got)
	}
}

func TestRetryStopsOnContext(t *testing.T) {
	e := setup(t)
	c, err := pull.NewClient(pull.Credentials{APIID: "23244123", APIPassword: "453Fdgd443", ShopID: "373712"},
		pull.WithBaseURL(e.url), pull.WithRetry(5, time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	e.sb.SetFaults(merchant.Faults{Status5xx: 10})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err = c.Bills.Get(ctx, "demo-waiting-1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
}

func TestRefunds(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	// demo-paid-1 is paid with refund R1 already done; read R1 first.
	r, _, err := e.client.Refunds.Get(ctx, "demo-paid-1", "R1", qiwiapi.RUB)
	if err != nil || r.Status != pull.RefundSuccess || r.Amount != rub(t, "490.00") {
		t.Fatalf("R1: %+v %v", r, err)
	}
	bill, _, _ := e.client.Bills.Get(ctx, "demo-paid-1")
	rest := bill.Amount.Minor - 490_00

	r, _, err = e.client.Refunds.Create(ctx, "demo-paid-1", "R2", qiwiapi.Amount{Minor: rest - 100, Currency: qiwiapi.RUB})
	if err != nil || r.Status != pull.RefundProcessing {
		t.Fatalf("R2: %+v %v", r, err)
	}
	last := lastRequest(t, e.sb)
	if last.Method != "PUT" || last.Path != "/api/v2/prv/373712/bills/demo-paid-1/refund/R2" ||
		string(last.Body) != "amount="+pull.FormatAmount(qiwiapi.Amount{Minor: rest - 100, Currency: qiwiapi.RUB}) {
		t.Errorf("refund request %s %s %s", last.Method, last.Path, last.Body)
	}
	wantHeaders(t, last, true)

	// 1.01 more than is left: 242, and a refund that says so: nothing
	// actually refunded (refund.amount), refund.error 242, final, and
	// readable afterwards under its id (issue 11 item 14).
	r, _, err = e.client.Refunds.Create(ctx, "demo-paid-1", "R3", rub(t, "1.01"))
	if code(err) != pull.CodeAmountTooLarge || r == nil || r.Error != pull.CodeAmountTooLarge || !r.Amount.IsZero() || r.Status != pull.RefundFail {
		t.Fatalf("over-refund: %+v %v", r, err)
	}
	if r, _, err := e.client.Refunds.Get(ctx, "demo-paid-1", "R3", qiwiapi.RUB); err != nil || r.Error != pull.CodeAmountTooLarge || r.Status != pull.RefundFail {
		t.Errorf("over-refund afterwards: %+v %v", r, err)
	}
	// Exactly what is left works.
	if _, _, err := e.client.Refunds.Create(ctx, "demo-paid-1", "R4", rub(t, "1.00")); err != nil {
		t.Fatalf("exact rest: %v", err)
	}
	e.clock.Advance(10 * time.Second)
	r, _, err = e.client.Refunds.Get(ctx, "demo-paid-1", "R2", qiwiapi.RUB)
	if err != nil || r.Status != pull.RefundSuccess {
		t.Fatalf("R2 later: %+v %v", r, err)
	}
	// Refunding an unpaid bill is forbidden.
	if _, _, err := e.client.Refunds.Create(ctx, "demo-waiting-1", "X", rub(t, "1")); code(err) != pull.CodeForbidden {
		t.Errorf("refund waiting bill: %v", err)
	}
	// Bad refund ids never leave the client.
	n := len(e.sb.Requests())
	for _, id := range []string{"", "1234567890", "ab-c", "абв"} {
		if _, _, err := e.client.Refunds.Create(ctx, "demo-paid-1", id, rub(t, "1")); !errors.Is(err, pull.ErrInvalid) {
			t.Errorf("refund id %q: %v", id, err)
		}
	}
	if len(e.sb.Requests()) != n {
		t.Error("invalid refund id reached the server")
	}
}

func TestCreateValidation(t *testing.T) {
	e := setup(t)
	bad := []pull.CreateBill{
		{User: "89161234567x", Amount: rub(t, "1")},
		{User: "+79161234567", Amount: rub(t, "0")},
		{User: "+79161234567", Amount: rub(t, "-5")},
		{User: "+79161234567", Amount: rub(t, "1000000")},
		{User: "+79161234567", Amount: qiwiapi.Amount{Minor: 100, Currency: 999}},
		{User: "+79161234567", Amount: rub(t, "1"), PaySource: pull.PayCard},
		{User: "+79161234567", Amount: rub(t, "1"), Comment: strings.Repeat("я", 256)},
		{User: "+79161234567", Amount: rub(t, "1"), PrvName: strings.Repeat("x", 101)},
	}
	for i, b := range bad {
		if _, _, err := e.client.Bills.Create(context.Background(), "v", &b); !errors.Is(err, pull.ErrInvalid) {
			t.Errorf("case %d: %v", i, err)
		}
	}
	if _, _, err := e.client.Bills.Create(context.Background(), strings.Repeat("b", 201), &pull.CreateBill{User: "+79161234567", Amount: rub(t, "1")}); !errors.Is(err, pull.ErrInvalid) {
		t.Errorf("long bill id: %v", err)
	}
	if len(e.sb.Requests()) != 0 {
		t.Error("invalid requests reached the server")
	}
}

func TestFormatAmountRoundsDown(t *testing.T) {
	cases := map[string]string{"10.009": "10.00", "0.019": "0.01", "1234.5": "1234.50", "7": "7.00"}
	for in, want := range cases {
		a, err := qiwiapi.ParseAmountFloor(in, qiwiapi.RUB)
		if err != nil {
			t.Fatal(err)
		}
		if got := pull.FormatAmount(a); got != want {
			t.Errorf("%s -> %s, want %s", in, got, want)
		}
	}
	if got := pull.FormatAmount(qiwiapi.Amount{Minor: 15, Currency: 392}); got != "15.00" { // JPY, 0 digits
		t.Errorf("JPY: %s", got)
	}
}

func TestNormalizeUser(t *testing.T) {
	for in, want := range map[string]string{"+79161234567": "tel:+79161234567", "79161234567": "tel:+79161234567", "tel:+79161234567": "tel:+79161234567"} {
		if got, err := pull.NormalizeUser(in); err != nil || got != want {
			t.Errorf("%s -> %s %v", in, got, err)
		}
	}
}

func TestCheckoutURL(t *testing.T) {
	e := setup(t)
	got := e.client.CheckoutURL("BILL 1", &pull.CheckoutOptions{Embedded: true, SuccessURL: "https://shop.example/ok?a=1", PaySource: pull.PayCard})
	want := "https://oplata.qiwi.com/form?embedded=true&pay_source=card&shop=373712&successUrl=https%3A%2F%2Fshop.example%2Fok%3Fa%3D1&transaction=BILL+1"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := pull.CheckoutURL("", "1", "2", nil); got != "https://oplata.qiwi.com/form?shop=1&transaction=2" {
		t.Errorf("plain: %s", got)
	}
}

func TestResultCodeTable(t *testing.T) {
	for _, c := range pull.ResultCodes() {
		if !c.Known() || c.Meaning() == "unknown result code" {
			t.Errorf("%d not described", c)
		}
	}
	if pull.ResultCode(774).Fatal() || !pull.ResultCode(242).Fatal() || pull.ResultCode(13).Fatal() || !pull.ResultCode(9999).Fatal() {
		t.Error("fatal flags wrong")
	}
}

func TestNewClientRejects(t *testing.T) {
	for _, c := range []pull.Credentials{{"", "p", "1"}, {"1", "", "1"}, {"1", "p", "x"}} {
		if _, err := pull.NewClient(c); err == nil {
			t.Errorf("%v accepted", c)
		}
	}
	if _, err := pull.NewClient(pull.Credentials{APIID: "1", APIPassword: "p", ShopID: "1"}, pull.WithBaseURL("not a url")); err == nil {
		t.Error("bad base URL accepted")
	}
}

func TestDecodeSpecExamples(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	env, err := pull.DecodeEnvelope(read("bill_waiting.json"), 0)
	if err != nil {
		t.Fatal(err)
	}
	origin := rub(t, "10.00")
	want := &pull.Envelope{Bill: &pull.Bill{BillID: "BILL-1", Amount: rub(t, "10.00"), OriginAmount: &origin,
		Status: pull.BillWaiting, User: "tel:+79031234567", Comment: "My comment"}}
	if !reflect.DeepEqual(env, want) {
		t.Errorf("bill: %+v %+v", env, env.Bill)
	}

	env, err = pull.DecodeEnvelope(read("refund_success.json"), qiwiapi.RUB)
	if err != nil {
		t.Fatal(err)
	}
	if want := (&pull.Refund{RefundID: "REF1", Amount: rub(t, "5.00"), Status: pull.RefundSuccess}); !reflect.DeepEqual(env.Refund, want) {
		t.Errorf("refund: %+v", env.Refund)
	}

	env, err = pull.DecodeEnvelope(read("error_150.json"), 0)
	if err != nil || env.ResultCode != 150 || env.Description != "Authorization failed" || env.Bill != nil {
		t.Errorf("error: %+v %v", env, err)
	}

	if _, err := pull.DecodeEnvelope(read("refund_unquoted_id.broken.json"), qiwiapi.RUB); !errors.Is(err, pull.ErrDecode) {
		t.Errorf("broken example decoded: %v", err)
	}
	env, err = pull.DecodeEnvelope(read("refund_quoted_id.json"), qiwiapi.RUB)
	if err != nil || env.Refund.RefundID != "122swbill" || env.Refund.Status != pull.RefundProcessing {
		t.Errorf("fixed example: %+v %v", env, err)
	}

	// Too many decimals is an error, never rounded.
	if _, err := pull.DecodeEnvelope([]byte(`{"response":{"result_code":0,"bill":{"bill_id":"b","amount":"1.005","ccy":"RUB","status":"paid"}}}`), 0); !errors.Is(err, pull.ErrDecode) {
		t.Errorf("1.005 accepted: %v", err)
	}
}

func TestNonJSONErrorBody(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte("<html>401</html>"))
	}))
	defer ts.Close()
	c, _ := pull.NewClient(pull.Credentials{APIID: "1", APIPassword: "p", ShopID: "1"}, pull.WithBaseURL(ts.URL), pull.WithRetry(0, 0))
	_, _, err := c.Bills.Get(context.Background(), "x")
	var ae *pull.AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v", err)
	}
}

// A 429 or 423 is not answered by sending again at once: the caller (the
// engine) hears RetryAfter and waits.
func TestRateLimitIsNotRetriedQuickly(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusLocked} {
		n := 0
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n++
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(status)
		}))
		c, err := pull.NewClient(pull.Credentials{APIID: "1", APIPassword: "p", ShopID: "2"}, pull.WithBaseURL(ts.URL), pull.WithRetry(2, 0))
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = c.Bills.Get(context.Background(), "b1")
		ts.Close()
		var rl *pull.RateLimitError
		if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Minute {
			t.Fatalf("%d -> %v", status, err)
		}
		if n != 1 {
			t.Errorf("%d: sent %d times into the limit, want 1", status, n)
		}
	}
}
