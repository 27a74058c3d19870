package store

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
)

func TestJournalStateMachine(t *testing.T) {
	ctx := context.Background()
	j := openTest(t).Journal()
	in := Intent{Kind: KindAgentTopup, ClientID: "42", Recipient: "79990000000", Amount: qiwiapi.Amount{Minor: 500, Currency: qiwiapi.RUB},
		Request: json.RawMessage(`{"opaque":true}`)}
	e, err := j.Begin(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if e.State != StatePending || string(e.Request) != `{"opaque":true}` {
		t.Errorf("begin: %+v", e)
	}
	if _, err := j.Begin(ctx, in); !errors.Is(err, ErrDuplicate) {
		t.Errorf("duplicate begin: %v", err)
	}
	if _, err := j.Advance(ctx, e.ID, Update{State: StateAccepted}); err == nil {
		t.Error("pending -> accepted allowed")
	}
	e, _ = j.Advance(ctx, e.ID, Update{State: StateSent})
	e, _ = j.Advance(ctx, e.ID, Update{State: StateUnknown, Err: errors.New("timeout")})
	if e.Attempts != 1 || e.LastError != "timeout" {
		t.Errorf("unknown: %+v", e)
	}
	e, _ = j.Advance(ctx, e.ID, Update{State: StateAccepted, RemoteID: "9001"})
	e, _ = j.Advance(ctx, e.ID, Update{State: StateFinal, Outcome: OutcomeSuccess})
	if e.State != StateFinal || e.RemoteID != "9001" || e.LastError != "" || e.FinalAt.IsZero() {
		t.Errorf("final: %+v", e)
	}
	if _, err := j.Advance(ctx, e.ID, Update{State: StateSent}); err == nil {
		t.Error("final -> sent allowed")
	}
	recent, _ := j.Recent(ctx, RecentOptions{Kinds: []Kind{KindAgentTopup}})
	if len(recent) != 1 || recent[0].ClientID != "42" {
		t.Errorf("recent = %+v", recent)
	}
	if n, _ := j.LastClientID(ctx, KindAgentTopup); n != 42 {
		t.Errorf("last client id = %d", n)
	}
}

// A payment whose answer is lost in transit (executed, then the connection
// drops) is unknown; Resume re-sends the same id and ends with one payment.
func TestPayLostAnswerResumes(t *testing.T) {
	ctx := context.Background()
	sb, _ := startSandbox(t, 20)
	srv := sb.Server
	wallet := srv.DemoWallet()
	before := srv.PaymentCount(wallet)
	cl := newClient(t, sb.URL, srv.DemoToken())
	j := openTest(t).Journal()
	srv.SetFaults(sandbox.Faults{CommitThenDrop: 1})
	p := qiwiapi.Payment{Provider: qiwiapi.ProviderWalletTransfer, ID: "1717000000555",
		Sum: qiwiapi.Amount{Minor: 777, Currency: qiwiapi.RUB}, Fields: map[string]string{"account": "+" + srv.OtherWallets()[0]}}
	e, _, err := j.Pay(ctx, cl.Payments, "default", wallet, p)
	if err == nil || e.State != StateUnknown {
		t.Fatalf("lost answer: err %v, state %v", err, e.State)
	}
	rep, err := j.Resume(ctx, Resenders{KindWalletPayment: WalletResender{Payments: cl.Payments, History: cl.History}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Resumed) != 1 || rep.Resumed[0].State != StateAccepted || rep.Resumed[0].Attempts != 2 {
		t.Errorf("resume report %+v", rep)
	}
	if n := srv.PaymentCount(wallet) - before; n != 1 {
		t.Errorf("%d payments, want 1", n)
	}
	// A refusal (4xx other than 423) proves nothing was paid; 5xx and lost answers do not.
	if !Refused(&qiwiapi.Error{StatusCode: 400}) || Refused(&qiwiapi.Error{StatusCode: 423}) || Refused(&qiwiapi.Error{StatusCode: 502}) || Refused(errors.New("EOF")) {
		t.Error("Refused classifies wrongly")
	}
}
