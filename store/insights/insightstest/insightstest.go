// Package insightstest gives the tests of store/insights, store/statement
// and views/insights one wallet history to read: the sandbox's demo wallet,
// synced into a fresh store through the engine's history reader.
package insightstest

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
	"qiwidash/store"
	"qiwidash/store/reader"
)

// End is the sandbox's "now": its newest row is just before.
var End = time.Date(2026, 6, 15, 12, 0, 0, 0, qiwiapi.Moscow)

// Env is a synced wallet.
type Env struct {
	Server *sandbox.Server
	URL    string
	Token  string
	API    *qiwiapi.Client
	Store  *store.Store
	Wallet string
	Reader *reader.Reader
}

// Now is the tests' clock.
func Now() time.Time { return End }

// New starts the sandbox (no request limit: the tests sync its whole
// history) and opens an empty store in a temp dir; sync reads every row
// into it through a reader.
func New(t testing.TB, sync bool) *Env {
	t.Helper()
	keyring.MockInit()
	srv := sandbox.New(sandbox.Options{Seed: 7, End: End, Now: Now, HistoryPerMinute: -1, SettleDelay: time.Hour})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	api, err := qiwiapi.NewClient(srv.DemoToken(), qiwiapi.WithBaseURL(hs.URL))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "qiwidash.db"), store.Options{Now: Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &Env{Server: srv, URL: hs.URL, Token: srv.DemoToken(), API: api, Store: st, Wallet: srv.DemoWallet()}
	e.Reader = reader.New(reader.Options{Store: st, API: api.History, Wallet: e.Wallet, Now: Now, NoFill: true})
	t.Cleanup(e.Reader.Close)
	if sync {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := e.Reader.Sync(ctx, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// All is every cached transaction of the wallet, newest first, read
// through the store's pages (the rows' own JSON, not an aggregate).
func (e *Env) All(t testing.TB) []qiwiapi.Transaction {
	t.Helper()
	var out []qiwiapi.Transaction
	var after *store.Key
	for {
		p, err := e.Store.Page(context.Background(), e.Wallet, store.Filter{}, after, 500)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Transactions...)
		if p.Next == nil {
			return out
		}
		after = p.Next
	}
}
