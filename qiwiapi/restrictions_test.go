package qiwiapi_test

import (
	"errors"
	"testing"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
)

// A wallet whose outgoing payments are restricted reads the restriction
// and is refused a payment with the documented code 319 in QIWI's
// words; nothing is sent. Run against the default and the strict sandbox
// (TestMain).
func TestSandboxRestrictedWalletCannotPay(t *testing.T) {
	e := newEnv(t)
	e.sb.Server.SetRestrictions(e.wallet, sandbox.Restriction{Code: sandbox.RestrictOutgoing, Description: "Outgoing payments are restricted"})
	rs, _, err := e.c.Profile.Restrictions(e.ctx, e.wallet)
	if err != nil || len(rs) != 1 || rs[0].Code != "OUTGOING_PAYMENTS" {
		t.Fatalf("restrictions %+v, %v", rs, err)
	}
	before, _ := e.sb.Server.Balance(e.wallet, 643)
	p, _ := qiwiapi.WalletTransfer(qiwiapi.NewIDGenerator(0, nil).Next(), "+"+e.sb.Server.OtherWallets()[0], rub("100"), "")
	info, _, err := e.c.Payments.Pay(e.ctx, p)
	var apiErr *qiwiapi.Error
	if !errors.As(err, &apiErr) || info != nil {
		t.Fatalf("pay from a restricted wallet: %+v, %v", info, err)
	}
	if code, ok := apiErr.PaymentCode(); !ok || code != 319 || !errors.Is(err, qiwiapi.ErrValidation) {
		t.Fatalf("code %q (status %d), want QWPRC-319", apiErr.Code, apiErr.StatusCode)
	}
	if apiErr.Own() == "" {
		t.Fatalf("QIWI's words are lost: %v", err)
	}
	if after, _ := e.sb.Server.Balance(e.wallet, 643); after != before || e.sb.Server.PaymentCount(e.wallet) != 0 {
		t.Fatalf("a refused payment moved %d kopecks", before-after)
	}
}
