package moves

import (
	"context"
	"encoding/json"
	"testing"

	"qiwidash/qiwiapi"
	sbagent "qiwidash/qiwiapi/sandbox/agent"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
)

// A top-up journaled by a run that ended before anything else was written
// (no progress yet) is started from its request by Resume and paid once.
func TestTopupJournaledWithoutProgressIsResumed(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	tp := topup.Topup{Number: "1000001", Account: sbagent.WalletOK, Amount: qiwiapi.Amount{Minor: 500, Currency: qiwiapi.RUB}, Funds: topup.Cash}
	req, _ := json.Marshal(tp)
	en, err := e.st.Journal().Begin(ctx, store.Intent{Kind: store.KindAgentTopup, ClientID: string(tp.Number), Account: e.agent.TerminalID(),
		Recipient: tp.Account, Amount: tp.Amount, Request: req})
	if err != nil {
		t.Fatal(err)
	}
	tops := e.topups(t)
	if rep, err := tops.Resume(ctx); err != nil || rep.Followed != 1 {
		t.Fatalf("resume: %+v, %v", rep, err)
	}
	got := awaitState(t, tops.Await, *en, store.StateAccepted)
	e.sb.Agent.SettleNow()
	awaitState(t, tops.Await, got, store.StateSucceeded)
	if n := e.sb.Agent.PaymentCount(); n != 1 {
		t.Fatalf("%d payments, want 1", n)
	}
}

// Top-ups an older version kept in the store's records are moved into the
// journal at the first Resume; an open one is then finished, paid once.
func TestTopupRecordsOfAnOlderVersionAreImported(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	tp := topup.Topup{Number: "2000001", Account: sbagent.WalletOK, Amount: qiwiapi.Amount{Minor: 700, Currency: qiwiapi.RUB}, Funds: topup.Cash}
	st, _ := topup.Start(tp, testNow)
	done := st
	done.Topup.Number = "2000000"
	done.Phase, done.Next, done.Sent, done.Registered, done.TxnID = topup.PhaseSucceeded, topup.Action{}, true, true, "555"
	kind := "agent.topup/" + e.agent.TerminalID()
	for _, old := range []legacyTopup{{Number: tp.Number, State: st}, {Number: "2000000", State: done, Attempts: 3}} {
		if err := e.st.Put(ctx, kind, string(old.Number), old); err != nil {
			t.Fatal(err)
		}
	}
	tops := e.topups(t)
	if rep, err := tops.Resume(ctx); err != nil || rep.Followed != 1 {
		t.Fatalf("resume: %+v, %v", rep, err)
	}
	list, err := tops.List(ctx)
	if err != nil || len(list) != 2 || list[1].State != store.StateSucceeded || list[1].Attempts != 3 || list[1].RemoteID != "555" {
		t.Fatalf("imported: %+v, %v", list, err)
	}
	if recs, _ := e.st.List(ctx, kind, store.ListOptions{}); len(recs) != 0 {
		t.Errorf("%d old records left", len(recs))
	}
	got := awaitState(t, tops.Await, list[0], store.StateAccepted)
	e.sb.Agent.SettleNow()
	awaitState(t, tops.Await, got, store.StateSucceeded)
	if n := e.sb.Agent.PaymentCount(); n != 1 {
		t.Fatalf("%d payments, want 1", n)
	}
	if rep, _ := tops.Resume(ctx); rep.Followed != 0 {
		t.Errorf("a second resume imported or followed again: %+v", rep)
	}
}
