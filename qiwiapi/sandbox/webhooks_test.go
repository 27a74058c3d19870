package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestSignatureVector(t *testing.T) {
	got := signHook("JcyVhjHCvHQwufz+IHXolyqHgEc5MoayBfParl6Guoc=", "643|1|IN|+79161112233|13353941550")
	if got != "f05c4e7bdf00620205d47696d77f924bfd3ba4d02b0398ac8a626e737dc27243" {
		t.Fatalf("hash %s", got)
	}
}

// receiver collects webhook bodies.
func receiver(t *testing.T) (*httptest.Server, chan []byte) {
	ch := make(chan []byte, 16)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Method != "POST" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Errorf("webhook request %s %s", r.Method, r.Header.Get("Content-Type"))
		}
		ch <- b
	}))
	t.Cleanup(ts.Close)
	return ts, ch
}

func next(t *testing.T, ch chan []byte) []byte {
	t.Helper()
	select {
	case b := <-ch:
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook delivered")
	}
	return nil
}

// verify checks the hash the way a client must: raw literals, in signFields order.
func verify(t *testing.T, body []byte, key string) map[string]any {
	t.Helper()
	var n struct {
		Hash    string                     `json:"hash"`
		Payment map[string]json.RawMessage `json:"payment"`
	}
	if err := json.Unmarshal(body, &n); err != nil {
		t.Fatalf("webhook body %q: %v", body, err)
	}
	var sf string
	_ = json.Unmarshal(n.Payment["signFields"], &sf)
	var parts []string
	for _, f := range strings.Split(sf, ",") {
		raw := n.Payment[f]
		if i := strings.IndexByte(f, '.'); i > 0 {
			var sub map[string]json.RawMessage
			_ = json.Unmarshal(n.Payment[f[:i]], &sub)
			raw = sub[f[i+1:]]
		}
		if len(raw) > 0 && raw[0] == '"' {
			var s string
			_ = json.Unmarshal(raw, &s)
			parts = append(parts, s)
		} else {
			parts = append(parts, string(raw))
		}
	}
	if want := signHook(key, strings.Join(parts, "|")); want != n.Hash {
		t.Fatalf("bad signature: %s vs %s for %s", n.Hash, want, strings.Join(parts, "|"))
	}
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	return m
}

func TestWebhookLifecycleAndDelivery(t *testing.T) {
	e := newEnv(t, Options{})
	e.s.SettleNow() // flush the seeded WAITING items before a hook exists
	rcv, ch := receiver(t)
	expectQiwiError(t, e.get("/payment-notifier/v1/hooks/active"), 404, "hook.not.found")

	put := func(u, txnType string) resp {
		q := url.Values{"hookType": {"1"}, "param": {u}, "txnType": {txnType}}
		return e.do(e.tok, "PUT", "/payment-notifier/v1/hooks?"+q.Encode(), nil)
	}
	expect(t, put(rcv.URL+"/"+strings.Repeat("x", 100), "2"), 500)
	expect(t, put(rcv.URL, "7"), 422)
	expect(t, put("ftp://x", "2"), 422)
	r := put(rcv.URL+"/hook", "2")
	expect(t, r, 200)
	h := r.json(t)
	hookID := h["hookId"].(string)
	if h["txnType"] != "BOTH" || h["hookType"] != "WEB" || h["hookParameters"].(map[string]any)["url"] != rcv.URL+"/hook" {
		t.Fatalf("hook: %s", r.body)
	}
	expectQiwiError(t, put(rcv.URL+"/hook", "0"), 422, "hook.already.exists")
	expect(t, e.get("/payment-notifier/v1/hooks/active"), 200)

	kr := e.get("/payment-notifier/v1/hooks/" + hookID + "/key")
	expect(t, kr, 201)
	key := kr.json(t)["key"].(string)

	// Test notification.
	tr := e.get("/payment-notifier/v1/hooks/test")
	expect(t, tr, 200)
	if string(tr.body) != `{"response":"Webhook sent"}` {
		t.Fatalf("test: %s", tr.body)
	}
	m := verify(t, next(t, ch), key)
	if m["test"] != true || m["version"] != "1.0.0" || m["hookId"] != hookID {
		t.Fatalf("test notification: %v", m)
	}

	// An incoming transfer.
	id := e.s.AddIncoming(e.w, 1_00, 643, "+79161112233")
	body := next(t, ch)
	m = verify(t, body, key)
	p := m["payment"].(map[string]any)
	if p["txnId"] != id || p["type"] != "IN" || p["status"] != "SUCCESS" || p["errorCode"] != "0" || m["test"] != false {
		t.Fatalf("incoming: %s", body)
	}
	if !bytes.Contains(body, []byte(`"sum":{"amount":1,"currency":643}`)) {
		t.Fatalf("amount literal: %s", body)
	}

	// New key: later notifications use it.
	nk := e.post("/payment-notifier/v1/hooks/"+hookID+"/newkey", nil)
	expect(t, nk, 201)
	key2 := nk.json(t)["key"].(string)
	if key2 == key {
		t.Fatal("newkey returned the old key")
	}

	// An outgoing payment: WAITING, then ERROR after settling (account ends in 0000).
	expect(t, e.post(payPath, payBody("42", 12.3, "+79990000000")), 200)
	m = verify(t, next(t, ch), key2)
	if p := m["payment"].(map[string]any); p["status"] != "WAITING" || p["type"] != "OUT" || p["commission"] != nil {
		t.Fatalf("waiting: %v", m)
	}
	e.s.SettleNow()
	m = verify(t, next(t, ch), key2)
	if p := m["payment"].(map[string]any); p["status"] != "ERROR" || p["errorCode"] != "5" {
		t.Fatalf("final: %v", m)
	}

	expect(t, e.do(e.tok, "DELETE", "/payment-notifier/v1/hooks/nope", nil), 404)
	d := e.do(e.tok, "DELETE", "/payment-notifier/v1/hooks/"+hookID, nil)
	expect(t, d, 200)
	if string(d.body) != `{"response":"Hook deleted"}` {
		t.Fatalf("delete: %s", d.body)
	}
	expect(t, e.get("/payment-notifier/v1/hooks/active"), 404)
	expect(t, e.get("/payment-notifier/v1/hooks/test"), 404)
}

func TestWebhookDirectionFilterAndTimerSettle(t *testing.T) {
	// Real clock, short settle delay: the timer settles and notifies.
	e := newEnv(t, Options{SettleDelay: 20 * time.Millisecond, Now: time.Now, End: time.Now()})
	rcv, ch := receiver(t)
	q := url.Values{"hookType": {"1"}, "param": {rcv.URL}, "txnType": {"1"}} // outgoing only
	r := e.do(e.tok, "PUT", "/payment-notifier/v1/hooks?"+q.Encode(), nil)
	expect(t, r, 200)
	key := e.do(e.tok, "GET", "/payment-notifier/v1/hooks/"+r.json(t)["hookId"].(string)+"/key", nil).json(t)["key"].(string)
	e.s.AddIncoming(e.w, 5_00, 643, "+79161112233") // not delivered (IN)
	expect(t, e.post(payPath, payBody("7", 1, "+79161112233")), 200)
	m := verify(t, next(t, ch), key)
	if m["payment"].(map[string]any)["status"] != "WAITING" {
		t.Fatalf("first: %v", m)
	}
	m = verify(t, next(t, ch), key)
	if p := m["payment"].(map[string]any); p["status"] != "SUCCESS" || p["commission"] == nil {
		t.Fatalf("second: %v", m)
	}
}
