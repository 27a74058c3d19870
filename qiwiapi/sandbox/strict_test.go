package sandbox

import (
	"strings"
	"testing"
)

// Strict mode answers the docs' shapes; the default mode keeps its kinder ones.
func TestStrictAnswersTheDocumentedShapes(t *testing.T) {
	for _, strict := range []bool{false, true} {
		e := newEnv(t, Options{Strict: strict})
		r := e.get("/qw-limits/v1/persons/" + e.w + "/actual-limits?types%5B0%5D=TURNOVER")
		expect(t, r, 200)
		if ct := r.hdr.Get("Content-Type"); (ct == "application/json") != strict {
			t.Fatalf("strict %v: Content-Type %q", strict, ct)
		}
		l := r.json(t)["limits"].(map[string]any)["RU"].([]any)[0].(map[string]any)
		_, restBool := l["rest"].(bool)
		_, maxStr := l["max"].(string)
		if restBool != strict || maxStr != strict {
			t.Fatalf("strict %v: limit %v", strict, l)
		}
		r = e.get("/checkout-api/api/bill/search?statuses=READY_FOR_PAY")
		expect(t, r, 200)
		withLogo, without := 0, 0
		for _, b := range r.json(t)["bills"].([]any) {
			if _, ok := b.(map[string]any)["provider"].(map[string]any)["logo_url"]; ok {
				withLogo++
			} else {
				without++
			}
		}
		if withLogo == 0 || (without > 0) != strict {
			t.Fatalf("strict %v: %d bills with logo_url, %d without", strict, withLogo, without)
		}
		r = e.get("/person-profile/v1/profile/current")
		expect(t, r, 200)
		if strings.Contains(string(r.body), `"promoEnabled":true`) && strict {
			t.Fatalf("strict: promoEnabled as a Boolean: %s", r.body)
		}
		r = e.get("/payment-history/v2/persons/" + e.w + "/payments?rows=10")
		expect(t, r, 200)
		if n := strings.Count(string(r.body), `"currencyRate"`); (n == 10) == strict {
			t.Fatalf("strict %v: currencyRate in %d of 10 rows", strict, n)
		}
	}
}

// Strict mode takes history dates only with the docs' +hh:mm offset.
func TestStrictRefusesZDates(t *testing.T) {
	for _, strict := range []bool{false, true} {
		e := newEnv(t, Options{Strict: strict})
		r := e.get("/payment-history/v2/persons/" + e.w + "/payments/total?startDate=2025-04-12T00%3A00%3A00Z&endDate=2025-07-11T23%3A59%3A59Z")
		if (r.code == 400) != strict {
			t.Fatalf("strict %v: Z dates answered %d", strict, r.code)
		}
	}
}
