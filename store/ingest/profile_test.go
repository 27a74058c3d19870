package ingest

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sandbox/demo"
	msandbox "qiwidash/qiwiapi/sandbox/merchant"
	"qiwidash/store"
	"qiwidash/store/bills"
	"qiwidash/store/reader"
)

// noKeyring refuses every secret: these tests never need one.
type noKeyring struct{}

func (noKeyring) Get(string, string) (string, error) { return "", errors.New("no keyring in tests") }
func (noKeyring) Set(string, string, string) error   { return errors.New("no keyring in tests") }
func (noKeyring) Delete(string, string) error        { return errors.New("no keyring in tests") }

// freeAddr reserves a loopback port for a receiver that must be known
// before the sandbox (its callback URL) and started after it (its clients).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestProfileReceiverWritesStore is --listen (and 'listen --profile') for a
// real profile: the user registered the webhook (nothing here registers
// one), the receiver learns its key, and what it accepts lands in the
// store: a wallet payment recorded and, through OnWalletPayment, a history
// sync; bill callbacks as statuses in the bill records, and OnBill.
func TestProfileReceiverWritesStore(t *testing.T) {
	ctx := context.Background()
	addr := freeAddr(t)
	base := "http://" + addr
	sb, err := demo.Start("", demo.Options{Seed: 1, SettleDelay: time.Millisecond, HistoryPerMinute: -1, CallbackURL: base + notify.DefaultBillPath})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	st, err := store.Open(filepath.Join(t.TempDir(), "q.db"), store.Options{Keyring: noKeyring{}, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cr := sb.Creds
	api, err := qiwiapi.NewClient(cr.WalletToken, qiwiapi.WithBaseURL(sb.URL))
	if err != nil {
		t.Fatal(err)
	}
	mapi, err := pull.NewClient(pull.Credentials{APIID: cr.MerchantAPIID, APIPassword: cr.MerchantPassword, ShopID: cr.MerchantShopID}, pull.WithBaseURL(sb.URL))
	if err != nil {
		t.Fatal(err)
	}

	// The cache holds the history as it was before the notification.
	rd := reader.New(reader.Options{Store: st, API: api.History, Wallet: cr.Wallet, NoFill: true})
	if _, err := rd.Page(ctx, reader.Query{}, nil); err != nil {
		t.Fatal(err)
	}

	synced := make(chan error, 8)
	billsCalled := make(chan string, 8)
	pr := NewProfile(api.Webhooks, true, cr.MerchantShopID, msandbox.DemoNotifyPassword())
	if err := pr.Learn(ctx); !errors.Is(err, ErrNoActiveHook) || !strings.Contains(pr.Status(), "No wallet webhook is active") {
		t.Fatalf("no hook yet: %v, status %q", err, pr.Status())
	}
	pr.Hook.RelearnInterval = time.Nanosecond // the test registers within a millisecond, a user within seconds
	// The user registers the public URL (the Webhooks screen does this).
	if _, _, err := api.Webhooks.Register(ctx, base+notify.DefaultWebhookPath, qiwiapi.HookBoth); err != nil {
		t.Fatal(err)
	}
	var payments []string
	in := New(Options{Checks: pr.Checks(notify.Config{}), Store: st, Wallet: cr.Wallet,
		OnWalletPayment: func(wallet string, txnID int64) {
			payments = append(payments, wallet+"/"+strconv.FormatInt(txnID, 10))
			rd.Stale()
			_, err := rd.Refresh(ctx)
			synced <- err
		},
		OnBill: func(id string) { billsCalled <- id },
	})
	url, err := in.Start(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	if url != base {
		t.Fatalf("receiver at %s, want %s", url, base)
	}

	// A webhook for the new hook passes: its key is read when it arrives
	// (no key was known), without registering anything.
	sb.Wallet.ResetRequests()
	txn := sb.Wallet.AddIncoming(cr.Wallet, 12345, 643, sb.Wallet.OtherWallets()[0])
	if txn == "" {
		t.Fatal("no incoming transfer")
	}
	select {
	case err := <-synced:
		if err != nil {
			t.Fatalf("background sync: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no sync after the webhook; status %q", pr.Status())
	}
	var historyCalls, registers int
	for _, r := range sb.Wallet.Requests() {
		switch {
		case strings.Contains(r.Path, "/payment-history/") && strings.HasSuffix(r.Path, "/payments"):
			historyCalls++
		case r.Method == "PUT" && strings.Contains(r.Path, "/hooks"):
			registers++
		}
	}
	if historyCalls == 0 || registers != 0 {
		t.Fatalf("sandbox saw %d history list call(s), %d hook registration(s); want >0 and 0", historyCalls, registers)
	}
	id, _ := strconv.ParseInt(txn, 10, 64)
	got, err := st.Cached(ctx, cr.Wallet, id, qiwiapi.TypeIn)
	if err != nil || got.Sum.Minor != 12345 {
		t.Fatalf("the new transaction is not cached: %+v %v", got, err)
	}
	if !strings.Contains(pr.Status(), "checked with the key of the active webhook") {
		t.Errorf("status after learning: %q", pr.Status())
	}
	if want := cr.Wallet + "/" + txn; len(payments) != 1 || payments[0] != want {
		t.Errorf("OnWalletPayment got %v, want [%s]", payments, want)
	}
	if seen, err := st.Notifications(ctx, "wallet", cr.Wallet, 0); err != nil || len(seen) != 1 || seen[0].Ref != txn || seen[0].Amount.Minor != 12345 {
		t.Errorf("the wallet payment is not recorded: %+v %v", seen, err)
	}

	// Bills: one issued from here (in the store, waiting) and one the
	// store never saw (issued by another client).
	kind := bills.Kind(cr.MerchantShopID)
	sum := qiwiapi.Amount{Minor: 50000, Currency: qiwiapi.RUB}
	for _, id := range []string{"known-1", "other-1"} {
		b, _, err := mapi.Bills.Create(ctx, id, &pull.CreateBill{User: "tel:+79161234567", Amount: sum, Comment: "c " + id, Lifetime: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if id == "known-1" {
			if err := st.Put(ctx, kind, id, bills.Bill{ID: id, Payer: "tel:+79161234567", Amount: sum, Created: time.Now(), Status: b.Status, Lifetime: time.Now().Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := sb.Merchant.PayBill(cr.MerchantShopID, id); err != nil {
			t.Fatal(err)
		}
	}
	byID := map[string]bills.Bill{}
	waitFor(t, "both bills paid in the store", func() bool {
		recs, err := st.List(ctx, kind, store.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			var b bills.Bill
			if err := r.Decode(&b); err != nil {
				t.Fatal(err)
			}
			byID[b.ID] = b
		}
		return byID["known-1"].Status == pull.BillPaid && byID["other-1"].Status == pull.BillPaid
	})
	if k := byID["known-1"]; !k.ViaCallback || k.Lifetime.IsZero() || k.Updated.IsZero() {
		t.Errorf("known bill lost its fields or the callback mark: %+v", k)
	}
	if o := byID["other-1"]; !o.ViaCallback || o.Amount != sum || o.Payer == "" || o.Comment != "c other-1" {
		t.Errorf("bill seen only from its callback: %+v", o)
	}
	heard := map[string]bool{}
	for len(heard) < 2 {
		select {
		case id := <-billsCalled:
			heard[id] = true
		case <-time.After(10 * time.Second):
			t.Fatalf("OnBill heard of %v only", heard)
		}
	}
	if !heard["known-1"] || !heard["other-1"] {
		t.Errorf("OnBill heard of %v", heard)
	}
}

// fakeHooks is a HookAPI whose active hook the test sets.
type fakeHooks struct {
	hook  *qiwiapi.Hook
	key   string
	reads int
}

func (f *fakeHooks) Active(context.Context) (*qiwiapi.Hook, *qiwiapi.Response, error) {
	f.reads++
	if f.hook == nil {
		return nil, nil, qiwiapi.ErrNotFound
	}
	return f.hook, nil, nil
}

func (f *fakeHooks) Key(context.Context, string) (string, *qiwiapi.Response, error) {
	return f.key, nil, nil
}

func TestActiveHookKeyRelearnsSparingly(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	api := &fakeHooks{}
	a := NewActiveHookKey(api)
	a.Now = func() time.Time { return now }
	if err := a.Learn(context.Background()); !errors.Is(err, ErrNoActiveHook) {
		t.Fatal(err)
	}
	signed, hash := "643|1|IN|+79161112233|1", "x"
	if err := a.Verify(signed, hash); err == nil || !strings.Contains(err.Error(), "no wallet webhook is active") {
		t.Fatalf("verify without a hook: %v", err)
	}
	if api.reads != 1 {
		t.Fatalf("re-read at once after the first read: %d reads", api.reads)
	}
	api.hook = &qiwiapi.Hook{HookID: "h1"}
	api.hook.HookParameters.URL = "https://example.org/qiwi/webhook"
	api.key = "c2VjcmV0"
	now = now.Add(NoKeyRelearnInterval)
	a.Verify(signed, hash) // unsigned: refused, but the hook is read again
	if api.reads != 2 || !strings.Contains(a.Status(nil), "https://example.org/qiwi/webhook") {
		t.Fatalf("after the hook appeared: %d reads, status %q", api.reads, a.Status(nil))
	}
	now = now.Add(NoKeyRelearnInterval)
	a.Verify(signed, hash) // a key is known: the next re-read waits longer
	if api.reads != 2 {
		t.Fatalf("re-read too soon with a key known: %d reads", api.reads)
	}
	now = now.Add(DefaultRelearnInterval)
	a.Verify(signed, hash)
	if api.reads != 3 {
		t.Fatalf("no re-read after the interval: %d reads", api.reads)
	}
}
