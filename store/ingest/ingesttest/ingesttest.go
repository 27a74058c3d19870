// Package ingesttest makes notifications the way QIWI sends them, for the
// tests of the receiver and of the screens that show what it received.
package ingesttest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"qiwidash/qiwiapi/notify"
)

// WalletBody is a wallet webhook signed the way QIWI signs: HMAC-SHA256
// (key base64-decoded) over the signFields values as written, hex.
func WalletBody(t testing.TB, key, msgID, txnID, typ, amount string) []byte {
	t.Helper()
	k, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, k)
	mac.Write([]byte(strings.Join([]string{"643", amount, typ, "+79161112233", txnID}, "|")))
	return fmt.Appendf(nil, `{"messageId":%q,"hookId":"h-1","payment":{"txnId":%q,"date":"2026-11-20T12:00:00+03:00",`+
		`"type":%q,"status":"SUCCESS","errorCode":"0","personId":79031234567,"account":"+79161112233","comment":"for lunch",`+
		`"provider":7,"sum":{"amount":%s,"currency":643},"commission":{"amount":0,"currency":643},"total":{"amount":%s,"currency":643},`+
		`"signFields":"sum.currency,sum.amount,type,account,txnId"},"hash":%q,"version":"1.0.0","test":false}`,
		msgID, txnID, typ, amount, amount, hex.EncodeToString(mac.Sum(nil)))
}

// BillForm is a Pull REST bill callback's form.
func BillForm(id, status, amount string) url.Values {
	return url.Values{
		"command": {"bill"}, "bill_id": {id}, "status": {status}, "error": {"0"}, "amount": {amount},
		"user": {"tel:+79161234567"}, "prv_name": {"Demo Shop"}, "ccy": {"RUB"}, "comment": {"Order 77"},
	}
}

// Post sends body to target with the content type QIWI uses for it (a
// webhook as JSON with its charset, a bill callback as a form), hdr over
// it, and returns the status.
func Post(t testing.TB, target string, body []byte, hdr map[string]string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", notify.BillContentType)
	if strings.HasSuffix(target, notify.DefaultWebhookPath) {
		req.Header.Set("Content-Type", notify.WebhookContentType+"; charset=utf-8")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}
