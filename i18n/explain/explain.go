// Package explain words a failure for a person, in their language: the
// screens, the money-move journal and the CLI all say what went wrong with
// it, so qiwiapi stays a client library that speaks no language. qiwiapi's
// errors carry data (a rule broken, a status, a code); the words are in the
// catalogue (locales/explain.*.toml), the English exactly as the errors'
// own Error text.
package explain

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/notify"
)

// Error says in words what went wrong with a call to QIWI, for a person:
// the money-move journal, the CLI and the screens all word an error with it
// (a screen may add which key to press). A wallet paused by QIWI's request
// limit reads "QIWI history paused until 14:05 (request limit)", never
// "offline". A request qiwiapi refused before sending it reads as its error
// ("card: the number has a typo (check digit does not match)"); an engine
// failure (i18n.Error) in its own words, its cause worded here. tr is the
// reader's language (nil: English).
func Error(tr *i18n.Tr, err error) string {
	if err == nil {
		return ""
	}
	var engine *i18n.Error
	var paused *budget.PausedError
	var apiErr *qiwiapi.Error
	var netErr *qiwiapi.NetworkError
	var invalid *qiwiapi.InvalidError
	var notPaid *qiwiapi.NotPaidError
	var refused *notify.Refusal
	switch {
	case errors.As(err, &refused): // before its cause, which may be the engine's
		return refusal(tr, refused)
	case errors.As(err, &engine):
		return tr.ErrorWith(err, func(cause error) string { return Error(tr, cause) })
	case errors.As(err, &paused):
		return tr.T("explain.call.paused", i18n.Args{"Until": paused.Until.Format("15:04")})
	case errors.Is(err, context.Canceled):
		return tr.T("explain.call.canceled", nil)
	case errors.Is(err, context.DeadlineExceeded):
		return tr.T("explain.call.timeout", nil)
	}
	if text, ok := protocolError(tr, err); ok {
		return text
	}
	switch {
	case errors.Is(err, qiwiapi.ErrUnauthorized):
		return tr.T("explain.call.unauthorized", nil)
	case errors.Is(err, qiwiapi.ErrForbidden):
		return tr.T("explain.call.forbidden", nil)
	case errors.Is(err, qiwiapi.ErrRateLimited):
		if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
			d := apiErr.RetryAfter.Round(time.Second)
			return tr.T("explain.call.blocked_for", i18n.Args{"For": d.String(), "Minutes": int((d + time.Minute - 1) / time.Minute)})
		}
		return tr.T("explain.call.blocked", nil)
	case errors.As(err, &apiErr):
		return message(tr, apiErr)
	case errors.As(err, &netErr):
		return tr.T("explain.call.no_connection", nil)
	case errors.Is(err, qiwiapi.ErrBadResponse):
		return tr.T("explain.call.unreadable", nil)
	case errors.As(err, &invalid):
		if invalid.Subject == qiwiapi.SubjectAmount {
			return problems(tr, invalid)
		}
		return tr.T("explain.call.with_subject", i18n.Args{"Subject": subject(tr, invalid.Subject), "Problem": problems(tr, invalid)})
	case errors.As(err, &notPaid):
		return tr.T("explain.call.not_paid", i18n.Args{"Status": `"` + notPaid.Status + `"`})
	case errors.Is(err, qiwiapi.ErrBadWallet):
		return tr.T("explain.rule.wallet_number", nil)
	case errors.Is(err, qiwiapi.ErrNoToken):
		return tr.T("explain.call.no_token", nil)
	}
	return tr.Error(err)
}

// Problem is what is wrong with a request qiwiapi refused before sending
// it, as a sentence to show under the form field at fault: the problem
// without its subject, capitalised ("The number has a typo (check digit
// does not match)"). Any other error reads as Error.
func Problem(tr *i18n.Tr, err error) string {
	var invalid *qiwiapi.InvalidError
	var engine *i18n.Error
	if errors.As(err, &engine) || !errors.As(err, &invalid) {
		return Error(tr, err)
	}
	p := problems(tr, invalid)
	r, size := utf8.DecodeRuneInString(p)
	return string(unicode.ToUpper(r)) + p[size:]
}

// problems words the rules e broke, in the order found.
func problems(tr *i18n.Tr, e *qiwiapi.InvalidError) string {
	args := e.Args()
	out := make([]string, 0, len(e.Rules))
	for _, r := range e.Rules {
		out = append(out, tr.T(ruleIDs[r], args)) // TestRules: every rule has one
	}
	return strings.Join(out, "; ")
}

func subject(tr *i18n.Tr, s qiwiapi.Subject) string {
	if id, ok := subjectIDs[s]; ok {
		return tr.T(id, nil)
	}
	return string(s)
}

// message is a failed call's explanation, as qiwiapi.Error.Message gives
// it in English: QIWI's own words as sent, with the documented meaning of
// its payment code in tr's language, else the meaning of the HTTP status.
func message(tr *i18n.Tr, e *qiwiapi.Error) string {
	own := e.Own()
	if code, ok := e.PaymentCode(); ok {
		if _, known := codeIDs[code]; known {
			text := PaymentCode(tr, code)
			if own == "" || own == text || own == qiwiapi.PaymentErrorText(code) {
				return text
			}
			return tr.T("explain.call.own_and_code", i18n.Args{"Own": own, "Text": text})
		}
	}
	if own != "" {
		return own
	}
	if e.StatusCode == http.StatusNotFound {
		return tr.T(missingIDs[e.Missing()], nil)
	}
	if id, ok := httpIDs[e.StatusCode]; ok {
		return tr.T(id, nil)
	}
	if e.StatusCode >= 500 {
		return tr.T("explain.http.500", nil)
	}
	if t := http.StatusText(e.StatusCode); t != "" {
		return tr.T("explain.http.standard", i18n.Args{"Text": t, "Status": e.StatusCode})
	}
	return tr.T("explain.http.bare", i18n.Args{"Status": e.StatusCode})
}
