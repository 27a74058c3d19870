package topup

import (
	"strconv"
	"time"
)

// Status is a payment status code, the status attribute of <payment>
// (spec section 10).
type Status int

// Documented payment statuses.
const (
	StatusNotRegistered Status = -1  // not registered (temporary error): resend the same pay later
	StatusAccepted      Status = 50  // accepted for processing; the agent account is debited
	StatusCrediting     Status = 52  // crediting the user account
	StatusSuccess       Status = 60  // processed successfully (the only success)
	StatusDeclined      Status = 150 // payment declined
	StatusAuthError     Status = 151 // payment authorisation error
	StatusCancelled     Status = 160 // not processed / cancelled
)

// Final reports a final status by the docs' table: 60 or anything above 100.
func (s Status) Final() bool { return s == StatusSuccess || s > 100 }

// Success reports status 60, the only successful final status.
func (s Status) Success() bool { return s == StatusSuccess }

// Failed reports a final failure (> 100): the money went back to the agent.
func (s Status) Failed() bool { return s > 100 }

// Pending reports a registered, non-final status (0..59).
func (s Status) Pending() bool { return s >= 0 && s < 60 }

// Debited reports statuses 50..59, in which the agent account is already debited.
func (s Status) Debited() bool { return s >= 50 && s < 60 }

// Text is the meaning of the status in words.
func (s Status) Text() string {
	switch {
	case s == StatusNotRegistered:
		return "not registered (temporary error), the same request will be sent again"
	case s == StatusAccepted:
		return "accepted for processing"
	case s == StatusCrediting:
		return "crediting the user account"
	case s >= 0 && s < 50:
		return "accepted, waiting for confirmation by QIWI"
	case s >= 50 && s < 60:
		return "being processed, the agent account is debited"
	case s == StatusSuccess:
		return "processed successfully"
	case s == StatusDeclined:
		return "payment declined"
	case s == StatusAuthError:
		return "payment authorisation error"
	case s == StatusCancelled:
		return "not processed / cancelled"
	case s > 100:
		return "processing error, the amount is returned to the agent balance"
	default:
		return "undocumented status"
	}
}

func (s Status) String() string { return strconv.Itoa(int(s)) + " " + s.Text() }

// ResultCode is the payment processing result, the result-code attribute of
// <payment> (spec section 11.1). Whether it is fatal comes with each response
// (fatal-error), not from the code.
type ResultCode int

// Documented payment result codes.
const (
	ResultOK                ResultCode = 0
	ResultServiceNotAllowed ResultCode = 155
	ResultIdentLevelTooLow  ResultCode = 204
	ResultTxnNumberReused   ResultCode = 215
	ResultAgentNoMoney      ResultCode = 220
	ResultAmountTooSmall    ResultCode = 241
	ResultAmountTooLarge    ResultCode = 242
	ResultNoWallet          ResultCode = 298
	ResultUnknown           ResultCode = 300
	ResultAgentBlocked      ResultCode = 316
	ResultTopUpForbidden    ResultCode = 319
	ResultMonthlyLimit      ResultCode = 700
	ResultBalanceLimit      ResultCode = 702
)

var resultText = map[ResultCode]string{
	ResultOK:                "no error",
	ResultServiceNotAllowed: "service not allowed: to/service-id must be 99 for a wallet top-up",
	ResultIdentLevelTooLow:  "the wallet's identification level is too low for this payment",
	ResultTxnNumberReused:   "the transaction number is already registered with different parameters",
	ResultAgentNoMoney:      "not enough money on the agent account",
	ResultAmountTooSmall:    "amount below the allowed minimum",
	ResultAmountTooLarge:    "amount above the allowed maximum",
	ResultNoWallet:          "no wallet for this phone, or the phone is not a valid account",
	ResultUnknown:           "unknown processing error, contact support (bss@qiwi.com)",
	ResultAgentBlocked:      "authorisation attempt by a blocked agent",
	ResultTopUpForbidden:    "top-up of this account is forbidden",
	ResultMonthlyLimit:      "monthly operations limit exceeded",
	ResultBalanceLimit:      "wallet balance limit exceeded",
}

// Known reports a code listed in the docs.
func (c ResultCode) Known() bool { _, ok := resultText[c]; return ok }

// Text is the meaning of the code in words.
func (c ResultCode) Text() string {
	if t, ok := resultText[c]; ok {
		return t
	}
	return "undocumented code, contact support (bss@qiwi.com)"
}

func (c ResultCode) String() string { return strconv.Itoa(int(c)) + " " + c.Text() }

// RequestCode is the request processing code, the <result-code> element
// (spec section 11.2). Its fatal attribute is carried next to it; FatalByDocs
// gives the documented default.
type RequestCode int

// Documented request processing codes.
const (
	RequestOK        RequestCode = 0
	RequestBusy      RequestCode = 13  // server busy: repeat in a minute
	RequestAuthError RequestCode = 150 // check terminal id / password / signature
	RequestUnknown   RequestCode = 300 // unknown error: repeat the request
	RequestIPBlocked RequestCode = 339 // sender IP address blocked
)

var requestText = map[RequestCode]string{
	RequestOK:        "no error",
	RequestBusy:      "server busy, repeat the request in a minute",
	RequestAuthError: "authorisation error: check the terminal id and password (or the signature key)",
	RequestUnknown:   "unknown error, repeat the request",
	RequestIPBlocked: "the sender IP address is blocked",
}

// Known reports a code listed in the request-error table.
func (c RequestCode) Known() bool { _, ok := requestText[c]; return ok }

// FatalByDocs is the fatal flag the docs give for the code; known is false for
// codes outside the table (the response's own fatal attribute then decides).
func (c RequestCode) FatalByDocs() (fatal, known bool) {
	switch c {
	case RequestAuthError, RequestIPBlocked:
		return true, true
	case RequestOK, RequestBusy, RequestUnknown:
		return false, true
	}
	return false, false
}

// RetryAfter is the documented wait before repeating a request (13: one
// minute); zero when the docs give none.
func (c RequestCode) RetryAfter() time.Duration {
	if c == RequestBusy {
		return time.Minute
	}
	return 0
}

// Text is the meaning of the code; codes outside the request table fall back
// to the payment table (204 comes back here from check-deposit-possible).
func (c RequestCode) Text() string {
	if t, ok := requestText[c]; ok {
		return t
	}
	return ResultCode(c).Text()
}

func (c RequestCode) String() string { return strconv.Itoa(int(c)) + " " + c.Text() }
