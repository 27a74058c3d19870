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
