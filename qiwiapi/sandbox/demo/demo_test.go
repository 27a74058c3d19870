package demo

import (
	"io"
	"net/http"
	"strings"
	"testing"
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
