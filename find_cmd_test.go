package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
	"qiwidash/store"
)

// `qiwidash find` searches the store's cache and writes lines, JSON, or the
// masked case report.
func TestFindCommand(t *testing.T) {
	keyring.MockInit()
	path := filepath.Join(t.TempDir(), "qiwidash.db")
	st, err := store.Open(path, store.Options{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	msk := time.FixedZone("", 3*3600)
	if _, err := st.Upsert(context.Background(), "79990000001", []qiwiapi.Transaction{{
		TxnID: 11111111111, Type: qiwiapi.TypeOut, Status: qiwiapi.StatusSuccess, Date: time.Date(2026, 11, 22, 12, 32, 0, 0, msk),
		Sum: qiwiapi.Amount{Minor: 150000, Currency: qiwiapi.RUB}, Account: "+79161112233", Comment: "за кофе",
	}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	find := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(append([]string{"find", "--store", path}, args...), &out, &errOut)
		return out.String(), err
	}
	out, err := find("1 500")
	if err != nil || !strings.HasPrefix(out, "1 found for amount 1500.00 (any currency)") || !strings.Contains(out, "11111111111") {
		t.Fatalf("text: %v\n%s", err, out)
	}
	out, err = find("--json", "+7", "916", "111-22-33")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Count int `json:"count"`
		Hits  []struct {
			Ref     string   `json:"ref"`
			Amount  string   `json:"amount"`
			Matched []string `json:"matched"`
		} `json:"hits"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || got.Count != 1 || got.Hits[0].Ref != "11111111111" || got.Hits[0].Amount != "1500.00" {
		t.Fatalf("json: %v %+v\n%s", err, got, out)
	}
	out, err = find("--case", "кофе")
	if err != nil || !strings.Contains(out, "# Payment 11111111111") || strings.Contains(out, "+79161112233") {
		t.Fatalf("case: %v\n%s", err, out)
	}
	out, err = find("--json", "nothing-here")
	if err != nil || !strings.Contains(out, `"count": 0`) {
		t.Fatalf("no hits: %v\n%s", err, out)
	}
	if _, err := find(); err == nil {
		t.Fatal("find without a query ran")
	}
}
