package qiwiapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"qiwidash/qiwiapi/budget"
)

// Kinds of API failure, for errors.Is. An *Error matches the kind of its status.
var (
	ErrUnauthorized = errors.New("unauthorized: the token is wrong or expired")
	ErrForbidden    = errors.New("forbidden: the token lacks the scope for this request")
	ErrNotFound     = errors.New("not found")
	ErrRateLimited  = errors.New("too many requests")
	ErrValidation   = errors.New("the request was refused as invalid")
	ErrServer       = errors.New("QIWI server error")
	ErrBadResponse  = errors.New("QIWI sent a response that could not be read")
)

// Error is a failed API call: the HTTP status, QIWI's own fields from the
// body, and a sentence for people. It never contains the token.
type Error struct {
	StatusCode int
	Method     string
	Path       string // URL path only: no query, no host

	Code        string // errorCode / code from the body, e.g. "validation.error", "QWPRC-220"
	Description string
	UserMessage string
	ServiceName string
	TraceID     string

	// RetryAfter is how long to wait before trying again (423, Retry-After).
	RetryAfter time.Duration
}

// Message is the best human explanation available, in words: QIWI's own
// words (userMessage or message, and the description when it says more),
// followed by the documented meaning of a payment code, so the user reads
// what exactly was wrong and what the code means.
func (e *Error) Message() string {
	own := e.Own()
	if code, ok := e.PaymentCode(); ok {
		if _, known := paymentErrorCodes[code]; known {
			text := PaymentErrorText(code)
			if own == "" || own == text {
				return text
			}
			return own + " (" + text + ")"
		}
	}
	if own != "" {
		return own
	}
	if e.StatusCode == http.StatusNotFound {
		return notFoundText[e.Missing()]
	}
	if t, ok := httpStatusText[e.StatusCode]; ok {
		return t
	}
	if e.StatusCode >= 500 {
		return httpStatusText[500]
	}
	if t := http.StatusText(e.StatusCode); t != "" {
		return t
	}
	return fmt.Sprintf("QIWI answered with HTTP status %d", e.StatusCode)
}

// Own is QIWI's own explanation, as QIWI sent it: the user message and the
// description when it adds to it ("" when the body had none).
func (e *Error) Own() string {
	switch {
	case e.UserMessage == "" || e.Description == "" || strings.Contains(e.UserMessage, e.Description):
		return firstNonEmpty(e.UserMessage, e.Description)
	case strings.Contains(e.Description, e.UserMessage):
		return e.Description
	}
	return e.UserMessage + ": " + e.Description
}

// noPayments reports the history list's 404 "transaction not found or no
// payments with such data", as opposed to a 404 about the wallet.
func (e *Error) noPayments() bool {
	if e.StatusCode != http.StatusNotFound {
		return false
	}
	words := strings.ToLower(e.Code + " " + e.UserMessage + " " + e.Description)
	return !strings.Contains(words, "wallet") && !strings.Contains(words, "кошел")
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "qiwi: %s %s: %d", e.Method, e.Path, e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	b.WriteString(": " + e.Message())
	if e.StatusCode == http.StatusLocked && e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry in %s)", e.RetryAfter.Round(time.Second))
	}
	if e.TraceID != "" {
		b.WriteString(" [trace " + e.TraceID + "]")
	}
	return b.String()
}

// Is maps the status to a kind, so errors.Is(err, ErrUnauthorized) works.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusLocked || e.StatusCode == http.StatusTooManyRequests
	case ErrValidation:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity
	case ErrServer:
		return e.StatusCode >= 500
	}
	return false
}

// PaymentCode is the numeric errorCode behind a payment error: sinap's
// "QWPRC-220", or a named code such as the invoices API's "not.enough.funds".
func (e *Error) PaymentCode() (int, bool) {
	if code, ok := namedPaymentCodes[e.Code]; ok {
		return code, true
	}
	return sinapErrorCode(e.Code)
}

// namedPaymentCodes maps the errorCode names other services use to the
// numeric codes of the table.
var namedPaymentCodes = map[string]int{
	"not.enough.funds": 220,
}

func sinapErrorCode(code string) (int, bool) {
	rest, ok := strings.CutPrefix(code, "QWPRC-")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
}

// errorBody covers both error shapes QIWI uses: the common
// {serviceName, errorCode, userMessage, description, traceId} and sinap's {code, message}.
type errorBody struct {
	ServiceName string          `json:"serviceName"`
	ErrorCode   json.RawMessage `json:"errorCode"`
	Code        json.RawMessage `json:"code"`
	UserMessage string          `json:"userMessage"`
	Message     string          `json:"message"`
	Description string          `json:"description"`
	TraceID     string          `json:"traceId"`
}

func newError(resp *http.Response, body []byte) *Error {
	e := &Error{StatusCode: resp.StatusCode, Method: resp.Request.Method, Path: resp.Request.URL.Path}
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil {
		e.ServiceName = eb.ServiceName
		e.Code = rawString(eb.ErrorCode)
		if e.Code == "" {
			e.Code = rawString(eb.Code)
		}
		e.UserMessage = firstNonEmpty(eb.UserMessage, eb.Message)
		e.Description = eb.Description
		e.TraceID = eb.TraceID
	}
	if resp.StatusCode == http.StatusLocked || resp.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter = budget.DefaultBlock // the documented block after going over the history budget
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			e.RetryAfter = time.Duration(s) * time.Second
		}
	}
	return e
}

// rawString turns a JSON string or number token into its text.
func rawString(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return ""
	}
	if unq, err := strconv.Unquote(s); err == nil {
		return unq
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// DecodeError is a 2xx response whose body could not be decoded.
type DecodeError struct {
	Method, Path string
	Err          error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("qiwi: %s %s: the response could not be read (%v)", e.Method, e.Path, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Is lets errors.Is(err, ErrBadResponse) find decoding failures.
func (e *DecodeError) Is(target error) bool { return target == ErrBadResponse }
