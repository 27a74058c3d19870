package demo

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// Each extra profile logs in with its own credentials and sees its own
// data: the restricted wallet its restriction, the second terminal its
// balance, the second shop its bills (and not the demo shop's).
func TestProfilesHaveTheirOwnData(t *testing.T) {
	r, err := Start("", Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ps := r.Profiles()
	by := map[string]Profile{}
	for _, p := range ps {
		by[p.Name] = p
	}
	if len(ps) != 4 || by["family"].Wallet == by["restricted"].Wallet || by["family"].Wallet == r.Creds.Wallet {
		t.Fatalf("profiles %+v", ps)
	}
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
	bearer := func(tok string) func(*http.Request) {
		return func(q *http.Request) { q.Header.Set("Authorization", "Bearer "+tok) }
	}
	for name, want := range map[string]string{"restricted": "OUTGOING_PAYMENTS", "family": "[]"} {
		p := by[name]
		code, body := get("GET", "/person-profile/v1/persons/"+p.Wallet+"/status/restrictions", "", bearer(p.Token))
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("%s restrictions: %d %s", name, code, body)
		}
	}
	ag := by["agent-2"]
	ping := `<?xml version="1.0" encoding="utf-8"?><request><request-type>ping</request-type><terminal-id>` + ag.Terminal +
		`</terminal-id><extra name="password">` + ag.TerminalPassword + `</extra></request>`
	code, body := get("POST", "/xml/topup.jsp", ping, func(q *http.Request) { q.Header.Set("Content-Type", "text/xml") })
	if code != 200 || !strings.Contains(body, "12000.00") {
		t.Errorf("agent-2 ping: %d %s", code, body)
	}
	shop := by["shop-2"]
	basic := func(q *http.Request) {
		q.SetBasicAuth(shop.APIID, shop.APIPassword)
		q.Header.Set("Accept", "application/json")
	}
	if code, body := get("GET", "/api/v2/prv/"+shop.ShopID+"/bills/shop2-expiring", "", basic); code != 200 || !strings.Contains(body, `"status":"waiting"`) {
		t.Errorf("shop-2 bill: %d %s", code, body)
	}
	if code, body := get("GET", "/api/v2/prv/"+shop.ShopID+"/bills/demo-paid-1", "", basic); strings.Contains(body, `"result_code":0`) {
		t.Errorf("shop-2 sees the demo shop's bill: %d %s", code, body)
	}
	if len(shop.Lifetimes) != 3 || !shop.Lifetimes["shop2-expiring"].After(r.now()) {
		t.Errorf("lifetimes %v", shop.Lifetimes)
	}
}
