package feed

import (
	"testing"

	"qiwidash/qiwiapi/notify"
	"qiwidash/store/ingest"
)

func TestListenDeliversInOrderAndEndsOnClose(t *testing.T) {
	ch := make(chan ingest.Event, 4)
	stopped := 0
	f := New(ch, func() { stopped++ })
	bill := &notify.BillEvent{BillID: "b1"}
	ch <- ingest.Event{Notice: notify.Notice{ID: "b1", Outcome: notify.Accepted, Bill: bill}, StatusConfirmed: true}
	ch <- ingest.Event{Notice: notify.Notice{ID: "b1", Outcome: notify.Duplicate, Bill: bill}}
	if m, ok := f.Listen()().(BillChangedMsg); !ok || m.Event.BillID != "b1" || !m.Notice.StatusConfirmed {
		t.Fatalf("first %#v", m)
	}
	if m, ok := f.Listen()().(NoticeMsg); !ok || m.Notice.ID != "b1" || m.Notice.Outcome != notify.Duplicate {
		t.Fatalf("second %#v", m)
	}
	f.Close()
	f.Close()
	if m := f.Listen()(); m != nil || stopped != 1 {
		t.Fatalf("after close %#v, stopped %d times", m, stopped)
	}
}

// Only a notification applied for the first time becomes a payment or a
// bill message; repeats, refusals and tests are notices.
func TestMsgTypes(t *testing.T) {
	w := &notify.Event{MessageID: "w"}
	for _, tc := range []struct {
		e    ingest.Event
		want string
	}{
		{ingest.Event{Notice: notify.Notice{Outcome: notify.Accepted, Wallet: w}}, "feed.WalletPaymentMsg"},
		{ingest.Event{Notice: notify.Notice{Outcome: notify.Duplicate, Wallet: w}}, "feed.NoticeMsg"},
		{ingest.Event{Notice: notify.Notice{Outcome: notify.Failed, Wallet: w}}, "feed.NoticeMsg"},
		{ingest.Event{Notice: notify.Notice{Outcome: notify.Rejected}}, "feed.NoticeMsg"},
		{ingest.Event{Notice: notify.Notice{Outcome: notify.Test}}, "feed.NoticeMsg"},
	} {
		if got := typeName(Msg(tc.e)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.e.Outcome, got, tc.want)
		}
	}
}

// The events end (the ingest closed): Listen yields nil.
func TestListenEndsWithTheEvents(t *testing.T) {
	ch := make(chan ingest.Event)
	close(ch)
	if m := New(ch, nil).Listen()(); m != nil {
		t.Fatalf("%#v", m)
	}
}

func typeName(m any) string {
	switch m.(type) {
	case WalletPaymentMsg:
		return "feed.WalletPaymentMsg"
	case BillChangedMsg:
		return "feed.BillChangedMsg"
	case NoticeMsg:
		return "feed.NoticeMsg"
	}
	return "?"
}
