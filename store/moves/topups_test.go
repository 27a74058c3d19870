package moves

import (
	"context"
	"encoding/json"
	"testing"
	"time"

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
	got = awaitState(t, tops.Await, got, store.StateSucceeded)
	if n := e.sb.Agent.PaymentCount(); n != 1 {
		t.Fatalf("%d payments, want 1", n)
	}
	// The status request that found it final was journaled as it left.
	if got.StatusAskedAt.IsZero() {
		t.Error("no status request was journaled")
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

// Issue 11 item 13: a status request interrupted by a restart is not asked
// again inside the 10-minute rule: the journal keeps when it went out.
func TestStatusAskedBeforeARestartKeepsTheInterval(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	// A client with the documented 10 minutes between status requests.
	agent, err := topup.NewClient(e.sb.Creds.AgentTerminal, topup.WithPassword(topup.NewPassword(e.sb.Creds.AgentPassword)), topup.WithBaseURL(e.sb.URL))
	if err != nil {
		t.Fatal(err)
	}
	e.agent = agent
	tp := topup.Topup{Number: "1000002", Account: sbagent.WalletOK, Amount: qiwiapi.Amount{Minor: 500, Currency: qiwiapi.RUB}, Funds: topup.Cash}
	req, _ := json.Marshal(tp)
	en, err := e.st.Journal().Begin(ctx, store.Intent{Kind: store.KindAgentTopup, ClientID: string(tp.Number), Account: e.agent.TerminalID(),
		Recipient: tp.Account, Amount: tp.Amount, Request: req})
	if err != nil {
		t.Fatal(err)
	}
	// The previous run: pay answered (registered), then a status request
	// went out and the app stopped before its answer.
	asked := e.clock.Now()
	s, _ := topup.Start(tp, asked.Add(-time.Minute))
	s.Phase, s.Sent, s.Registered, s.TxnID, s.Status = topup.PhasePending, true, true, "42", 50
	s.Next = topup.Action{Kind: topup.ActStatus, At: asked}
	p := TopupProgress{State: s, InFlight: topup.ActStatus}
	if _, err := e.st.Journal().Advance(ctx, en.ID, store.Update{State: store.StateSent}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Journal().Advance(ctx, en.ID, store.Update{State: store.StateAccepted, Progress: mustJSON(p), Attempt: true, StatusAskedAt: asked}); err != nil {
		t.Fatal(err)
	}
	got, err := e.st.Journal().Get(ctx, en.ID)
	if err != nil || !got.StatusAskedAt.Equal(asked.Truncate(time.Millisecond)) {
		t.Fatalf("status_asked_at %v, want %v (%v)", got.StatusAskedAt, asked, err)
	}
	tops := e.topups(t)
	if _, err := tops.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ = e.st.Journal().Get(ctx, en.ID)
	after, err := TopupOf(*got)
	if err != nil {
		t.Fatal(err)
	}
	if after.State.Next.Kind != topup.ActStatus || after.State.Next.At.Before(asked.Add(topup.MinStatusInterval).Truncate(time.Millisecond)) {
		t.Fatalf("next %v at %v, want a status request no sooner than %v", after.State.Next.Kind, after.State.Next.At, asked.Add(topup.MinStatusInterval))
	}
}
