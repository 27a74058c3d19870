package ingest

import (
	"net/http"
	"strings"
	"testing"

	"qiwidash/qiwiapi/notify"
	"qiwidash/store/ingest/ingesttest"
)

// TestContentTypeChecked: the receiver takes what QIWI sends (JSON
// webhooks, also with a charset; form-encoded bill callbacks) and refuses
// anything else with 415 and the reason in words, before reading the body.
func TestContentTypeChecked(t *testing.T) {
	key := &WebhookKey{}
	key.Set(hookKey)
	in := New(Options{Checks: notify.Config{VerifyWebhook: key.Verify, ShopID: shopID, NotifyPassword: notifyPass}})
	t.Cleanup(func() { in.Close() })
	sub := in.Subscribe(0)
	base, err := in.Start("")
	if err != nil {
		t.Fatal(err)
	}
	hook, bill := base+notify.DefaultWebhookPath, base+notify.DefaultBillPath
	form := ingesttest.BillForm("ct-1", "paid", "1.00")
	sig := notify.SignBill(notifyPass, form)
	cases := []struct {
		target, ctype string
		body          []byte
		code          int
		reason        string
	}{
		{hook, "application/json", ingesttest.WalletBody(t, hookKey, "m-1", "2001", "IN", "1"), 200, ""},
		{hook, "application/json; charset=UTF-8", ingesttest.WalletBody(t, hookKey, "m-2", "2002", "IN", "1"), 200, ""},
		{hook, "text/plain", ingesttest.WalletBody(t, hookKey, "m-3", "2003", "IN", "1"), 415, `Content-Type "text/plain" is not application/json, which QIWI sends`},
		{hook, "application/x-www-form-urlencoded", ingesttest.WalletBody(t, hookKey, "m-4", "2004", "IN", "1"), 415, "is not application/json"},
		{hook, "application/json; charset=koi8-r", ingesttest.WalletBody(t, hookKey, "m-5", "2005", "IN", "1"), 415, `charset "koi8-r" is not UTF-8`},
		{hook, "", ingesttest.WalletBody(t, hookKey, "m-6", "2006", "IN", "1"), 415, "no Content-Type: QIWI sends application/json"},
		{bill, "application/x-www-form-urlencoded; charset=utf-8", []byte(form.Encode()), 200, ""},
		{bill, "application/json", []byte(form.Encode()), 415, `Content-Type "application/json" is not application/x-www-form-urlencoded`},
		{bill, "multipart/form-data; boundary=x", []byte(form.Encode()), 415, "is not application/x-www-form-urlencoded"},
		{bill, "a;;b", []byte(form.Encode()), 415, "cannot be read"},
	}
	for _, c := range cases {
		hdr := map[string]string{"Content-Type": c.ctype}
		if c.target == bill {
			hdr["X-Api-Signature"] = sig
		}
		req, _ := http.NewRequest(http.MethodPost, c.target, strings.NewReader(string(c.body)))
		for k, v := range hdr {
			if v != "" {
				req.Header.Set(k, v)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		e := next(t, sub)
		if resp.StatusCode != c.code || !strings.Contains(e.Reason, c.reason) || (c.code == 415) != (e.Outcome == notify.Rejected) {
			t.Errorf("%s %q: HTTP %d, %s %q; want %d %q", c.target[len(base):], c.ctype, resp.StatusCode, e.Outcome, e.Reason, c.code, c.reason)
		}
	}
}
