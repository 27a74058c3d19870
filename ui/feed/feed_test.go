package feed

import (
	"context"
	"errors"
	"testing"
	"time"

	"qiwidash/qiwiapi/notify"
)

func TestListenDeliversInOrderAndEndsOnClose(t *testing.T) {
	f := New(4)
	ctx := context.Background()
	if err := f.BillChanged(ctx, notify.BillEvent{BillID: "b1"}); err != nil {
		t.Fatal(err)
	}
	f.Observe(notify.Notice{ID: "b1"})
	if m, ok := f.Listen()().(BillChangedMsg); !ok || m.Event.BillID != "b1" {
		t.Fatalf("first %#v", m)
	}
	if m, ok := f.Listen()().(NoticeMsg); !ok || m.Notice.ID != "b1" {
		t.Fatalf("second %#v", m)
	}
	f.Close()
	if m := f.Listen()(); m != nil {
		t.Fatalf("after close %#v", m)
	}
	if err := f.WalletPayment(ctx, notify.Event{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("sink after close: %v", err)
	}
}

// A program that stopped reading makes the sink fail (QIWI then repeats),
// while notices are dropped and counted instead of blocking the receiver.
func TestFullBufferPushesBack(t *testing.T) {
	f := New(1)
	f.Observe(notify.Notice{ID: "fills the buffer"})
	f.Observe(notify.Notice{ID: "dropped"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := f.WalletPayment(ctx, notify.Event{MessageID: "m"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("sink on a full feed: %v", err)
	}
	if f.Dropped() != 2 {
		t.Errorf("dropped %d, want 2", f.Dropped())
	}
}

type failing struct{ err error }

func (s failing) WalletPayment(context.Context, notify.Event) error   { return s.err }
func (s failing) BillChanged(context.Context, notify.BillEvent) error { return s.err }

// Config chains a store sink: its failure reaches the receiver and nothing
// reaches the screen; its success is forwarded.
func TestConfigChainsTheStore(t *testing.T) {
	f := New(4)
	boom := errors.New("disk full")
	var observed []string
	cfg := f.Config(notify.Config{Sink: failing{boom}, Observe: func(n notify.Notice) { observed = append(observed, n.ID) }})
	if err := cfg.Sink.BillChanged(context.Background(), notify.BillEvent{BillID: "b"}); !errors.Is(err, boom) {
		t.Fatalf("chained sink: %v", err)
	}
	cfg.Observe(notify.Notice{ID: "n"})
	if len(observed) != 1 {
		t.Errorf("previous observer not called: %v", observed)
	}
	if m, ok := f.Listen()().(NoticeMsg); !ok || m.Notice.ID != "n" {
		t.Fatalf("got %#v, want only the notice", m)
	}
	cfg = f.Config(notify.Config{Sink: failing{nil}})
	if err := cfg.Sink.WalletPayment(context.Background(), notify.Event{MessageID: "w"}); err != nil {
		t.Fatal(err)
	}
	if m, ok := f.Listen()().(WalletPaymentMsg); !ok || m.Event.MessageID != "w" {
		t.Fatalf("got %#v", m)
	}
}
