package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// DecodeWebhook reads a wallet webhook body once (qiwiapi.ParseWebhook):
// a body with a key given twice, in any letter case and at any depth, is
// refused. test reports a test notification (its payment may be empty;
// nothing else is checked then). Otherwise the payment's identity (TxnID,
// Type, Account, Sum) is taken from exactly the values its signature
// covers, and Signed holds the signed text: a body whose signFields does
// not cover them is refused with qiwiapi.ErrNoSignature. Amounts keep
// their exact decimal value.
func DecodeWebhook(body []byte) (ev *Event, test bool, err error) {
	w, err := qiwiapi.ParseWebhook(body)
	if err != nil {
		return nil, false, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	r := fieldReader{w: w}
	ev = &Event{MessageID: r.text("messageId"), HookID: r.text("hookId"), Version: r.text("version"), Hash: w.Hash(), Raw: body}
	if r.flag("test") {
		return ev, true, r.err
	}
	if ev.MessageID == "" {
		return nil, false, fmt.Errorf("%w: no messageId", ErrMalformed)
	}
	if v, ok := w.Value("payment"); !ok || v.Kind != qiwiapi.JSONObject {
		return nil, false, fmt.Errorf("%w: no payment", ErrMalformed)
	}
	ev.TxnID, ev.Type, ev.Status = r.text("payment.txnId"), r.text("payment.type"), r.text("payment.status")
	ev.ErrorCode, ev.Account, ev.Comment = r.text("payment.errorCode"), r.text("payment.account"), r.text("payment.comment")
	ev.SignFields = r.text("payment.signFields")
	if date := r.text("payment.date"); date != "" && r.err == nil {
		if ev.Date, err = time.Parse(time.RFC3339, date); err != nil {
			return nil, false, fmt.Errorf("%w: payment.date %q", ErrMalformed, date)
		}
	}
	ev.PersonID, ev.Provider = r.int("payment.personId"), r.int("payment.provider")
	sum := r.amount("payment.sum")
	ev.Commission = r.amount("payment.commission")
	if total := r.amount("payment.total"); total != nil {
		ev.Total = *total
	}
	if r.err != nil {
		return nil, false, r.err
	}
	if ev.TxnID == "" || sum == nil {
		return nil, false, fmt.Errorf("%w: payment without txnId or sum", ErrMalformed)
	}
	if sum.Currency == 0 {
		return nil, false, fmt.Errorf("%w: payment.sum has no currency", ErrMalformed)
	}
	ev.Sum = *sum
	if _, ev.Signed, err = w.Signed(); err != nil {
		return nil, false, err
	}
	return ev, false, nil
}

// fieldReader takes typed values out of a parsed body; the first problem
// is kept in err (wrapping ErrMalformed) and later reads return zero.
type fieldReader struct {
	w   *qiwiapi.WebhookBody
	err error
}

func (r *fieldReader) fail(path, want string, v qiwiapi.WebhookValue) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s is not %s (%q)", ErrMalformed, path, want, v.Text)
	}
}

// text reads a string or a number as text; null and absent read "".
func (r *fieldReader) text(path string) string {
	v, ok := r.w.Value(path)
	switch {
	case !ok || v.Kind == qiwiapi.JSONNull:
		return ""
	case v.Kind == qiwiapi.JSONString || v.Kind == qiwiapi.JSONNumber:
		return v.Text
	}
	r.fail(path, "a string or a number", v)
	return ""
}

// flag reads true, "true", false, "false", null or absent.
func (r *fieldReader) flag(path string) bool {
	v, ok := r.w.Value(path)
	if !ok || v.Kind == qiwiapi.JSONNull {
		return false
	}
	if v.Kind == qiwiapi.JSONBool || v.Kind == qiwiapi.JSONString {
		switch v.Text {
		case "true":
			return true
		case "false", "":
			return false
		}
	}
	r.fail(path, "true or false", v)
	return false
}

// int reads a whole number given as a number or a string; absent reads 0.
func (r *fieldReader) int(path string) int64 {
	s := r.text(path)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		r.fail(path, "a whole number", qiwiapi.WebhookValue{Text: s})
	}
	return n
}

// amount reads {"amount": ..., "currency": ...} exactly; null or absent
// reads nil.
func (r *fieldReader) amount(path string) *qiwiapi.Amount {
	v, ok := r.w.Value(path)
	if !ok || v.Kind == qiwiapi.JSONNull {
		return nil
	}
	if v.Kind != qiwiapi.JSONObject {
		r.fail(path, "an amount object", v)
		return nil
	}
	curText, amtText := r.text(path+".currency"), r.text(path+".amount")
	if r.err != nil {
		return nil
	}
	var cur qiwiapi.Currency
	if curText != "" && curText != "0" { // "0": no currency, as qiwiapi.Currency reads it
		var err error
		if cur, err = qiwiapi.ParseCurrency(curText); err != nil {
			r.fail(path+".currency", "a currency", qiwiapi.WebhookValue{Text: curText})
			return nil
		}
	}
	if amtText == "" {
		return &qiwiapi.Amount{Currency: cur}
	}
	a, err := qiwiapi.ParseAmount(amtText, cur)
	if err != nil {
		r.fail(path+".amount", "an exact amount", qiwiapi.WebhookValue{Text: amtText})
		return nil
	}
	return &a
}

func (rc *Receiver) serveWallet(w http.ResponseWriter, r *http.Request) {
	n := Notice{Time: rc.cfg.Now(), Kind: KindWallet, ResultCode: -1}
	answer := func(status int, outcome Outcome, why *Refusal) {
		n.HTTPStatus, n.Outcome, n.Refusal = status, outcome, why
		if why != nil {
			n.Reason = why.Error()
		}
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
		answer(http.StatusMethodNotAllowed, Rejected, refuse(WhyMethod, r.Method, false))
		return
	}
	if !allowed {
		answer(http.StatusForbidden, Rejected, refuse(WhySource, addr, false))
		return
	}
	if why := contentTypeProblem(r, WebhookContentType); why != nil {
		answer(http.StatusUnsupportedMediaType, Rejected, why)
		return
	}
	body, err := readBody(w, r)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			answer(http.StatusRequestEntityTooLarge, Rejected, &Refusal{Why: WhyTooLarge})
		} else {
			answer(http.StatusBadRequest, Rejected, because(WhyReading, err))
		}
		return
	}
	ev, test, err := DecodeWebhook(body)
	if err != nil {
		if errors.Is(err, ErrMalformed) {
			answer(http.StatusBadRequest, Rejected, because(WhyMalformed, err))
		} else {
			answer(http.StatusForbidden, Rejected, because(WhySignature, err))
		}
		return
	}
	n.ID = ev.MessageID
	if test {
		answer(http.StatusOK, Test, nil)
		return
	}
	n.Status = ev.Status
	sum := ev.Sum
	n.Amount = &sum
	if rc.cfg.VerifyWebhook == nil {
		answer(http.StatusForbidden, Rejected, &Refusal{Why: WhyNoKey})
		return
	}
	if err := rc.cfg.VerifyWebhook(ev.Signed, ev.Hash); err != nil {
		answer(http.StatusForbidden, Rejected, because(WhySignature, err))
		return
	}
	n.Wallet = ev
	key := ev.Key()
	done, busy := rc.wallets.begin(key)
	switch {
	case done:
		answer(http.StatusOK, Duplicate, nil)
		return
	case busy:
		answer(http.StatusServiceUnavailable, Duplicate, &Refusal{Why: WhyPaymentBusy})
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
		answer(http.StatusOK, Duplicate, nil)
		return
	}
	if err != nil {
		answer(http.StatusInternalServerError, Failed, because(WhySink, err))
		return
	}
	answer(http.StatusOK, Accepted, nil)
}

// Key identifies the payment notification by what QIWI signed: the
// signFields list and the values it names, exactly as written (txnId,
// type, sum, account, ...: Signed), plus the status, which QIWI does not sign, so
// that a later status of the same payment is a new notification. A genuine
// body sent again with another messageId (not signed either) has the same
// key. Statuses other than WAITING, SUCCESS and ERROR share one key, so a
// replay with made-up statuses cannot pass more than once. The key is a
// hex SHA-256, safe to store.
func (e *Event) Key() string {
	sf, signed := e.SignFields, e.Signed
	if signed == "" {
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
