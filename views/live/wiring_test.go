package live

import (
	"context"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sandbox/demo"
	msandbox "qiwidash/qiwiapi/sandbox/merchant"
	"qiwidash/ui/uitest"
)

// TestDemoWiring is what `qiwidash --demo` does (see the package doc):
// receiver first, then the sandbox with its CallbackURL, then the wallet
// webhook registered to the receiver. A test notice arrives at once; a
// wallet payment and a paid bill arrive verified.
func TestDemoWiring(t *testing.T) {
	ctx := context.Background()
	f := NewFeed()
	t.Cleanup(f.Close)
	key := &WebhookKey{}
	recvURL, stop, err := StartReceiver("", f.Config(notify.Config{
		VerifyWebhook: key.Verify, ShopID: msandbox.DemoShopID(), NotifyPassword: msandbox.DemoNotifyPassword(),
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	sb, err := demo.Start("", demo.Options{Seed: 1, End: uitest.Now, Now: func() time.Time { return uitest.Now },
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
	if n, ok := next(t, f).(NoticeMsg); !ok || n.Notice.Outcome != notify.Test {
		t.Fatalf("first message %#v, want the test notice", n)
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
	var wallet *WalletPaymentMsg
	for wallet == nil {
		switch msg := next(t, f).(type) {
		case WalletPaymentMsg:
			wallet = &msg
		case NoticeMsg:
			if msg.Notice.Outcome != notify.Accepted {
				t.Fatalf("wallet notice %+v", msg.Notice)
			}
		}
	}
	if wallet.Event.Type != "OUT" || wallet.Event.Sum != sum {
		t.Errorf("wallet event %+v", wallet.Event)
	}

	merchantAPI, err := pull.NewClient(pull.Credentials{APIID: sb.Creds.MerchantAPIID, APIPassword: sb.Creds.MerchantPassword,
		ShopID: sb.Creds.MerchantShopID}, pull.WithBaseURL(sb.URL), pull.WithClock(func() time.Time { return uitest.Now }))
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
		msg := next(t, f)
		if b, ok := msg.(BillChangedMsg); ok {
			if b.Event.BillID != "wire-1" || b.Event.Status != pull.BillPaid {
				t.Errorf("bill event %+v", b.Event)
			}
			break
		}
	}
}
