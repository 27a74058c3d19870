package explain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
)

func TestError(t *testing.T) {
	until := time.Date(2026, 12, 1, 14, 5, 0, 0, time.Local)
	cases := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("history: %w", &budget.PausedError{Until: until}), "QIWI history paused until 14:05 (request limit)"},
		{&qiwiapi.Error{StatusCode: 423, RetryAfter: 5 * time.Minute}, "QIWI blocks requests for 5m0s (request limit)"},
		{&qiwiapi.NetworkError{Method: "GET", Path: "/x", Err: errors.New("connection refused")}, "No connection to QIWI"},
		{context.DeadlineExceeded, "QIWI did not answer in time"},
		{&qiwiapi.Error{StatusCode: 401}, "The token was refused"},
	}
	for _, c := range cases {
		got := Error(nil, c.err)
		if c.want == "" && got != "" || !strings.HasPrefix(got, c.want) {
			t.Errorf("Error(%v) = %q, want %q…", c.err, got, c.want)
		}
		if strings.Contains(strings.ToLower(got), "offline") {
			t.Errorf("Error(%v) says offline: %q", c.err, got)
		}
	}
}
