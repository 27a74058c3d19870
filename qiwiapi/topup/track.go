package topup

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Phase is where a top-up stands in the documented client algorithm
// (spec section 9).
type Phase int

// Phases. Refused, Succeeded and Failed are final; Held waits for a person.
const (
	PhaseNew       Phase = iota // nothing asked yet
	PhaseChecking               // check-deposit-possible is (re)asked
	PhaseSending                // pay is sent (first time, or again while not registered)
	PhaseUnknown                // pay sent, outcome unknown: poll the status
	PhasePending                // registered, not final: poll the status
	PhaseHeld                   // a fatal error: no automatic retries until Resume
	PhaseRefused                // check-deposit-possible said no: nothing was paid
	PhaseSucceeded              // final status 60: the wallet is credited
	PhaseFailed                 // final status > 100: the money is back on the agent balance
)

var phaseNames = [...]string{"new", "checking", "sending", "unknown", "pending", "held", "refused", "succeeded", "failed"}

func (p Phase) String() string {
	if p >= 0 && int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return "invalid"
}

// Done reports a final phase: nothing more will be asked.
func (p Phase) Done() bool { return p == PhaseRefused || p == PhaseSucceeded || p == PhaseFailed }

// ActionKind is the request the driver has to make next.
type ActionKind int

// Actions.
const (
	ActNone         ActionKind = iota // nothing: the top-up is final or held
	ActCheckDeposit                   // CheckDepositPossible
	ActPay                            // Pay (always the same Topup, same number)
	ActStatus                         // Status of this payment
)

var actNames = [...]string{"none", "check-deposit-possible", "pay", "status"}

func (k ActionKind) String() string {
	if k >= 0 && int(k) < len(actNames) {
		return actNames[k]
	}
	return "invalid"
}

// Action is the next request and the earliest time to make it.
type Action struct {
	Kind ActionKind
	At   time.Time
}

// Policy holds the waiting times of the algorithm. Its zero value and
// DefaultPolicy keep the documented minimum of 10 minutes between status
// requests; only Client.Policy of a loopback (sandbox) client goes lower.
type Policy struct {
	statusEvery time.Duration
	resendEvery time.Duration
	retryEvery  time.Duration
	sandbox     bool
}

// DefaultPolicy: status every 10 minutes, resend a not-registered pay and
// repeat a failed check after 1 minute.
func DefaultPolicy() Policy {
	return Policy{statusEvery: MinStatusInterval, resendEvery: time.Minute, retryEvery: time.Minute}
}

// StatusEvery is the time between status requests for one payment.
func (p Policy) StatusEvery() time.Duration {
	if p.sandbox && p.statusEvery > 0 {
		return p.statusEvery
	}
	return max(p.statusEvery, MinStatusInterval)
}

func (p Policy) resend() time.Duration {
	if p.sandbox && p.resendEvery > 0 {
		return p.resendEvery
	}
	return max(p.resendEvery, time.Minute)
}

func (p Policy) retry(err error) time.Duration {
	d := p.retryEvery
	if !p.sandbox {
		d = max(d, time.Minute)
		var re *RequestError
		if errors.As(err, &re) {
			d = max(d, re.Code.RetryAfter())
		}
	}
	return max(d, time.Millisecond)
}

// State is one top-up in the algorithm. It is plain data: store it (the
// Topup's number first of all) and feed it back after a restart.
type State struct {
	Topup      Topup
	Phase      Phase
	Next       Action     // what to do next (ActNone when Phase is final or held)
	Sent       bool       // pay went out at least once: never start a new number
	Registered bool       // QIWI reported a status other than -1: never resend pay
	Status     Status     // last status seen
	TxnID      string     // QIWI's id once known
	Result     ResultCode // last payment result code seen
	Fatal      bool       // the last error was fatal
	Note       string     // the last answer or error, in words (English)
	Said       *Said      `json:",omitempty"` // Note as data; nil in states saved before it
	LastStatus time.Time  // when the last status request was answered
	Updated    time.Time
	Requests   int // requests made for this top-up
}

// Saying is what kind of thing a State's Note says.
type Saying string

// The kinds of note; the Said fields each one names are given.
const (
	SaidUnknownPayment Saying = "unknown_payment" // QIWI does not know the payment yet
	SaidCannotTake     Saying = "cannot_take"     // Request: why, when not 0
	SaidPossible       Saying = "possible"
	SaidPayment        Saying = "payment" // Status, Result
	SaidBroken         Saying = "broken"  // Missing: the attribute missing
	SaidNoAnswer       Saying = "no_answer"
	SaidRequestError   Saying = "request_error" // Request, Fatal, Message; Error
	SaidHTTP           Saying = "http"          // HTTP (200: an empty answer); Error
	SaidNetwork        Saying = "network"       // Error
	SaidUnreadable     Saying = "unreadable"    // Error
	SaidTimeout        Saying = "timeout"       // Error
	SaidProblem        Saying = "problem"       // Problem, Got, N; Error
	SaidError          Saying = "error"         // Error
)

// Said is what a State's Note says, as data, so a screen words it in the
// reader's language (explain.TopUpNote). Held marks the note of a top-up
// stopped for a person.
type Said struct {
	What    Saying
	Status  Status      `json:",omitempty"`
	Result  ResultCode  `json:",omitempty"`
	Request RequestCode `json:",omitempty"`
	Fatal   bool        `json:",omitempty"`
	Message string      `json:",omitempty"` // QIWI's own message with a request error
	Missing string      `json:",omitempty"`
	HTTP    int         `json:",omitempty"`
	Problem Problem     `json:",omitempty"`
	Got     string      `json:",omitempty"`
	N       int         `json:",omitempty"`
	Error   string      `json:",omitempty"` // an error's own text (English, password redacted)
	Held    bool        `json:",omitempty"`
}

// Start begins the algorithm for a new top-up: check-deposit-possible first.
func Start(t Topup, now time.Time) (State, Action) {
	s := State{Topup: t, Phase: PhaseChecking, Updated: now}
	s.Next = Action{Kind: ActCheckDeposit, At: now}
	return s, s.Next
}

// Event is the outcome of an action: exactly one of Deposit, Pay, Status is
// set, or Err.
type Event struct {
	Kind    ActionKind
	Deposit *DepositCheck
	Pay     *PayResult
	Status  *StatusResult
	Err     error
}

// Next is the transition function: given the state, the outcome of the
// action it asked for and the time, it returns the new state and the next
// action. It never marks a top-up failed unless QIWI reports a final status
// above 100; network, HTTP, broken-XML and request-level errors keep it
// unknown and polled, fatal errors hold it for a person.
func Next(s State, ev Event, now time.Time, p Policy) (State, Action) {
	if s.Phase.Done() {
		s.Next = Action{}
		return s, s.Next
	}
	s.Updated = now
	s.Requests++
	s.Fatal = false
	switch ev.Kind {
	case ActCheckDeposit:
		s = onCheck(s, ev, now, p)
	case ActPay:
		s.Sent = true
		if ev.Err != nil || ev.Pay == nil {
			s = onError(s, ev.Err, now, p)
		} else {
			s = onPayment(s, &ev.Pay.Payment, now, p)
		}
	case ActStatus:
		s.LastStatus = now
		if ev.Err != nil || ev.Status == nil {
			s = onError(s, ev.Err, now, p)
		} else if pay, ok := ev.Status.Find(s.Topup.Number); ok {
			s = onPayment(s, pay, now, p)
		} else {
			s.Note, s.Said = "QIWI does not know this payment yet", &Said{What: SaidUnknownPayment}
			s = notRegistered(s, now, p)
		}
	default:
		s.Requests--
	}
	return s, s.Next
}

func onCheck(s State, ev Event, now time.Time, p Policy) State {
	if ev.Err == nil && ev.Deposit != nil {
		if !ev.Deposit.Possible {
			s.Phase = PhaseRefused
			s.Next = Action{}
			s.Note = "the wallet cannot take this top-up; nothing was paid"
			s.Said = &Said{What: SaidCannotTake, Request: ev.Deposit.Result.Code}
			if ev.Deposit.Result.Code != RequestOK {
				s.Note += ": " + ev.Deposit.Result.Code.Text()
			}
			return s
		}
		s.Phase = PhaseSending
		s.Note, s.Said = "top-up possible", &Said{What: SaidPossible}
		s.Next = Action{Kind: ActPay, At: now}
		return s
	}
	s.Note, s.Said = noteOf(ev.Err)
	if IsFatal(ev.Err) {
		return hold(s)
	}
	s.Phase = PhaseChecking
	s.Next = Action{Kind: ActCheckDeposit, At: now.Add(p.retry(ev.Err))}
	return s
}

// onError handles an error after pay or status: the outcome is unknown.
func onError(s State, err error, now time.Time, p Policy) State {
	s.Note, s.Said = noteOf(err)
	if IsFatal(err) || (err != nil && !IsUnknown(err)) {
		// Fatal, or not a service answer at all (an invalid Topup): a
		// person has to look.
		return hold(s)
	}
	return poll(s, now, p)
}

func onPayment(s State, pay *Payment, now time.Time, p Policy) State {
	if !pay.Complete() {
		s.Note, s.Said = "broken answer: missing "+pay.Missing[0], &Said{What: SaidBroken, Missing: pay.Missing[0]}
		return poll(s, now, p)
	}
	s.Status, s.Result, s.Fatal = pay.Status, pay.Result, pay.Fatal
	if pay.TxnID != "" {
		s.TxnID = pay.TxnID
	}
	s.Note, s.Said = pay.Status.Text(), &Said{What: SaidPayment, Status: pay.Status, Result: pay.Result}
	if pay.Result != ResultOK {
		s.Note += ": " + pay.Result.Text()
	}
	switch {
	case pay.Final && pay.Status.Success():
		s.Registered = true
		s.Phase, s.Next = PhaseSucceeded, Action{}
		return s
	case pay.Final && pay.Status.Failed():
		s.Registered = true
		s.Phase, s.Next = PhaseFailed, Action{}
		return s
	case !pay.Registered():
		if pay.Fatal && !s.Registered {
			return hold(s)
		}
		return notRegistered(s, now, p)
	default:
		// Registered and not final (or a final flag on an undocumented
		// status): keep asking.
		s.Registered = true
		return poll(s, now, p)
	}
}

// notRegistered: QIWI has no record (status -1, empty txn_id or absent from
// a status answer). Resend the same pay unless an earlier answer showed it
// registered; the transaction number makes the resend safe.
func notRegistered(s State, now time.Time, p Policy) State {
	if s.Registered {
		return poll(s, now, p)
	}
	s.Phase = PhaseSending
	s.Next = Action{Kind: ActPay, At: now.Add(p.resend())}
	return s
}

// poll schedules the next status request, keeping the minimum interval.
func poll(s State, now time.Time, p Policy) State {
	if s.Registered {
		s.Phase = PhasePending
	} else {
		s.Phase = PhaseUnknown
	}
	at := now.Add(p.StatusEvery())
	if !s.LastStatus.IsZero() {
		if min := s.LastStatus.Add(p.StatusEvery()); min.After(at) {
			at = min
		}
	}
	s.Next = Action{Kind: ActStatus, At: at}
	return s
}

func hold(s State) State {
	s.Phase = PhaseHeld
	s.Fatal = true
	s.Next = Action{}
	s.Note = "stopped until a person acts (contact bss@qiwi.com): " + s.Note
	if s.Said != nil {
		held := *s.Said // a copy: earlier States share the pointer
		held.Held = true
		s.Said = &held
	}
	return s
}

// Resume re-arms a held top-up after a person fixed the cause. A top-up that
// was sent resumes with a status request (never a new number), one that was
// not sent with check-deposit-possible.
func Resume(s State, now time.Time, p Policy) (State, Action) {
	if s.Phase != PhaseHeld {
		return s, s.Next
	}
	s.Fatal = false
	s.Updated = now
	if !s.Sent {
		s.Phase = PhaseChecking
		s.Next = Action{Kind: ActCheckDeposit, At: now}
		return s, s.Next
	}
	s.Phase = PhaseUnknown
	if s.Registered {
		s.Phase = PhasePending
	}
	at := now
	if !s.LastStatus.IsZero() {
		at = later(now, s.LastStatus.Add(p.StatusEvery()))
	}
	s.Next = Action{Kind: ActStatus, At: at}
	return s, s.Next
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// noteOf is the note of an error, in English and as data.
func noteOf(err error) (string, *Said) {
	if err == nil {
		return "no answer", &Said{What: SaidNoAnswer}
	}
	text := err.Error()
	d := &Said{What: SaidError, Error: text}
	var (
		re *RequestError
		he *HTTPError
		ne *NetworkError
		de *DecodeError
		pe *ProblemError
	)
	switch {
	case errors.As(err, &re):
		d.What, d.Request, d.Fatal = SaidRequestError, re.Code, re.Fatal
		if re.Message != re.Code.Text() && strings.Contains(text, re.Message) { // never what redaction took out
			d.Message = re.Message
		}
	case errors.As(err, &he):
		d.What, d.HTTP = SaidHTTP, he.StatusCode
	case errors.Is(err, context.DeadlineExceeded):
		d.What = SaidTimeout
	case errors.As(err, &ne):
		d.What = SaidNetwork
	case errors.As(err, &de):
		d.What = SaidUnreadable
	case errors.As(err, &pe):
		d.What, d.Problem, d.Got, d.N = SaidProblem, pe.Problem, pe.Got, pe.N
	}
	return text, d
}

// Run performs one action for the state against the service and returns
// the event to feed to Next. It blocks; a UI calls it inside a tea.Cmd.
func (c *Client) Run(ctx context.Context, s State, a Action) Event {
	ev := Event{Kind: a.Kind}
	switch a.Kind {
	case ActCheckDeposit:
		ev.Deposit, _, ev.Err = c.CheckDepositPossible(ctx, s.Topup.Account, s.Topup.Funds, 0)
	case ActPay:
		ev.Pay, _, ev.Err = c.Pay(ctx, s.Topup)
	case ActStatus:
		ev.Status, _, ev.Err = c.Status(ctx, StatusQuery{Number: s.Topup.Number, Account: s.Topup.Account})
	}
	return ev
}
