package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func (e *env) stats() Stats {
	e.t.Helper()
	r, err := http.Get(e.ts.URL + StatsPath) // no token needed
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Body.Close()
	var st Stats
	if r.StatusCode != 200 || json.NewDecoder(r.Body).Decode(&st) != nil {
		e.t.Fatalf("stats: %d", r.StatusCode)
	}
	return st
}

func TestStatsCountByRouteTemplateAndStatus(t *testing.T) {
	e := newEnv(t, Options{HistoryPerMinute: 2})
	q := url.Values{"rows": {"1"}}
	for range 3 {
		e.get(hpath(e.w, q))
	}
	e.get("/payment-history/v2/transactions/1")
	e.get("/person-profile/v1/profile/current")
	e.do("wrong", "GET", "/person-profile/v1/profile/current", nil)
	e.get("/no/such/thing")
	e.stats() // not counted itself
	st := e.stats()
	want := map[string]int{
		"GET /payment-history/v2/persons/{wallet}/payments": 3,
		"GET /payment-history/v2/transactions/{txnId}":      1,
		"GET /person-profile/v1/profile/current":            2,
		"GET (unknown)":                                     1,
	}
	if len(st.Requests) != len(want) {
		t.Fatalf("requests %v, want %v", st.Requests, want)
	}
	for k, n := range want {
		if st.Requests[k] != n {
			t.Fatalf("requests %v, want %v", st.Requests, want)
		}
	}
	// Two list requests pass, the third and the details call are blocked.
	wantStatus := map[string]int{"200": 3, "423": 2, "401": 1, "404": 1}
	if len(st.Status) != len(wantStatus) {
		t.Fatalf("status %v, want %v", st.Status, wantStatus)
	}
	for k, n := range wantStatus {
		if st.Status[k] != n {
			t.Fatalf("status %v, want %v", st.Status, wantStatus)
		}
	}
	if n := len(e.s.Requests()); n != 7 {
		t.Fatalf("request log holds %d, want 7 (stats calls are not logged)", n)
	}
}

func TestHistoryBudgetIsASlidingMinute(t *testing.T) {
	e := newEnv(t, Options{}) // 100 a minute, as QIWI
	q := url.Values{"rows": {"1"}}
	burst := func(n int) {
		t.Helper()
		for i := range n {
			if r := e.get(hpath(e.w, q)); r.code != 200 {
				t.Fatalf("request %d: %d", i, r.code)
			}
		}
	}
	burst(50)
	e.clk.Advance(30 * time.Second)
	burst(50)
	e.clk.Advance(31 * time.Second) // the first 50 left the window
	burst(50)
	expectQiwiError(t, e.get(hpath(e.w, q)), 423, "request.blocked") // the 101st in a minute
	e.clk.Advance(5*time.Minute - time.Second)
	expectQiwiError(t, e.get(hpath(e.w, q)), 423, "request.blocked")
	e.clk.Advance(time.Second)
	burst(100)
	if st := e.stats(); st.Status["200"] != 250 || st.Status["423"] != 2 {
		t.Fatalf("status %v", st.Status)
	}
}

func TestHistoryBudgetCountsOnArrivalNotAfterLatency(t *testing.T) {
	e := newEnv(t, Options{HistoryPerMinute: 1})
	q := url.Values{"rows": {"1"}}
	e.s.SetFaults(Faults{Latency: 200 * time.Millisecond})
	first := make(chan int, 1)
	go func() { first <- e.get(hpath(e.w, q)).code }()
	for len(e.s.Requests()) == 0 { // arrived, now in its latency
		time.Sleep(time.Millisecond)
	}
	e.clk.Advance(61 * time.Second) // answered more than a minute after it arrived
	if code := <-first; code != 200 {
		t.Fatalf("first: %d", code)
	}
	e.s.SetFaults(Faults{})
	// Counted when it arrived, so a minute has passed for it.
	expect(t, e.get(hpath(e.w, q)), 200)
}
