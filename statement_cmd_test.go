package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
	"qiwidash/store"
)

// `qiwidash statement` with QIWI_TOKEN and --base-url, as export: it syncs
// the period into the store, reconciles it with QIWI and writes the file.
func TestStatementCommand(t *testing.T) {
	dataHome, _ := cleanEnv(t)
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{Seed: 5, HistoryPerMinute: -1, SettleDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	t.Setenv(store.EnvToken, sb.Server.DemoToken())
	dir := t.TempDir()
	pdfPath := filepath.Join(dir, "last-month.pdf")
	var out, errOut bytes.Buffer
	if err := run([]string{"statement", "--base-url", sb.URL, "-o", pdfPath}, &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	b, err := os.ReadFile(pdfPath)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("no PDF at %s: %v", pdfPath, err)
	}
	now := time.Now().In(qiwiapi.Moscow)
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, qiwiapi.Moscow).AddDate(0, -1, 0)
	msg := errOut.String()
	for _, want := range []string{"statement of +" + sb.Server.DemoWallet(), last.Format("2006-01-02"), "agrees with QIWI's totals", pdfPath} {
		if !strings.Contains(msg, want) {
			t.Errorf("stderr lacks %q:\n%s", want, msg)
		}
	}
	if _, err := os.Stat(filepath.Join(dataHome, "qiwidash", "qiwidash.db")); err != nil {
		t.Errorf("the synced history is not in the store: %v", err)
	}

	// JSON on stdout, from the cache synced above (one refresh).
	out.Reset()
	errOut.Reset()
	if err := run([]string{"statement", "--base-url", sb.URL, "--format", "json", "--from", last.Format("2006-01-02")}, &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	var doc struct {
		Wallet           string
		TransactionCount int
		Transactions     []store.ExportRow
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.TransactionCount == 0 || len(doc.Transactions) != doc.TransactionCount || doc.Wallet != sb.Server.DemoWallet() {
		t.Errorf("offline JSON: %d rows, count %d, wallet %q", len(doc.Transactions), doc.TransactionCount, doc.Wallet)
	}

	for _, bad := range [][]string{{"--format", "xml"}, {"--from", "2026-13-01"}, {"--from", "2026-05-10", "--to", "2026-05-01"}, {"--to", "2026-05-01"}} {
		if err := run(append([]string{"statement", "--offline"}, bad...), &out, &errOut); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
