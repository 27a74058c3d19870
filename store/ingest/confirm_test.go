package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/sandbox/demo"
	"qiwidash/store"
	"qiwidash/store/ingest/ingesttest"
)

// confirmRig is a receiver with a store whose Confirm answers what the
// test says, when the test says.
type confirmRig struct {
	in      *Ingest
	st      *store.Store
	sub     *Subscription
	hook    string
	mu      sync.Mutex
	log     []string // "confirm 1001 IN", "callback 1001", in call order
	answers chan confirmAnswer
}

type confirmAnswer struct {
	status string
	err    error
}

func newConfirmRig(t *testing.T) *confirmRig {
	t.Helper()
	r := &confirmRig{answers: make(chan confirmAnswer)}
	r.st = openStore(t, filepath.Join(t.TempDir(), "q.db"))
	t.Cleanup(func() { r.st.Close() })
	key := &WebhookKey{}
	key.Set(hookKey)
	r.in = New(Options{Store: r.st, Wallet: "79031234567", Checks: notify.Config{VerifyWebhook: key.Verify},
		Confirm: func(ctx context.Context, wallet string, txn int64, typ string) (string, error) {
			r.record("confirm %s %d %s", wallet, txn, typ)
			a := <-r.answers
			return a.status, a.err
		},
		OnWalletPayment: func(wallet string, txn int64) { r.record("callback %s %d", wallet, txn) },
	})
	t.Cleanup(func() { r.in.Close() })
	r.sub = r.in.Subscribe(0)
	base, err := r.in.Start("")
	if err != nil {
		t.Fatal(err)
	}
	r.hook = base + notify.DefaultWebhookPath
	return r
}

func (r *confirmRig) record(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, strings.TrimSpace(fmt.Sprintf(format, args...)))
}

func (r *confirmRig) calls() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.log, "; ")
}

// savedStatus is the status the store recorded for the wallet's only
// notification of txn.
func (r *confirmRig) savedStatus(t *testing.T, txn string) string {
	t.Helper()
	ns, err := r.st.Notifications(context.Background(), "wallet", "79031234567", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.Ref == txn {
			return n.Status
		}
	}
	t.Fatalf("no notification of %s saved", txn)
	return ""
}

func withStatus(body []byte, status string) []byte {
	return bytes.Replace(body, []byte(`"status":"SUCCESS"`), []byte(`"status":"`+status+`"`), 1)
}

// TestWalletStatusConfirmedByTheAPI: a verified SUCCESS webhook is first
// published, printed and stored as "signature ok, status not yet
// confirmed" ("SUCCESS?" in the store); the API is asked, and only its
// answer makes the status confirmed (a second event, the store says
// SUCCESS); the payment callback runs after the check.
func TestWalletStatusConfirmedByTheAPI(t *testing.T) {
	r := newConfirmRig(t)
	if code := ingesttest.Post(t, r.hook, ingesttest.WalletBody(t, hookKey, "m-1", "1001", "IN", "150.5"), nil); code != 200 {
		t.Fatalf("HTTP %d", code)
	}
	first := next(t, r.sub)
	if !first.Applied() || first.FollowUp || first.StatusConfirmed || first.Confirmation != NotYetConfirmed {
		t.Fatalf("first event %+v", first)
	}
	if l := Line(nil, first); !strings.Contains(l, "verified  id=m-1  status=SUCCESS (signature ok, status not yet confirmed)") {
		t.Errorf("first line %q", l)
	}
	waitFor(t, "the check", func() bool { return r.calls() == "confirm 79031234567 1001 IN" })
	if s := r.savedStatus(t, "1001"); s != "SUCCESS?" {
		t.Errorf("stored before the check: %q", s)
	}
	r.answers <- confirmAnswer{status: "SUCCESS"}
	second := next(t, r.sub)
	if !second.FollowUp || second.Applied() || !second.StatusConfirmed || second.Confirmation != Confirmed || second.Wallet.TxnID != "1001" {
		t.Fatalf("second event %+v", second)
	}
	if l := Line(nil, second); !strings.Contains(l, "status checked with the API  id=m-1  status=SUCCESS (signature ok, status confirmed)") {
		t.Errorf("second line %q", l)
	}
	waitFor(t, "the callback", func() bool { return strings.Count(r.calls(), ";") == 1 })
	if got := r.calls(); got != "confirm 79031234567 1001 IN; callback 79031234567 1001" {
		t.Errorf("calls %q", got)
	}
	if s := r.savedStatus(t, "1001"); s != "SUCCESS" {
		t.Errorf("stored after the check: %q", s)
	}
}

// TestWalletStatusContradictedOrUnconfirmed: when the API gives another
// status, that is what is said and stored; when it cannot be asked, the
// status stays unconfirmed, in words; a WAITING webhook asks nothing.
func TestWalletStatusContradictedOrUnconfirmed(t *testing.T) {
	r := newConfirmRig(t)
	ingesttest.Post(t, r.hook, ingesttest.WalletBody(t, hookKey, "m-1", "1001", "IN", "150.5"), nil)
	next(t, r.sub)
	r.answers <- confirmAnswer{status: "WAITING"}
	e := next(t, r.sub)
	if e.Confirmation != Contradicted || e.StatusConfirmed || e.APIStatus != "WAITING" ||
		!strings.Contains(Line(nil, e), "status=SUCCESS (signature ok, QIWI says WAITING)") {
		t.Errorf("contradicted: %+v\n%s", e, Line(nil, e))
	}
	if s := r.savedStatus(t, "1001"); s != "WAITING" {
		t.Errorf("stored: %q", s)
	}

	ingesttest.Post(t, r.hook, withStatus(ingesttest.WalletBody(t, hookKey, "m-2", "1002", "OUT", "70"), "ERROR"), nil)
	next(t, r.sub)
	r.answers <- confirmAnswer{err: errors.New("QIWI history paused until 14:05 (request limit)")}
	e = next(t, r.sub)
	if e.Confirmation != NotConfirmed || e.StatusConfirmed ||
		!strings.Contains(Line(nil, e), "status=ERROR (signature ok, status not confirmed: QIWI history paused until 14:05 (request limit))") {
		t.Errorf("not confirmed: %+v\n%s", e, Line(nil, e))
	}
	if s := r.savedStatus(t, "1002"); s != "ERROR?" {
		t.Errorf("stored: %q", s)
	}

	ingesttest.Post(t, r.hook, withStatus(ingesttest.WalletBody(t, hookKey, "m-3", "1003", "IN", "5"), "WAITING"), nil)
	if e := next(t, r.sub); e.Confirmation != NotYetConfirmed || !strings.Contains(Line(nil, e), "status=WAITING (signature ok, status not yet confirmed)") {
		t.Errorf("waiting: %+v", e)
	}
	waitFor(t, "the callback", func() bool { return strings.HasSuffix(r.calls(), "callback 79031234567 1003") })
	if strings.Contains(r.calls(), "confirm 79031234567 1003") {
		t.Errorf("a WAITING status was sent to the API: %s", r.calls())
	}
}

// TestDemoLieContradictedByHistory wires Confirm to the wallet's history
// (ConfirmWithAPI) against the demo sandbox over loopback. The status is
// not signed, so a genuine WAITING webhook replayed with "SUCCESS" still
// has a valid hash (issue 10: "verified SUCCESS" could be a lie): the
// history says WAITING, and so do the event and `listen`.
func TestDemoLieContradictedByHistory(t *testing.T) {
	ctx := context.Background()
	key := &WebhookKey{}
	var api *qiwiapi.Client
	in := New(Options{Checks: notify.Config{VerifyWebhook: key.Verify},
		Confirm: func(ctx context.Context, wallet string, txn int64, typ string) (string, error) {
			return ConfirmWithAPI(api.History)(ctx, wallet, txn, typ)
		}})
	t.Cleanup(func() { in.Close() })
	f := in.Subscribe(0)
	recvURL, err := in.Start("")
	if err != nil {
		t.Fatal(err)
	}
	sb, err := demo.Start("", demo.Options{Seed: 1, End: sandboxNow, Now: func() time.Time { return sandboxNow },
		SettleDelay: time.Hour, HistoryPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	if api, err = qiwiapi.NewClient(sb.Creds.WalletToken, qiwiapi.WithBaseURL(sb.URL)); err != nil {
		t.Fatal(err)
	}
	if err := RegisterWebhook(ctx, api, recvURL+notify.DefaultWebhookPath, key); err != nil {
		t.Fatal(err)
	}
	next(t, f) // the test notice
	sum, _ := qiwiapi.ParseAmount("100", qiwiapi.RUB)
	if _, _, err := api.Payments.Pay(ctx, qiwiapi.Payment{Provider: 99, ID: "1795165200002", Sum: sum,
		Fields: map[string]string{"account": "+79161112233"}}); err != nil {
		t.Fatal(err)
	}
	waiting := next(t, f)
	if waiting.Wallet == nil || waiting.Wallet.Status != "WAITING" {
		t.Fatalf("first payment event: %s", Line(nil, waiting))
	}
	lie := bytes.Replace(waiting.Wallet.Raw, []byte(`"status":"WAITING"`), []byte(`"status":"SUCCESS"`), 1)
	lie = bytes.Replace(lie, []byte(waiting.Wallet.MessageID), []byte("lie-1"), 1)
	if code := ingesttest.Post(t, recvURL+notify.DefaultWebhookPath, lie, nil); code != 200 {
		t.Fatalf("the replayed body: HTTP %d", code)
	}
	claimed := next(t, f)
	if !claimed.Applied() || claimed.StatusConfirmed || !strings.Contains(Line(nil, claimed), "status=SUCCESS (signature ok, status not yet confirmed)") {
		t.Fatalf("claimed: %s", Line(nil, claimed))
	}
	checked := next(t, f)
	if !checked.FollowUp || checked.Confirmation != Contradicted || checked.APIStatus != "WAITING" || checked.StatusConfirmed ||
		!strings.Contains(Line(nil, checked), "status=SUCCESS (signature ok, QIWI says WAITING)") {
		t.Errorf("checked: %+v\n%s", checked, Line(nil, checked))
	}
}
