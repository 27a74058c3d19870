package qiwiapi

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// WebhooksService manages the wallet's notification hook.
type WebhooksService service

// HookTxnType says which transactions a hook reports.
type HookTxnType int

// Hook transaction types, as the registration query wants them.
const (
	HookIncoming HookTxnType = 0
	HookOutgoing HookTxnType = 1
	HookBoth     HookTxnType = 2
)

// MaxHookURLLength is QIWI's limit on a webhook URL (before encoding).
const MaxHookURLLength = 100

// Hook is a registered webhook. TxnType comes back as IN, OUT or BOTH.
type Hook struct {
	HookID         string `json:"hookId"`
	HookParameters struct {
		URL string `json:"url"`
	} `json:"hookParameters"`
	HookType string `json:"hookType"`
	TxnType  string `json:"txnType"`
}

// Register sets the webhook URL. The URL is checked (absolute http(s), at
// most 100 characters) before anything is sent.
func (s *WebhooksService) Register(ctx context.Context, hookURL string, txn HookTxnType) (*Hook, *Response, error) {
	if n := utf8.RuneCountInString(hookURL); n > MaxHookURLLength {
		return nil, nil, fmt.Errorf("webhook: the URL is %d characters long, QIWI accepts at most %d", n, MaxHookURLLength)
	}
	u, err := url.Parse(hookURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil, fmt.Errorf("webhook: %q is not an http(s) URL", hookURL)
	}
	if txn < HookIncoming || txn > HookBoth {
		return nil, nil, errors.New("webhook: the transaction type is 0 (in), 1 (out) or 2 (both)")
	}
	q := url.Values{"hookType": {"1"}, "param": {hookURL}, "txnType": {strconv.Itoa(int(txn))}}
	r, _ := s.client.newRequest(http.MethodPut, "/payment-notifier/v1/hooks", q, nil)
	out := new(Hook)
	resp, err := s.client.do(ctx, r, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// Active returns the active hook; ErrNotFound when there is none.
func (s *WebhooksService) Active(ctx context.Context) (*Hook, *Response, error) {
	r, _ := s.client.newRequest(http.MethodGet, "/payment-notifier/v1/hooks/active", nil, nil)
	out := new(Hook)
	resp, err := s.client.do(ctx, r, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// Delete removes a hook.
func (s *WebhooksService) Delete(ctx context.Context, hookID string) (*Response, error) {
	if hookID == "" {
		return nil, errors.New("webhook: no hook id")
	}
	r, _ := s.client.newRequest(http.MethodDelete, fmtPath("/payment-notifier/v1/hooks/%s", hookID), nil, nil)
	var out struct {
		Response string `json:"response"`
	}
	return s.client.do(ctx, r, &out)
}

// Key returns the hook's signing key (base64). It is a secret.
func (s *WebhooksService) Key(ctx context.Context, hookID string) (string, *Response, error) {
	return s.key(ctx, http.MethodGet, hookID, "/payment-notifier/v1/hooks/%s/key")
}

// NewKey replaces the hook's signing key and returns the new one.
func (s *WebhooksService) NewKey(ctx context.Context, hookID string) (string, *Response, error) {
	return s.key(ctx, http.MethodPost, hookID, "/payment-notifier/v1/hooks/%s/newkey")
}

func (s *WebhooksService) key(ctx context.Context, method, hookID, format string) (string, *Response, error) {
	if hookID == "" {
		return "", nil, errors.New("webhook: no hook id")
	}
	r, _ := s.client.newRequest(method, fmtPath(format, hookID), nil, nil)
	if method == http.MethodPost {
		r.retry = retryBlockedOnly // a second newkey would rotate again
	}
	var out struct {
		Key string `json:"key"`
	}
	resp, err := s.client.do(ctx, r, &out)
	if err != nil {
		return "", resp, err
	}
	if out.Key == "" {
		return "", resp, &DecodeError{Method: method, Path: r.path, Err: errors.New("no key in the answer")}
	}
	return out.Key, resp, nil
}

// Test asks QIWI to send a test notification to the active hook.
func (s *WebhooksService) Test(ctx context.Context) (string, *Response, error) {
	r, _ := s.client.newRequest(http.MethodGet, "/payment-notifier/v1/hooks/test", nil, nil)
	var out struct {
		Response string `json:"response"`
	}
	resp, err := s.client.do(ctx, r, &out)
	return out.Response, resp, err
}

// Notification is a webhook message. Payment keeps its raw JSON so the
// signature can be checked against the exact text.
type Notification struct {
	MessageID string              `json:"messageId"`
	HookID    string              `json:"hookId"`
	Payment   NotificationPayment `json:"payment"`
	Hash      string              `json:"hash"`
	Version   string              `json:"version"`
	Test      bool                `json:"test"`
}

// NotificationPayment is the transaction a webhook reports.
type NotificationPayment struct {
	TxnID      FlexString `json:"txnId"`
	Date       FlexTime   `json:"date"`
	Type       TxnType    `json:"type"`
	Status     TxnStatus  `json:"status"`
	ErrorCode  FlexInt    `json:"errorCode"`
	PersonID   FlexInt    `json:"personId"`
	Account    string     `json:"account"`
	Comment    string     `json:"comment"`
	Provider   FlexInt    `json:"provider"`
	Sum        Amount     `json:"sum"`
	Commission *Amount    `json:"commission"`
	Total      Amount     `json:"total"`
	SignFields string     `json:"signFields"`
}

// Signature errors.
var (
	ErrBadSignature = errors.New("webhook: the signature does not match")
	ErrNoSignature  = errors.New("webhook: the notification carries no hash or signFields")
)

// ParseNotification decodes a webhook body.
func ParseNotification(body []byte) (*Notification, error) {
	n := new(Notification)
	if err := json.Unmarshal(body, n); err != nil {
		return nil, fmt.Errorf("webhook: not a QIWI notification: %w", err)
	}
	return n, nil
}

// SignedString is the text QIWI signs: the values of the payment fields
// named in signFields, in that order, each exactly as written in the JSON,
// joined by "|".
func SignedString(body []byte) (signFields string, signed string, err error) {
	var top struct {
		Payment map[string]json.RawMessage `json:"payment"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&top); err != nil {
		return "", "", fmt.Errorf("webhook: not a QIWI notification: %w", err)
	}
	var sf string
	if raw, ok := top.Payment["signFields"]; !ok || json.Unmarshal(raw, &sf) != nil || sf == "" {
		return "", "", ErrNoSignature
	}
	parts := strings.Split(sf, ",")
	values := make([]string, len(parts))
	for i, path := range parts {
		v, err := lookupRaw(top.Payment, strings.TrimSpace(path))
		if err != nil {
			return sf, "", err
		}
		values[i] = v
	}
	return sf, strings.Join(values, "|"), nil
}

// lookupRaw follows a dotted path ("sum.amount") and returns the value's
// text: strings unquoted, numbers and literals exactly as written.
func lookupRaw(obj map[string]json.RawMessage, path string) (string, error) {
	keys := strings.Split(path, ".")
	cur := obj
	for i, k := range keys {
		raw, ok := cur[k]
		if !ok {
			return "", fmt.Errorf("webhook: signed field %q is missing", path)
		}
		if i == len(keys)-1 {
			raw = bytes.TrimSpace(raw)
			if len(raw) > 0 && raw[0] == '"' {
				var s string
				if err := json.Unmarshal(raw, &s); err != nil {
					return "", err
				}
				return s, nil
			}
			return string(raw), nil
		}
		next := map[string]json.RawMessage{}
		if err := json.Unmarshal(raw, &next); err != nil {
			return "", fmt.Errorf("webhook: signed field %q is not inside an object", path)
		}
		cur = next
	}
	return "", fmt.Errorf("webhook: empty signed field name")
}

// Sign computes the lower-case hex HMAC-SHA256 of msg with a base64 hook key.
func Sign(msg, base64Key string) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(base64Key))
	if err != nil {
		return "", errors.New("webhook: the hook key is not valid base64")
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil)), nil
}

// VerifySignature checks a webhook body against the hook's base64 key with a
// constant-time comparison. It returns nil only for an authentic body.
func VerifySignature(body []byte, base64Key string) error {
	_, signed, err := SignedString(body)
	if err != nil {
		return err
	}
	var top struct {
		Hash string `json:"hash"`
	}
	if err := json.Unmarshal(body, &top); err != nil {
		return fmt.Errorf("webhook: not a QIWI notification: %w", err)
	}
	if top.Hash == "" {
		return ErrNoSignature
	}
	want, err := Sign(signed, base64Key)
	if err != nil {
		return err
	}
	got, err := hex.DecodeString(strings.ToLower(top.Hash))
	if err != nil {
		return ErrBadSignature
	}
	wantBytes, _ := hex.DecodeString(want)
	if !hmac.Equal(got, wantBytes) {
		return ErrBadSignature
	}
	return nil
}
