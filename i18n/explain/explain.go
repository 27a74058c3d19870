// Package explain words a failure for a person, in their language: the
// screens, the money-move journal and the CLI all say what went wrong with
// it, so qiwiapi stays a client library that speaks no language.
package explain

import (
	"context"
	"errors"
	"fmt"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
)

// Error says in words what went wrong with a call to QIWI, for a person:
// the money-move journal, the CLI and the screens all word an error with it
// (a screen may add which key to press). A wallet paused by QIWI's request
// limit reads "QIWI history paused until 14:05 (request limit)", never
// "offline". tr is the reader's language (nil: English).
func Error(tr *i18n.Tr, err error) string {
	if err == nil {
		return ""
	}
	var paused *budget.PausedError
	var apiErr *qiwiapi.Error
	var netErr *qiwiapi.NetworkError
	switch {
	case errors.As(err, &paused):
		return paused.Error()
	case errors.Is(err, context.Canceled):
		return "The app stopped before QIWI's answer came"
	case errors.Is(err, context.DeadlineExceeded):
		return "QIWI did not answer in time"
	case errors.Is(err, qiwiapi.ErrUnauthorized):
		return "The token was refused (wrong or expired). Log in again: qiwidash login"
	case errors.Is(err, qiwiapi.ErrForbidden):
		return "The token lacks the permission for this. Issue a token with that scope at qiwi.com/api"
	case errors.Is(err, qiwiapi.ErrRateLimited):
		if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
			return fmt.Sprintf("QIWI blocks requests for %s (request limit)", apiErr.RetryAfter.Round(1e9))
		}
		return "QIWI blocks requests for a few minutes (request limit)"
	case errors.As(err, &apiErr):
		return apiErr.Message()
	case errors.As(err, &netErr):
		return "No connection to QIWI"
	case errors.Is(err, qiwiapi.ErrBadResponse):
		return "QIWI sent an answer that could not be read"
	}
	return tr.Error(err)
}
