package ingest

import (
	"fmt"
	"path/filepath"
	"testing"

	"qiwidash/qiwiapi/notify"
	"qiwidash/store/ingest/ingesttest"
)

// BenchmarkWebhook is one signed wallet webhook end to end: HTTP on
// loopback, verification, the seen-key transaction in SQLite, the event.
func BenchmarkWebhook(b *testing.B) {
	st := openStore(b, filepath.Join(b.TempDir(), "q.db"))
	defer st.Close()
	key := &WebhookKey{}
	key.Set(hookKey)
	in := New(Options{Store: st, Checks: notify.Config{VerifyWebhook: key.Verify}})
	defer in.Close()
	sub := in.Subscribe(b.N + 1)
	base, err := in.Start("")
	if err != nil {
		b.Fatal(err)
	}
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i] = ingesttest.WalletBody(b, hookKey, fmt.Sprintf("m-%d", i), fmt.Sprint(100000+i), "IN", "1.5")
	}
	b.ResetTimer()
	for i := range b.N {
		if code := ingesttest.Post(b, base+notify.DefaultWebhookPath, bodies[i], nil); code != 200 {
			b.Fatalf("HTTP %d", code)
		}
	}
	b.StopTimer()
	if n := len(sub.Events()); n != b.N {
		b.Fatalf("%d events for %d webhooks", n, b.N)
	}
}
