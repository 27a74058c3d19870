package ingest

import (
	"context"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sandbox/demo"
	msandbox "qiwidash/qiwiapi/sandbox/merchant"
)

// TestDemoWiring is what `qiwidash --demo` does: receiver first, then the
// sandbox with its CallbackURL, then the wallet webhook registered to the
// receiver. A test notice arrives at once; a wallet payment and a paid
// bill arrive verified, the payment's status marked as not signed.
// sandboxNow is the embedded sandbox's fixed "now" in these tests.
var sandboxNow = time.Date(2026, 11, 20, 12, 0, 0, 0, qiwiapi.Moscow)

func TestDemoWiring(t *testing.T) {
	ctx := context.Background()
	key := &WebhookKey{}
	in := New(Options{Checks: notify.Config{
		VerifyWebhook: key.Verify, ShopID: msandbox.DemoShopID(), NotifyPassword: msandbox.DemoNotifyPassword(),
	}})
	t.Cleanup(func() { in.Close() })
	f := in.Subscribe(0)
	recvURL, err := in.Start("")
	if err != nil {
		t.Fatal(err)
	}
	sb, err := demo.Start("", demo.Options{Seed: 1, End: sandboxNow, Now: func() time.Time { return sandboxNow },
		SettleDelay: time.Millisecond, HistoryPerMinute: -1, CallbackURL: recvURL + notify.DefaultBillPath})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	api, err := qiwiapi.NewClient(sb.Creds.WalletToken, qiwiapi.WithBaseURL(sb.URL))
	if err != nil {
		t.Fatal(err)
	}
	if err := RegisterWebhook(ctx, api, recvURL+notify.DefaultWebhookPath, key); err != nil {
		t.Fatal(err)
	}
	if n := next(t, f); n.Outcome != notify.Test {
		t.Fatalf("first event %#v, want the test notice", n)
	}
	// Registering again with the same URL keeps the hook.
	if err := RegisterWebhook(ctx, api, recvURL+notify.DefaultWebhookPath, key); err != nil {
		t.Fatal(err)
	}
	next(t, f)

	sum, _ := qiwiapi.ParseAmount("100", qiwiapi.RUB)
	if _, _, err := api.Payments.Pay(ctx, qiwiapi.Payment{Provider: 99, ID: "1795165200001", Sum: sum,
		Fields: map[string]string{"account": "+79161112233"}}); err != nil {
		t.Fatal(err)
	}
	wallet := next(t, f)
	if wallet.Outcome != notify.Accepted || wallet.Wallet == nil {
		t.Fatalf("wallet event %+v", wallet)
	}
	if wallet.Wallet.Type != "OUT" || wallet.Wallet.Sum != sum || wallet.StatusConfirmed {
		t.Errorf("wallet event %+v, status confirmed %v", wallet.Wallet, wallet.StatusConfirmed)
	}

	merchantAPI, err := pull.NewClient(pull.Credentials{APIID: sb.Creds.MerchantAPIID, APIPassword: sb.Creds.MerchantPassword,
		ShopID: sb.Creds.MerchantShopID}, pull.WithBaseURL(sb.URL), pull.WithClock(func() time.Time { return sandboxNow }))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := merchantAPI.Bills.Create(ctx, "wire-1", &pull.CreateBill{User: "+79161234567", Amount: sum}); err != nil {
		t.Fatal(err)
	}
	if err := sb.Merchant.PayBill(sb.Creds.MerchantShopID, "wire-1"); err != nil {
		t.Fatal(err)
	}
	for {
		e := next(t, f)
		if b := e.Bill; b != nil {
			if b.BillID != "wire-1" || b.Status != pull.BillPaid || !e.Applied() || !e.StatusConfirmed {
				t.Errorf("bill event %+v (%s, confirmed %v)", b, e.Outcome, e.StatusConfirmed)
			}
			break
		}
	}
}

// next waits for the subscription's next event.
func next(t *testing.T, s *Subscription) Event {
	t.Helper()
	select {
	case e, ok := <-s.Events():
		if !ok {
			t.Fatal("the subscription ended")
		}
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
		return Event{}
	}
}
