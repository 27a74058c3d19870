package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
)

func historyRequests(reqs []sandbox.Request) []sandbox.Request {
	var out []sandbox.Request
	for _, r := range reqs {
		if strings.HasPrefix(r.Path, "/payment-history/v2/persons/") && strings.HasSuffix(r.Path, "/payments") {
			out = append(out, r)
		}
	}
	return out
}

func TestSyncAgainstSandbox(t *testing.T) {
	ctx := context.Background()
	sb, end := startSandbox(t, 1500)
	srv := sb.Server
	srv.SettleNow()
	wallet := srv.DemoWallet()
	cl := newClient(t, sb.URL, srv.DemoToken())
	st := openTest(t)
	sy := &Syncer{Store: st, API: cl.History, Now: func() time.Time { return end }}

	// First sync: the newest window in full, then every older window.
	srv.ResetRequests()
	res, err := sy.Refresh(ctx, wallet)
	if err != nil {
		t.Fatal(err)
	}
	bf, err := sy.Backfill(ctx, wallet, end.Add(-qiwiapi.MaxHistoryWindow), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if !bf.Complete {
		t.Errorf("backfill did not reach the beginning of history")
	}
	// Requests per window must be ceil(rows in window / 50) (one for an empty window).
	perWindow := map[string]int{}
	windowEnd := map[string]string{}
	for _, r := range historyRequests(srv.Requests()) {
		k := r.Query.Get("startDate")
		perWindow[k]++
		windowEnd[k] = r.Query.Get("endDate")
	}
	if len(perWindow) < 3 {
		t.Fatalf("expected several windows, got %d", len(perWindow))
	}
	total := 0
	for start, got := range perWindow {
		lo, _ := time.Parse(time.RFC3339, start)
		hi, _ := time.Parse(time.RFC3339, windowEnd[start])
		n, err := st.countIn(ctx, wallet, lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		total += n
		want := max(1, (n+49)/50)
		if got != want {
			t.Errorf("window %s..%s: %d rows took %d requests, want %d", start, windowEnd[start], n, got, want)
		}
	}
	sum, err := st.Summary(ctx, wallet, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Count != total || total < 1000 {
		t.Errorf("cached %d rows, windows hold %d", sum.Count, total)
	}
	t.Logf("first sync: %d rows, %d requests (refresh %d)", total, len(historyRequests(srv.Requests())), res.Requests)

	// Nothing new: exactly one request.
	srv.ResetRequests()
	res, err = sy.Refresh(ctx, wallet)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests()); n != 1 || res.Requests != 1 || res.Added != 0 {
		t.Errorf("refresh with nothing new: %d requests (%d counted), %d added; want 1, 1, 0", n, res.Requests, res.Added)
	}

	// A new incoming transfer appears.
	id := srv.AddIncoming(wallet, 12345, 643, "79990000001")
	if id == "" {
		t.Fatal("AddIncoming failed")
	}
	res, err = sy.Refresh(ctx, wallet)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 1 {
		t.Errorf("added %d, want 1", res.Added)
	}
	p, err := st.Page(ctx, wallet, Filter{}, nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Transactions[0]; got.Sum.Minor != 12345 || got.Type != qiwiapi.TypeIn {
		t.Errorf("newest cached = %+v, want the new 123.45 incoming", got.Sum)
	}
	if p.Sync.LastSync.IsZero() || p.Sync.Offline() {
		t.Errorf("sync status %+v", p.Sync)
	}

	// A payment stays WAITING until the sandbox settles it; refresh then makes it final.
	pay := qiwiapi.Payment{Provider: qiwiapi.ProviderWalletTransfer, ID: "1717000000001",
		Sum: qiwiapi.Amount{Minor: 1000, Currency: qiwiapi.RUB}, Fields: map[string]string{"account": "+" + srv.OtherWallets()[0]}}
	info, _, err := cl.Payments.Pay(ctx, pay)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sy.Refresh(ctx, wallet); err != nil {
		t.Fatal(err)
	}
	tx, err := st.Cached(ctx, wallet, info.TxnID(), qiwiapi.TypeOut)
	if err != nil {
		t.Fatal(err)
	}
	if tx.Status != qiwiapi.StatusWaiting {
		t.Fatalf("new payment cached as %s, want WAITING", tx.Status)
	}
	srv.SettleNow()
	srv.ResetRequests()
	if _, err := sy.Refresh(ctx, wallet); err != nil {
		t.Fatal(err)
	}
	tx, _ = st.Cached(ctx, wallet, info.TxnID(), qiwiapi.TypeOut)
	if !tx.Status.Final() {
		t.Errorf("after settle: %s, want final", tx.Status)
	}
	waiting, _ := st.Summary(ctx, wallet, Filter{Statuses: []qiwiapi.TxnStatus{qiwiapi.StatusWaiting}})
	if waiting.Count != 0 {
		t.Errorf("%d WAITING rows left after settle", waiting.Count)
	}

	// Offline: the cache still answers, marked as such.
	sb.Close()
	if _, err := sy.Refresh(ctx, wallet); err == nil {
		t.Fatal("refresh against a closed sandbox succeeded")
	}
	p, err = st.Page(ctx, wallet, Filter{}, nil, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Transactions) != 50 || !p.Sync.Offline() || !strings.Contains(p.Sync.Describe(), "from cache, last synced at") {
		t.Errorf("offline page: %d rows, status %q", len(p.Transactions), p.Sync.Describe())
	}
}
