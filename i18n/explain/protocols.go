package explain

import (
	"errors"
	"strings"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/topup"
)

// protocolError words the failures of the agents' Top-Up API and the
// merchants' Pull API from their data (codes, statuses). Their English is
// the error's own text as it always read, password already redacted
// ({{.Error}}); other languages word the codes, and show QIWI's own
// message only where that text shows it too.
func protocolError(tr *i18n.Tr, err error) (string, bool) {
	var (
		req    *topup.RequestError
		tHTTP  *topup.HTTPError
		tNet   *topup.NetworkError
		tBroke *topup.DecodeError
		limit  *pull.RateLimitError
		auth   *pull.AuthError
		answer *pull.ErrorResponse
	)
	text := err.Error()
	args := i18n.Args{"Error": text}
	shown := func(msg string) string { // QIWI's message, unless redacted away
		if msg != "" && strings.Contains(text, msg) {
			return msg
		}
		return ""
	}
	switch {
	case errors.As(err, &req):
		args["Code"], args["Text"], args["Fatal"] = int(req.Code), TopUpRequest(tr, req.Code), req.Fatal
		if req.Message != req.Code.Text() {
			args["Message"] = shown(req.Message)
		}
		return tr.T("explain.topup.request_error", args), true
	case errors.As(err, &tHTTP):
		if tHTTP.StatusCode == 200 {
			return tr.T("explain.topup.empty", args), true
		}
		args["Status"] = tHTTP.StatusCode
		return tr.T("explain.topup.http", args), true
	case errors.As(err, &tNet):
		return tr.T("explain.topup.network", args), true
	case errors.As(err, &tBroke):
		return tr.T("explain.topup.unreadable", args), true
	case errors.As(err, &limit):
		args["Minutes"] = max(1, int((limit.RetryAfter+time.Minute-1)/time.Minute))
		return tr.T("explain.pull.blocked", args), true
	case errors.As(err, &auth):
		args["Code"], args["Text"] = int(auth.Code), PullCode(tr, auth.Code)
		return tr.T("explain.pull.auth", args), true
	case errors.As(err, &answer):
		args["Code"], args["Text"], args["Message"] = int(answer.Code), PullCode(tr, answer.Code), shown(answer.Message)
		return tr.T("explain.pull.answer", args), true
	case errors.Is(err, pull.ErrDecode):
		return tr.T("explain.pull.unreadable", args), true
	case errors.Is(err, pull.ErrInvalid):
		return tr.T("explain.pull.invalid", args), true
	}
	return "", false
}
