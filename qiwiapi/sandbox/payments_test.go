package sandbox

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

const payPath = "/sinap/api/v2/terms/99/payments"

func sinapCode(t *testing.T, r resp) string {
	t.Helper()
	var e struct{ Code, Message string }
	if err := json.Unmarshal(r.body, &e); err != nil || e.Code == "" || e.Message == "" {
		t.Fatalf("not a sinap error (%d): %s", r.code, r.body)
	}
	return e.Code
}

func TestPaymentIdempotentAndSettleSuccess(t *testing.T) {
	e := newEnv(t, Options{})
	to := e.s.OtherWallets()[0]
	rub0, _ := e.s.Balance(e.w, 643)
	peer0, _ := e.s.Balance(to, 643)

	r1 := e.post(payPath, payBody("1742040000000", 100.559, "+"+to))
	expect(t, r1, 200)
	var info struct {
		ID, Terms   string
		Fields      map[string]string
		Sum         map[string]json.RawMessage
		Transaction struct {
			ID    string
			State struct{ Code string }
		}
		Source, Comment string
	}
	if err := json.Unmarshal(r1.body, &info); err != nil {
		t.Fatal(err)
	}
	if info.ID != "1742040000000" || info.Terms != "99" || info.Transaction.State.Code != "Accepted" ||
		info.Source != "account_643" || string(info.Sum["amount"]) != "100.55" || string(info.Sum["currency"]) != `"643"` {
		t.Fatalf("PaymentInfo: %s", r1.body)
	}
	// Rounded DOWN to kopecks, debited at once (no commission for 99).
	if rub, _ := e.s.Balance(e.w, 643); rub != rub0-100_55 {
		t.Fatalf("balance %d, want %d", rub, rub0-100_55)
	}
	// A retry with the same id returns the original, creates nothing.
	r2 := e.post(payPath, payBody("1742040000000", 999, "+79000000000"))
	expect(t, r2, 200)
	if string(r2.body) != string(r1.body) || e.s.PaymentCount(e.w) != 1 {
		t.Fatalf("retry: %s, count %d", r2.body, e.s.PaymentCount(e.w))
	}
	if rub, _ := e.s.Balance(e.w, 643); rub != rub0-100_55 {
		t.Fatal("retry debited again")
	}
	// WAITING in history until SettleDelay passes on the server clock.
	det := "/payment-history/v2/transactions/" + info.Transaction.ID + "?type=OUT"
	if st := e.get(det).json(t)["status"]; st != "WAITING" {
		t.Fatalf("status %v", st)
	}
	e.clk.Advance(3 * time.Second) // lazy settle on the next request
	d := e.get(det).json(t)
	if d["status"] != "SUCCESS" || d["trmTxnId"] != "1742040000000" || d["account"] != "+"+to || d["comment"] != "test" {
		t.Fatalf("settled: %v", d)
	}
	// The recipient got an IN transaction with the same id.
	if peer, _ := e.s.Balance(to, 643); peer != peer0+100_55 {
		t.Fatalf("recipient balance %d, want %d", peer, peer0+100_55)
	}
	tok := e.s.NewToken(to, ScopeHistory)
	in := e.do(tok, "GET", det[:strings.Index(det, "?")]+"?type=IN", nil)
	expect(t, in, 200)
	if in.json(t)["account"] != "+"+e.w {
		t.Fatalf("IN leg: %s", in.body)
	}
}

func TestPaymentSettleErrorRefunds(t *testing.T) {
	e := newEnv(t, Options{})
	e.s.SettleNow() // the seeded WAITING items (one of them refunds)
	rub0, _ := e.s.Balance(e.w, 643)
	// Mobile top-up: 1% commission, at least 10 RUB; a number ending in 0000 fails with 5.
	r := e.post("/sinap/api/v2/terms/1/payments", payBody("77", 300, "9160000000"))
	expect(t, r, 200)
	if rub, _ := e.s.Balance(e.w, 643); rub != rub0-310_00 {
		t.Fatalf("debit %d, want %d", rub0-rub, 310_00)
	}
	e.s.SettleNow()
	tx := e.txns(e.w)[0]
	if tx.status != "ERROR" || tx.errCode != 5 {
		t.Fatalf("settled %s/%d", tx.status, tx.errCode)
	}
	d := e.get("/payment-history/v2/transactions/" + itoa64(tx.id)).json(t)
	if d["errorCode"].(float64) != 5 || d["error"] != errorTexts[5] {
		t.Fatalf("details: %v", d)
	}
	if rub, _ := e.s.Balance(e.w, 643); rub != rub0 {
		t.Fatalf("not refunded: %d vs %d", rub, rub0)
	}
	// Cards: 2% + 50 RUB, masked; a card ending in 0000 fails with 522.
	r = e.post("/sinap/api/v2/terms/1963/payments", payBody("78", 1000, "4256000011110000"))
	expect(t, r, 200)
	if f := r.json(t)["fields"].(map[string]any)["account"]; f != "4256********0000" {
		t.Fatalf("card not masked: %v", f)
	}
	if rub, _ := e.s.Balance(e.w, 643); rub != rub0-1070_00 {
		t.Fatalf("card debit %d", rub0-rub)
	}
	e.s.SettleNow()
	if tx := e.txns(e.w)[0]; tx.errCode != 522 || tx.account != "4256****0000" {
		t.Fatalf("card outcome %d %s", tx.errCode, tx.account)
	}
}

func TestPaymentValidation(t *testing.T) {
	e := newEnv(t, Options{})
	pm := map[string]any{"type": "Account", "accountId": "643"}
	sum := map[string]any{"amount": 10, "currency": "643"}
	cases := []struct {
		name, terms string
		body        any
		code        string
	}{
		{"not json", "99", "{", "QWPRC-202"},
		{"no id", "99", map[string]any{"sum": sum, "paymentMethod": pm, "fields": map[string]any{"account": "+79161112233"}}, "QWPRC-202"},
		{"id 21 digits", "99", payBody("123456789012345678901", 10, "+79161112233"), "QWPRC-202"},
		{"id not numeric", "99", payBody("12a", 10, "+79161112233"), "QWPRC-202"},
		{"zero amount", "99", payBody("1", 0.001, "+79161112233"), "QWPRC-241"},
		{"negative", "99", payBody("1", -5, "+79161112233"), "QWPRC-241"},
		{"no method", "99", map[string]any{"id": "1", "sum": sum, "fields": map[string]any{"account": "+79161112233"}}, "QWPRC-202"},
		{"wallet without +", "99", payBody("1", 10, "79161112233"), "QWPRC-4"},
		{"no account", "99", map[string]any{"id": "1", "sum": sum, "paymentMethod": pm}, "QWPRC-202"},
		{"mobile 11 digits", "1", payBody("1", 10, "89161234567"), "QWPRC-303"},
		{"visa not 4", "1963", payBody("1", 10, "5469000011112222"), "QWPRC-4"},
		{"foreign suspended", "1960", map[string]any{"id": "1", "sum": sum, "paymentMethod": pm, "fields": map[string]any{
			"account": "4000111122223333", "rem_name": "a", "rem_name_f": "b", "rec_address": "c", "rec_city": "d",
			"rec_country": "e", "reg_name": "f", "reg_name_f": "g"}}, "QWPRC-131"},
		{"foreign missing", "21012", payBody("1", 10, "5100111122223333"), "QWPRC-202"},
		{"bank no type", "464", payBody("1", 10, "4154000011112222"), "QWPRC-202"},
		{"bank exp missing", "464", map[string]any{"id": "1", "sum": sum, "paymentMethod": pm, "fields": map[string]any{
			"account": "4154000011112222", "account_type": "1"}}, "QWPRC-202"},
		{"bank exp bad", "821", map[string]any{"id": "1", "sum": sum, "paymentMethod": pm, "fields": map[string]any{
			"account": "4154000011112222", "account_type": "7", "exp_date": "1325"}}, "QWPRC-547"},
		{"bank account no mfo", "816", map[string]any{"id": "1", "sum": sum, "paymentMethod": pm, "fields": map[string]any{
			"account": "40817810000011112222", "account_type": "2", "lname": "a", "fname": "b"}}, "QWPRC-202"},
		{"requisites missing", "1717", payBody("1", 10, "40702810000011112222"), "QWPRC-202"},
		{"unknown provider", "123456789", payBody("1", 10, "1"), "QWPRC-202"},
		{"usd for 99", "99", map[string]any{"id": "1", "sum": map[string]any{"amount": 1, "currency": "840"}, "paymentMethod": pm,
			"fields": map[string]any{"account": "+79161112233"}}, "QWPRC-202"},
		{"over max", "99", payBody("1", 700000, "+79161112233"), "QWPRC-242"},
		{"insufficient", "99", payBody("1", 590000, "+79161112233"), "QWPRC-220"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.post("/sinap/api/v2/terms/"+c.terms+"/payments", c.body)
			expect(t, r, 400)
			if got := sinapCode(t, r); got != c.code {
				t.Fatalf("code %s, want %s (%s)", got, c.code, r.body)
			}
		})
	}
	if n := e.s.PaymentCount(e.w); n != 0 {
		t.Fatalf("failed payments counted: %d", n)
	}
	// Valid bank (by account and by card) and requisites payments pass.
	ok := []struct {
		terms  string
		fields map[string]any
	}{
		{"816", map[string]any{"account": "40817810000011112222", "account_type": "2", "mfo": "044525187", "lname": "Иванов", "fname": "Иван"}},
		{"464", map[string]any{"account": "4154000011112222", "account_type": "1", "exp_date": "1230"}},
		{"313", map[string]any{"account": "40817810000011112223", "account_type": "6", "mfo": "044525245", "lname": "a", "fname": "b", "agrnum": "2211"}},
		{"674", map[string]any{"account": "123456"}},
		{"1717", map[string]any{"extra_to_bik": "044525201", "requestProtocol": "qw1", "city": "МОСКВА", "name": "ПАО АКБ \"АВАНГАРД\"",
			"to_bik": "044525201", "urgent": "0", "to_kpp": "772111001", "is_commercial": "1", "nds": "НДС не облагается",
			"goal": " Оплата товара по заказу №090738231", "from_name_p": "Николаевич", "from_name": "Иван", "from_name_f": "Михайлов",
			"info": "Коммерческие организации", "to_name": "ООО \"Технический Центр ДЕЛЬТА\"", "to_inn": "7726111111",
			"account": "40711100000012321", "toServiceId": "1717"}},
	}
	for i, c := range ok {
		body := map[string]any{"id": itoa(1000 + i), "sum": sum, "paymentMethod": pm, "fields": c.fields}
		r := e.post("/sinap/api/v2/terms/"+c.terms+"/payments", body)
		if c.terms == "1717" {
			// 17-digit account in the docs' own example: we require 20 digits.
			expect(t, r, 400)
			continue
		}
		expect(t, r, 200)
	}
}

func TestConversion(t *testing.T) {
	e := newEnv(t, Options{})
	rub0, _ := e.s.Balance(e.w, 643)
	usd0, _ := e.s.Balance(e.w, 840)
	body := map[string]any{
		"id": "555", "sum": map[string]any{"amount": 10, "currency": "840"},
		"paymentMethod": map[string]any{"type": "Account", "accountId": "643"},
		"comment":       "buy USD", "fields": map[string]any{"account": "+" + e.w},
	}
	r := e.post("/sinap/api/v2/terms/1099/payments", body)
	expect(t, r, 200)
	if !strings.Contains(string(r.body), `"sum":{"amount":10,"currency":"840"}`) {
		t.Fatalf("conversion PaymentInfo: %s", r.body)
	}
	debit := convertDebit(10_00, 840) // 92.5 RUB per USD
	if debit != 925_00 {
		t.Fatalf("debit %d", debit)
	}
	if rub, _ := e.s.Balance(e.w, 643); rub != rub0-debit {
		t.Fatalf("rub %d", rub)
	}
	e.s.SettleNow()
	if usd, _ := e.s.Balance(e.w, 840); usd != usd0+10_00 {
		t.Fatalf("usd %d, want %d", usd, usd0+10_00)
	}
	id := r.json(t)["transaction"].(map[string]any)["id"].(string)
	out := e.get("/payment-history/v2/transactions/" + id + "?type=OUT").json(t)
	in := e.get("/payment-history/v2/transactions/" + id + "?type=IN").json(t)
	if out["currencyRate"].(float64) != 92.5 || in["sum"].(map[string]any)["currency"].(float64) != 840 || in["status"] != "SUCCESS" {
		t.Fatalf("legs: %v / %v", out, in)
	}
}

func TestCommissionRatesSearchResolver(t *testing.T) {
	e := newEnv(t, Options{})
	cb := func(amount any) map[string]any {
		return map[string]any{"account": "4256000011112222", "paymentMethod": map[string]any{"type": "Account", "accountId": "643"},
			"purchaseTotals": map[string]any{"total": map[string]any{"amount": amount, "currency": "643"}}}
	}
	r := e.post("/sinap/providers/1963/onlineCommission", cb(1000))
	expect(t, r, 200)
	want := `{"providerId":1963,"withdrawSum":{"amount":1070,"currency":"643"},"enrollmentSum":{"amount":1000,"currency":"643"},"qwCommission":{"amount":70,"currency":"643"},"fundingSourceCommission":{"amount":0,"currency":"643"},"withdrawToEnrollmentRate":1}`
	if string(r.body) != want {
		t.Fatalf("commission:\n%s\nwant\n%s", r.body, want)
	}
	r = e.post("/sinap/providers/99/onlineCommission", cb(1001))
	if !strings.Contains(string(r.body), `"qwCommission":{"amount":0,"currency":"643"}`) {
		t.Fatalf("99: %s", r.body)
	}
	r = e.post("/sinap/providers/674/onlineCommission", cb(1001))
	if !strings.Contains(string(r.body), `"qwCommission":{"amount":10.01,"currency":"643"}`) {
		t.Fatalf("674: %s", r.body)
	}
	expect(t, e.post("/sinap/providers/674/onlineCommission", cb(0)), 400)

	r = e.get("/sinap/crossRates")
	expect(t, r, 200)
	if !strings.Contains(string(r.body), `{"set":"General","from":"643","to":"840","rate":92.5}`) || strings.Count(string(r.body), `"set"`) != 12 {
		t.Fatalf("rates: %s", r.body)
	}
	r = e.get("/search/v1/search?" + url.Values{"query": {"билайн домашний"}}.Encode())
	items := r.json(t)["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["data"].(map[string]any)["id"].(float64) != 26211 {
		t.Fatalf("search: %s", r.body)
	}
	r = e.get("/qw-mobile-providers-resolver/v1/providers?phoneNumber=79161234567")
	if !strings.Contains(string(r.body), `"id":1,"shortName":"МТС"`) {
		t.Fatalf("resolver: %s", r.body)
	}
	expect(t, e.get("/qw-mobile-providers-resolver/v1/providers?phoneNumber=8916"), 400)
}
