package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
)

type note struct {
	Text   string
	Amount qiwiapi.Amount
}

// clock is a settable store clock for ordering tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestRecordsSurviveReopen(t *testing.T) {
	ctx := context.Background()
	keyring.MockInit()
	path := filepath.Join(t.TempDir(), "qiwidash.db")
	c := &clock{t: time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)}
	s, err := Open(path, Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range []string{"9", "10", "2"} {
		c.t = c.t.Add(time.Minute)
		if err := s.Put(ctx, "test.note", k, note{Text: "n" + k, Amount: qiwiapi.Amount{Minor: int64(i), Currency: qiwiapi.RUB}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(ctx, "other.kind", "10", note{Text: "elsewhere", Amount: qiwiapi.Amount{Currency: qiwiapi.USD}}); err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(time.Minute)
	if err := s.Put(ctx, "test.note", "9", note{Text: "nine again", Amount: qiwiapi.Amount{Minor: 9, Currency: qiwiapi.RUB}}); err != nil {
		t.Fatal(err) // replaced: now the most recently updated
	}
	s.Close()

	s, err = Open(path, Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n note
	if err := s.Get(ctx, "test.note", "9", &n); err != nil || n.Text != "nine again" {
		t.Fatalf("get 9 = %+v, %v", n, err)
	}
	if err := s.Get(ctx, "test.note", "10", &n); err != nil || n.Text != "n10" || n.Amount != (qiwiapi.Amount{Minor: 1, Currency: qiwiapi.RUB}) {
		t.Fatalf("get 10 = %+v, %v", n, err)
	}
	if err := s.Get(ctx, "test.note", "missing", &n); !errors.Is(err, ErrNoRecord) {
		t.Errorf("missing record: %v", err)
	}
	keys := func(o ListOptions) []string {
		t.Helper()
		rs, err := s.List(ctx, "test.note", o)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rs {
			out = append(out, r.Key)
		}
		return out
	}
	for _, tc := range []struct {
		o    ListOptions
		want []string
	}{
		{ListOptions{}, []string{"9", "2", "10"}},
		{ListOptions{Order: ByKey}, []string{"10", "2", "9"}},
		{ListOptions{Order: ByNumericKeyDesc}, []string{"10", "9", "2"}},
		{ListOptions{Order: ByNumericKeyDesc, Limit: 1}, []string{"10"}},
	} {
		if got := keys(tc.o); !slices.Equal(got, tc.want) {
			t.Errorf("list %+v = %v, want %v", tc.o, got, tc.want)
		}
	}
	rs, _ := s.List(ctx, "test.note", ListOptions{Limit: 1})
	if len(rs) != 1 || !rs[0].Created.Before(rs[0].Updated) {
		t.Errorf("a replaced record keeps its creation time: %+v", rs)
	}
	if err := s.Delete(ctx, "test.note", "9"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "test.note", "9"); err != nil {
		t.Errorf("deleting a missing record: %v", err)
	}
	if got := keys(ListOptions{Order: ByKey}); !slices.Equal(got, []string{"10", "2"}) {
		t.Errorf("after delete: %v", got)
	}
	if err := s.Get(ctx, "other.kind", "10", &n); err != nil || n.Text != "elsewhere" {
		t.Errorf("another kind with the same key: %+v, %v", n, err)
	}
	if err := s.Put(ctx, "", "k", 1); err == nil {
		t.Error("a record without a kind was accepted")
	}
}

func TestSamplesOldestFirstAndCapped(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// The first SamplesKept in one statement, the rest as the screen adds them.
	if _, err := s.db.Exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
		INSERT INTO samples (series, at, minor, currency) SELECT 'agent.balance:643', ? + i * 1000, i, 643 FROM n`, SamplesKept, at.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	for i := SamplesKept; i < SamplesKept+10; i++ {
		if err := s.AddSample(ctx, "agent.balance:643", at.Add(time.Duration(i)*time.Second), qiwiapi.Amount{Minor: int64(i), Currency: qiwiapi.RUB}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddSample(ctx, "agent.balance:840", at, qiwiapi.Amount{Minor: 5, Currency: qiwiapi.USD}); err != nil {
		t.Fatal(err)
	}
	got, err := s.RecentSamples(ctx, "agent.balance:643", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Amount.Minor != SamplesKept+7 || got[2].Amount.Minor != SamplesKept+9 || !got[2].At.Equal(at.Add((SamplesKept+9)*time.Second)) {
		t.Errorf("recent = %+v", got)
	}
	all, _ := s.RecentSamples(ctx, "agent.balance:643", 1<<20)
	if len(all) != SamplesKept || all[0].Amount.Minor != 10 {
		t.Errorf("kept %d samples, oldest %d; want %d from 10", len(all), all[0].Amount.Minor, SamplesKept)
	}
	usd, _ := s.RecentSamples(ctx, "agent.balance:840", 10)
	if len(usd) != 1 || usd[0].Amount.Currency != qiwiapi.USD {
		t.Errorf("usd = %+v", usd)
	}
}

// A store written by schema version 1 (before records, samples and the
// relaxed journal key) opens, keeps its journal and cache, and gains the
// new tables.
func TestUpgradeFromVersion1(t *testing.T) {
	ctx := context.Background()
	keyring.MockInit()
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(migrations[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO journal (kind, client_id, recipient, amount, currency, request, state, outcome, remote_id, created_at, updated_at)
		VALUES ('wallet.invoice', 'invoice-7', 'shop', 1000, 643, '{}', 'final', 'failed', '', 1, 2),
		       ('wallet.payment', '1717', '+79990000000', 500, 643, '{}', 'accepted', '', '9001', 3, 4)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO txns (id, wallet, txn_id, type, date, tz, status, amount, currency, commission, total, synced_at)
		VALUES (1, 'w', 11, 'OUT', 1700000000, 10800, 'SUCCESS', 1000, 643, 50, 1050, 1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA user_version = 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer s.Close()
	var v int
	if err := s.db.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != SchemaVersion() || v < 3 {
		t.Fatalf("user_version %d (%v), want %d", v, err, SchemaVersion())
	}
	j := s.Journal()
	e, err := j.Find(ctx, KindWalletPayment, "1717")
	if err != nil || e.State != StateAccepted || e.RemoteID != "9001" || e.Amount.Minor != 500 {
		t.Fatalf("kept entry = %+v, %v", e, err)
	}
	// The failed invoice attempt no longer blocks a new one...
	in := Intent{Kind: KindInvoicePay, ClientID: "invoice-7", Recipient: "shop", Amount: qiwiapi.Amount{Minor: 1000, Currency: qiwiapi.RUB}, Request: []byte(`{}`)}
	again, err := j.Begin(ctx, in)
	if err != nil {
		t.Fatalf("paying a failed invoice again: %v", err)
	}
	// ...but an open attempt does.
	if _, err := j.Begin(ctx, in); !errors.Is(err, ErrDuplicate) {
		t.Errorf("second open attempt: %v", err)
	}
	if f, _ := j.Find(ctx, KindInvoicePay, "invoice-7"); f.ID != again.ID {
		t.Errorf("Find returned attempt %d, want the latest %d", f.ID, again.ID)
	}
	sum, err := s.Summary(ctx, "w", Filter{})
	if err != nil || sum.Count != 1 || sum.Totals[0].Out.Minor != 1000 || sum.Totals[0].OutTotal.Minor != 1050 {
		t.Errorf("summary of the kept cache = %+v, %v", sum, err)
	}
	if err := s.Put(ctx, "k", "1", 1); err != nil {
		t.Errorf("records after upgrade: %v", err)
	}
	if err := s.AddSample(ctx, "x", time.Now(), qiwiapi.Amount{Minor: 1, Currency: qiwiapi.RUB}); err != nil {
		t.Errorf("samples after upgrade: %v", err)
	}
}
