package qiwiapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"qiwidash/qiwiapi/internal/transport"
)

// FlexInt decodes a JSON number or a numeric string (QIWI sends errorCode and
// ids both ways depending on the endpoint).
type FlexInt int64

// UnmarshalJSON accepts 5, "5" and null.
func (n *FlexInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" || s == `""` {
		*n = 0
		return nil
	}
	if unq, err := strconv.Unquote(s); err == nil {
		s = unq
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("not an integer: %q", s)
	}
	*n = FlexInt(v)
	return nil
}

// FlexBool decodes a JSON boolean or its text ("true", "false"): the docs'
// tables type some flags as String while their examples show booleans.
type FlexBool bool

// UnmarshalJSON accepts true, "true", false, "false" and null (false).
func (v *FlexBool) UnmarshalJSON(b []byte) error {
	switch strings.ToLower(rawString(b)) {
	case "true", "1":
		*v = true
	case "false", "0", "", "null":
		*v = false
	default:
		return fmt.Errorf("not a boolean: %.40q", b)
	}
	return nil
}

// FlexString decodes a JSON string or number into its text.
type FlexString string

// UnmarshalJSON accepts "abc", 123 and null.
func (s *FlexString) UnmarshalJSON(b []byte) error {
	*s = FlexString(rawString(b))
	return nil
}

// FlexTime reads the timestamps QIWI writes in several layouts, some of them
// malformed in the docs ("2019-11-01T:00:00"). It never fails: Raw keeps the text.
type FlexTime struct {
	time.Time
	Raw string
}

var flexLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02T:15:04",
	"2006-01-02",
}

// UnmarshalJSON parses what it can and keeps the raw text either way.
func (t *FlexTime) UnmarshalJSON(b []byte) error {
	s := rawString(bytes.TrimSpace(b))
	t.Raw = s
	t.Time = time.Time{}
	for _, layout := range flexLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v
			return nil
		}
	}
	return nil
}

// MarshalJSON writes the raw text back.
func (t FlexTime) MarshalJSON() ([]byte, error) { return json.Marshal(t.Raw) }

// EpochMillis is a Unix time in milliseconds, as the invoices API writes dates.
type EpochMillis struct{ time.Time }

// UnmarshalJSON reads 1523025585000.
func (t *EpochMillis) UnmarshalJSON(b []byte) error {
	var n FlexInt
	if err := n.UnmarshalJSON(b); err != nil {
		return err
	}
	if n == 0 {
		t.Time = time.Time{}
		return nil
	}
	t.Time = time.UnixMilli(int64(n))
	return nil
}

// MarshalJSON writes the millisecond number.
func (t EpochMillis) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatInt(t.UnixMilli(), 10)), nil
}

// Moscow is the +03:00 zone QIWI uses for history dates.
var Moscow = transport.Moscow

// qiwiTime formats a query date the way the history API wants it.
// Always with an offset (+00:00, never Z), as the docs' TZD says.
func qiwiTime(t time.Time) string { return t.Format("2006-01-02T15:04:05-07:00") }

// fmtPath fills a path template, escaping each argument as one path segment.
func fmtPath(format string, args ...string) string {
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = url.PathEscape(a)
	}
	return fmt.Sprintf(format, vals...)
}

// String is the decimal text of the number.
func (n FlexInt) String() string { return strconv.FormatInt(int64(n), 10) }
