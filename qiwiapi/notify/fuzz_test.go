package notify_test

import (
	"strings"
	"testing"

	"qiwidash/qiwiapi"

	"qiwidash/qiwiapi/notify"
)

// Seed corpora: testdata/fuzz/FuzzDecodeWebhook, testdata/fuzz/FuzzDecodeBill.

func FuzzDecodeWebhook(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, test, err := notify.DecodeWebhook(body)
		if err != nil {
			return
		}
		if !test && (ev.MessageID == "" || ev.TxnID == "") {
			t.Fatalf("accepted a payment without ids: %+v", ev)
		}
		// The event's identity is exactly what the hash covers: the signed
		// text starts with its currency, sum, type, account and txnId.
		if test {
			return
		}
		parts := strings.Split(ev.Signed, "|")
		if len(parts) < 5 || parts[2] != ev.Type || parts[3] != ev.Account || parts[4] != ev.TxnID {
			t.Fatalf("event %+v is not what was signed: %q", ev, ev.Signed)
		}
		cur, err := qiwiapi.ParseCurrency(parts[0])
		if sum, err2 := qiwiapi.ParseAmount(parts[1], cur); err != nil || err2 != nil || sum != ev.Sum {
			t.Fatalf("sum %+v is not the signed %q %q", ev.Sum, parts[1], parts[0])
		}
	})
}

func FuzzDecodeBill(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, form, err := notify.DecodeBill(body)
		if err != nil {
			return
		}
		if ev.BillID == "" || !ev.Status.Known() || form.Get("command") != "bill" {
			t.Fatalf("accepted %q as %+v", body, ev)
		}
		// What was accepted signs and verifies, and a wrong password does not.
		sig := notify.SignBill("k", form)
		if !notify.VerifyBillSignature("k", form, sig) || notify.VerifyBillSignature("other", form, sig) {
			t.Fatal("a signature of an accepted callback does not verify as it should")
		}
	})
}
