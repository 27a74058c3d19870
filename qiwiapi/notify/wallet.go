package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"qiwidash/qiwiapi"
)

// ErrMalformed wraps every notification that cannot be read.
var ErrMalformed = errors.New("notify: malformed notification")

type wireWebhook struct {
	Hash      string       `json:"hash"`
	HookID    string       `json:"hookId"`
	MessageID string       `json:"messageId"`
	Payment   *wirePayment `json:"payment"`
	Test      flexBool     `json:"test"`
	Version   string       `json:"version"`
}

type wirePayment struct {
	TxnID      flexString      `json:"txnId"`
	Date       string          `json:"date"`
	Type       string          `json:"type"`
	Status     string          `json:"status"`
	ErrorCode  flexString      `json:"errorCode"`
	PersonID   flexString      `json:"personId"`
	Account    string          `json:"account"`
	Comment    string          `json:"comment"`
	Provider   flexString      `json:"provider"`
	Sum        *qiwiapi.Amount `json:"sum"`
	Commission *qiwiapi.Amount `json:"commission"`
	Total      *qiwiapi.Amount `json:"total"`
	SignFields string          `json:"signFields"`
}

// DecodeWebhook reads a wallet webhook body. test reports a test
// notification (its payment may be empty; nothing else is checked then).
// Amounts keep their exact decimal value.
func DecodeWebhook(body []byte) (ev *Event, test bool, err error) {
	var w wireWebhook
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&w); err != nil {
		return nil, false, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if dec.More() {
		return nil, false, fmt.Errorf("%w: trailing data", ErrMalformed)
	}
	ev = &Event{MessageID: w.MessageID, HookID: w.HookID, Version: w.Version, Raw: body}
	if w.Test {
		return ev, true, nil
	}
	if w.MessageID == "" {
		return nil, false, fmt.Errorf("%w: no messageId", ErrMalformed)
	}
	p := w.Payment
	if p == nil {
		return nil, false, fmt.Errorf("%w: no payment", ErrMalformed)
	}
	if p.TxnID == "" || p.Sum == nil {
		return nil, false, fmt.Errorf("%w: payment without txnId or sum", ErrMalformed)
	}
	ev.TxnID, ev.Type, ev.Status = string(p.TxnID), p.Type, p.Status
	ev.ErrorCode, ev.Account, ev.Comment, ev.SignFields = string(p.ErrorCode), p.Account, p.Comment, p.SignFields
	if p.Date != "" {
		if ev.Date, err = time.Parse(time.RFC3339, p.Date); err != nil {
			return nil, false, fmt.Errorf("%w: payment.date %q", ErrMalformed, p.Date)
		}
	}
	if p.PersonID != "" {
		if ev.PersonID, err = strconv.ParseInt(string(p.PersonID), 10, 64); err != nil {
			return nil, false, fmt.Errorf("%w: payment.personId %q", ErrMalformed, string(p.PersonID))
		}
	}
	if p.Provider != "" {
		if ev.Provider, err = strconv.ParseInt(string(p.Provider), 10, 64); err != nil {
			return nil, false, fmt.Errorf("%w: payment.provider %q", ErrMalformed, string(p.Provider))
		}
	}
	ev.Sum = *p.Sum
	ev.Commission = p.Commission
	if p.Total != nil {
		ev.Total = *p.Total
	}
	return ev, false, nil
}

func (rc *Receiver) serveWallet(w http.ResponseWriter, r *http.Request) {
	n := Notice{Time: rc.cfg.Now(), Kind: KindWallet, ResultCode: -1}
	answer := func(status int, outcome Outcome, reason string) {
		n.HTTPStatus, n.Outcome, n.Reason = status, outcome, reason
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		if status == http.StatusOK {
			w.Write([]byte(`{"response":"OK"}`))
		} else {
			w.Write([]byte(`{"response":"error"}`))
		}
		rc.observe(n)
	}
	addr, allowed := rc.sourceAllowed(r, rc.cfg.WalletNetworks)
	n.Remote = addr
	if r.Method != http.MethodPost {
		answer(http.StatusMethodNotAllowed, Rejected, "method "+r.Method+" is not POST")
		return
	}
	if !allowed {
		answer(http.StatusForbidden, Rejected, "source "+addr+" is outside the QIWI networks")
		return
	}
	body, err := readBody(w, r)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			answer(http.StatusRequestEntityTooLarge, Rejected, err.Error())
		} else {
			answer(http.StatusBadRequest, Rejected, "reading body: "+err.Error())
		}
		return
	}
	ev, test, err := DecodeWebhook(body)
	if err != nil {
		answer(http.StatusBadRequest, Rejected, err.Error())
		return
	}
	n.ID = ev.MessageID
	if test {
		answer(http.StatusOK, Test, "")
		return
	}
	n.Status = ev.Status
	sum := ev.Sum
	n.Amount = &sum
	if rc.cfg.VerifyWebhook == nil {
		answer(http.StatusForbidden, Rejected, "no webhook key configured")
		return
	}
	if err := rc.cfg.VerifyWebhook(body); err != nil {
		answer(http.StatusForbidden, Rejected, "signature check failed: "+err.Error())
		return
	}
	n.Wallet = ev
	key := ev.Key()
	done, busy := rc.wallets.begin(key)
	switch {
	case done:
		answer(http.StatusOK, Duplicate, "")
		return
	case busy:
		answer(http.StatusServiceUnavailable, Duplicate, "the same payment is being processed")
		return
	}
	if rc.cfg.Sink != nil {
		ctx, cancel := context.WithTimeout(r.Context(), rc.cfg.SinkTimeout)
		err = rc.cfg.Sink.WalletPayment(ctx, *ev)
		cancel()
	}
	dup := errors.Is(err, ErrDuplicate)
	rc.wallets.finish(key, err == nil || dup)
	if dup {
		answer(http.StatusOK, Duplicate, "")
		return
	}
	if err != nil {
		answer(http.StatusInternalServerError, Failed, "sink: "+err.Error())
		return
	}
	answer(http.StatusOK, Accepted, "")
}

// Key identifies the payment notification by what QIWI signed: the
// signFields list and the values it names, exactly as written (txnId,
// type, sum, account, ...), plus the status, which QIWI does not sign, so
// that a later status of the same payment is a new notification. A genuine
// body sent again with another messageId (not signed either) has the same
// key. Statuses other than WAITING, SUCCESS and ERROR share one key, so a
// replay with made-up statuses cannot pass more than once. The key is a
// hex SHA-256, safe to store.
func (e *Event) Key() string {
	sf, signed, err := qiwiapi.SignedString(e.Raw)
	if err != nil {
		// Not verifiable, so never accepted; still a stable key.
		sf, signed = "messageId", e.MessageID
	}
	status := strings.ToUpper(e.Status)
	switch status {
	case "WAITING", "SUCCESS", "ERROR":
	default:
		status = "OTHER"
	}
	sum := sha256.Sum256([]byte("wallet\x00" + sf + "\x00" + signed + "\x00" + status))
	return hex.EncodeToString(sum[:])
}

// StatusSigned reports whether the payment's status is among the fields
// QIWI signed (signFields names "status"). It usually is not: then the
// status is only a hint until the API confirms it.
func (e *Event) StatusSigned() bool {
	for _, f := range strings.Split(e.SignFields, ",") {
		if strings.TrimSpace(f) == "status" {
			return true
		}
	}
	return false
}

// flexBool accepts true, "true", false, "false".
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	s := string(bytes.TrimSpace(data))
	if unq, err := strconv.Unquote(s); err == nil {
		s = unq
	}
	switch s {
	case "true":
		*b = true
	case "false", "null", "":
		*b = false
	default:
		return fmt.Errorf("not a boolean: %s", data)
	}
	return nil
}

// flexString keeps a string or a number literal as text.
type flexString string

func (f *flexString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return nil
	}
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		return fmt.Errorf("expected a string or a number, got %s", data)
	}
	*f = flexString(n)
	return nil
}
