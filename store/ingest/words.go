package ingest

import (
	"fmt"
	"net"
	"strings"

	"qiwidash/i18n"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/sanitize"
)

// Line is one notification in one line, for logs and `listen`, its words
// in tr's language (nil: English): time, kind, verdict (with the reason),
// id, status, amount, source host, answer; the key=value fields stay as
// they are. Every outside string in it passes sanitize.Text: no control
// character or escape sequence a sender put in an id or a status reaches a
// terminal.
func Line(tr *i18n.Tr, e Event) string {
	n := e.Notice
	verdict := Verdict(tr, n)
	if e.FollowUp {
		verdict = tr.T("ingest.follow_up", nil)
	}
	parts := []string{n.Time.Format("2006-01-02 15:04:05 -07:00"), fmt.Sprintf("%-6s", n.Kind), verdict}
	if n.ID != "" {
		parts = append(parts, "id="+sanitize.Text(n.ID))
	}
	if n.Status != "" {
		s := "status=" + sanitize.Text(n.Status)
		if w := StatusWords(tr, e); w != "" {
			s += " (" + w + ")"
		}
		parts = append(parts, s)
	}
	if n.Amount != nil {
		parts = append(parts, "amount="+n.Amount.String())
	}
	if h := Host(n.Remote); h != "" {
		parts = append(parts, "from="+sanitize.Text(h))
	}
	if e.FollowUp {
		return strings.Join(parts, "  ")
	}
	parts = append(parts, fmt.Sprintf("answer=HTTP %d", n.HTTPStatus))
	if n.ResultCode >= 0 && n.Kind == notify.KindBill {
		parts[len(parts)-1] += fmt.Sprintf(" result_code %d", n.ResultCode)
	}
	return strings.Join(parts, "  ")
}

// StatusWords says, in tr's language (nil: English), how far a verified
// wallet payment's status can be trusted: "signature ok, status not yet
// confirmed", "signature ok, status confirmed", "signature ok, QIWI says
// WAITING", "signature ok, status not confirmed: <why>", or "signature ok,
// status signed"; "" for anything else (a bill's status is authenticated
// with the callback). QIWI's status and error are as they came.
func StatusWords(tr *i18n.Tr, e Event) string {
	if e.Wallet == nil {
		return ""
	}
	switch e.Confirmation {
	case Confirmed:
		return tr.T("ingest.status.confirmed", nil)
	case Contradicted:
		return tr.T("ingest.status.contradicted", i18n.Args{"Status": sanitize.Text(e.APIStatus)})
	case NotConfirmed:
		return tr.T("ingest.status.not_confirmed", i18n.Args{"Why": sanitize.Text(e.ConfirmError)})
	}
	if e.StatusConfirmed {
		return tr.T("ingest.status.signed", nil)
	}
	return tr.T("ingest.status.not_yet", nil)
}

// Verdict says in tr's language (nil: English) whether a notification was
// verified, and if not why: "verified", "verified, repeat ignored", "test,
// not signed", "rejected: <reason>", "verified, not saved: <reason>". The
// reason may quote what the sender sent: it is sanitized.
func Verdict(tr *i18n.Tr, n notify.Notice) string {
	reason := sanitize.Text(n.Reason)
	why := i18n.Args{"Why": reason}
	switch n.Outcome {
	case notify.Accepted:
		return tr.T("ingest.verdict.verified", nil)
	case notify.Duplicate:
		if reason != "" {
			return tr.T("ingest.verdict.repeat_busy", why)
		}
		return tr.T("ingest.verdict.repeat", nil)
	case notify.Test:
		return tr.T("ingest.verdict.test", nil)
	case notify.Rejected:
		return tr.T("ingest.verdict.rejected", why)
	case notify.Failed:
		return tr.T("ingest.verdict.not_saved", why)
	}
	return sanitize.Text(string(n.Outcome)) + " " + reason
}

// Host drops the port of a remote address (it changes per connection).
func Host(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}
