package notify_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"qiwidash/qiwiapi/notify"
)

// A genuine, signed webhook with one more key that differs from a signed
// field only in letter case is refused before anything is verified or
// handed on, for each signed field (issue 10: encoding/json read "Sum" as
// "sum", the last one winning, while the signature read "sum"). The keys
// are put after the genuine ones, where the old decoder took them.
func TestWebhookCaseDuplicateForgeries(t *testing.T) {
	good := string(fixture(t, "webhook_signed.json"))
	forgeries := map[string][2]string{
		"sum.amount (Sum)":     {`"commission":{`, `"Sum":{"amount":99999.99,"currency":643},"commission":{`},
		"sum.amount (Amount)":  {`"amount":1,"currency":643},"commission"`, `"amount":1,"currency":643,"Amount":99999.99},"commission"`},
		"sum.currency":         {`"amount":1,"currency":643},"commission"`, `"amount":1,"currency":643,"Currency":840},"commission"`},
		"type":                 {`"status":"SUCCESS"`, `"status":"SUCCESS","Type":"OUT"`},
		"account":              {`"comment":""`, `"comment":"","ACCOUNT":"+70000000000"`},
		"txnId":                {`"errorCode":"0"`, `"errorCode":"0","TXNID":"99999999999"`},
		"signFields":           {`"signFields":`, `"signFields":"comment","SignFields":`},
		"hash":                 {`"version"`, `"HASH":"00","version"`},
		"payment":              {`"version"`, `"PAYMENT":{"txnId":"1"},"version"`},
		"sum given twice":      {`"commission":{`, `"sum":{"amount":99999.99,"currency":643},"commission":{`},
		"long s for sum":       {`"commission":{`, `"\u017fum":{"amount":99999.99,"currency":643},"commission":{`},
		"status (unsigned)":    {`"errorCode"`, `"STATUS":"ERROR","errorCode"`},
		"messageId (unsigned)": {`"hookId"`, `"MessageId":"m2","hookId"`},
	}
	for name, f := range forgeries {
		body := strings.Replace(good, f[0], f[1], 1)
		if body == good {
			t.Fatalf("%s: the forgery did not apply", name)
		}
		rc, s, o := newReceiver(notify.Config{VerifyWebhook: notify.VerifyWithKey(hookKey)})
		rec := post(rc, "/qiwi/webhook", []byte(body), map[string]string{"Content-Type": "application/json"})
		n := o.Last()
		if rec.Code != http.StatusBadRequest || n.Outcome != notify.Rejected || len(s.wallet) != 0 || n.Wallet != nil {
			t.Errorf("%s: %d %s %q, sink got %d", name, rec.Code, n.Outcome, n.Reason, len(s.wallet))
		}
		if !strings.Contains(n.Reason, "differ only in letter case") && !strings.Contains(n.Reason, "given twice") {
			t.Errorf("%s: the reason does not say why: %q", name, n.Reason)
		}
	}
	// The genuine body still verifies with the real key check.
	rc, s, o := newReceiver(notify.Config{VerifyWebhook: notify.VerifyWithKey(hookKey)})
	if rec := post(rc, "/qiwi/webhook", []byte(good), map[string]string{"Content-Type": "application/json"}); rec.Code != 200 || len(s.wallet) != 1 {
		t.Fatalf("genuine body: %d %+v", rec.Code, o.Last())
	}
	if ev := s.wallet[0]; ev.Sum.Minor != 100 || ev.TxnID != "13353941550" || ev.Account != "+79161112233" || ev.Type != "IN" {
		t.Errorf("genuine event: %+v", ev)
	}
}

// A signFields that covers only a field the sender controls is refused:
// otherwise a comment carrying the genuine signed text keeps the hash valid
// while the sum changes.
func TestWebhookSignFieldsMustCoverThePayment(t *testing.T) {
	good := string(fixture(t, "webhook_signed.json"))
	forged := strings.Replace(good, `"comment":""`, `"comment":"643|1|IN|+79161112233|13353941550"`, 1)
	forged = strings.Replace(forged, `"sum":{"amount":1,`, `"sum":{"amount":99999,`, 1)
	forged = strings.Replace(forged, `"signFields":"sum.currency,sum.amount,type,account,txnId"`, `"signFields":"comment"`, 1)
	rc, s, o := newReceiver(notify.Config{VerifyWebhook: notify.VerifyWithKey(hookKey)})
	rec := post(rc, "/qiwi/webhook", []byte(forged), map[string]string{"Content-Type": "application/json"})
	if rec.Code != http.StatusForbidden || len(s.wallet) != 0 || !strings.Contains(o.Last().Reason, "signature check failed") {
		t.Errorf("comment-only signFields: %d %+v", rec.Code, o.Last())
	}
}

// Bill callbacks: a parameter repeated, or given again in another letter
// case, is refused with result code 5 and never reaches the sink, under
// both authentications; a value containing "|" under HMAC is refused too.
func TestBillCallbackAmbiguousFields(t *testing.T) {
	hmacBody := fixture(t, "callback_hmac_vector.form")
	basicBody := fixture(t, "callback_doc_basic.form")
	hmacHdr := map[string]string{"X-Api-Signature": "6EMkwqxFxllMe7+0VWoOfQ4fQv8=", "Content-Type": "application/x-www-form-urlencoded"}
	for name, extra := range map[string]string{
		"status twice":    "&status=rejected",
		"Status":          "&Status=rejected",
		"AMOUNT":          "&AMOUNT=100.00",
		"Bill_Id":         "&Bill_Id=OTHER",
		"CCY":             "&CCY=USD",
		"encoded Status":  "&%53tatus=rejected",
		"Command (extra)": "&Command=bill",
	} {
		rc, s, o := newReceiver(notify.Config{MerchantAuth: notify.AuthHMAC})
		if rec := post(rc, "/qiwi/bill", append(bytes.Clone(hmacBody), extra...), hmacHdr); resultCode(t, rec) != notify.ResultBadFormat || len(s.Bills()) != 0 {
			t.Errorf("hmac %s: result %d, %+v", name, resultCode(t, rec), o.Last())
		}
		rc, s, o = newReceiver(notify.Config{ShopID: "2042", NotifyPassword: "test"})
		if rec := post(rc, "/qiwi/bill", append(bytes.Clone(basicBody), extra...), basicHdr("2042", "test")); resultCode(t, rec) != notify.ResultBadFormat || len(s.Bills()) != 0 {
			t.Errorf("basic %s: result %d, %+v", name, resultCode(t, rec), o.Last())
		}
	}
	// "|" moves values between neighbours under the same signature:
	// prv_name "Test|paid" + status "waiting" signs like prv_name "Test" +
	// status "paid|waiting"... so a value with "|" is not trusted.
	form := "command=bill&bill_id=B1&status=waiting&error=0&amount=1.00&user=tel%3A%2B7800&prv_name=Test%7Cpaid&ccy=RUB&comment=x"
	rc, s, o := newReceiver(notify.Config{MerchantAuth: notify.AuthHMAC})
	vals, _ := url.ParseQuery(form)
	hdr := map[string]string{"X-Api-Signature": notify.SignBill("test", vals), "Content-Type": "application/x-www-form-urlencoded"}
	if rec := post(rc, "/qiwi/bill", []byte(form), hdr); resultCode(t, rec) != notify.ResultBadSign || len(s.Bills()) != 0 || !strings.Contains(o.Last().Reason, "prv_name") {
		t.Errorf("| in a signed value: %d %+v", resultCode(t, rec), o.Last())
	}
}
