package sandbox

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"
)

func hpath(w string, q url.Values) string {
	return "/payment-history/v2/persons/" + w + "/payments?" + q.Encode()
}

func TestAuthErrors(t *testing.T) {
	e := newEnv(t, Options{})
	p := "/funding-sources/v2/persons/" + e.w + "/accounts"
	expectQiwiError(t, e.do("", "GET", p, nil), 401, "unauthorized")
	expectQiwiError(t, e.do("nope", "GET", p, nil), 401, "unauthorized")
	noBal := e.s.NewToken(e.w, ScopeProfile, ScopeHistory)
	expectQiwiError(t, e.do(noBal, "GET", p, nil), 403, "access.denied")
	expect(t, e.do(e.s.NewToken(e.w, ScopeBalance), "GET", p, nil), 200)
	// Another wallet in the path, or a token of an unknown wallet: 404.
	expectQiwiError(t, e.get("/funding-sources/v2/persons/"+e.s.OtherWallets()[0]+"/accounts"), 404, "wallet.not.found")
	ghost := e.s.NewToken("79000000001", ScopeProfile)
	expectQiwiError(t, e.do(ghost, "GET", "/person-profile/v1/profile/current", nil), 404, "wallet.not.found")
	// Unknown path and wrong method.
	expect(t, e.get("/nope/v1"), 404)
	expect(t, e.do(e.tok, "DELETE", p, nil), 405)
}

func TestHistoryValidation(t *testing.T) {
	e := newEnv(t, Options{})
	cases := map[string]url.Values{
		"no rows":        {},
		"rows 0":         {"rows": {"0"}},
		"rows 51":        {"rows": {"51"}},
		"rows abc":       {"rows": {"abc"}},
		"bad operation":  {"rows": {"5"}, "operation": {"SOME"}},
		"bad source":     {"rows": {"5"}, "sources[0]": {"QW_GBP"}},
		"start only":     {"rows": {"5"}, "startDate": {"2025-01-01T00:00:00+03:00"}},
		"over 90 days":   {"rows": {"5"}, "startDate": {"2024-11-01T00:00:00+03:00"}, "endDate": {"2025-02-01T00:00:00+03:00"}},
		"two offsets":    {"rows": {"5"}, "startDate": {"2025-01-01T00:00:00+03:00"}, "endDate": {"2025-02-01T00:00:00+05:00"}},
		"bad date":       {"rows": {"5"}, "startDate": {"2025-01-01"}, "endDate": {"2025-02-01"}},
		"reversed":       {"rows": {"5"}, "startDate": {"2025-02-01T00:00:00+03:00"}, "endDate": {"2025-01-01T00:00:00+03:00"}},
		"cursor id only": {"rows": {"5"}, "nextTxnId": {"123"}},
		"cursor bad":     {"rows": {"5"}, "nextTxnId": {"x"}, "nextTxnDate": {"2025-01-01T00:00:00+03:00"}},
	}
	for name, q := range cases {
		t.Run(name, func(t *testing.T) {
			expectQiwiError(t, e.get(hpath(e.w, q)), 400, "validation.error")
		})
	}
	// Totals need both dates.
	expectQiwiError(t, e.get("/payment-history/v2/persons/"+e.w+"/payments/total"), 400, "validation.error")
	// Empty result shape.
	r := e.get(hpath(e.w, url.Values{"rows": {"5"}, "startDate": {"2010-01-01T00:00:00+03:00"}, "endDate": {"2010-02-01T00:00:00+03:00"}}))
	expect(t, r, 200)
	if string(r.body) != `{"data":[],"nextTxnId":null,"nextTxnDate":null}` {
		t.Fatalf("empty page: %s", r.body)
	}
}

type page struct {
	Data []struct {
		TxnID  int64           `json:"txnId"`
		Date   string          `json:"date"`
		Type   string          `json:"type"`
		Status string          `json:"status"`
		Sum    json.RawMessage `json:"sum"`
	} `json:"data"`
	NextTxnID   *int64  `json:"nextTxnId"`
	NextTxnDate *string `json:"nextTxnDate"`
}

// walk pages through the history with the query q, returning every item key.
func walk(t *testing.T, e *env, q url.Values, rows int) []string {
	t.Helper()
	var keys []string
	var last time.Time
	q.Set("rows", itoa(rows))
	for n := 0; ; n++ {
		if n > 10000 {
			t.Fatal("paging does not end")
		}
		r := e.get(hpath(e.w, q))
		expect(t, r, 200)
		var p page
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Data) > rows {
			t.Fatalf("%d rows > %d", len(p.Data), rows)
		}
		for _, it := range p.Data {
			d, err := time.Parse(time.RFC3339, it.Date)
			if err != nil {
				t.Fatal(err)
			}
			if !last.IsZero() && d.After(last) {
				t.Fatalf("not newest first: %s after %s", d, last)
			}
			last = d
			keys = append(keys, itoa64(it.TxnID)+"/"+it.Type)
		}
		if p.NextTxnID == nil {
			if p.NextTxnDate != nil {
				t.Fatal("nextTxnDate without nextTxnId")
			}
			return keys
		}
		if len(p.Data) != rows {
			t.Fatalf("short page %d with a cursor", len(p.Data))
		}
		q.Set("nextTxnId", itoa64(*p.NextTxnID))
		q.Set("nextTxnDate", *p.NextTxnDate)
	}
}

func TestHistoryPagingWalksAllOnce(t *testing.T) {
	e := newEnv(t, Options{Transactions: 777, HistoryPerMinute: -1})
	keys := walk(t, e, url.Values{}, 50)
	if len(keys) != 777 {
		t.Fatalf("walked %d items, want 777", len(keys))
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			t.Fatalf("item %s seen twice", k)
		}
		seen[k] = true
	}
	// Odd page sizes give the same sequence.
	keys7 := walk(t, e, url.Values{}, 7)
	if len(keys7) != len(keys) {
		t.Fatalf("rows=7 walked %d", len(keys7))
	}
	for i := range keys {
		if keys[i] != keys7[i] {
			t.Fatalf("item %d differs: %s vs %s", i, keys[i], keys7[i])
		}
	}
	// Filters: the filtered walk equals the filtered full list.
	want := 0
	for _, tx := range e.txns(e.w) {
		if tx.typ == "OUT" && tx.source == "QW_RUB" {
			want++
		}
	}
	got := walk(t, e, url.Values{"operation": {"OUT"}, "sources[0]": {"QW_RUB"}}, 50)
	if len(got) != want || want == 0 {
		t.Fatalf("OUT/QW_RUB walked %d, want %d", len(got), want)
	}
	// A date window in another offset: dates come back in that offset,
	// nextTxnDate in Moscow time (the docs, issue 11 item 3).
	q := url.Values{"startDate": {"2025-01-01T00:00:00+05:00"}, "endDate": {"2025-03-01T00:00:00+05:00"}, "rows": {"3"}}
	r := e.get(hpath(e.w, q))
	var p page
	_ = json.Unmarshal(r.body, &p)
	if len(p.Data) != 3 || p.Data[0].Date[19:] != "+05:00" || (*p.NextTxnDate)[19:] != "+03:00" {
		t.Fatalf("offset not honoured: %s", r.body)
	}
	win := walk(t, e, url.Values{"startDate": q["startDate"], "endDate": q["endDate"]}, 50)
	start, _ := time.Parse(time.RFC3339, q.Get("startDate"))
	end, _ := time.Parse(time.RFC3339, q.Get("endDate"))
	n := 0
	for _, tx := range e.txns(e.w) {
		if !tx.date.Before(start) && !tx.date.After(end) {
			n++
		}
	}
	if len(win) != n || n == 0 {
		t.Fatalf("window walked %d, want %d", len(win), n)
	}
}

func TestHistoryItemShapeAndDetails(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.get(hpath(e.w, url.Values{"rows": {"50"}}))
	var raw struct {
		Data []map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(r.body, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"txnId", "personId", "date", "errorCode", "error", "status", "type", "statusText", "trmTxnId",
		"account", "sum", "commission", "total", "provider", "source", "comment", "currencyRate", "paymentExtras",
		"features", "serviceExtras", "view"} {
		if _, ok := raw.Data[0][k]; !ok {
			t.Errorf("item lacks %s", k)
		}
	}
	// Every status appears in the seeded set; errors carry their text.
	statuses := map[string]int{}
	codes := map[int]bool{}
	for _, tx := range e.txns(e.w) {
		statuses[tx.status]++
		codes[tx.errCode] = true
		if tx.status == "ERROR" && tx.errCode == 0 {
			t.Fatalf("ERROR without errorCode: %d", tx.id)
		}
	}
	if statuses["SUCCESS"] == 0 || statuses["ERROR"] == 0 || statuses["WAITING"] == 0 {
		t.Fatalf("statuses: %v", statuses)
	}
	full := newEnv(t, Options{Transactions: 3000})
	for _, tx := range full.s.wallets[full.w].txns {
		codes[tx.errCode] = true
	}
	for _, c := range errorCodes {
		if !codes[c] {
			t.Errorf("errorCode %d never seeded", c)
		}
	}

	var id int64
	_ = json.Unmarshal(raw.Data[0]["txnId"], &id)
	var typ string
	_ = json.Unmarshal(raw.Data[0]["type"], &typ)
	d := e.get("/payment-history/v2/transactions/" + itoa64(id) + "?type=" + typ)
	expect(t, d, 200)
	if d.json(t)["txnId"].(float64) != float64(id) {
		t.Fatal("details id mismatch")
	}
	expect(t, e.get("/payment-history/v2/transactions/"+itoa64(id)), 200)
	expectQiwiError(t, e.get("/payment-history/v2/transactions/1"), 404, "transaction.not.found")
	// Another wallet's transaction is not found for us.
	other := e.txns(e.s.OtherWallets()[1])[0]
	expectQiwiError(t, e.get("/payment-history/v2/transactions/"+itoa64(other.id)), 404, "transaction.not.found")
}

func TestHistoryBudget423(t *testing.T) {
	e := newEnv(t, Options{HistoryPerMinute: 5})
	q := url.Values{"rows": {"1"}}
	for i := range 5 {
		if r := e.get(hpath(e.w, q)); r.code != 200 {
			t.Fatalf("request %d: %d", i, r.code)
		}
	}
	expectQiwiError(t, e.get(hpath(e.w, q)), 423, "request.blocked")
	// Details count too, and the block lasts 5 minutes.
	e.clk.Advance(2 * time.Minute)
	expectQiwiError(t, e.get("/payment-history/v2/transactions/1"), 423, "request.blocked")
	// Other endpoints are not affected.
	expect(t, e.get("/person-profile/v1/profile/current"), 200)
	e.clk.Advance(4 * time.Minute)
	expect(t, e.get(hpath(e.w, q)), 200)
	// Another wallet has its own budget.
	o := e.s.OtherWallets()[0]
	expect(t, e.do(e.s.NewToken(o, ScopeHistory), "GET", hpath(o, q), nil), 200)
}

func TestTotals(t *testing.T) {
	e := newEnv(t, Options{})
	q := url.Values{"startDate": {"2025-01-01T00:00:00+03:00"}, "endDate": {"2025-03-15T00:00:00+03:00"}}
	r := e.get("/payment-history/v2/persons/" + e.w + "/payments/total?" + q.Encode())
	expect(t, r, 200)
	var tot struct {
		In  []map[string]json.Number `json:"incomingTotal"`
		Out []map[string]json.Number `json:"outgoingTotal"`
	}
	if err := json.Unmarshal(r.body, &tot); err != nil {
		t.Fatal(err)
	}
	start, _ := time.Parse(time.RFC3339, q.Get("startDate"))
	end, _ := time.Parse(time.RFC3339, q.Get("endDate"))
	var in643 int64
	for _, tx := range e.txns(e.w) {
		if tx.typ == "IN" && tx.cur == 643 && tx.status == "SUCCESS" && !tx.date.Before(start) && !tx.date.After(end) {
			in643 += tx.sum
		}
	}
	if len(tot.In) == 0 || tot.In[0]["currency"] != "643" || tot.In[0]["amount"].String() != fmtKop(in643) {
		t.Fatalf("incoming %v, want %s", tot.In, fmtKop(in643))
	}
}
