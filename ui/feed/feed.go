// Package feed carries QIWI's push notifications into the bubbletea program.
//
// A Feed is the notify.Sink and notify.Config.Observe of an in-process
// receiver: the receiver's goroutines hand it events, and the program reads
// them one at a time through Listen, the usual "command that waits for the
// next message" pattern. Exactly one screen (the Live screen) re-issues
// Listen after each message; the shell broadcasts non-key messages to every
// screen, so the others simply react to the typed messages below.
package feed

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi/notify"
)

// NoticeMsg reports one notification, accepted or not, with the reason.
type NoticeMsg struct{ Notice notify.Notice }

// WalletPaymentMsg is a verified wallet payment webhook (in or out).
type WalletPaymentMsg struct{ Event notify.Event }

// BillChangedMsg is a verified merchant callback: a bill changed status.
type BillChangedMsg struct{ Event notify.BillEvent }

// DefaultSize is the buffer used when New is given no size.
const DefaultSize = 256

// ErrClosed is returned by the sink methods after Close.
var ErrClosed = errors.New("feed: closed")

// Feed forwards receiver events to the program. It is safe for concurrent
// use; the zero value is not usable, call New.
type Feed struct {
	ch        chan tea.Msg
	done      chan struct{}
	closeOnce sync.Once
	dropped   atomic.Int64
}

// New makes a feed that buffers up to size messages (DefaultSize if <= 0).
func New(size int) *Feed {
	if size <= 0 {
		size = DefaultSize
	}
	return &Feed{ch: make(chan tea.Msg, size), done: make(chan struct{})}
}

// WalletPayment implements notify.Sink. When the program falls behind it
// waits until ctx ends and then fails, so the receiver answers with an
// error and QIWI repeats the notification later.
func (f *Feed) WalletPayment(ctx context.Context, e notify.Event) error {
	return f.send(ctx, WalletPaymentMsg{Event: e})
}

// BillChanged implements notify.Sink, like WalletPayment.
func (f *Feed) BillChanged(ctx context.Context, e notify.BillEvent) error {
	return f.send(ctx, BillChangedMsg{Event: e})
}

func (f *Feed) send(ctx context.Context, msg tea.Msg) error {
	select {
	case <-f.done:
		return ErrClosed
	default:
	}
	select {
	case f.ch <- msg:
		return nil
	case <-f.done:
		return ErrClosed
	case <-ctx.Done():
		f.dropped.Add(1)
		return ctx.Err()
	}
}

// Observe is for notify.Config.Observe: it never blocks; a notice that does
// not fit the buffer is counted in Dropped and lost.
func (f *Feed) Observe(n notify.Notice) { f.offer(NoticeMsg{Notice: n}) }

// Dropped is how many messages did not fit the buffer.
func (f *Feed) Dropped() int64 { return f.dropped.Load() }

// Listen returns a command that waits for the next message. After Close it
// yields nil, which ends the subscription.
func (f *Feed) Listen() tea.Cmd {
	return func() tea.Msg {
		select {
		case msg := <-f.ch:
			return msg
		case <-f.done:
			return nil
		}
	}
}

// Close wakes every Listen with nil and refuses further events.
func (f *Feed) Close() { f.closeOnce.Do(func() { close(f.done) }) }

// Sink returns a notify.Sink that hands each event to next first (the
// store, say) and then to the feed. An error from next is returned, so
// QIWI repeats the notification; the feed's own failure only drops the
// on-screen update.
func (f *Feed) Sink(next notify.Sink) notify.Sink {
	if next == nil {
		return f
	}
	return chain{next: next, f: f}
}

type chain struct {
	next notify.Sink
	f    *Feed
}

func (c chain) WalletPayment(ctx context.Context, e notify.Event) error {
	if err := c.next.WalletPayment(ctx, e); err != nil {
		return err
	}
	c.f.offer(WalletPaymentMsg{Event: e})
	return nil
}

func (c chain) BillChanged(ctx context.Context, e notify.BillEvent) error {
	if err := c.next.BillChanged(ctx, e); err != nil {
		return err
	}
	c.f.offer(BillChangedMsg{Event: e})
	return nil
}

// offer queues msg without blocking (dropped when the buffer is full).
func (f *Feed) offer(msg tea.Msg) {
	select {
	case <-f.done:
		return
	default:
	}
	select {
	case f.ch <- msg:
	default:
		f.dropped.Add(1)
	}
}

// Config returns cfg with the feed as its Sink (after cfg.Sink, when set)
// and as an observer (after cfg.Observe, when set).
func (f *Feed) Config(cfg notify.Config) notify.Config {
	cfg.Sink = f.Sink(cfg.Sink)
	prev := cfg.Observe
	cfg.Observe = func(n notify.Notice) {
		if prev != nil {
			prev(n)
		}
		f.Observe(n)
	}
	return cfg
}
