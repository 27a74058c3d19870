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
		// Signing what was accepted is deterministic.
		if notify.SignBill("k", form) != notify.SignBill("k", form) {
			t.Fatal("signature not deterministic")
		}
	})
}
