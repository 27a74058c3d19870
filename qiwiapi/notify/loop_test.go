package notify_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sandbox/merchant"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestFullLoop: create a bill -> the sandbox pays it -> the signed callback
// reaches the receiver (the first delivery meets a store failure and is
// repeated) -> the sink sees "paid" once -> partial refund -> success ->
// over-refund 242 -> the exact rest is accepted.
func TestFullLoop(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)}
	const notifyPassword = "n0tify-pw"

	store := &sink{failFor: 1}
	feed := &observer{}
	rc := notify.New(notify.Config{
		ShopID: merchant.DemoShopID(), NotifyPassword: notifyPassword, MerchantAuth: notify.AuthHMAC,
		Sink: store, Observe: feed.Observe, VerifyWebhook: testVerifier(hookKey),
	})
	mux := http.NewServeMux()
	mux.Handle("/qiwi/webhook", rc)
	mux.Handle("/qiwi/bill", rc)
	recv := httptest.NewServer(mux)
	defer recv.Close()

	sb := merchant.New(merchant.Options{
		Seed: 42, Now: clk.Now, CallbackURL: recv.URL + "/qiwi/bill", CallbackAuth: merchant.CallbackHMAC,
		CallbackPassword: notifyPassword, CallbackRetryDelay: func(int) time.Duration { return time.Millisecond },
	})
	defer sb.Close()
	api := httptest.NewServer(sb)
	defer api.Close()

	client, err := pull.NewClient(pull.Credentials{
		APIID: merchant.DemoAPIID(), APIPassword: merchant.DemoAPIPassword(), ShopID: merchant.DemoShopID(),
	}, pull.WithBaseURL(api.URL), pull.WithRetry(2, 0), pull.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}

	amount, _ := qiwiapi.ParseAmount("1000.00", qiwiapi.RUB)
	bill, _, err := client.Bills.Create(ctx, "LOOP-1", &pull.CreateBill{
		User: "+79161234567", Amount: amount, Comment: "Order 77", Lifetime: clk.Now().Add(24 * time.Hour), PrvName: "Loop shop",
	})
	if err != nil || bill.Status != pull.BillWaiting {
		t.Fatalf("create: %+v %v", bill, err)
	}
	if u := client.CheckoutURL(bill.BillID, nil); u != "https://oplata.qiwi.com/form?shop=373712&transaction=LOOP-1" {
		t.Errorf("checkout %s", u)
	}

	if err := sb.PayBill(merchant.DemoShopID(), "LOOP-1"); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := sb.WaitCallbacks(wctx); err != nil {
		t.Fatal(err)
	}
	att := sb.Callbacks()
	if len(att) != 2 || att[0].ResultCode != notify.ResultServerError || !att[1].Delivered {
		t.Fatalf("deliveries: %+v", att)
	}
	got := store.Bills()
	if len(got) != 1 || got[0].BillID != "LOOP-1" || got[0].Status != pull.BillPaid || got[0].Amount != amount ||
		got[0].Auth != "hmac" || got[0].PrvName != "Loop shop" || got[0].Comment != "Order 77" {
		t.Fatalf("sink saw %+v", got)
	}
	if n := feed.Last(); n.Kind != notify.KindBill || n.Outcome != notify.Accepted || n.ID != "LOOP-1" || n.Status != "paid" {
		t.Errorf("feed %+v", n)
	}

	paid, _, err := client.Bills.Get(ctx, "LOOP-1")
	if err != nil || paid.Status != pull.BillPaid || paid.OriginAmount == nil || *paid.OriginAmount != amount {
		t.Fatalf("status: %+v %v", paid, err)
	}

	part, _ := qiwiapi.ParseAmount("400", qiwiapi.RUB)
	r, _, err := client.Refunds.Create(ctx, "LOOP-1", "P1", part)
	if err != nil || r.Status != pull.RefundProcessing || r.Amount != part {
		t.Fatalf("refund: %+v %v", r, err)
	}
	clk.Advance(10 * time.Second)
	r, _, err = client.Refunds.Get(ctx, "LOOP-1", "P1", qiwiapi.RUB)
	if err != nil || r.Status != pull.RefundSuccess {
		t.Fatalf("refund status: %+v %v", r, err)
	}

	over, _ := qiwiapi.ParseAmount("600.01", qiwiapi.RUB)
	_, _, err = client.Refunds.Create(ctx, "LOOP-1", "P2", over)
	var er *pull.ErrorResponse
	if !errors.As(err, &er) || er.Code != pull.CodeAmountTooLarge || !er.Fatal() {
		t.Fatalf("over-refund: %v", err)
	}
	// The refused refund keeps its refund_id (issue 11 item 14): the rest
	// goes under a new one.
	rest, _ := qiwiapi.ParseAmount("600", qiwiapi.RUB)
	if _, _, err := client.Refunds.Create(ctx, "LOOP-1", "P3", rest); err != nil {
		t.Fatalf("rest: %v", err)
	}
	if len(store.Bills()) != 1 {
		t.Error("refunds produced bill callbacks")
	}
}
