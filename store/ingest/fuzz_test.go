package ingest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"unicode"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/store/ingest/ingesttest"
)

// FuzzReceiver sends any request to the receiver's handler end to end
// (the notify checks, the store, the event feed): it never panics, always
// answers with one of its statuses, publishes one event per request whose
// `listen` line holds no control character, and accepts a notification
// only when it is authentic: a wallet body whose hash verifies with the
// hook key, a bill form signed with the notification password or sent with
// the right Basic credentials. Seed corpus: testdata/fuzz/FuzzReceiver.
func FuzzReceiver(f *testing.F) {
	signed := ingesttest.WalletBody(f, hookKey, "m-1", "1001", "IN", "150.5")
	form := ingesttest.BillForm("qd-1", "paid", "100.00")
	f.Add(uint8(0), "application/json", "", signed)
	f.Add(uint8(0), "application/json; charset=utf-8", "", bytes.Replace(signed, []byte(`"commission"`), []byte(`"Sum":{"amount":9,"currency":643},"commission"`), 1))
	f.Add(uint8(0), "application/json", "", []byte(`{"messageId":"t-\u001b]52;c;eA==\u0007","test":true}`))
	f.Add(uint8(1), "application/x-www-form-urlencoded", notify.SignBill(notifyPass, form), []byte(form.Encode()))
	f.Add(uint8(1), "application/x-www-form-urlencoded", "", []byte(form.Encode()+"&Status=rejected"))
	f.Add(uint8(2), "application/x-www-form-urlencoded", basic(shopID, notifyPass), []byte(form.Encode()))
	f.Add(uint8(0), "text/plain", "", signed)

	st := openStore(f, filepath.Join(f.TempDir(), "q.db"))
	f.Cleanup(func() { st.Close() })
	key := &WebhookKey{}
	key.Set(hookKey)
	in := New(Options{Store: st, Wallet: "79031234567", Checks: notify.Config{VerifyWebhook: key.Verify, ShopID: shopID, NotifyPassword: notifyPass}})
	f.Cleanup(func() { in.Close() })
	sub := in.Subscribe(4)
	h := in.Handler()
	statuses := map[int]bool{200: true, 400: true, 403: true, 404: true, 405: true, 413: true, 415: true, 500: true, 503: true}

	f.Fuzz(func(t *testing.T, kind uint8, ctype, auth string, body []byte) {
		path := notify.DefaultWebhookPath
		if kind%3 != 0 {
			path = notify.DefaultBillPath
		}
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		switch kind % 3 {
		case 1:
			req.Header.Set("X-Api-Signature", auth)
		case 2:
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if !statuses[rec.Code] {
			t.Fatalf("answered HTTP %d", rec.Code)
		}
		var e Event
		select {
		case e = <-sub.Events():
		default:
			t.Fatal("no event for a request")
		}
		for _, r := range Line(nil, e) {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("a control character in %q", Line(nil, e))
			}
		}
		if e.Outcome != notify.Accepted {
			return
		}
		switch {
		case e.Wallet != nil:
			if err := qiwiapi.VerifySignature(body, hookKey); err != nil {
				t.Fatalf("accepted a wallet body that does not verify (%v): %q", err, body)
			}
		case e.Bill != nil:
			vals, _ := url.ParseQuery(string(body))
			u, p, basicOK := req.BasicAuth()
			if !notify.VerifyBillSignature(notifyPass, vals, auth) && !(basicOK && u == shopID && p == notifyPass) {
				t.Fatalf("accepted an unauthenticated bill callback: %q (auth %q)", body, auth)
			}
		default:
			t.Fatalf("accepted with no content: %+v", e)
		}
	})
}
