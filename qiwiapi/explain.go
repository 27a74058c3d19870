package qiwiapi

import (
	"context"
	"errors"
	"fmt"

	"qiwidash/qiwiapi/budget"
)

// Explain says in words what went wrong with a call to QIWI, for a person:
// the money-move journal, the CLI and the screens all word an error with it
// (a screen may add which key to press). A wallet paused by QIWI's request
// limit reads "QIWI history paused until 14:05 (request limit)", never
// "offline".
func Explain(err error) string {
	if err == nil {
		return ""
	}
	var paused *budget.PausedError
	var apiErr *Error
	var netErr *NetworkError
	switch {
	case errors.As(err, &paused):
		return paused.Error()
	case errors.Is(err, context.Canceled):
		return "The app stopped before QIWI's answer came"
	case errors.Is(err, context.DeadlineExceeded):
		return "QIWI did not answer in time"
	case errors.Is(err, ErrUnauthorized):
		return "The token was refused (wrong or expired). Log in again: qiwidash login"
	case errors.Is(err, ErrForbidden):
		return "The token lacks the permission for this. Issue a token with that scope at qiwi.com/api"
	case errors.Is(err, ErrRateLimited):
		if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
			return fmt.Sprintf("QIWI blocks requests for %s (request limit)", apiErr.RetryAfter.Round(1e9))
		}
		return "QIWI blocks requests for a few minutes (request limit)"
	case errors.As(err, &apiErr):
		return apiErr.Message()
	case errors.As(err, &netErr):
		return "No connection to QIWI"
	case errors.Is(err, ErrBadResponse):
		return "QIWI sent an answer that could not be read"
	}
	return err.Error()
}
