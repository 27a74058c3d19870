package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

var testEnd = time.Date(2025, 3, 15, 12, 0, 0, 0, time.UTC)

// clock is an injectable server clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	t   *testing.T
	s   *Server
	ts  *httptest.Server
	clk *clock
	tok string
	w   string
}

func newEnv(t *testing.T, o Options) *env {
	t.Helper()
	clk := &clock{t: testEnd}
	if o.End.IsZero() {
		o.End = testEnd
	}
	if o.Now == nil {
		o.Now = clk.Now
	}
	if o.Transactions == 0 {
		o.Transactions = 600
	}
	s := New(o)
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		ts.Close()
		s.stop()
	})
	return &env{t: t, s: s, ts: ts, clk: clk, tok: s.DemoToken(), w: s.DemoWallet()}
}

type resp struct {
	code int
	body []byte
	hdr  http.Header
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("not JSON (%d): %q: %v", r.code, r.body, err)
	}
	return m
}

func (e *env) do(tok, method, path string, body any) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	res, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, b, res.Header}
}

func (e *env) get(path string) resp { return e.do(e.tok, "GET", path, nil) }

func (e *env) post(path string, body any) resp { return e.do(e.tok, "POST", path, body) }

func expect(t *testing.T, r resp, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("status %d, want %d; body %s", r.code, code, r.body)
	}
}

// expectQiwiError checks a QIWI-style error body.
func expectQiwiError(t *testing.T, r resp, code int, errorCode string) {
	t.Helper()
	expect(t, r, code)
	m := r.json(t)
	for _, k := range []string{"serviceName", "errorCode", "userMessage", "description", "traceId", "dateTime"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("error body lacks %s: %s", k, r.body)
		}
	}
	if errorCode != "" && m["errorCode"] != errorCode {
		t.Fatalf("errorCode %v, want %s", m["errorCode"], errorCode)
	}
}

func payBody(id string, amount any, account string) map[string]any {
	return map[string]any{
		"id":            id,
		"sum":           map[string]any{"amount": amount, "currency": "643"},
		"paymentMethod": map[string]any{"type": "Account", "accountId": "643"},
		"comment":       "test",
		"fields":        map[string]any{"account": account},
	}
}

func newReq(method, u string, body []byte, tok string) (*http.Request, error) {
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}

func httpClient() *http.Client { return &http.Client{Timeout: 5 * time.Second} }

// txns snapshots a wallet's history (copies, under the server lock).
func (e *env) txns(wallet string) []*txn {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	var out []*txn
	for _, t := range e.s.wallets[wallet].txns {
		c := *t
		out = append(out, &c)
	}
	return out
}

// invoices snapshots the demo wallet's invoices.
func (e *env) invoices() []*invoice {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	var out []*invoice
	for _, i := range e.s.wallets[e.w].invoices {
		c := *i
		out = append(out, &c)
	}
	return out
}
