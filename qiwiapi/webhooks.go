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
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
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
		return nil, nil, invalid(SubjectWebhook, RuleHookURLLength, map[string]any{"Len": n, "Max": MaxHookURLLength})
	}
	u, err := url.Parse(hookURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil, invalid(SubjectWebhook, RuleHookURL, map[string]any{"URL": strconv.Quote(hookURL)})
	}
	if txn < HookIncoming || txn > HookBoth {
		return nil, nil, invalid(SubjectWebhook, RuleHookTxnType, nil)
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
		return nil, invalid(SubjectWebhook, RuleHookID, nil)
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
		return "", nil, invalid(SubjectWebhook, RuleHookID, nil)
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

// Signature errors.
var (
	ErrBadSignature = errors.New("webhook: the signature does not match")
	ErrNoSignature  = errors.New("webhook: the notification carries no hash or signFields")
	// ErrAmbiguous marks a body that could be read two ways: a key given
	// twice, also in another letter case ("Sum" beside "sum") or at any
	// depth. Such a body is refused, never guessed at.
	ErrAmbiguous = errors.New("webhook: ambiguous notification")
)

// SignedFields are the payment fields QIWI signs, in its order. A
// notification's signFields must begin with them: the values that
// identify a payment (txnId, type, sum, account) are then always among
// what the hash covers, each at its documented place.
const SignedFields = "sum.currency,sum.amount,type,account,txnId"

// JSONKind is the kind of one value in a webhook body.
type JSONKind int

// Kinds of JSON values.
const (
	JSONNull JSONKind = iota
	JSONString
	JSONNumber
	JSONBool
	JSONObject
	JSONArray
)

// WebhookValue is one value of a webhook body. Text is a string's
// content (unescaped) or a number, true or false exactly as written;
// empty for null, objects and arrays.
type WebhookValue struct {
	Kind JSONKind
	Text string
}

// WebhookBody is a webhook body read once, strictly: the signature and the
// event are both taken from this one reading, so they cannot disagree.
// ParseWebhook refuses a body that is not one JSON object, or that has a
// key twice in one object in any letter case (encoding/json would take
// "Sum" for "sum", the last one winning), at any depth.
type WebhookBody struct{ root *jsonNode }

type jsonNode struct {
	WebhookValue
	fields map[string]*jsonNode // objects: by exact key
	items  []*jsonNode          // arrays
}

// ParseWebhook reads a webhook body strictly (see WebhookBody).
func ParseWebhook(body []byte) (*WebhookBody, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	root, err := readNode(dec)
	if err != nil {
		return nil, err
	}
	if root.Kind != JSONObject {
		return nil, fmt.Errorf("webhook: not a QIWI notification: the body is not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("webhook: not a QIWI notification: data after the JSON object")
	}
	return &WebhookBody{root: root}, nil
}

func readNode(dec *json.Decoder) (*jsonNode, error) {
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("webhook: not a QIWI notification: %w", err)
	}
	switch t := tok.(type) {
	case nil:
		return &jsonNode{}, nil
	case string:
		return &jsonNode{WebhookValue: WebhookValue{Kind: JSONString, Text: t}}, nil
	case json.Number:
		return &jsonNode{WebhookValue: WebhookValue{Kind: JSONNumber, Text: string(t)}}, nil
	case bool:
		return &jsonNode{WebhookValue: WebhookValue{Kind: JSONBool, Text: strconv.FormatBool(t)}}, nil
	case json.Delim:
		if t == '[' {
			n := &jsonNode{WebhookValue: WebhookValue{Kind: JSONArray}}
			for dec.More() {
				item, err := readNode(dec)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, item)
			}
			_, err := dec.Token() // ]
			return n, err
		}
		n := &jsonNode{WebhookValue: WebhookValue{Kind: JSONObject}, fields: map[string]*jsonNode{}}
		folded := map[string]string{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, fmt.Errorf("webhook: not a QIWI notification: %w", err)
			}
			key, _ := kt.(string)
			f := foldKey(key)
			if prev, ok := folded[f]; ok {
				if prev == key {
					return nil, fmt.Errorf("%w: key %q given twice", ErrAmbiguous, key)
				}
				return nil, fmt.Errorf("%w: keys %q and %q differ only in letter case", ErrAmbiguous, prev, key)
			}
			folded[f] = key
			v, err := readNode(dec)
			if err != nil {
				return nil, err
			}
			n.fields[key] = v
		}
		_, err := dec.Token() // }
		return n, err
	}
	return nil, fmt.Errorf("webhook: not a QIWI notification: unexpected %v", tok)
}

// foldKey maps every letter to the smallest rune of its case-folding
// orbit, so "Sum", "SUM" and "ſum" (long s, which encoding/json also
// matches to "sum") fold alike.
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		b.WriteRune(m)
	}
	return b.String()
}

// Value returns the value at a dotted path from the top ("messageId",
// "payment.sum.amount"); keys match exactly.
func (w *WebhookBody) Value(path string) (WebhookValue, bool) {
	n := w.root
	for _, k := range strings.Split(path, ".") {
		if n.Kind != JSONObject {
			return WebhookValue{}, false
		}
		next, ok := n.fields[k]
		if !ok {
			return WebhookValue{}, false
		}
		n = next
	}
	return n.WebhookValue, true
}

// Hash is the body's "hash" (empty when there is none or it is not a string).
func (w *WebhookBody) Hash() string {
	v, ok := w.Value("hash")
	if !ok || v.Kind != JSONString {
		return ""
	}
	return v.Text
}

// Signed returns the payment's signFields and the text QIWI signs: the
// values of the payment fields it names, in that order, each exactly as
// written in the JSON (strings unquoted), joined by "|". It refuses a
// signFields that does not begin with SignedFields, a signed value that is
// an object, an array or missing, and a signed value containing "|"
// (which would let values slide from one field into another under the
// same hash).
func (w *WebhookBody) Signed() (signFields, signed string, err error) {
	sf, ok := w.Value("payment.signFields")
	if !ok || sf.Kind != JSONString || sf.Text == "" {
		return "", "", ErrNoSignature
	}
	parts := strings.Split(sf.Text, ",")
	core := strings.Split(SignedFields, ",")
	if len(parts) < len(core) {
		return sf.Text, "", fmt.Errorf("%w: signFields %q does not cover %s", ErrNoSignature, sf.Text, SignedFields)
	}
	values := make([]string, len(parts))
	for i, path := range parts {
		path = strings.TrimSpace(path)
		if i < len(core) && path != core[i] {
			return sf.Text, "", fmt.Errorf("%w: signFields %q does not begin with %s", ErrNoSignature, sf.Text, SignedFields)
		}
		v, ok := w.Value("payment." + path)
		switch {
		case !ok:
			return sf.Text, "", fmt.Errorf("webhook: signed field %q is missing", path)
		case v.Kind == JSONObject || v.Kind == JSONArray:
			return sf.Text, "", fmt.Errorf("webhook: signed field %q is not a single value", path)
		case v.Kind == JSONNull:
			v.Text = "null"
		case strings.Contains(v.Text, "|"):
			return sf.Text, "", fmt.Errorf("%w: signed field %q contains the separator |", ErrAmbiguous, path)
		}
		values[i] = v.Text
	}
	return sf.Text, strings.Join(values, "|"), nil
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

// CheckHash compares a notification's hash (hex) with the HMAC-SHA256 of
// the signed text under a base64 hook key, in constant time. It returns nil
// only for an authentic pair.
func CheckHash(signed, hash, base64Key string) error {
	if hash == "" {
		return ErrNoSignature
	}
	want, err := Sign(signed, base64Key)
	if err != nil {
		return err
	}
	got, err := hex.DecodeString(strings.ToLower(hash))
	if err != nil {
		return ErrBadSignature
	}
	wantBytes, _ := hex.DecodeString(want)
	if !hmac.Equal(got, wantBytes) {
		return ErrBadSignature
	}
	return nil
}

// VerifySignature reads a webhook body (ParseWebhook) and checks its hash
// against the hook's base64 key. It returns nil only for an authentic,
// unambiguous body.
func VerifySignature(body []byte, base64Key string) error {
	w, err := ParseWebhook(body)
	if err != nil {
		return err
	}
	_, signed, err := w.Signed()
	if err != nil {
		return err
	}
	return CheckHash(signed, w.Hash(), base64Key)
}
