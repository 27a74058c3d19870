package qiwiapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi/budget"
)

func TestExplain(t *testing.T) {
	until := time.Date(2026, 12, 1, 14, 5, 0, 0, time.Local)
	cases := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("history: %w", &budget.PausedError{Until: until}), "QIWI history paused until 14:05 (request limit)"},
		{&Error{StatusCode: 423, RetryAfter: 5 * time.Minute}, "QIWI blocks requests for 5m0s (request limit)"},
		{&NetworkError{Method: "GET", Path: "/x", Err: errors.New("connection refused")}, "No connection to QIWI"},
		{context.DeadlineExceeded, "QIWI did not answer in time"},
		{&Error{StatusCode: 401}, "The token was refused"},
	}
	for _, c := range cases {
		got := Explain(c.err)
		if c.want == "" && got != "" || !strings.HasPrefix(got, c.want) {
			t.Errorf("Explain(%v) = %q, want %q…", c.err, got, c.want)
		}
		if strings.Contains(strings.ToLower(got), "offline") {
			t.Errorf("Explain(%v) says offline: %q", c.err, got)
		}
	}
}
