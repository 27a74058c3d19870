package notify_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
)

const hookKey = "JcyVhjHCvHQwufz+IHXolyqHgEc5MoayBfParl6Guoc="

// testVerifier stands in for qiwiapi.CheckHash: HMAC-SHA256 with the
// base64-decoded key over the signed text, lower-case hex, compared with
// the hash.
func testVerifier(key string) func(signed, hash string) error {
	k, _ := base64.StdEncoding.DecodeString(key)
	return func(signed, hash string) error {
		m := hmac.New(sha256.New, k)
		m.Write([]byte(signed))
		if !hmac.Equal([]byte(hex.EncodeToString(m.Sum(nil))), []byte(strings.ToLower(hash))) {
			return errors.New("hash mismatch")
		}
		return nil
	}
}

// verifyBody decodes a body and checks it with testVerifier.
func verifyBody(body []byte) error {
	ev, _, err := notify.DecodeWebhook(body)
	if err != nil {
		return err
	}
	return testVerifier(hookKey)(ev.Signed, ev.Hash)
}

type sink struct {
	mu      sync.Mutex
	wallet  []notify.Event
	bills   []notify.BillEvent
	failFor int // fail this many calls first
}

func (s *sink) WalletPayment(_ context.Context, e notify.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failFor > 0 {
		s.failFor--
		return errors.New("store down")
	}
	s.wallet = append(s.wallet, e)
	return nil
}

func (s *sink) BillChanged(_ context.Context, e notify.BillEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failFor > 0 {
		s.failFor--
		return errors.New("store down")
	}
	s.bills = append(s.bills, e)
	return nil
}

func (s *sink) Bills() []notify.BillEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]notify.BillEvent(nil), s.bills...)
}

type observer struct {
	mu sync.Mutex
	n  []notify.Notice
}

func (o *observer) Observe(n notify.Notice) { o.mu.Lock(); o.n = append(o.n, n); o.mu.Unlock() }
func (o *observer) Last() notify.Notice {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n[len(o.n)-1]
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newReceiver(cfg notify.Config) (*notify.Receiver, *sink, *observer) {
	s, o := &sink{}, &observer{}
	if cfg.Sink == nil {
		cfg.Sink = s
	}
	cfg.Observe = o.Observe
	if cfg.VerifyWebhook == nil {
		cfg.VerifyWebhook = testVerifier(hookKey)
	}
	if cfg.NotifyPassword == "" {
		cfg.NotifyPassword = "test"
	}
	cfg.Now = func() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) }
	return notify.New(cfg), s, o
}

// defaultContentType is what QIWI would send: JSON to the webhook path (or
// a JSON body elsewhere), a form otherwise; a test's own header wins.
func defaultContentType(path string, body []byte) string {
	if strings.Contains(path, "webhook") || bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		return notify.WebhookContentType
	}
	return notify.BillContentType
}

func post(h http.Handler, path string, body []byte, hdr map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, bytes.NewReader(body))
	req.RemoteAddr = "91.232.230.17:40000"
	req.Header.Set("Content-Type", defaultContentType(path, body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestWebhookSignatureVectors(t *testing.T) {
	rc, s, o := newReceiver(notify.Config{})
	rec := post(rc, "/qiwi/webhook", fixture(t, "webhook_doc_example.json"), nil)
	if rec.Code != http.StatusForbidden || o.Last().Outcome != notify.Rejected || !strings.Contains(o.Last().Reason, "signature") {
		t.Errorf("doc hash 76687ffe accepted: %d %+v", rec.Code, o.Last())
	}
	rec = post(rc, "/qiwi/webhook", fixture(t, "webhook_signed.json"), nil)
	if rec.Code != 200 || o.Last().Outcome != notify.Accepted {
		t.Fatalf("f05c4e7b refused: %d %+v", rec.Code, o.Last())
	}
	if len(s.wallet) != 1 {
		t.Fatalf("sink got %d", len(s.wallet))
	}
	ev := s.wallet[0]
	want := notify.Event{
		MessageID: "7814c49d-2d29-4b14-b2dc-36b377c76156", HookID: "5e2027d1-f5f3-4ad1-b409-058b8b8a8c22",
		TxnID: "13353941550", Date: time.Date(2018, 6, 27, 13, 39, 0, 0, time.FixedZone("", 3*3600)),
		Type: "IN", Status: "SUCCESS", ErrorCode: "0", PersonID: 78000008000, Account: "+79161112233",
		Provider: 7, Sum: qiwiapi.Amount{Minor: 100, Currency: 643}, Total: qiwiapi.Amount{Minor: 100, Currency: 643},
		SignFields: "sum.currency,sum.amount,type,account,txnId", Version: "1.0.0",
		Signed: "643|1|IN|+79161112233|13353941550", Hash: "f05c4e7bdf00620205d47696d77f924bfd3ba4d02b0398ac8a626e737dc27243",
	}
	if ev.Commission == nil || *ev.Commission != (qiwiapi.Amount{Currency: 643}) || !ev.Date.Equal(want.Date) {
		t.Errorf("commission/date: %+v %v", ev.Commission, ev.Date)
	}
	ev.Commission, ev.Raw, ev.Date = nil, nil, want.Date
	if fmt.Sprintf("%+v", ev) != fmt.Sprintf("%+v", want) {
		t.Errorf("event\n got %+v\nwant %+v", ev, want)
	}

	// Replay: same messageId, acknowledged, not handed on again.
	rec = post(rc, "/qiwi/webhook", fixture(t, "webhook_signed.json"), nil)
	if rec.Code != 200 || o.Last().Outcome != notify.Duplicate || len(s.wallet) != 1 {
		t.Errorf("replay: %d %+v", rec.Code, o.Last())
	}
	// Tampered: amount 1 -> 10 with the same hash.
	tampered := bytes.Replace(fixture(t, "webhook_signed.json"), []byte(`"sum":{"amount":1,`), []byte(`"sum":{"amount":10,`), 1)
	tampered = bytes.Replace(tampered, []byte("7814c49d"), []byte("7814c49e"), 1)
	rec = post(rc, "/qiwi/webhook", tampered, nil)
	if rec.Code != http.StatusForbidden || len(s.wallet) != 1 {
		t.Errorf("tampered: %d", rec.Code)
	}
	// The amount literal matters: 1.00 is a different signature.
	reformatted := bytes.Replace(fixture(t, "webhook_signed.json"), []byte(`"sum":{"amount":1,`), []byte(`"sum":{"amount":1.00,`), 1)
	if err := verifyBody(reformatted); err == nil {
		t.Error("1.00 verified against the hash of 1")
	}
}

func TestWebhookDocExamplesDecode(t *testing.T) {
	cases := map[string]struct {
		status, typ string
		sum         int64
		commission  bool
	}{
		"webhook_out_waiting.json": {"WAITING", "OUT", 173, false},
		"webhook_out_success.json": {"SUCCESS", "OUT", 173, true},
		"webhook_out_error.json":   {"ERROR", "OUT", 101, false},
		"webhook_in_success.json":  {"SUCCESS", "IN", 109, true},
	}
	for name, c := range cases {
		ev, test, err := notify.DecodeWebhook(fixture(t, name))
		if err != nil || test {
			t.Fatalf("%s: %v", name, err)
		}
		if ev.Status != c.status || ev.Type != c.typ || ev.Sum.Minor != c.sum || ev.Sum.Currency != qiwiapi.RUB ||
			(ev.Commission != nil) != c.commission || ev.PersonID == 0 || ev.Provider == 0 || ev.Date.IsZero() {
			t.Errorf("%s: %+v", name, ev)
		}
	}
	// The printed originals with Python's Null are not JSON.
	broken := bytes.Replace(fixture(t, "webhook_out_waiting.json"), []byte("null"), []byte("Null"), 1)
	if _, _, err := notify.DecodeWebhook(broken); !errors.Is(err, notify.ErrMalformed) {
		t.Errorf("Null decoded: %v", err)
	}
}

func TestWebhookTestFlagSizeAndSource(t *testing.T) {
	rc, s, o := newReceiver(notify.Config{CheckSource: true})
	rec := post(rc, "/qiwi/webhook", []byte(`{"messageId":"t1","hookId":"h","test":true,"version":"1.0.0"}`), nil)
	if rec.Code != 200 || o.Last().Outcome != notify.Test || len(s.wallet) != 0 {
		t.Errorf("test notification: %d %+v", rec.Code, o.Last())
	}
	big := append([]byte(`{"messageId":"`), bytes.Repeat([]byte("a"), notify.MaxBody)...)
	if rec := post(rc, "/qiwi/webhook", big, nil); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("64 KiB cap: %d", rec.Code)
	}
	if rec := post(rc, "/qiwi/webhook", []byte(`{`), nil); rec.Code != http.StatusBadRequest {
		t.Errorf("bad JSON: %d", rec.Code)
	}
	req := httptest.NewRequest("POST", "/qiwi/webhook", bytes.NewReader(fixture(t, "webhook_signed.json")))
	req.RemoteAddr = "203.0.113.5:1234"
	rr := httptest.NewRecorder()
	rc.ServeHTTP(rr, req)
	if rr.Code != http.StatusForbidden || !strings.Contains(o.Last().Reason, "outside") {
		t.Errorf("foreign source: %d %+v", rr.Code, o.Last())
	}
	for _, addr := range []string{"79.142.31.255:1", "195.189.103.1:1", "91.213.51.9:1", "[::ffff:91.232.231.1]:1"} {
		req := httptest.NewRequest("POST", "/qiwi/webhook", bytes.NewReader([]byte(`{"test":true}`)))
		req.Header.Set("Content-Type", notify.WebhookContentType)
		req.RemoteAddr = addr
		rr := httptest.NewRecorder()
		rc.ServeHTTP(rr, req)
		if rr.Code != 200 {
			t.Errorf("%s refused", addr)
		}
	}
	// Off by default.
	rc2, _, _ := newReceiver(notify.Config{})
	req = httptest.NewRequest("POST", "/qiwi/webhook", bytes.NewReader([]byte(`{"test":true}`)))
	req.Header.Set("Content-Type", notify.WebhookContentType)
	req.RemoteAddr = "203.0.113.5:1234"
	rr = httptest.NewRecorder()
	rc2.ServeHTTP(rr, req)
	if rr.Code != 200 {
		t.Errorf("check off: %d", rr.Code)
	}
	if rec := httptest.NewRecorder(); true {
		rc2.ServeHTTP(rec, httptest.NewRequest("GET", "/qiwi/webhook", nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("GET: %d", rec.Code)
		}
	}
}

func TestWebhookSinkFailureIsRetried(t *testing.T) {
	s := &sink{failFor: 1}
	rc, _, o := newReceiver(notify.Config{Sink: s})
	if rec := post(rc, "/qiwi/webhook", fixture(t, "webhook_signed.json"), nil); rec.Code != 500 || o.Last().Outcome != notify.Failed {
		t.Fatalf("sink failure: %d %+v", rec.Code, o.Last())
	}
	if rec := post(rc, "/qiwi/webhook", fixture(t, "webhook_signed.json"), nil); rec.Code != 200 || o.Last().Outcome != notify.Accepted {
		t.Fatalf("repeat after failure: %d %+v", rec.Code, o.Last())
	}
	if len(s.wallet) != 1 {
		t.Errorf("sink has %d", len(s.wallet))
	}
}

func TestWebhookNoVerifierFailsClosed(t *testing.T) {
	rc := notify.New(notify.Config{})
	if rec := post(rc, "/qiwi/webhook", fixture(t, "webhook_signed.json"), nil); rec.Code != http.StatusForbidden {
		t.Errorf("no verifier: %d", rec.Code)
	}
}

func resultCode(t *testing.T, rec *httptest.ResponseRecorder) int {
	t.Helper()
	var code int
	if _, err := fmt.Sscanf(strings.SplitN(rec.Body.String(), "<result_code>", 2)[1], "%d", &code); err != nil {
		t.Fatalf("answer %q", rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/xml" {
		t.Errorf("Content-Type %q", ct)
	}
	return code
}

func basicHdr(user, pass string) map[string]string {
	return map[string]string{
		"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass)),
		"Content-Type":  "application/x-www-form-urlencoded",
	}
}

func TestBillCallbackHMACVector(t *testing.T) {
	body := fixture(t, "callback_hmac_vector.form")
	form, _ := url.ParseQuery(string(body))
	if got := notify.SignBill("test", form); got != "6EMkwqxFxllMe7+0VWoOfQ4fQv8=" {
		t.Fatalf("vector: %s", got)
	}
	rc, s, o := newReceiver(notify.Config{MerchantAuth: notify.AuthHMAC})
	hdr := map[string]string{"X-Api-Signature": "6EMkwqxFxllMe7+0VWoOfQ4fQv8=", "Content-Type": "application/x-www-form-urlencoded"}
	rec := post(rc, "/qiwi/bill", body, hdr)
	if rec.Code != 200 || resultCode(t, rec) != 0 || o.Last().Outcome != notify.Accepted {
		t.Fatalf("vector refused: %s %+v", rec.Body, o.Last())
	}
	want := notify.BillEvent{BillID: "LocalTest17", Status: pull.BillPaid, Error: "0", Amount: qiwiapi.Amount{Minor: 1, Currency: 643},
		User: "tel:+78000005122", PrvName: "Test", Comment: "Some Descriptor", Auth: "hmac"}
	got := s.bills[0]
	if len(got.Fields) != 9 || got.Fields["command"] != "bill" {
		t.Errorf("fields %v", got.Fields)
	}
	got.Fields = nil
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("event\n got %+v\nwant %+v", got, want)
	}
	// QIWI repeats: answered 0, not handed on.
	for range 3 {
		if rec := post(rc, "/qiwi/bill", body, hdr); resultCode(t, rec) != 0 {
			t.Fatal("repeat not acknowledged")
		}
	}
	if len(s.bills) != 1 || o.Last().Outcome != notify.Duplicate {
		t.Errorf("repeats reached the sink: %d", len(s.bills))
	}
	// Tampered amount, reordered, extra field, missing signature, Basic in HMAC mode.
	tampered := []string{
		strings.Replace(string(body), "amount=0.01", "amount=100.01", 1),
		string(body) + "&extra=1",
	}
	for _, b := range tampered {
		if rec := post(rc, "/qiwi/bill", []byte(b), hdr); resultCode(t, rec) != 151 {
			t.Errorf("tampered %q accepted", b)
		}
	}
	if rec := post(rc, "/qiwi/bill", body, basicHdr("373712", "test")); resultCode(t, rec) != 151 {
		t.Error("Basic accepted in HMAC mode")
	}
	// Field order does not matter for the signature (sorted by name).
	shuffled := "status=paid&comment=Some+Descriptor&bill_id=LocalTest17&error=0&amount=0.01&user=tel%3A%2B78000005122&prv_name=Test&ccy=RUB&command=bill"
	if rec := post(rc, "/qiwi/bill", []byte(shuffled), hdr); resultCode(t, rec) != 0 {
		t.Error("reordered body refused")
	}
	// The doc's trap: base64 of the hex string is not the signature.
	hexSig := base64.StdEncoding.EncodeToString([]byte("e84324c2ac45c6594c7bbfb4556a0e7d0e1f42ff"))
	if rec := post(rc, "/qiwi/bill", body, map[string]string{"X-Api-Signature": hexSig}); resultCode(t, rec) != 151 {
		t.Error("base64(hex) accepted")
	}
}

func TestBillCallbackBasic(t *testing.T) {
	rc, s, o := newReceiver(notify.Config{ShopID: "2042", NotifyPassword: "test"})
	body := fixture(t, "callback_doc_basic.form")
	cases := []struct {
		hdr  map[string]string
		want int
	}{
		{map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 150},
		{basicHdr("2042", "wrong"), 150},
		{basicHdr("2043", "test"), 150},
		{map[string]string{"Authorization": "Basic MjA0Mjp0ZXN0Cg=="}, 150}, // the doc's value: "test\n"
		{basicHdr("2042", "test"), 0},
		{basicHdr("2042", "test"), 0},
	}
	for i, c := range cases {
		if got := resultCode(t, post(rc, "/qiwi/bill", body, c.hdr)); got != c.want {
			t.Errorf("case %d: %d, want %d (%+v)", i, got, c.want, o.Last())
		}
	}
	if len(s.bills) != 1 || s.bills[0].Amount != (qiwiapi.Amount{Minor: 100, Currency: 643}) || s.bills[0].Auth != "basic" {
		t.Errorf("sink: %+v", s.bills)
	}
	bad := map[string]string{
		"no command":    "bill_id=B&status=paid&amount=1.00&ccy=RUB",
		"wrong command": "command=x&bill_id=B&status=paid&amount=1.00&ccy=RUB",
		"status":        "command=bill&bill_id=B&status=done&amount=1.00&ccy=RUB",
		"amount":        "command=bill&bill_id=B&status=paid&amount=1.001&ccy=RUB",
		"ccy":           "command=bill&bill_id=B&status=paid&amount=1.00&ccy=XXX",
		"twice":         "command=bill&bill_id=B&bill_id=C&status=paid&amount=1.00&ccy=RUB",
		"escape":        "command=bill&bill_id=%zz",
		"doc curl %26":  "command=bill%26bill_id=BILL-1%26status=paid%26amount=1.00%26ccy=RUB",
	}
	for name, b := range bad {
		if got := resultCode(t, post(rc, "/qiwi/bill", []byte(b), basicHdr("2042", "test"))); got != 5 {
			t.Errorf("%s: %d", name, got)
		}
	}
	rc2 := notify.New(notify.Config{})
	if got := resultCode(t, post(rc2, "/qiwi/bill", body, basicHdr("2042", ""))); got != 150 {
		t.Errorf("no password configured: %d", got)
	}
}

func TestBillSinkFailureAnswers300(t *testing.T) {
	s := &sink{failFor: 1}
	rc, _, o := newReceiver(notify.Config{Sink: s})
	body := fixture(t, "callback_doc_basic.form")
	if got := resultCode(t, post(rc, "/qiwi/bill", body, basicHdr("x", "test"))); got != 300 || o.Last().Outcome != notify.Failed {
		t.Errorf("sink failure: %d", got)
	}
	if got := resultCode(t, post(rc, "/qiwi/bill", body, basicHdr("x", "test"))); got != 0 || len(s.bills) != 1 {
		t.Errorf("repeat: %d", got)
	}
}

func TestRouting(t *testing.T) {
	rc, _, _ := newReceiver(notify.Config{WebhookPath: "/hooks/wallet"})
	if rec := post(rc, "/somewhere", nil, nil); rec.Code != 404 {
		t.Errorf("unknown path: %d", rec.Code)
	}
	if rec := post(rc, "/hooks/wallet", []byte(`{"test":true}`), nil); rec.Code != 200 {
		t.Errorf("custom path: %d", rec.Code)
	}
	if rec := post(rc.BillHandler(), "/any", fixture(t, "callback_doc_basic.form"), basicHdr("x", "test")); resultCode(t, rec) != 0 {
		t.Error("BillHandler")
	}
}

// qiwiapi.CheckHash, wired through VerifyWithKey, agrees with the spec's
// vectors.
func TestVerifyWithKey(t *testing.T) {
	v := notify.VerifyWithKey(hookKey)
	check := func(body []byte) error {
		ev, _, err := notify.DecodeWebhook(body)
		if err != nil {
			return err
		}
		return v(ev.Signed, ev.Hash)
	}
	if err := check(fixture(t, "webhook_signed.json")); err != nil {
		t.Errorf("f05c4e7b: %v", err)
	}
	if err := check(fixture(t, "webhook_doc_example.json")); err == nil {
		t.Error("76687ffe verified")
	}
	rc, s, _ := newReceiver(notify.Config{VerifyWebhook: v})
	if rec := post(rc, "/qiwi/webhook", fixture(t, "webhook_signed.json"), nil); rec.Code != 200 || len(s.wallet) != 1 {
		t.Errorf("receiver with VerifyWithKey: %d", rec.Code)
	}
}

// TestReplayWithNewMessageID: the messageId is not signed, so a genuine body
// sent again under another messageId is the same payment: acknowledged as
// a repeat, not handed on. A later status of the same payment is new.
func TestReplayWithNewMessageID(t *testing.T) {
	rc, s, o := newReceiver(notify.Config{})
	body := fixture(t, "webhook_signed.json")
	if rec := post(rc, "/qiwi/webhook", body, nil); rec.Code != 200 || o.Last().Outcome != notify.Accepted {
		t.Fatalf("genuine: %d %+v", rec.Code, o.Last())
	}
	if w := o.Last().Wallet; w == nil || w.TxnID != "13353941550" || w.StatusSigned() {
		t.Fatalf("notice carries %+v", w)
	}
	replay := bytes.Replace(body, []byte("7814c49d"), []byte("00000000"), 1)
	if rec := post(rc, "/qiwi/webhook", replay, nil); rec.Code != 200 || o.Last().Outcome != notify.Duplicate || len(s.wallet) != 1 {
		t.Fatalf("replay with a new messageId: %d %+v, sink got %d", rec.Code, o.Last(), len(s.wallet))
	}
	later := bytes.Replace(replay, []byte(`"SUCCESS"`), []byte(`"ERROR"`), 1)
	if rec := post(rc, "/qiwi/webhook", later, nil); rec.Code != 200 || o.Last().Outcome != notify.Accepted || len(s.wallet) != 2 {
		t.Fatalf("another status: %d %+v", rec.Code, o.Last())
	}
	// Made-up statuses share one key: at most one more passes.
	for i, st := range []string{`"PAID"`, `"WHATEVER"`} {
		b := bytes.Replace(replay, []byte(`"SUCCESS"`), []byte(st), 1)
		post(rc, "/qiwi/webhook", b, nil)
		if want := []notify.Outcome{notify.Accepted, notify.Duplicate}[i]; o.Last().Outcome != want {
			t.Errorf("status %s: %s, want %s", st, o.Last().Outcome, want)
		}
	}
}

// dupSink remembers keys like a persistent store would, across receivers.
type dupSink struct{ seen map[string]bool }

func (d dupSink) WalletPayment(_ context.Context, e notify.Event) error {
	if d.seen[e.Key()] {
		return fmt.Errorf("stored before: %w", notify.ErrDuplicate)
	}
	d.seen[e.Key()] = true
	return nil
}

func (d dupSink) BillChanged(_ context.Context, e notify.BillEvent) error {
	if d.seen[e.Key()] {
		return notify.ErrDuplicate
	}
	d.seen[e.Key()] = true
	return nil
}

// TestSinkDuplicateIsARepeat: a sink that applied a notification before
// (a restart in between) makes the receiver acknowledge it as a repeat.
func TestSinkDuplicateIsARepeat(t *testing.T) {
	d := dupSink{seen: map[string]bool{}}
	form := url.Values{"command": {"bill"}, "bill_id": {"b-1"}, "status": {"paid"}, "amount": {"1.00"}, "ccy": {"RUB"}, "error": {"0"}}
	for i, want := range []notify.Outcome{notify.Accepted, notify.Duplicate} {
		rc, _, o := newReceiver(notify.Config{Sink: d}) // a new process each time
		if rec := post(rc, "/qiwi/webhook", fixture(t, "webhook_signed.json"), nil); rec.Code != 200 || o.Last().Outcome != want {
			t.Errorf("wallet run %d: %d %+v", i, rec.Code, o.Last())
		}
		hdr := map[string]string{"X-Api-Signature": notify.SignBill("test", form)}
		if rec := post(rc, "/qiwi/bill", []byte(form.Encode()), hdr); !strings.Contains(rec.Body.String(), "<result_code>0</result_code>") ||
			o.Last().Outcome != want || o.Last().Bill == nil {
			t.Errorf("bill run %d: %s %+v", i, rec.Body, o.Last())
		}
	}
}
