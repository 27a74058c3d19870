package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
)

// openTest opens a store in t.TempDir() with the mock keyring and no environment.
func openTest(t testing.TB) *Store {
	t.Helper()
	keyring.MockInit()
	s, err := Open(filepath.Join(t.TempDir(), "qiwidash.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// startSandbox runs a sandbox on loopback with a fixed clock.
func startSandbox(t testing.TB, n int) (*sandbox.Running, time.Time) {
	t.Helper()
	end := time.Date(2024, 6, 1, 12, 0, 0, 0, qiwiapi.Moscow)
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{
		Seed: 7, End: end, Now: func() time.Time { return end }, Transactions: n,
		SettleDelay: time.Hour, HistoryPerMinute: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	return sb, end
}

// failingKeyring is a keyring that is never there (child processes, benches).
type failingKeyring struct{}

func (failingKeyring) Get(string, string) (string, error) {
	return "", errors.New("no keyring in the child")
}
func (failingKeyring) Set(string, string, string) error { return errors.New("no keyring in the child") }
func (failingKeyring) Delete(string, string) error      { return errors.New("no keyring in the child") }
