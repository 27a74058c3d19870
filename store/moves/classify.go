package moves

import (
	"errors"
	"net/http"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/topup"
)

// Verdict is what a failed request means for a money move.
type Verdict int

// Verdicts.
const (
	// Retry: the service did not run the request (423, 429, 503-before-
	// sending): send it again after Decision.Wait, never sooner.
	Retry Verdict = iota
	// Unknown: the request may have run (no answer, an unreadable answer, a
	// 5xx after sending, a timeout). Never "failed": ask again, or re-send
	// with the same client id where the service is idempotent.
	Unknown
	// Refused: a definite no; nothing moved. Final.
	Refused
	// Fatal: repeating fails the same way until a person acts (credentials,
	// scope, a blocked agent or IP): the entry is held.
	Fatal
)

var verdictNames = [...]string{"retry", "unknown", "refused", "fatal"}

func (v Verdict) String() string {
	if v >= 0 && int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return "invalid"
}

// Decision is the classifier's answer.
type Decision struct {
	Verdict Verdict
	// Wait is the least time before the next request about this move: the
	// block time QIWI named for a 423 (5 minutes when it named none).
	Wait time.Duration
}

// Classify is the one error classifier of every saga (wallet, invoice,
// top-up, merchant bills). err must not be nil.
func Classify(err error) Decision {
	// 423 / 429: not run; wait for the block to end.
	var qe *qiwiapi.Error
	if errors.Is(err, qiwiapi.ErrRateLimited) {
		wait := time.Duration(0)
		if errors.As(err, &qe) {
			wait = qe.RetryAfter
		}
		if wait <= 0 {
			wait = budget.DefaultBlock
		}
		return Decision{Verdict: Retry, Wait: wait}
	}
	var rl *pull.RateLimitError
	if errors.As(err, &rl) {
		return Decision{Verdict: Retry, Wait: max(rl.RetryAfter, time.Second)}
	}
	// Wallet API answers.
	if errors.As(err, &qe) {
		switch {
		case qe.StatusCode == http.StatusUnauthorized || qe.StatusCode == http.StatusForbidden:
			return Decision{Verdict: Fatal}
		case qe.StatusCode >= 500:
			return Decision{Verdict: Unknown}
		case qe.StatusCode >= 400:
			return Decision{Verdict: Refused}
		}
		return Decision{Verdict: Unknown}
	}
	// Top-Up XML API: fatal request codes hold; everything else that is an
	// answer-less or request-level error leaves the outcome unknown.
	if topup.IsFatal(err) || topup.IsAuth(err) {
		return Decision{Verdict: Fatal}
	}
	var he *topup.HTTPError
	if errors.As(err, &he) && (he.StatusCode == http.StatusLocked || he.StatusCode == http.StatusTooManyRequests) {
		return Decision{Verdict: Retry, Wait: budget.DefaultBlock}
	}
	if topup.IsUnknown(err) {
		return Decision{Verdict: Unknown}
	}
	// Pull REST API.
	var ae *pull.AuthError
	if errors.As(err, &ae) {
		return Decision{Verdict: Fatal}
	}
	var pr *pull.ErrorResponse
	if errors.As(err, &pr) {
		if pr.Fatal() {
			return Decision{Verdict: Refused}
		}
		return Decision{Verdict: Unknown}
	}
	// No answer, an unreadable answer, a timeout, or the app stopping.
	return Decision{Verdict: Unknown}
}
