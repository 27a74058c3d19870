package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
)

// Merchant callback result codes (the docs' suggested set).
const (
	ResultOK          = 0   // accepted
	ResultBadFormat   = 5   // bad format of request parameters
	ResultDatabase    = 13  // database error (not used: sink failures answer 300)
	ResultBadPassword = 150 // Basic auth failed
	ResultBadSign     = 151 // X-Api-Signature check failed
	ResultServerError = 300 // the sink failed; QIWI repeats
)

// SignBill computes the X-Api-Signature of a merchant callback: the values
// of all parameters, sorted by name, joined by "|", HMAC-SHA1 with the
// notification password, base64 of the raw digest. A parameter given twice
// contributes its values in order.
func SignBill(password string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var vals []string
	for _, k := range keys {
		vals = append(vals, form[k]...)
	}
	m := hmac.New(sha1.New, []byte(password))
	m.Write([]byte(strings.Join(vals, "|")))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifyBillSignature checks an X-Api-Signature header value in constant time.
func VerifyBillSignature(password string, form url.Values, header string) bool {
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(header))
	if err != nil {
		return false
	}
	want, _ := base64.StdEncoding.DecodeString(SignBill(password, form))
	return hmac.Equal(got, want)
}

// DecodeBill reads a merchant callback form body. Every parameter must
// appear once, also counting names that differ only in letter case
// ("Status" beside "status"), which are refused as ambiguous; command must
// be "bill"; the amount is read exactly.
func DecodeBill(body []byte) (*BillEvent, url.Values, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	fields := make(map[string]string, len(form))
	folded := make(map[string]string, len(form))
	for k, v := range form {
		if len(v) != 1 {
			return nil, nil, fmt.Errorf("%w: parameter %q given %d times", ErrMalformed, k, len(v))
		}
		f := strings.ToLower(k)
		if prev, ok := folded[f]; ok {
			return nil, nil, fmt.Errorf("%w: parameters %q and %q differ only in letter case", ErrMalformed, min(prev, k), max(prev, k))
		}
		folded[f] = k
		fields[k] = v[0]
	}
	if fields["command"] != "bill" {
		return nil, form, fmt.Errorf("%w: command %q, want bill", ErrMalformed, fields["command"])
	}
	ev := &BillEvent{
		BillID: fields["bill_id"], Status: pull.BillStatus(fields["status"]), Error: fields["error"],
		User: fields["user"], PrvName: fields["prv_name"], Comment: fields["comment"], Fields: fields,
	}
	if ev.BillID == "" {
		return nil, form, fmt.Errorf("%w: no bill_id", ErrMalformed)
	}
	if !ev.Status.Known() {
		return nil, form, fmt.Errorf("%w: unknown status %q", ErrMalformed, fields["status"])
	}
	cur, err := qiwiapi.ParseCurrency(fields["ccy"])
	if err != nil {
		return nil, form, fmt.Errorf("%w: ccy %q", ErrMalformed, fields["ccy"])
	}
	if ev.Amount, err = qiwiapi.ParseAmount(fields["amount"], cur); err != nil {
		return nil, form, fmt.Errorf("%w: amount %q: %v", ErrMalformed, fields["amount"], err)
	}
	return ev, form, nil
}

func (rc *Receiver) serveBill(w http.ResponseWriter, r *http.Request) {
	n := Notice{Time: rc.cfg.Now(), Kind: KindBill}
	answer := func(status, code int, outcome Outcome, why *Refusal) {
		n.HTTPStatus, n.ResultCode, n.Outcome, n.Refusal = status, code, outcome, why
		if why != nil {
			n.Reason = why.Error()
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<?xml version=\"1.0\"?>\n<result>\n<result_code>%d</result_code>\n</result>\n", code)
		rc.observe(n)
	}
	addr, allowed := rc.sourceAllowed(r, rc.cfg.MerchantNetworks)
	n.Remote = addr
	if r.Method != http.MethodPost {
		answer(http.StatusMethodNotAllowed, ResultBadFormat, Rejected, refuse(WhyMethod, r.Method, false))
		return
	}
	if !allowed {
		answer(http.StatusForbidden, ResultBadPassword, Rejected, refuse(WhySource, addr, false))
		return
	}
	if why := contentTypeProblem(r, BillContentType); why != nil {
		answer(http.StatusUnsupportedMediaType, ResultBadFormat, Rejected, why)
		return
	}
	if rc.cfg.NotifyPassword == "" {
		answer(http.StatusOK, ResultBadPassword, Rejected, &Refusal{Why: WhyNoPassword})
		return
	}
	sig := r.Header.Get("X-Api-Signature")
	useHMAC := rc.cfg.MerchantAuth == AuthHMAC || (rc.cfg.MerchantAuth == AuthAuto && sig != "")
	authName := "basic"
	if useHMAC {
		authName = "hmac"
	} else if why := rc.checkBasic(r); why != nil {
		answer(http.StatusOK, ResultBadPassword, Rejected, why)
		return
	}
	body, err := readBody(w, r)
	if err != nil {
		status, why := http.StatusBadRequest, because(WhyReading, err)
		if errors.Is(err, errTooLarge) {
			status, why = http.StatusRequestEntityTooLarge, &Refusal{Why: WhyTooLarge}
		}
		answer(status, ResultBadFormat, Rejected, why)
		return
	}
	ev, form, decErr := DecodeBill(body)
	if ev != nil {
		n.ID, n.Status = ev.BillID, string(ev.Status)
		amt := ev.Amount
		n.Amount = &amt
	}
	if useHMAC {
		if form == nil {
			answer(http.StatusOK, ResultBadFormat, Rejected, because(WhyMalformed, decErr))
			return
		}
		if sig == "" {
			answer(http.StatusOK, ResultBadSign, Rejected, &Refusal{Why: WhyNoSignatureHeader})
			return
		}
		if !VerifyBillSignature(rc.cfg.NotifyPassword, form, sig) {
			answer(http.StatusOK, ResultBadSign, Rejected, &Refusal{Why: WhySignatureMismatch})
			return
		}
		if k := pipeField(form); k != "" {
			answer(http.StatusOK, ResultBadSign, Rejected, refuse(WhyPipe, k, true))
			return
		}
	}
	if decErr != nil {
		answer(http.StatusOK, ResultBadFormat, Rejected, because(WhyMalformed, decErr))
		return
	}
	ev.Auth = authName
	n.Bill = ev
	key := ev.Key()
	done, busy := rc.bills.begin(key)
	switch {
	case done:
		answer(http.StatusOK, ResultOK, Duplicate, nil)
		return
	case busy:
		answer(http.StatusOK, ResultServerError, Duplicate, &Refusal{Why: WhyBillBusy})
		return
	}
	if rc.cfg.Sink != nil {
		ctx, cancel := context.WithTimeout(r.Context(), rc.cfg.SinkTimeout)
		err = rc.cfg.Sink.BillChanged(ctx, *ev)
		cancel()
	}
	dup := errors.Is(err, ErrDuplicate)
	rc.bills.finish(key, err == nil || dup)
	if dup {
		answer(http.StatusOK, ResultOK, Duplicate, nil)
		return
	}
	if err != nil {
		answer(http.StatusOK, ResultServerError, Failed, because(WhySink, err))
		return
	}
	answer(http.StatusOK, ResultOK, Accepted, nil)
}

// Key identifies a bill callback: the bill and its status (both
// authenticated, by the signature or by the password), so each status
// change of a bill is applied once.
func (e *BillEvent) Key() string { return "bill\x00" + e.BillID + "\x00" + string(e.Status) }

// pipeField names a parameter whose value contains "|" (the first by
// name), or returns "". The signature covers the values joined by "|", so
// such a value could be moved into its neighbour under the same signature.
func pipeField(form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range form[k] {
			if strings.Contains(v, "|") {
				return k
			}
		}
	}
	return ""
}

// checkBasic returns why Basic auth fails, or nil.
func (rc *Receiver) checkBasic(r *http.Request) *Refusal {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return &Refusal{Why: WhyNoBasic}
	}
	userOK := rc.cfg.ShopID == "" || subtle.ConstantTimeCompare([]byte(user), []byte(rc.cfg.ShopID)) == 1
	passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(rc.cfg.NotifyPassword)) == 1
	if !userOK || !passOK {
		return refuse(WhyWrongBasic, user, true)
	}
	return nil
}
