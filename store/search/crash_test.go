package search

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/sandbox/demo"
	"qiwidash/store"
	"qiwidash/store/moves"
)

// A payment journaled and sent by a run that then crashed is re-sent with
// the same client id by the next run's Resume and succeeds; its case tells
// that whole story in time order: journaled, sent, sent again with the
// same id, accepted under QIWI's id, final, and QIWI's own history row.
func TestCaseTimelineOfCrashAndResume(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, qiwiapi.Moscow)
	sb, err := demo.Start("127.0.0.1:0", demo.Options{Seed: 3, End: now, Now: func() time.Time { return now },
		SettleDelay: time.Hour, HistoryPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	wallet := sb.Creds.Wallet
	api, err := qiwiapi.NewClient(sb.Creds.WalletToken, qiwiapi.WithBaseURL(sb.URL), qiwiapi.WithRetry(qiwiapi.RetryPolicy{}),
		qiwiapi.WithGate(budget.New(budget.Options{PerMinute: 1 << 20, Concurrency: 8})))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "qiwidash.db")

	// The first run: journaled, sent, then killed before the answer.
	st := openAt(t, path)
	p := qiwiapi.Payment{ID: "1717171717000", Provider: qiwiapi.ProviderWalletTransfer, Sum: qiwiapi.Amount{Minor: 2500, Currency: qiwiapi.RUB},
		Fields: map[string]string{"account": "+" + sb.Wallet.OtherWallets()[0]}}
	j := st.Journal()
	en, err := j.Begin(ctx, store.Intent{Kind: store.KindWalletPayment, ClientID: p.ID, Profile: "family", Account: wallet,
		Recipient: "+" + sb.Wallet.OtherWallets()[0], Amount: p.Sum, ProviderID: p.Provider, Request: moves.EncodePayment(p)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Advance(ctx, en.ID, store.Update{State: store.StateSent}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	// The next run resumes it: the same id, once.
	st = openAt(t, path)
	w, err := moves.NewWallet(ctx, st, api, moves.WalletOptions{Profile: "family", Wallet: wallet, PollEvery: time.Millisecond, RetryEvery: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if rep, err := w.Resume(ctx); err != nil || rep.Followed != 1 {
		t.Fatalf("resume: %+v %v", rep, err)
	}
	e := await(t, w, *en, store.StateAccepted)
	sb.Wallet.SettleNow()
	e = await(t, w, e, store.StateSucceeded)
	if n := sb.Wallet.PaymentCount(wallet); n != 1 {
		t.Fatalf("%d payments, want 1", n)
	}
	// The history sync caches QIWI's row of it.
	page, _, err := api.History.List(ctx, wallet, qiwiapi.HistoryOptions{Rows: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Upsert(ctx, wallet, page.Transactions); err != nil {
		t.Fatal(err)
	}

	o := Options{Profiles: []store.Profile{{Name: "family", Wallet: wallet}}}
	q, _ := Parse(e.RemoteID, nil)
	res, err := Find(ctx, st, q, o)
	if err != nil || len(res.Hits) != 1 || res.Hits[0].Source != FromHistory {
		t.Fatalf("find %s: %+v %v", e.RemoteID, res, err)
	}
	c, err := Open(ctx, st, res.Hits[0], o)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for i, ev := range c.Events {
		if i > 0 && ev.At.Before(c.Events[i-1].At) {
			t.Errorf("event %d is out of time order", i)
		}
		texts = append(texts, ev.Source+": "+ev.Text)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{
		"journal: journaled before sending, client id 1717171717000",
		"journal: sent (request 1)",
		"journal: sent again with the same client id 1717171717000 (request 2)",
		"QIWI id " + e.RemoteID,
		"journal: final: success",
		"history: QIWI dated the out payment (txn " + e.RemoteID + ")",
		"history: last read from QIWI's history: SUCCESS",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the timeline lacks %q:\n%s", want, all)
		}
	}
	if n := strings.Count(all, "journaled before sending"); n != 1 {
		t.Errorf("journaled %d times in the timeline", n)
	}
	if c.Profiles[0] != "family" || !strings.Contains(c.Report(), "Sent from here as") {
		t.Errorf("case %+v", c)
	}
}

func openAt(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path, store.Options{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func await(t *testing.T, w *moves.Wallet, e store.Entry, want store.State) store.Entry {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for e.State != want {
		next, err := w.Await(ctx, e)
		if err != nil {
			t.Fatalf("waiting for %s (at %s): %v", want, e.State, err)
		}
		e = next
	}
	return e
}
