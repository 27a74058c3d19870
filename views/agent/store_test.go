package agent

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
	sbagent "qiwidash/qiwiapi/sandbox/agent"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
	smoves "qiwidash/store/moves"
	"qiwidash/ui/uitest"
)

// openStore opens a store file whose clock is the tests' fixed Now.
func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	keyring.MockInit()
	st, err := store.Open(path, store.Options{Now: func() time.Time { return uitest.Now }})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestStoreSamplesSurviveReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "qiwidash.db")
	st := openStore(t, path)
	smp := NewStoreSamples(st)
	for i, minor := range []int64{100, 200, 300} {
		if err := smp.Add(ctx, qiwiapi.Amount{Minor: minor, Currency: qiwiapi.RUB}, uitest.Now.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	_ = smp.Add(ctx, qiwiapi.Amount{Minor: 1, Currency: qiwiapi.USD}, uitest.Now)
	if err := smp.Add(ctx, qiwiapi.Amount{Minor: 1}, uitest.Now); err == nil {
		t.Error("a sample without a currency was saved")
	}
	st.Close()

	st = openStore(t, path)
	defer st.Close()
	smp = NewStoreSamples(st)
	rub, _ := smp.Recent(ctx, qiwiapi.RUB, 2)
	if len(rub) != 2 || rub[0].Minor != 200 || rub[1].Minor != 300 || rub[1].Currency != qiwiapi.RUB {
		t.Errorf("recent RUB = %+v, want 200, 300", rub)
	}
	usd, _ := smp.Recent(ctx, qiwiapi.USD, 10)
	if len(usd) != 1 || usd[0].Minor != 1 {
		t.Errorf("recent USD = %+v", usd)
	}
	// Another terminal's samples are its own.
	if r, _ := NewStoreSamplesFor(st, "10000001").Recent(ctx, qiwiapi.RUB, 10); len(r) != 0 {
		t.Errorf("another terminal sees samples %+v", r)
	}
}

// A top-up journaled by one run, before it was sent, is sent once by the
// engine's resume in the next run over the same store file; another
// terminal's engine never sees it.
func TestStoreJournalTopupFinishedByNextRun(t *testing.T) {
	env := uitest.New(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "qiwidash.db")
	st := openStore(t, path)
	number := topup.NewTxnGen(env.Common.Now, "", 0).Next()
	(&journal{t: t, st: st}).seed(topup.Topup{Number: number, Account: sbagent.WalletOK, Amount: qiwiapi.Amount{Minor: 5000, Currency: qiwiapi.RUB}, Funds: topup.NonCash}, nil)
	st.Close()

	st = openStore(t, path)
	defer st.Close()
	other, err := topup.NewClient("10000001", topup.WithPassword(topup.NewPassword("x")), topup.WithBaseURL(env.Demo.URL))
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := mustTopups(t, st, other).List(ctx); len(l) != 0 {
		t.Errorf("another terminal sees %d top-ups", len(l))
	}
	j := mustTopups(t, st, env.Common.Agent)
	env.Common.Topups = j
	if rep, err := j.Resume(ctx); err != nil || rep.Followed != 1 {
		t.Fatalf("resume: %+v, %v", rep, err)
	}
	list := NewTopups(env.Common, Deps{})
	sh := newShell(t, list)
	settleOnce(t, env, sh, list)
	entries, err := j.List(ctx)
	if err != nil || len(entries) != 1 {
		t.Fatalf("journal after the run: %v, %v", entries, err)
	}
	p, _ := smoves.TopupOf(entries[0])
	if p.State.Phase != topup.PhaseSucceeded || p.InFlight != topup.ActNone || entries[0].Attempts == 0 {
		t.Errorf("journaled entry = %+v", entries[0])
	}
}

func mustTopups(t *testing.T, st *store.Store, c *topup.Client) *smoves.Topups {
	t.Helper()
	j, err := smoves.NewTopups(st, c, smoves.TopupOptions{Clock: uitest.Clock{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(j.Close)
	return j
}
