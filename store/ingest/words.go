package ingest

import (
	"fmt"
	"net"
	"strings"

	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/sanitize"
)

// Line is one notification in one line, for logs and `listen`: time, kind,
// verdict (with the reason), id, status, amount, source host, answer.
// Every outside string in it passes sanitize.Text: no control character
// or escape sequence a sender put in an id or a status reaches a terminal.
func Line(e Event) string {
	n := e.Notice
	parts := []string{n.Time.Format("2006-01-02 15:04:05 -07:00"), fmt.Sprintf("%-6s", n.Kind), Verdict(n)}
	if n.ID != "" {
		parts = append(parts, "id="+sanitize.Text(n.ID))
	}
	if n.Status != "" {
		s := "status=" + sanitize.Text(n.Status)
		if n.Wallet != nil && !e.StatusConfirmed {
			s += " (not signed, not final)"
		}
		parts = append(parts, s)
	}
	if n.Amount != nil {
		parts = append(parts, "amount="+n.Amount.String())
	}
	if h := Host(n.Remote); h != "" {
		parts = append(parts, "from="+sanitize.Text(h))
	}
	parts = append(parts, fmt.Sprintf("answer=HTTP %d", n.HTTPStatus))
	if n.ResultCode >= 0 && n.Kind == notify.KindBill {
		parts[len(parts)-1] += fmt.Sprintf(" result_code %d", n.ResultCode)
	}
	return strings.Join(parts, "  ")
}

// Verdict says in words whether a notification was verified, and if not
// why: "verified", "verified, repeat ignored", "test, not signed",
// "rejected: <reason>", "verified, not saved: <reason>". The reason may
// quote what the sender sent: it is sanitized.
func Verdict(n notify.Notice) string {
	reason := sanitize.Text(n.Reason)
	switch n.Outcome {
	case notify.Accepted:
		return "verified"
	case notify.Duplicate:
		if reason != "" {
			return "verified, repeat while busy: " + reason
		}
		return "verified, repeat ignored"
	case notify.Test:
		return "test, not signed"
	case notify.Rejected:
		return "rejected: " + reason
	case notify.Failed:
		return "verified, not saved: " + reason
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
