// Package feed carries the engine's notification events (store/ingest)
// into the bubbletea program.
//
// A Feed reads one ingest subscription; the program reads it one message
// at a time through Listen, the usual "command that waits for the next
// message" pattern. Exactly one screen (the Live screen) re-issues Listen
// after each message; the shell broadcasts non-key messages to every
// screen, so the others simply react to the typed messages below. The
// ingest never waits for the program: a program that falls behind loses
// on-screen events (the store has them all), counted by the subscription.
package feed

import (
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi/notify"
	"qiwidash/store/ingest"
)

// NoticeMsg is a notification that changed nothing: refused (with the
// reason), a repeat, a test, or verified but not saved.
type NoticeMsg struct{ Notice ingest.Event }

// WalletPaymentMsg is a verified wallet payment webhook (in or out), seen
// for the first time and stored. Its status is a hint unless
// Notice.StatusConfirmed.
type WalletPaymentMsg struct {
	Event  notify.Event
	Notice ingest.Event
}

// BillChangedMsg is a verified merchant callback, seen for the first time
// and stored: a bill changed status.
type BillChangedMsg struct {
	Event  notify.BillEvent
	Notice ingest.Event
}

// Msg is the typed message of one event.
func Msg(e ingest.Event) tea.Msg {
	switch {
	case e.Applied() && e.Wallet != nil:
		return WalletPaymentMsg{Event: *e.Wallet, Notice: e}
	case e.Applied() && e.Bill != nil:
		return BillChangedMsg{Event: *e.Bill, Notice: e}
	}
	return NoticeMsg{Notice: e}
}

// Feed forwards ingest events to the program. It is safe for concurrent
// use.
type Feed struct {
	events <-chan ingest.Event
	stop   func()
	done   chan struct{}
	once   sync.Once
}

// New reads events until they end or Close; stop (may be nil) is called
// by Close, to end the subscription.
func New(events <-chan ingest.Event, stop func()) *Feed {
	return &Feed{events: events, stop: stop, done: make(chan struct{})}
}

// Subscribe is a Feed over a new subscription to in.
func Subscribe(in *ingest.Ingest) *Feed {
	s := in.Subscribe(0)
	return New(s.Events(), s.Close)
}

// Listen returns a command that waits for the next message. Once the
// events end or after Close it yields nil, which ends the subscription.
func (f *Feed) Listen() tea.Cmd {
	return func() tea.Msg {
		select {
		case e, ok := <-f.events:
			if !ok {
				return nil
			}
			return Msg(e)
		case <-f.done:
			return nil
		}
	}
}

// Close wakes every Listen with nil and ends the subscription.
func (f *Feed) Close() {
	f.once.Do(func() {
		close(f.done)
		if f.stop != nil {
			f.stop()
		}
	})
}
