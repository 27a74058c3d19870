package sandbox

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestBalances(t *testing.T) {
	e := newEnv(t, Options{})
	p := "/funding-sources/v2/persons/" + e.w + "/accounts"
	type acc struct {
		Alias      string          `json:"alias"`
		HasBalance bool            `json:"hasBalance"`
		Balance    json.RawMessage `json:"balance"`
		Currency   int             `json:"currency"`
		Default    bool            `json:"defaultAccount"`
	}
	list := func(path string) map[string]acc {
		var v struct{ Accounts []acc }
		r := e.get(path)
		expect(t, r, 200)
		if err := json.Unmarshal(r.body, &v); err != nil {
			t.Fatal(err)
		}
		m := map[string]acc{}
		for _, a := range v.Accounts {
			m[a.Alias] = a
		}
		return m
	}
	first := list(p)
	if a := first["qw_wallet_usd"]; !a.HasBalance || string(a.Balance) != "null" {
		t.Fatalf("USD on the first request: %+v", a)
	}
	if a := first["mc_megafon_rub"]; a.HasBalance || string(a.Balance) != "null" {
		t.Fatalf("MC: %+v", a)
	}
	if !first["qw_wallet_rub"].Default || len(first) != 5 {
		t.Fatalf("accounts: %+v", first)
	}
	usd, _ := e.s.Balance(e.w, 840)
	again := list(p + "?timeout=1000&alias=qw_wallet_usd")
	if string(again["qw_wallet_usd"].Balance) != `{"amount":`+fmtKop(usd)+`,"currency":840}` {
		t.Fatalf("re-ask: %s", again["qw_wallet_usd"].Balance)
	}
	expect(t, e.get(p+"/offer"), 200)
	if r := e.get(p + "/offer"); string(r.body) != "[]" {
		t.Fatalf("demo offer: %s", r.body)
	}
	expectQiwiError(t, e.post(p, map[string]string{"alias": "qw_wallet_rub"}), 422, "account.already.exists")
	expect(t, e.post(p, map[string]string{"alias": "qw_wallet_gbp"}), 400)

	// Another wallet opens EUR and makes it the default.
	o := e.s.OtherWallets()[1]
	tok := e.s.NewToken(o, ScopeBalance)
	op := "/funding-sources/v2/persons/" + o + "/accounts"
	r := e.do(tok, "GET", op+"/offer", nil)
	if !strings.Contains(string(r.body), `{"alias":"qw_wallet_eur","currency":978}`) {
		t.Fatalf("offer: %s", r.body)
	}
	expect(t, e.do(tok, "POST", op, map[string]string{"alias": "qw_wallet_eur"}), 201)
	expect(t, e.do(tok, "PATCH", op+"/qw_wallet_eur", map[string]bool{"defaultAccount": true}), 204)
	expect(t, e.do(tok, "PATCH", op+"/qw_wallet_usd", map[string]bool{"defaultAccount": true}), 404)
	expect(t, e.do(tok, "PATCH", op+"/qw_wallet_eur", map[string]bool{"defaultAccount": false}), 400)
	r = e.do(tok, "GET", op, nil)
	if !strings.Contains(string(r.body), `"balance":{"amount":0,"currency":978},"currency":978,"defaultAccount":true`) {
		t.Fatalf("after create: %s", r.body)
	}
}

func TestInvoices(t *testing.T) {
	e := newEnv(t, Options{})
	expect(t, e.get("/checkout-api/api/bill/search?rows=5"), 400)
	expect(t, e.get("/checkout-api/api/bill/search?statuses=READY_FOR_PAY&rows=51"), 400)
	type bills struct {
		Bills []struct {
			ID               int64 `json:"id"`
			CreationDatetime int64 `json:"creation_datetime"`
			Sum              struct {
				Amount json.Number `json:"amount"`
			} `json:"sum"`
		} `json:"bills"`
	}
	var all []int64
	q := url.Values{"statuses": {"READY_FOR_PAY"}, "rows": {"3"}}
	for {
		r := e.get("/checkout-api/api/bill/search?" + q.Encode())
		expect(t, r, 200)
		var b bills
		_ = json.Unmarshal(r.body, &b)
		if bytes.Contains(r.body, []byte("next_")) {
			t.Fatalf("undocumented paging fields: %s", r.body)
		}
		// The docs' paging: from the last bill's id and creation time,
		// "equal or smaller", so each next page starts with that bill.
		bs := b.Bills
		if q.Has("next_id") {
			if len(bs) == 0 || itoa64(bs[0].ID) != q.Get("next_id") {
				t.Fatalf("the page does not start with bill %s: %s", q.Get("next_id"), r.body)
			}
			bs = bs[1:]
		}
		for _, x := range bs {
			all = append(all, x.ID)
		}
		if len(b.Bills) < 3 || len(bs) == 0 {
			break
		}
		last := bs[len(bs)-1]
		q.Set("next_id", itoa64(last.ID))
		q.Set("next_creation_datetime", itoa64(last.CreationDatetime))
	}
	if len(all) != 8 {
		t.Fatalf("%d invoices, want 8", len(all))
	}
	rub0, _ := e.s.Balance(e.w, 643)
	var poor, cheap *invoice
	for _, inv := range e.invoices() {
		if inv.amount > rub0 {
			poor = inv
		} else if cheap == nil {
			cheap = inv
		}
	}
	pay := func(id int64) resp {
		return e.post("/checkout-api/invoice/pay/wallet", map[string]string{"invoice_uid": itoa64(id), "currency": "643"})
	}
	expectQiwiError(t, pay(poor.id), 400, "not.enough.funds")
	r := pay(cheap.id)
	expect(t, r, 200)
	if string(r.body) != `{"invoice_status":"PAID_STATUS","is_sms_confirm":false,"WALLET_ACCEPT_PAY_RESULT":{}}` {
		t.Fatalf("pay: %s", r.body)
	}
	if rub, _ := e.s.Balance(e.w, 643); rub != rub0-cheap.amount {
		t.Fatal("not debited")
	}
	if tx := e.txns(e.w)[0]; tx.typ != "OUT" || tx.prov != cheap.prov || tx.sum != cheap.amount {
		t.Fatalf("no OUT transaction: %+v", tx)
	}
	expectQiwiError(t, pay(cheap.id), 404, "invoice.not.found")
	expectQiwiError(t, pay(1), 404, "invoice.not.found")
	rj := e.post("/checkout-api/api/bill/reject", map[string]int64{"id": poor.id})
	expect(t, rj, 200)
	if len(rj.body) != 0 {
		t.Fatalf("reject body %q", rj.body)
	}
	expect(t, e.post("/checkout-api/api/bill/reject", map[string]int64{"id": poor.id}), 404)
	r = e.get("/checkout-api/api/bill/search?statuses=READY_FOR_PAY")
	var b bills
	_ = json.Unmarshal(r.body, &b)
	if len(b.Bills) != 6 {
		t.Fatalf("%d left, want 6", len(b.Bills))
	}
	k := e.post("/widgets-api/api/p2p/protected/keys/create", map[string]string{"keysPairName": "x"})
	if m := k.json(t); m["PublicKey"] == nil || m["SecretKey"] == nil {
		t.Fatalf("keys: %s", k.body)
	}
}

func TestProfileIdentificationLimits(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.get("/person-profile/v1/profile/current?authInfoEnabled=false&userInfoEnabled=false")
	m := r.json(t)
	if _, ok := m["authInfo"]; ok || m["contractInfo"] == nil || m["userInfo"] != nil {
		t.Fatalf("flags: %s", r.body)
	}
	full := e.get("/person-profile/v1/profile/current").json(t)
	ll := full["authInfo"].(map[string]any)["lastLoginDate"].(string)
	if _, err := time.Parse("2006-01-02T15:04:05.000Z", ll); err != nil {
		t.Fatalf("lastLoginDate %q", ll)
	}
	expect(t, e.get("/person-profile/v1/profile/current?authInfoEnabled=maybe"), 400)

	ip := "/identification/v1/persons/" + e.w + "/identification"
	g := e.get(ip).json(t)
	if p := g["passport"].(string); !strings.Contains(p, "***") || len(p) != 7 {
		t.Fatalf("masked passport %q", p)
	}
	expect(t, e.post(ip, map[string]string{"firstName": "A", "lastName": "B", "birthDate": "1998-13-11", "passport": "4400111222"}), 400)
	expect(t, e.post(ip, map[string]string{"firstName": "A", "lastName": "B", "birthDate": "1998-02-11"}), 400)
	pr := e.post(ip, map[string]string{"firstName": "Иван", "lastName": "Иванов", "birthDate": "1998-02-11", "passport": "4400111222"})
	expect(t, pr, 200)
	if pr.json(t)["type"] != "VERIFIED" || e.get(ip).json(t)["passport"] != "44***22" {
		t.Fatalf("ident: %s", pr.body)
	}

	lp := "/qw-limits/v1/persons/" + e.w + "/actual-limits"
	expectQiwiError(t, e.get(lp), 400, "validation.error")
	expect(t, e.get(lp+"?types%5B0%5D=NOPE"), 400)
	spent := func() float64 {
		r := e.get(lp + "?" + url.Values{"types[0]": {"TURNOVER"}, "types[1]": {"PAYMENTS_P2P"}}.Encode())
		var v struct {
			Limits map[string][]struct {
				Type     string
				Spent    float64
				Interval struct{ DateFrom, DateTill string }
			}
		}
		_ = json.Unmarshal(r.body, &v)
		if len(v.Limits["RU"]) != 2 || v.Limits["RU"][0].Interval.DateFrom != "2025-03-01T00:00:00+03:00" {
			t.Fatalf("limits: %s", r.body)
		}
		return v.Limits["RU"][1].Spent
	}
	before := spent()
	expect(t, e.post(payPath, payBody("1", 123, "+79161112233")), 200)
	if after := spent(); after-before < 122.99 || after-before > 123.01 {
		t.Fatalf("P2P spent moved %v", after-before)
	}
	if r := e.get("/qw-limits/v1/persons/" + e.w + "/p2p-payment-count-limit"); string(r.body) != `{"p2pPaymentCountLimit":1}` {
		t.Fatalf("p2p count: %s", r.body)
	}
	if r := e.get("/person-profile/v1/persons/" + e.w + "/status/restrictions"); string(r.body) != "[]" {
		t.Fatalf("restrictions: %s", r.body)
	}
	if n := e.get("/qw-nicknames/v1/persons/" + e.w + "/nickname").json(t); n["nickname"] == "" || n["canUse"] != true {
		t.Fatalf("nickname: %v", n)
	}
}

// fetchAll gets a set of responses for the determinism check.
func fetchAll(e *env) string {
	var b strings.Builder
	for _, p := range []string{
		"/person-profile/v1/profile/current",
		"/funding-sources/v2/persons/" + e.w + "/accounts",
		"/payment-history/v2/persons/" + e.w + "/payments?rows=50",
		"/payment-history/v2/persons/" + e.w + "/payments?rows=50&nextTxnId=20001000000&nextTxnDate=2024-06-01T00%3A00%3A00%2B03%3A00",
		"/payment-history/v2/persons/" + e.w + "/payments/total?startDate=2025-01-01T00%3A00%3A00%2B03%3A00&endDate=2025-03-15T00%3A00%3A00%2B03%3A00",
		"/checkout-api/api/bill/search?statuses=READY_FOR_PAY",
		"/qw-limits/v1/persons/" + e.w + "/actual-limits?types%5B0%5D=TURNOVER",
		"/payment-history/v2/persons/" + e.w + "/payments?rows=0", // an error body (traceId, dateTime)
	} {
		r := e.get(p)
		b.Write(r.body)
		b.WriteByte('\n')
	}
	b.Write(e.post(payPath, payBody("1", 10, "+79161112233")).body)
	return b.String()
}

func TestDeterminism(t *testing.T) {
	a, b := newEnv(t, Options{Seed: 7, Transactions: 3000}), newEnv(t, Options{Seed: 7, Transactions: 3000})
	if a.tok != b.tok {
		t.Fatal("tokens differ")
	}
	x, y := fetchAll(a), fetchAll(b)
	if x != y {
		t.Fatal("same seed, different responses")
	}
	c := newEnv(t, Options{Seed: 8, Transactions: 3000})
	if fetchAll(c) == x {
		t.Fatal("different seeds, same responses")
	}
}

func TestGenerationSpeed(t *testing.T) {
	t0 := time.Now()
	s := New(Options{Transactions: 3000, End: testEnd, Now: func() time.Time { return testEnd }})
	d := time.Since(t0)
	s.stop()
	if n := len(s.wallets[s.demo].txns); n != 3000 {
		t.Fatalf("%d transactions", n)
	}
	if d > 500*time.Millisecond { // typically ~10 ms; generous for -race
		t.Fatalf("generation took %v", d)
	}
}

func TestStart(t *testing.T) {
	r, err := Start("", Options{End: testEnd, Transactions: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !strings.HasPrefix(r.URL, "http://127.0.0.1:") {
		t.Fatalf("URL %s", r.URL)
	}
	req, _ := newReq("GET", r.URL+"/sinap/crossRates", nil, r.Server.DemoToken())
	res, err := httpClient().Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("%v %v", res, err)
	}
	res.Body.Close()
	if len(r.Server.Requests()) != 1 {
		t.Fatal("request not logged")
	}
	r.Server.ResetRequests()
	if len(r.Server.Requests()) != 0 {
		t.Fatal("not reset")
	}
}
