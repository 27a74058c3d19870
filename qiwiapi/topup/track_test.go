package topup

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, msk)

func testTopup() Topup {
	return Topup{Number: "1000001", Account: "79001112233", Amount: rub(500_00), Funds: Cash}
}

func pay(status Status, txnID string, result ResultCode, final, fatal bool) *Payment {
	return &Payment{Status: status, TxnID: txnID, Number: "1000001", Result: result, Final: final, Fatal: fatal}
}

func payEv(p *Payment) Event { return Event{Kind: ActPay, Pay: &PayResult{Payment: *p}} }
func statusEv(ps ...*Payment) Event {
	r := &StatusResult{}
	for _, p := range ps {
		r.Payments = append(r.Payments, *p)
	}
	return Event{Kind: ActStatus, Status: r}
}
func errEv(k ActionKind, err error) Event { return Event{Kind: k, Err: err} }

var (
	netErr   = &NetworkError{Err: errors.New("connection reset")}
	httpErr  = &HTTPError{StatusCode: http.StatusBadGateway}
	xmlErr   = &DecodeError{Err: errors.New("unexpected EOF")}
	reqErr   = &RequestError{RequestResult{Code: RequestUnknown}}
	busyErr  = &RequestError{RequestResult{Code: RequestBusy}}
	fatalErr = &RequestError{RequestResult{Code: RequestAuthError, Fatal: true}}
)

// sent returns a state right after a successful check, with pay due.
func sent(t *testing.T) State {
	s, a := Start(testTopup(), t0)
	if a.Kind != ActCheckDeposit || !a.At.Equal(t0) {
		t.Fatalf("start action %+v", a)
	}
	s, a = Next(s, Event{Kind: ActCheckDeposit, Deposit: &DepositCheck{Exist: true, Possible: true}}, t0, DefaultPolicy())
	if a.Kind != ActPay || s.Phase != PhaseSending {
		t.Fatalf("after check: %v %+v", s.Phase, a)
	}
	return s
}

func TestNextUnknownOutcomesArePolledNeverFailed(t *testing.T) {
	p := DefaultPolicy()
	for name, err := range map[string]error{"network": netErr, "http": httpErr, "xml": xmlErr, "request": reqErr, "busy": busyErr} {
		t.Run(name, func(t *testing.T) {
			s := sent(t)
			s, a := Next(s, errEv(ActPay, err), t0, p)
			if s.Phase != PhaseUnknown || a.Kind != ActStatus || !a.At.Equal(t0.Add(10*time.Minute)) {
				t.Fatalf("after pay error: %v %+v", s.Phase, a)
			}
			// The same errors on status keep it unknown, 10 minutes apart.
			now := a.At
			for i := 0; i < 5; i++ {
				s, a = Next(s, errEv(ActStatus, err), now, p)
				if s.Phase != PhaseUnknown || a.Kind != ActStatus || a.At.Sub(now) < MinStatusInterval {
					t.Fatalf("status error %d: %v %+v", i, s.Phase, a)
				}
				now = a.At
			}
			if s.Phase.Done() {
				t.Fatal("an unknown outcome became final")
			}
		})
	}
}

func TestNextHappyPath(t *testing.T) {
	p := DefaultPolicy()
	s := sent(t)
	s, a := Next(s, payEv(pay(StatusAccepted, "555", 0, false, false)), t0, p)
	if s.Phase != PhasePending || !s.Registered || s.TxnID != "555" || a.Kind != ActStatus || a.At.Sub(t0) != 10*time.Minute {
		t.Fatalf("after pay: %+v %+v", s, a)
	}
	s, a = Next(s, statusEv(pay(StatusCrediting, "555", 0, false, false)), a.At, p)
	if s.Phase != PhasePending || a.Kind != ActStatus {
		t.Fatalf("52: %v %+v", s.Phase, a)
	}
	s, a = Next(s, statusEv(pay(StatusSuccess, "555", 0, true, false)), a.At, p)
	if s.Phase != PhaseSucceeded || a.Kind != ActNone || !s.Phase.Done() {
		t.Fatalf("60: %v %+v", s.Phase, a)
	}
	// A final state ignores further events.
	s2, a2 := Next(s, errEv(ActStatus, netErr), a.At, p)
	if s2.Phase != PhaseSucceeded || a2.Kind != ActNone {
		t.Fatal("final state changed")
	}
}

func TestNextFinalFailure(t *testing.T) {
	s := sent(t)
	s, a := Next(s, payEv(pay(StatusCancelled, "9", ResultAmountTooLarge, true, true)), t0, DefaultPolicy())
	if s.Phase != PhaseFailed || a.Kind != ActNone || s.Result != ResultAmountTooLarge {
		t.Fatalf("%+v", s)
	}
}

func TestNextNotRegisteredResendsSameNumber(t *testing.T) {
	p := DefaultPolicy()
	s := sent(t)
	// Empty txn_id: not registered, resend pay later (same Topup).
	s, a := Next(s, payEv(pay(StatusNotRegistered, "", 0, false, false)), t0, p)
	if s.Phase != PhaseSending || a.Kind != ActPay || a.At.Sub(t0) != time.Minute || s.Registered {
		t.Fatalf("empty txn_id: %+v %+v", s, a)
	}
	// 220 (agent has no money) the same way.
	s, a = Next(s, payEv(pay(StatusNotRegistered, "", ResultAgentNoMoney, false, false)), a.At, p)
	if a.Kind != ActPay {
		t.Fatalf("220: %+v", a)
	}
	// Unknown outcome, and QIWI does not know the payment: resend.
	s, a = Next(s, errEv(ActPay, netErr), a.At, p)
	s, a = Next(s, statusEv(), a.At, p)
	if s.Phase != PhaseSending || a.Kind != ActPay {
		t.Fatalf("absent before registration: %v %+v", s.Phase, a)
	}
	if s.Topup.Number != "1000001" {
		t.Fatal("the number changed")
	}
}

func TestNextNeverResendsOnceRegistered(t *testing.T) {
	p := DefaultPolicy()
	s := sent(t)
	s, a := Next(s, payEv(pay(StatusAccepted, "1", 0, false, false)), t0, p)
	for _, ev := range []Event{
		statusEv(), // absent
		statusEv(pay(StatusNotRegistered, "", 0, false, false)), // -1 after a real status
		payEv(pay(StatusNotRegistered, "", ResultTxnNumberReused, false, true)),
	} {
		s, a = Next(s, ev, a.At, p)
		if a.Kind != ActStatus || s.Phase != PhasePending {
			t.Fatalf("registered payment must only be polled: %v %+v", s.Phase, a)
		}
	}
}

func TestNextFatalHoldsUntilResume(t *testing.T) {
	p := DefaultPolicy()
	s := sent(t)
	s, a := Next(s, errEv(ActPay, fatalErr), t0, p)
	if s.Phase != PhaseHeld || a.Kind != ActNone || !s.Fatal {
		t.Fatalf("fatal: %+v", s)
	}
	s, a = Resume(s, t0.Add(time.Hour), p)
	if s.Phase != PhaseUnknown || a.Kind != ActStatus || !a.At.Equal(t0.Add(time.Hour)) {
		t.Fatalf("resume: %v %+v", s.Phase, a)
	}
	// A payment-level fatal error before registration holds too (155, 316).
	s = sent(t)
	s, a = Next(s, payEv(pay(StatusNotRegistered, "", ResultServiceNotAllowed, false, true)), t0, p)
	if s.Phase != PhaseHeld || a.Kind != ActNone || s.Result != ResultServiceNotAllowed {
		t.Fatalf("155: %+v", s)
	}
	// Fatal on check-deposit: resume asks the check again.
	s, _ = Start(testTopup(), t0)
	s, _ = Next(s, errEv(ActCheckDeposit, fatalErr), t0, p)
	s, a = Resume(s, t0, p)
	if s.Phase != PhaseChecking || a.Kind != ActCheckDeposit {
		t.Fatalf("resume check: %v %+v", s.Phase, a)
	}
	// Resume keeps the status interval.
	s = sent(t)
	s, a = Next(s, errEv(ActPay, netErr), t0, p)
	s, _ = Next(s, errEv(ActStatus, fatalErr), a.At, p)
	_, a = Resume(s, a.At.Add(time.Minute), p)
	if got := a.At.Sub(s.LastStatus); got != MinStatusInterval {
		t.Fatalf("resume polled %v after the last status", got)
	}
}

func TestNextCheckDeposit(t *testing.T) {
	p := DefaultPolicy()
	s, _ := Start(testTopup(), t0)
	s2, a := Next(s, Event{Kind: ActCheckDeposit, Deposit: &DepositCheck{Exist: true, Result: RequestResult{Code: 204, Fatal: true}}}, t0, p)
	if s2.Phase != PhaseRefused || a.Kind != ActNone || s2.Sent {
		t.Fatalf("refused: %+v", s2)
	}
	s2, a = Next(s, errEv(ActCheckDeposit, busyErr), t0, p)
	if s2.Phase != PhaseChecking || a.Kind != ActCheckDeposit || a.At.Sub(t0) != time.Minute {
		t.Fatalf("busy: %v %+v", s2.Phase, a)
	}
}

func TestNextIncompleteOrContradictoryPaymentIsUnknown(t *testing.T) {
	p := DefaultPolicy()
	s := sent(t)
	broken := pay(StatusSuccess, "1", 0, true, false)
	broken.Missing = []string{"final-status"}
	s, a := Next(s, payEv(broken), t0, p)
	if s.Phase != PhaseUnknown || a.Kind != ActStatus {
		t.Fatalf("incomplete: %v %+v", s.Phase, a)
	}
	// final-status=true on an undocumented status: keep asking.
	s, a = Next(s, statusEv(pay(75, "1", 0, true, false)), a.At, p)
	if s.Phase.Done() || a.Kind != ActStatus {
		t.Fatalf("status 75: %v %+v", s.Phase, a)
	}
	// Final status without the final flag: not final yet.
	s, a = Next(s, statusEv(pay(StatusSuccess, "1", 0, false, false)), a.At, p)
	if s.Phase.Done() || a.Kind != ActStatus {
		t.Fatalf("60 without final flag: %v %+v", s.Phase, a)
	}
}

func TestPolicyKeepsTenMinutes(t *testing.T) {
	if (Policy{}).StatusEvery() != MinStatusInterval || DefaultPolicy().StatusEvery() != MinStatusInterval {
		t.Fatal("zero and default policies must keep 10 minutes")
	}
	for _, base := range []string{"https://api.qiwi.com", "http://10.0.0.1:8080", "https://example.com/xml/topup.jsp"} {
		c, err := NewClient("1", WithPassword(NewPassword("x")), WithBaseURL(base), WithSandboxPolling(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if c.Policy().StatusEvery() != MinStatusInterval {
			t.Errorf("%s: sandbox polling honoured on a non-loopback host", base)
		}
	}
	for _, base := range []string{"http://127.0.0.1:1234", "http://localhost:1", "http://[::1]:2"} {
		c, _ := NewClient("1", WithPassword(NewPassword("x")), WithBaseURL(base), WithSandboxPolling(time.Second))
		if c.Policy().StatusEvery() != time.Second {
			t.Errorf("%s: sandbox polling not honoured", base)
		}
	}
}

func TestPhaseAndActionNames(t *testing.T) {
	for p := PhaseNew; p <= PhaseFailed; p++ {
		if p.String() == "invalid" {
			t.Errorf("phase %d has no name", p)
		}
	}
	if Phase(99).String() != "invalid" || ActionKind(-1).String() != "invalid" || ActStatus.String() != "status" {
		t.Error("names")
	}
}
