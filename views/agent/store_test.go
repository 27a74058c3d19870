package agent

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
	sbagent "qiwidash/qiwiapi/sandbox/agent"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
	"qiwidash/ui/uitest"
)

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	keyring.MockInit()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestStoreJournalAndSamplesSurviveReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "qiwidash.db")
	st := openStore(t, path)
	j, smp := NewStoreJournal(st), NewStoreSamples(st)
	var saved []Entry
	for _, n := range []topup.TxnNumber{"99", "100", "7"} {
		s, _ := topup.Start(topup.Topup{Number: n, Account: "79001234567", Amount: qiwiapi.Amount{Minor: 5000, Currency: qiwiapi.RUB}, Funds: topup.Cash, Comment: "n" + string(n)}, uitest.Now)
		e := Entry{Number: n, State: s, Attempts: 1, InFlight: topup.ActPay, LastCode: 150, Created: uitest.Now, Updated: uitest.Now.Add(time.Second)}
		if err := j.Save(ctx, e); err != nil {
			t.Fatal(err)
		}
		saved = append(saved, e)
	}
	// Save replaces by number.
	saved[0].Attempts, saved[0].InFlight = 2, topup.ActNone
	if err := j.Save(ctx, saved[0]); err != nil {
		t.Fatal(err)
	}
	if err := j.Save(ctx, Entry{Number: "5", State: saved[1].State}); err == nil {
		t.Error("an entry whose number is not its top-up's was saved")
	}
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
	j, smp = NewStoreJournal(st), NewStoreSamples(st)
	list, err := j.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var nums []topup.TxnNumber
	for _, e := range list {
		nums = append(nums, e.Number)
	}
	if len(nums) != 3 || nums[0] != "100" || nums[1] != "99" || nums[2] != "7" {
		t.Fatalf("list order %v, want [100 99 7]", nums)
	}
	if got, want := jsonOf(t, list[1]), jsonOf(t, saved[0]); got != want {
		t.Errorf("entry 99 after reopen:\n got %s\nwant %s", got, want)
	}
	if list[1].Attempts != 2 || list[1].InFlight != topup.ActNone || list[1].State.Topup.Comment != "n99" || !list[1].Created.Equal(uitest.Now) {
		t.Errorf("entry 99 = %+v", list[1])
	}
	if n, err := j.MaxNumber(ctx); err != nil || n != "100" {
		t.Errorf("max number = %q, %v; want 100 (numerically, not as text)", n, err)
	}
	rub, _ := smp.Recent(ctx, qiwiapi.RUB, 2)
	if len(rub) != 2 || rub[0].Minor != 200 || rub[1].Minor != 300 || rub[1].Currency != qiwiapi.RUB {
		t.Errorf("recent RUB = %+v, want 200, 300", rub)
	}
	usd, _ := smp.Recent(ctx, qiwiapi.USD, 10)
	if len(usd) != 1 || usd[0].Minor != 1 {
		t.Errorf("recent USD = %+v", usd)
	}
	// Another terminal's journal and samples are its own.
	other, otherSamples := NewStoreJournalFor(st, "10000001"), NewStoreSamplesFor(st, "10000001")
	if l, err := other.List(ctx); err != nil || len(l) != 0 {
		t.Errorf("another terminal sees %d entries (%v)", len(l), err)
	}
	if r, _ := otherSamples.Recent(ctx, qiwiapi.RUB, 10); len(r) != 0 {
		t.Errorf("another terminal sees samples %+v", r)
	}
	if err := other.Save(ctx, list[2]); err != nil {
		t.Fatal(err)
	}
	if n, _ := other.MaxNumber(ctx); n != "7" {
		t.Errorf("other terminal's max number %q, want 7", n)
	}
	if n, _ := j.MaxNumber(ctx); n != "100" {
		t.Errorf("max number after another terminal saved: %q", n)
	}
	es := openStore(t, filepath.Join(t.TempDir(), "empty.db"))
	defer es.Close()
	empty := NewStoreJournal(es)
	if n, err := empty.MaxNumber(ctx); err != nil || n != "" {
		t.Errorf("max number of an empty journal = %q, %v", n, err)
	}
}

// A top-up journaled by one run, before it was sent, is sent once by the
// Top-ups screen of the next run over the same store file.
func TestStoreJournalTopupFinishedByNextRun(t *testing.T) {
	env := uitest.New(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "qiwidash.db")
	st := openStore(t, path)
	number := topup.NewTxnGen(env.Common.Now, "", 0).Next()
	s, _ := topup.Start(topup.Topup{Number: number, Account: sbagent.WalletOK, Amount: qiwiapi.Amount{Minor: 5000, Currency: qiwiapi.RUB}, Funds: topup.NonCash}, uitest.Now)
	if err := NewStoreJournal(st).Save(ctx, Entry{Number: number, State: s, Created: uitest.Now, Updated: uitest.Now}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st = openStore(t, path)
	defer st.Close()
	j := NewStoreJournal(st)
	list := NewTopups(env.Common, Deps{Journal: j})
	sh := newShell(t, list)
	settleOnce(t, env, sh, list)
	entries, err := j.List(ctx)
	if err != nil || len(entries) != 1 {
		t.Fatalf("journal after the run: %v, %v", entries, err)
	}
	if e := entries[0]; e.State.Phase != topup.PhaseSucceeded || e.InFlight != topup.ActNone || e.Attempts == 0 {
		t.Errorf("journaled entry = %+v", e)
	}
}
