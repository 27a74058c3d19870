package store

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
)

// TestSaveNotificationOncePerKey: a notification is saved once by its key,
// also after the store is reopened; its record update runs in the same
// transaction, and a failing update leaves nothing marked seen.
func TestSaveNotificationOncePerKey(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "q.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := Notification{Key: "k1", Kind: "bill", Scope: "shop", Ref: "b-1", Status: "paid",
		Amount: qiwiapi.Amount{Minor: 100, Currency: qiwiapi.RUB}, MessageID: "m-1"}
	set := func(status string) *RecordUpdate {
		return &RecordUpdate{Kind: "merchant.bill/shop", Key: "b-1", Apply: func(old json.RawMessage) (json.RawMessage, error) {
			return json.Marshal(map[string]string{"Status": status, "Was": string(old)})
		}}
	}
	boom := errors.New("boom")
	failing := &RecordUpdate{Kind: "merchant.bill/shop", Key: "b-1", Apply: func(json.RawMessage) (json.RawMessage, error) { return nil, boom }}
	if ok, err := s.SaveNotification(ctx, n, failing); ok || !errors.Is(err, boom) {
		t.Fatalf("failing update: %v %v", ok, err)
	}
	if ok, err := s.SaveNotification(ctx, n, set("paid")); !ok || err != nil {
		t.Fatalf("first save after a failed one: %v %v", ok, err)
	}
	if ok, err := s.SaveNotification(ctx, n, set("twice")); ok || err != nil {
		t.Fatalf("second save: %v %v", ok, err)
	}
	s.Close()

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n.MessageID = "m-2" // a replay under another (unsigned) messageId
	if ok, err := s.SaveNotification(ctx, n, set("replayed")); ok || err != nil {
		t.Fatalf("after reopening: %v %v", ok, err)
	}
	var rec map[string]string
	if err := s.Get(ctx, "merchant.bill/shop", "b-1", &rec); err != nil || rec["Status"] != "paid" || rec["Was"] != "" {
		t.Fatalf("record %v %v", rec, err)
	}
	got, err := s.Notifications(ctx, "bill", "shop", 0)
	if err != nil || len(got) != 1 || got[0].MessageID != "m-1" || got[0].Amount != n.Amount || got[0].Ref != "b-1" {
		t.Fatalf("notifications %+v %v", got, err)
	}
}
