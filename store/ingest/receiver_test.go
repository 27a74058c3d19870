package ingest

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/store"
	"qiwidash/store/ingest/ingesttest"
)

const (
	hookKey    = "JcyVhjHCvHQwufz+IHXolyqHgEc5MoayBfParl6Guoc="
	shopID     = "373712"
	notifyPass = "test"
)

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func openStore(t testing.TB, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path, store.Options{Keyring: noKeyring{}, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestReceiverVerifiesAndRefuses sends real HTTP notifications to the
// receiver: good ones are verified and handed on once, replays are
// acknowledged as repeats, tampered or unauthenticated ones are refused;
// every one reaches the subscriber with its verdict and reason.
func TestReceiverVerifiesAndRefuses(t *testing.T) {
	key := &WebhookKey{}
	st := openStore(t, filepath.Join(t.TempDir(), "q.db"))
	t.Cleanup(func() { st.Close() })
	var mu sync.Mutex
	var payments, billIDs []string
	in := New(Options{Store: st, Wallet: "79031234567",
		Checks: notify.Config{VerifyWebhook: key.Verify, ShopID: shopID, NotifyPassword: notifyPass},
		OnWalletPayment: func(w string, txn int64) {
			mu.Lock()
			payments = append(payments, fmt.Sprintf("%s/%d", w, txn))
			mu.Unlock()
		},
		OnBill: func(id string) { mu.Lock(); billIDs = append(billIDs, id); mu.Unlock() },
	})
	sub := in.Subscribe(0)
	base, err := in.Start("")
	if err != nil {
		t.Fatal(err)
	}
	hook, bill := base+notify.DefaultWebhookPath, base+notify.DefaultBillPath

	in1 := ingesttest.WalletBody(t, hookKey, "m-1", "1001", "IN", "150.5")
	if got := ingesttest.Post(t, hook, in1, nil); got != http.StatusForbidden {
		t.Errorf("webhook before the key is known: HTTP %d", got)
	}
	key.Set(hookKey)
	ingesttest.Post(t, hook, in1, nil)                                                                         // verified
	ingesttest.Post(t, hook, in1, nil)                                                                         // replay
	ingesttest.Post(t, hook, []byte(strings.Replace(string(in1), `"amount":150.5`, `"amount":15050`, 1)), nil) // tampered sum
	ingesttest.Post(t, hook, ingesttest.WalletBody(t, hookKey, "m-2", "1002", "OUT", "70"), nil)               // verified, outgoing

	good := ingesttest.BillForm("qd-1", "paid", "100.00")
	sig := notify.SignBill(notifyPass, good)
	ingesttest.Post(t, bill, []byte(good.Encode()), map[string]string{"X-Api-Signature": sig}) // verified
	ingesttest.Post(t, bill, []byte(good.Encode()), map[string]string{"X-Api-Signature": sig}) // replay
	forged := ingesttest.BillForm("qd-1", "paid", "1000.00")
	ingesttest.Post(t, bill, []byte(forged.Encode()), map[string]string{"X-Api-Signature": sig}) // tampered
	ingesttest.Post(t, bill, []byte(ingesttest.BillForm("qd-2", "paid", "5.00").Encode()), map[string]string{"Authorization": basic(shopID, "guess")})
	ingesttest.Post(t, bill, []byte(ingesttest.BillForm("qd-3", "rejected", "5.00").Encode()), map[string]string{"Authorization": basic(shopID, notifyPass)})
	if err := in.Close(); err != nil { // the callbacks queued so far run before Close returns
		t.Fatal(err)
	}

	var events []Event
	for e := range sub.Events() {
		events = append(events, e)
	}
	const notices = 10
	if len(events) != notices || sub.Dropped() != 0 {
		t.Fatalf("%d events, %d dropped", len(events), sub.Dropped())
	}
	var wallets, bills, reasons []string
	verified, rejected := 0, 0
	for _, e := range events {
		switch e.Outcome {
		case notify.Accepted, notify.Duplicate, notify.Failed:
			verified++
		case notify.Rejected:
			rejected++
			reasons = append(reasons, e.Reason)
		}
		if !e.Applied() {
			continue
		}
		if e.Wallet != nil {
			wallets = append(wallets, e.Wallet.MessageID)
			if e.StatusConfirmed {
				t.Errorf("a webhook's status taken as confirmed: %+v", e.Wallet)
			}
		}
		if e.Bill != nil {
			bills = append(bills, e.Bill.BillID+"/"+string(e.Bill.Status)+"/"+e.Bill.Auth)
		}
	}
	if strings.Join(wallets, ",") != "m-1,m-2" {
		t.Errorf("wallet payments handed on: %v", wallets)
	}
	if strings.Join(bills, ",") != "qd-1/paid/hmac,qd-3/rejected/basic" {
		t.Errorf("bill changes handed on: %v", bills)
	}
	if verified != 6 || rejected != 4 { // the 2 repeats were verified too
		t.Errorf("%d verified, %d rejected", verified, rejected)
	}
	got := strings.Join(reasons, "\n")
	for _, want := range []string{
		"signature check failed: the webhook key is not known yet",
		"signature check failed: " + qiwiapi.ErrBadSignature.Error(),
		"X-Api-Signature mismatch",
		`wrong Basic credentials for user "373712"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("reasons lack %q:\n%s", want, got)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(payments, ",") != "79031234567/1001,79031234567/1002" || strings.Join(billIDs, ",") != "qd-1,qd-3" {
		t.Errorf("callbacks: payments %v, bills %v", payments, billIDs)
	}
}

// TestReplayRecognisedAcrossRestarts: a genuine webhook sent again with a
// new messageId (not signed) is the same payment: acknowledged as a repeat
// and not applied, in the same run and after the store is reopened by a
// new receiver. The same holds for a bill callback.
func TestReplayRecognisedAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.db")
	key := &WebhookKey{}
	key.Set(hookKey)
	checks := notify.Config{VerifyWebhook: key.Verify, ShopID: shopID, NotifyPassword: notifyPass}
	good := ingesttest.BillForm("qd-7", "paid", "10.00")
	sig := map[string]string{"X-Api-Signature": notify.SignBill(notifyPass, good)}

	run := func(msgIDs ...string) (outcomes []notify.Outcome, calls int) {
		st := openStore(t, path)
		defer st.Close()
		in := New(Options{Store: st, Checks: checks,
			OnWalletPayment: func(string, int64) { calls++ }, OnBill: func(string) { calls++ }})
		sub := in.Subscribe(0)
		base, err := in.Start("")
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range msgIDs {
			if got := ingesttest.Post(t, base+notify.DefaultWebhookPath, ingesttest.WalletBody(t, hookKey, id, "2001", "IN", "99.99"), nil); got != http.StatusOK {
				t.Errorf("webhook %s: HTTP %d (QIWI must stop resending a repeat)", id, got)
			}
		}
		ingesttest.Post(t, base+notify.DefaultBillPath, []byte(good.Encode()), sig)
		in.Close()
		for e := range sub.Events() {
			outcomes = append(outcomes, e.Outcome)
		}
		return outcomes, calls
	}
	first, calls := run("m-1", "m-2")
	if fmt.Sprint(first) != "[accepted duplicate accepted]" || calls != 2 {
		t.Fatalf("first run: %v, %d callbacks", first, calls)
	}
	second, calls := run("m-3")
	if fmt.Sprint(second) != "[duplicate duplicate]" || calls != 0 {
		t.Fatalf("after a restart: %v, %d callbacks", second, calls)
	}
	st := openStore(t, path)
	defer st.Close()
	seen, err := st.Notifications(context.Background(), "wallet", "79031234567", 0)
	if err != nil || len(seen) != 1 || seen[0].MessageID != "m-1" || seen[0].Ref != "2001" {
		t.Errorf("recorded payments %+v %v", seen, err)
	}
}

// TestSlowBodyIsCutOff: a client that sends its headers and then the body
// a byte at a time is disconnected by the read timeout instead of holding
// the receiver; an idle keep-alive connection is closed too.
func TestSlowBodyIsCutOff(t *testing.T) {
	in := New(Options{Limits: Limits{ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 300 * time.Millisecond,
		IdleTimeout: 300 * time.Millisecond}})
	t.Cleanup(func() { in.Close() })
	sub := in.Subscribe(0)
	base, err := in.Start("")
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(base, "http://")

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{", notify.DefaultWebhookPath)
	// Keep trickling; the server must hang up long before 1000 bytes.
	closed := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, conn) // returns when the server closes
		closed <- err
	}()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	sent := 1
	for hungUp := false; !hungUp; {
		select {
		case err := <-closed:
			if err != nil && !isReset(err) {
				t.Fatalf("reading: %v", err)
			}
			hungUp = true
		case <-tick.C:
			if sent >= 999 {
				t.Fatal("the server took a 1000-byte body at one byte per tick")
			}
			if _, err := conn.Write([]byte(" ")); err == nil {
				sent++
			}
		}
	}
	e := <-sub.Events()
	if e.Outcome != notify.Rejected || !strings.Contains(e.Reason, "reading body") {
		t.Errorf("the slow request was judged %s: %s", e.Outcome, e.Reason)
	}

	// Idle: one request on a keep-alive connection, then silence.
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	fmt.Fprintf(idle, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", notify.DefaultWebhookPath)
	br := bufio.NewReader(idle)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Close {
		t.Fatalf("GET: %d, close %v", resp.StatusCode, resp.Close)
	}
	if _, err := br.ReadByte(); err != io.EOF && (err == nil || !isReset(err)) {
		t.Fatalf("an idle connection stayed open: %v", err)
	}
}

func isReset(err error) bool {
	return strings.Contains(err.Error(), "reset by peer") || strings.Contains(err.Error(), "broken pipe")
}

// TestSlowSubscriberNeverBlocks: a subscriber that reads nothing loses
// events (counted), while the receiver answers every notification and the
// other subscribers get them all.
func TestSlowSubscriberNeverBlocks(t *testing.T) {
	in := New(Options{Checks: notify.Config{ShopID: shopID, NotifyPassword: notifyPass}})
	slow, fast := in.Subscribe(1), in.Subscribe(64)
	base, err := in.Start("")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		f := ingesttest.BillForm(fmt.Sprintf("qd-%d", i), "paid", "1.00")
		ingesttest.Post(t, base+notify.DefaultBillPath, []byte(f.Encode()), map[string]string{"X-Api-Signature": notify.SignBill(notifyPass, f)})
	}
	in.Close()
	n := 0
	for range fast.Events() {
		n++
	}
	if n != 10 || fast.Dropped() != 0 || slow.Dropped() != 9 {
		t.Errorf("fast got %d (dropped %d), slow dropped %d", n, fast.Dropped(), slow.Dropped())
	}
}
