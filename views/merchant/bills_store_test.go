package merchant

import (
	"context"
	"encoding/json"
	"path/filepath"
	"qiwidash/store/bills"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi/pull"
	"qiwidash/store"
	"qiwidash/ui/uitest"
)

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	keyring.MockInit()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Bills (refunds inside) saved by one run are what the next run lists and
// shows, exactly.
func TestStoreBillsSurviveReopen(t *testing.T) {
	ctx := context.Background()
	env := uitest.New(t)
	mem := seedBills(t, env)
	want, _ := mem.Bills(ctx)

	path := filepath.Join(t.TempDir(), "qiwidash.db")
	st := openStore(t, path)
	kept := bills.NewStoreFor(st, "")
	for _, b := range want {
		b.Status = ""
		if err := kept.SaveBill(ctx, b); err != nil { // an earlier version of each, then the latest
			t.Fatal(err)
		}
	}
	for _, b := range want {
		if err := kept.SaveBill(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := kept.SaveBill(ctx, bills.Bill{}); err == nil {
		t.Error("a bill without an id was saved")
	}
	st.Close()

	st = openStore(t, path)
	defer st.Close()
	kept = bills.NewStoreFor(st, "")
	got, err := kept.Bills(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Fatalf("bills after reopen:\n got %s\nwant %s", gj, wj)
	}
	if len(got) != 5 || got[1].Refunds[0].Status != pull.RefundProcessing || !got[1].Created.Equal(want[1].Created) {
		t.Errorf("bills = %+v", got)
	}
	if other, err := bills.NewStoreFor(st, "999").Bills(ctx); err != nil || len(other) != 0 {
		t.Errorf("another shop sees %d bills (%v)", len(other), err)
	}
	d := newDriver(t, env.Common, kept)
	if v := d.m.View(); !strings.Contains(v, loaded) {
		t.Errorf("the screen over the reopened store does not show %q:\n%s", loaded, v)
	}
}
