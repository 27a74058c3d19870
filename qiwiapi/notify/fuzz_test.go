package notify_test

import (
	"testing"

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
