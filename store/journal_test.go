package store

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"qiwidash/qiwiapi"
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
	e, _ = j.Advance(ctx, e.ID, Update{State: StatePending, Attempt: true, Progress: json.RawMessage(`{"step":1}`)})
	e, _ = j.Advance(ctx, e.ID, Update{State: StateSent})
	e, _ = j.Advance(ctx, e.ID, Update{State: StateUnknown, Err: errors.New("timeout")})
	if e.Attempts != 2 || e.LastError != "timeout" || string(e.Progress) != `{"step":1}` {
		t.Errorf("unknown: %+v", e)
	}
	e, _ = j.Advance(ctx, e.ID, Update{State: StateAccepted, RemoteID: "9001"})
	e, _ = j.Advance(ctx, e.ID, Update{State: StateSucceeded})
	if e.State != StateSucceeded || e.RemoteID != "9001" || e.TxnID() != 9001 || e.LastError != "" || e.FinalAt.IsZero() || e.Open() {
		t.Errorf("final: %+v", e)
	}
	if _, err := j.Advance(ctx, e.ID, Update{State: StateSent}); err == nil {
		t.Error("final -> sent allowed")
	}
	recent, _ := j.Recent(ctx, RecentOptions{Kinds: []Kind{KindAgentTopup}})
	if len(recent) != 1 || recent[0].ClientID != "42" || recent[0].State != StateSucceeded {
		t.Errorf("recent = %+v", recent)
	}
	if n, _ := j.MaxClientID(ctx, KindAgentTopup); n != "42" {
		t.Errorf("max client id = %q", n)
	}
}

// A held entry waits for a person, then goes on; a client id refused once
// may be journaled again, and Recent lists it once, as its latest attempt,
// for its wallet written with or without "+".
func TestJournalHeldRetriedAndLatest(t *testing.T) {
	ctx := context.Background()
	j := openTest(t).Journal()
	in := Intent{Kind: KindInvoicePay, ClientID: "invoice-7", Account: "79001112233", Amount: qiwiapi.Amount{Minor: 100, Currency: qiwiapi.RUB},
		Request: json.RawMessage(`{}`)}
	e, _ := j.BeginOrResume(ctx, in)
	e, _ = j.Advance(ctx, e.ID, Update{State: StateHeld, Err: errors.New("401")})
	if again, err := j.BeginOrResume(ctx, in); err != nil || again.ID != e.ID {
		t.Errorf("an open client id was journaled twice: %+v, %v", again, err)
	}
	e, _ = j.Advance(ctx, e.ID, Update{State: StateSent})
	e, _ = j.Advance(ctx, e.ID, Update{State: StateFailed, Err: errors.New("not enough funds")})
	second, err := j.BeginOrResume(ctx, in)
	if err != nil || second.ID == e.ID {
		t.Fatalf("a refused client id could not be journaled again: %v", err)
	}
	got, _ := j.Recent(ctx, RecentOptions{Account: "+79001112233", Latest: true})
	if len(got) != 1 || got[0].ID != second.ID || got[0].State != StatePending {
		t.Errorf("latest = %+v", got)
	}
	if all, _ := j.Recent(ctx, RecentOptions{Account: "79001112233"}); len(all) != 2 {
		t.Errorf("all attempts = %d", len(all))
	}
	second, _ = j.Advance(ctx, second.ID, Update{State: StateSent})
	_, _ = j.Advance(ctx, second.ID, Update{State: StateSucceeded})
	if _, err := j.BeginOrResume(ctx, in); !errors.Is(err, ErrDuplicate) {
		t.Errorf("a paid client id was journaled again: %v", err)
	}
	if n, _ := j.MaxClientID(ctx, KindInvoicePay); n != "" {
		t.Errorf("non-numeric ids give max %q", n)
	}
}
