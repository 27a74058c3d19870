package moves

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
)

// TopupOptions configure Topups.
type TopupOptions struct {
	Profile string
	Clock   Clock // nil: real time (the state machine's times are the client's)
	// Tr is the language of what the engine words for a person (nil:
	// English), read when the words are written.
	Tr *i18n.Tr
}

// Topups runs an agent terminal's wallet top-ups: the documented client
// algorithm (qiwiapi/topup's state machine) driven to a final status, each
// request journaled before it leaves.
type Topups struct {
	*engine
	st       *store.Store
	c        *topup.Client
	terminal string
	o        TopupOptions
}

// NewTopups makes the top-up engine of client's terminal. Call Resume once
// at start, Close at the end.
func NewTopups(st *store.Store, c *topup.Client, o TopupOptions) (*Topups, error) {
	if c == nil {
		return nil, errors.New("moves: top-ups need an agent client")
	}
	return &Topups{engine: newEngine(st.Journal(), o.Clock), st: st, c: c, terminal: c.TerminalID(), o: o}, nil
}

// TopupProgress is a top-up's journaled progress (store.Entry.Progress).
type TopupProgress struct {
	State topup.State
	// InFlight is the request that went out and has no recorded answer
	// (ActNone when none). After a restart an in-flight pay means the
	// outcome is unknown: the top-up is asked by status, never re-numbered.
	InFlight topup.ActionKind
	// LastCode is the request-level code of the last error (150, 339…), 0
	// when none; it says what a person has to fix on a held top-up.
	LastCode topup.RequestCode
}

// TopupOf reads a top-up entry's progress.
func TopupOf(e store.Entry) (TopupProgress, error) {
	var p TopupProgress
	if e.Kind != store.KindAgentTopup {
		return p, fmt.Errorf("moves: %s is not a top-up", e.Kind)
	}
	if len(e.Progress) == 0 {
		// Journaled, and the run ended before anything else was written:
		// nothing was asked yet, so the algorithm starts from its request.
		var tp topup.Topup
		if err := json.Unmarshal(e.Request, &tp); err != nil {
			return p, fmt.Errorf("moves: top-up %s: request unreadable: %w", e.ClientID, err)
		}
		p.State, _ = topup.Start(tp, e.CreatedAt)
		p.State.Next.At = time.Time{} // due at once, whatever the clocks say
	} else if err := json.Unmarshal(e.Progress, &p); err != nil {
		return p, fmt.Errorf("moves: top-up %s: progress unreadable: %w", e.ClientID, err)
	}
	if p.State.Topup.Number != topup.TxnNumber(e.ClientID) {
		return p, fmt.Errorf("moves: top-up %s: progress is of %s", e.ClientID, p.State.Topup.Number)
	}
	return p, nil
}

// stateOf is the journal state of a top-up's progress.
func stateOf(p TopupProgress) store.State {
	if p.InFlight == topup.ActPay {
		return store.StateSent
	}
	switch p.State.Phase {
	case topup.PhaseSending:
		if p.State.Sent {
			return store.StateUnknown
		}
		return store.StatePending
	case topup.PhaseUnknown:
		return store.StateUnknown
	case topup.PhasePending:
		return store.StateAccepted
	case topup.PhaseHeld:
		return store.StateHeld
	case topup.PhaseRefused, topup.PhaseFailed:
		return store.StateFailed
	case topup.PhaseSucceeded:
		return store.StateSucceeded
	}
	return store.StatePending
}

// MaxNumber is the largest transaction number journaled for any terminal
// ("" when none): it seeds topup.NewTxnGen so numbers only grow.
func (t *Topups) MaxNumber(ctx context.Context) (topup.TxnNumber, error) {
	n, err := t.j.MaxClientID(ctx, store.KindAgentTopup)
	return topup.TxnNumber(n), err
}

// Start journals a new top-up (its number drawn by the caller and shown to
// the person first) and starts its saga: check-deposit-possible, pay, and
// status until final. It returns the journaled entry at once.
func (t *Topups) Start(ctx context.Context, tp topup.Topup) (store.Entry, error) {
	if err := tp.Validate(); err != nil {
		return store.Entry{}, err
	}
	st, _ := topup.Start(tp, t.clock.Now())
	req, err := json.Marshal(tp)
	if err != nil {
		return store.Entry{}, err
	}
	e, err := t.j.Begin(ctx, store.Intent{Kind: store.KindAgentTopup, ClientID: string(tp.Number), Profile: t.o.Profile,
		Account: t.terminal, Recipient: tp.Account, Amount: tp.Amount, Request: req})
	if err != nil {
		return store.Entry{}, i18n.Errorf("moves.not_recorded.topup", nil, err)
	}
	if err := t.advance(ctx, e, store.Update{State: store.StatePending, Progress: mustJSON(TopupProgress{State: st})}); err != nil {
		return store.Entry{}, err
	}
	t.follow(*e, t.saga)
	return *e, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	return b
}

// List returns the terminal's top-ups, newest (largest number) first.
func (t *Topups) List(ctx context.Context) ([]store.Entry, error) {
	es, err := t.j.Recent(ctx, store.RecentOptions{Kinds: []store.Kind{store.KindAgentTopup}, Account: t.terminal, Limit: 1000})
	slices.SortStableFunc(es, func(a, b store.Entry) int {
		if len(a.ClientID) != len(b.ClientID) {
			return cmp.Compare(len(b.ClientID), len(a.ClientID))
		}
		return cmp.Compare(b.ClientID, a.ClientID)
	})
	return es, err
}

// Await blocks until entry e moves (or ctx ends) and returns it as it is now.
func (t *Topups) Await(ctx context.Context, e store.Entry) (store.Entry, error) {
	return t.await(ctx, e)
}

// errInterrupted is the outcome recorded for a pay that went out before a
// restart without its answer being journaled: unknown, never failed.
var errInterrupted = errors.New("the app stopped before QIWI's answer was recorded")

// Resume starts the saga of every open top-up of the terminal. A pay that
// was in flight when the last run ended is unknown: it is asked by status,
// never sent under a new number. Held top-ups wait for Release.
func (t *Topups) Resume(ctx context.Context) (Report, error) {
	var rep Report
	if err := t.importRecords(ctx); err != nil {
		return rep, err
	}
	open, err := t.j.Recent(ctx, store.RecentOptions{Kinds: []store.Kind{store.KindAgentTopup}, Account: t.terminal, Open: true, Limit: 1000})
	if err != nil {
		return rep, err
	}
	for i := len(open) - 1; i >= 0; i-- {
		e := open[i]
		if e.State == store.StateHeld {
			rep.Held++
			continue
		}
		if t.running(e.ID) {
			continue
		}
		p, err := TopupOf(e)
		if err != nil {
			_ = t.advance(ctx, &e, store.Update{State: store.StateHeld, Err: err})
			rep.Held++
			continue
		}
		switch p.InFlight {
		case topup.ActPay:
			p.State, _ = topup.Next(p.State, topup.Event{Kind: topup.ActPay, Err: &topup.NetworkError{Err: errInterrupted}}, t.clock.Now(), t.c.Policy())
		case topup.ActCheckDeposit:
			// A read-only request: simply ask again.
		case topup.ActStatus:
			// Asked again, but not inside the minimum interval since it
			// went out (keepStatusInterval).
		}
		moved := t.keepStatusInterval(&p, e)
		if p.InFlight != topup.ActNone || moved {
			p.InFlight = topup.ActNone
			if err := t.advance(ctx, &e, store.Update{State: stateOf(p), Progress: mustJSON(p), Err: errOf(p.State.Note)}); err != nil {
				return rep, err
			}
		}
		if t.follow(e, t.saga) {
			rep.Followed++
		}
	}
	return rep, nil
}

// Release re-arms a held top-up after a person fixed the cause: a sent one
// is asked by status, one not sent starts with the check.
func (t *Topups) Release(ctx context.Context, id int64) error {
	e, err := t.j.Get(ctx, id)
	if err != nil {
		return err
	}
	if e.State != store.StateHeld || e.Kind != store.KindAgentTopup || e.Account != t.terminal {
		return i18n.Errorf("moves.not_held", i18n.Args{"Number": e.ClientID}, nil)
	}
	p, err := TopupOf(*e)
	if err != nil {
		return err
	}
	p.State, _ = topup.Resume(p.State, t.clock.Now(), t.c.Policy())
	t.keepStatusInterval(&p, *e)
	p.LastCode = topup.RequestOK
	if err := t.advance(ctx, e, store.Update{State: stateOf(p), Progress: mustJSON(p)}); err != nil {
		return err
	}
	t.follow(*e, t.saga)
	return nil
}

// keepStatusInterval moves a due status request to no sooner than the
// minimum interval after the last one that went out, answered or not (a
// run may have ended before its answer); true when it moved it.
func (t *Topups) keepStatusInterval(p *TopupProgress, e store.Entry) bool {
	if p.State.Next.Kind != topup.ActStatus || e.StatusAskedAt.IsZero() {
		return false
	}
	if at := e.StatusAskedAt.Add(t.c.Policy().StatusEvery()); p.State.Next.At.Before(at) {
		p.State.Next.At = at
		return true
	}
	return false
}

// saga drives one top-up until it is final or held.
func (t *Topups) saga(ctx context.Context, e store.Entry, f *follower) {
	p, err := TopupOf(e)
	if err != nil {
		_ = t.advance(ctx, &e, store.Update{State: store.StateHeld, Err: err})
		return
	}
	policy := t.c.Policy()
	for p.State.Next.Kind != topup.ActNone && ctx.Err() == nil {
		if d := p.State.Next.At.Sub(t.clock.Now()); d > 0 {
			if err := t.pause(ctx, f, d, p.State.Next.Kind == topup.ActStatus); err != nil {
				return
			}
		}
		a := p.State.Next
		p.InFlight = a.Kind
		// The attempt is journaled before the request leaves, a status
		// request with the time it leaves.
		u := store.Update{State: stateOf(p), Progress: mustJSON(p), Attempt: true, Err: errOf(e.LastError)}
		if a.Kind == topup.ActStatus {
			u.StatusAskedAt = t.clock.Now()
		}
		if err := t.advance(ctx, &e, u); err != nil {
			return
		}
		ev := t.c.Run(ctx, p.State, a)
		if ctx.Err() != nil {
			return // stopping: the in-flight record stays for Resume
		}
		p.State, _ = topup.Next(p.State, ev, t.clock.Now(), policy)
		p.InFlight = topup.ActNone
		p.LastCode = lastCode(ev)
		var note error
		if ev.Err != nil {
			note = t.note(p, ev.Err)
			if d := Classify(ev.Err); d.Verdict == Retry {
				// The service asked to slow down: never sooner than it said.
				if at := t.clock.Now().Add(d.Wait); p.State.Next.Kind != topup.ActNone && p.State.Next.At.Before(at) {
					p.State.Next.At = at
				}
			}
		}
		if err := t.advance(ctx, &e, store.Update{State: stateOf(p), RemoteID: p.State.TxnID, Progress: mustJSON(p), Err: note}); err != nil {
			return
		}
	}
}

// note is the journal's note on a failed request, in the reader's
// language: QIWI's failure in words, and for a held top-up that a person
// must act (the state machine's Note in English).
func (t *Topups) note(p TopupProgress, err error) error {
	why := explain.Error(t.o.Tr, err)
	if p.State.Phase == topup.PhaseHeld {
		why = t.o.Tr.T("moves.note.topup_held", i18n.Args{"Why": why})
	}
	return errors.New(why)
}

func errOf(s string) error {
	if s == "" {
		return nil
	}
	return errors.New(s)
}

// lastCode is the request-level code behind an event, if any.
func lastCode(ev topup.Event) topup.RequestCode {
	var re *topup.RequestError
	if errors.As(ev.Err, &re) {
		return re.Code
	}
	if ev.Deposit != nil && !ev.Deposit.Possible {
		return ev.Deposit.Result.Code
	}
	return topup.RequestOK
}

// legacyTopup is a top-up as the Top-ups screen kept it in the store's
// records before the engine journaled top-ups ("agent.topup/<terminal>").
type legacyTopup struct {
	Number   topup.TxnNumber
	State    topup.State
	Attempts int
	InFlight topup.ActionKind
	LastCode topup.RequestCode
}

// importRecords moves the terminal's top-ups from the old records into the
// journal once, so an upgrade loses none (open ones are resumed).
func (t *Topups) importRecords(ctx context.Context) error {
	kind := "agent.topup/" + t.terminal
	recs, err := t.st.List(ctx, kind, store.ListOptions{Order: store.ByNumericKeyDesc})
	if err != nil {
		return err
	}
	for i := len(recs) - 1; i >= 0; i-- {
		var old legacyTopup
		if err := recs[i].Decode(&old); err != nil || old.Number == "" || old.Number != old.State.Topup.Number {
			continue // unreadable: left where it is for a person
		}
		if _, err := t.j.Find(ctx, store.KindAgentTopup, string(old.Number)); errors.Is(err, store.ErrNoEntry) {
			if err := t.importOne(ctx, old); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if err := t.st.Delete(ctx, kind, recs[i].Key); err != nil {
			return err
		}
	}
	return nil
}

func (t *Topups) importOne(ctx context.Context, old legacyTopup) error {
	tp := old.State.Topup
	req, err := json.Marshal(tp)
	if err != nil {
		return err
	}
	e, err := t.j.Begin(ctx, store.Intent{Kind: store.KindAgentTopup, ClientID: string(old.Number), Profile: t.o.Profile,
		Account: t.terminal, Recipient: tp.Account, Amount: tp.Amount, Request: req})
	if err != nil {
		return err
	}
	p := TopupProgress{State: old.State, InFlight: old.InFlight, LastCode: old.LastCode}
	through := store.StatePending
	if old.State.Sent || old.InFlight == topup.ActPay {
		through = store.StateSent
	}
	for range max(old.Attempts, 1) {
		if e, err = t.j.Advance(ctx, e.ID, store.Update{State: through, Attempt: true}); err != nil {
			return err
		}
	}
	_, err = t.j.Advance(ctx, e.ID, store.Update{State: stateOf(p), RemoteID: old.State.TxnID, Progress: mustJSON(p)})
	return err
}
