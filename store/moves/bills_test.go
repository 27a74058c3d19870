package moves

import (
	"context"
	"errors"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
)

// Issuing a bill again under its id (a lost answer) gets the same bill;
// refunding it is refused until it is paid (a definite no, by the one
// classifier); once paid, a refund under one id is made once however often
// it is followed.
func TestBillsRepeatSafelyAndClassify(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	cr := e.sb.Creds
	c, err := pull.NewClient(pull.Credentials{APIID: cr.MerchantAPIID, APIPassword: cr.MerchantPassword, ShopID: cr.MerchantShopID},
		pull.WithBaseURL(e.sb.URL), pull.WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	b := NewBills(c)
	rub := qiwiapi.Amount{Minor: 10000, Currency: qiwiapi.RUB}
	cb := pull.CreateBill{User: "tel:+79161112233", Amount: rub, Lifetime: testNow.Add(24 * time.Hour)}
	saves := 0
	save := func(context.Context) error { saves++; return nil }
	if a := b.Create(ctx, "qd-0", cb, func(context.Context) error { return errors.New("disk full") }); !errors.Is(a.Err, ErrNotSaved) || a.Verdict == Refused {
		t.Fatalf("an unsaved bill: %+v", a)
	}
	first := b.Create(ctx, "qd-1", cb, save)
	again := b.Create(ctx, "qd-1", cb, save)
	if first.Err != nil || again.Err != nil || first.Bill.Status != pull.BillWaiting || again.Bill.Status != pull.BillWaiting {
		t.Fatalf("create: %+v / %+v", first, again)
	}
	if saves != 2 {
		t.Errorf("saved %d times, want 2", saves)
	}
	if r := b.Refund(ctx, "qd-1", "r1", rub, nil); r.Err == nil || r.Verdict == Unknown {
		t.Fatalf("a refund of an unpaid bill: %+v", r)
	}
	if err := e.sb.Merchant.PayBill(cr.MerchantShopID, "qd-1"); err != nil {
		t.Fatal(err)
	}
	part := qiwiapi.Amount{Minor: 4000, Currency: qiwiapi.RUB}
	if r := b.Refund(ctx, "qd-1", "r2", part, save); r.Err != nil {
		t.Fatalf("refund: %v", r.Err)
	}
	for range 2 {
		if r := b.FollowRefund(ctx, "qd-1", "r2", part, true); r.Err != nil || r.Refund.Amount != part {
			t.Fatalf("follow: %+v", r)
		}
	}
	if got := b.Get(ctx, "qd-1"); got.Err != nil || got.Bill.Status != pull.BillPaid {
		t.Fatalf("get: %+v", got)
	}
	if got := b.Cancel(ctx, "qd-1"); got.Err == nil {
		t.Fatal("a paid bill was cancelled")
	}
}
