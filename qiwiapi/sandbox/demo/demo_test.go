package demo

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// One listener answers at the three services' real paths.
func TestOneURLServesEveryService(t *testing.T) {
	r, err := Start("", Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	get := func(method, path, body string, set func(*http.Request)) (int, string) {
		req, _ := http.NewRequest(method, r.URL+path, strings.NewReader(body))
		set(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("GET", "/funding-sources/v2/persons/"+r.Creds.Wallet+"/accounts", "", func(q *http.Request) {
		q.Header.Set("Authorization", "Bearer "+r.Creds.WalletToken)
	})
	if code != 200 || !strings.Contains(body, "qw_wallet_rub") {
		t.Fatalf("wallet: %d %s", code, body)
	}
	ping := `<?xml version="1.0" encoding="utf-8"?><request><request-type>ping</request-type><terminal-id>` + r.Creds.AgentTerminal +
		`</terminal-id><extra name="password">` + r.Creds.AgentPassword + `</extra></request>`
	code, body = get("POST", "/xml/topup.jsp", ping, func(q *http.Request) { q.Header.Set("Content-Type", "text/xml") })
	if code != 200 || !strings.Contains(body, "balance") {
		t.Fatalf("agent: %d %s", code, body)
	}
	code, body = get("GET", "/api/v2/prv/"+r.Creds.MerchantShopID+"/bills/demo-paid-1", "", func(q *http.Request) {
		q.SetBasicAuth(r.Creds.MerchantAPIID, r.Creds.MerchantPassword)
		q.Header.Set("Accept", "application/json")
	})
	if code != 200 || !strings.Contains(body, `"result_code":0`) {
		t.Fatalf("merchant: %d %s", code, body)
	}
}

// With Live on, transfers arrive by themselves and the payer pays new bills.
func TestLiveWorldMoves(t *testing.T) {
	r, err := Start("", Options{Seed: 1, Live: true, LivePeriod: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	before, _ := r.Wallet.Balance(r.Creds.Wallet, 643)
	form := url.Values{"amount": {"10.00"}, "ccy": {"RUB"}, "comment": {"demo"}, "user": {"tel:+79161234567"},
		"lifetime": {time.Now().Add(time.Hour).In(time.FixedZone("MSK", 3*3600)).Format("2006-01-02T15:04:05")}}
	req, _ := http.NewRequest("PUT", r.URL+"/api/v2/prv/"+r.Creds.MerchantShopID+"/bills/user-1", strings.NewReader(form.Encode()))
	req.SetBasicAuth(r.Creds.MerchantAPIID, r.Creds.MerchantPassword)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		after, _ := r.Wallet.Balance(r.Creds.Wallet, 643)
		if after > before && r.Merchant.BillStatus(r.Creds.MerchantShopID, "user-1") == "paid" {
			if r.Merchant.BillStatus(r.Creds.MerchantShopID, "demo-waiting-1") != "waiting" {
				t.Fatal("the payer paid a seeded bill")
			}
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("nothing moved: bill %q", r.Merchant.BillStatus(r.Creds.MerchantShopID, "user-1"))
}

// --history-rows reaches the wallet sandbox, and /sandbox/stats answers on the shared URL.
func TestHistoryRowsAndStats(t *testing.T) {
	r, err := Start("", Options{Seed: 1, HistoryRows: 120})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows, pages := 0, 0
	q := url.Values{"rows": {"50"}}
	for {
		req, _ := http.NewRequest("GET", r.URL+"/payment-history/v2/persons/"+r.Creds.Wallet+"/payments?"+q.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+r.Creds.WalletToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Data        []json.RawMessage `json:"data"`
			NextTxnID   *int64            `json:"nextTxnId"`
			NextTxnDate *string           `json:"nextTxnDate"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("page %d: %d %v", pages, resp.StatusCode, err)
		}
		rows += len(page.Data)
		pages++
		if page.NextTxnID == nil {
			break
		}
		q.Set("nextTxnId", strconv.FormatInt(*page.NextTxnID, 10))
		q.Set("nextTxnDate", *page.NextTxnDate)
	}
	if rows != 120 || pages != 3 {
		t.Fatalf("%d rows in %d pages, want 120 in 3", rows, pages)
	}
	resp, err := http.Get(r.URL + "/sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		Requests map[string]int `json:"requests"`
		Status   map[string]int `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	if st.Requests["GET /payment-history/v2/persons/{wallet}/payments"] != 3 || st.Status["200"] != 3 {
		t.Fatalf("stats %+v", st)
	}
}
