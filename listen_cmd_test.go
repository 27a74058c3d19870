package main

import (
	"bufio"
	"context"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi/notify"
)

// listenLines runs `qiwidash listen` with env until the test ends and
// returns its base URL and a reader of its output lines.
func listenLines(t *testing.T, env map[string]string) (base string, read func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- listen(ctx, listenOptions{addr: "127.0.0.1:0"}, func(k string) string { return env[k] }, pw)
		pw.Close()
	}()
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	t.Cleanup(func() {
		cancel()
		go io.Copy(io.Discard, pr)
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	read = func() string {
		t.Helper()
		select {
		case l := <-lines:
			return l
		case <-time.After(5 * time.Second):
			t.Fatal("no line within 5s")
			return ""
		}
	}
	first := read()
	base, ok := strings.CutPrefix(first, "listening on ")
	if !ok {
		t.Fatalf("first line %q", first)
	}
	for !strings.Contains(read(), "merchant callbacks") {
	}
	return base, read
}

func postForm(t *testing.T, target string, body string, hdr map[string]string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", notify.BillContentType) // what QIWI sends; hdr may say otherwise
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func TestListenPrintsEachNotice(t *testing.T) {
	const pass = "test"
	base, read := listenLines(t, map[string]string{"QIWI_SHOP_ID": "373712", "QIWI_NOTIFY_PASSWORD": pass})
	read() // no webhook key: a warning
	good := url.Values{"command": {"bill"}, "bill_id": {"qd-9"}, "status": {"paid"}, "error": {"0"}, "amount": {"10.00"},
		"user": {"tel:+79161234567"}, "prv_name": {"Demo Shop"}, "ccy": {"RUB"}, "comment": {"Order 77"}}
	postForm(t, base+notify.DefaultBillPath, good.Encode(), map[string]string{"X-Api-Signature": notify.SignBill(pass, good)})
	l := read()
	at, rest, _ := strings.Cut(l, "  ")
	if _, err := time.Parse("2006-01-02 15:04:05 -07:00", at); err != nil || rest != "bill    verified  id=qd-9  status=paid  amount=10.00 RUB  from=127.0.0.1  answer=HTTP 200 result_code 0" {
		t.Errorf("verified line %q", l)
	}
	postForm(t, base+notify.DefaultBillPath, good.Encode(), map[string]string{"X-Api-Signature": "AAAA"})
	if l := read(); !strings.Contains(l, "rejected: X-Api-Signature mismatch") || !strings.Contains(l, "result_code 151") {
		t.Errorf("rejected line %q", l)
	}
}

// TestListenPrintsEscapesSanitized: a test webhook needs no signature, so
// anyone can send one; its messageId carries an OSC 52 clipboard write, a
// title change and a screen clear. listen prints them as visible text,
// never as escape sequences; the same for a bill id in a refused callback.
func TestListenPrintsEscapesSanitized(t *testing.T) {
	base, read := listenLines(t, map[string]string{"QIWI_NOTIFY_PASSWORD": "test"})
	read() // no webhook key: a warning
	const evil = "\x1b]52;c;cHduZWQ=\x07\x1b]0;title\x07\x1b[2J\x1b[H\u009b\u202e\r"
	body := `{"messageId":"` + strings.NewReplacer("\x1b", `\u001b`, "\x07", `\u0007`, "\u009b", `\u009b`, "\u202e", `\u202e`, "\r", `\r`).Replace("t-"+evil) +
		`","hookId":"h","test":true,"version":"1.0.0"}`
	postForm(t, base+notify.DefaultWebhookPath, body, map[string]string{"Content-Type": "application/json"})
	l := read()
	if strings.ContainsAny(l, "\x1b\x07\r\u009b\u202e") {
		t.Fatalf("raw escape in listen's output: %q", l)
	}
	if !strings.Contains(l, "test, not signed  id=t-␛]52;c;cHduZWQ=␇␛]0;title␇␛[2J␛[H\ufffd\ufffd␍") {
		t.Errorf("test line %q", l)
	}
	bill := url.Values{"command": {"bill"}, "bill_id": {"b-" + evil}, "status": {"paid"}, "amount": {"1.00"}, "ccy": {"RUB"}}
	postForm(t, base+notify.DefaultBillPath, bill.Encode(), map[string]string{"X-Api-Signature": "AAAA"})
	if l := read(); strings.ContainsAny(l, "\x1b\x07\r\u009b\u202e") || !strings.Contains(l, "id=b-␛]52") || !strings.Contains(l, "rejected") {
		t.Fatalf("refused bill line %q", l)
	}
}

// TestListenImportsNoView: `listen` is headless; its file imports the
// engine, never a screen.
func TestListenImportsNoView(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "listen_cmd.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range f.Imports {
		if p := strings.Trim(imp.Path.Value, `"`); strings.HasPrefix(p, "qiwidash/views") {
			t.Errorf("listen_cmd.go imports %s", p)
		}
	}
}
