package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
)

// A store from before migration 7 (history cached, no kept sums) gets its
// sums backfilled from the rows on open: the same as the triggers keep
// them for rows written after it.
func TestMigration7BackfillsTheKeptSums(t *testing.T) {
	keyring.MockInit()
	path := filepath.Join(t.TempDir(), "qiwidash.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	base := time.Date(2024, 1, 1, 22, 30, 0, 0, qiwiapi.Moscow)
	var txns []qiwiapi.Transaction
	statuses := []qiwiapi.TxnStatus{qiwiapi.StatusSuccess, qiwiapi.StatusSuccess, qiwiapi.StatusSuccess, qiwiapi.StatusError, qiwiapi.StatusWaiting}
	for i := range 400 {
		typ := []qiwiapi.TxnType{qiwiapi.TypeIn, qiwiapi.TypeOut, qiwiapi.TypeOut, qiwiapi.TypeQIWICard}[i%4]
		cur := []qiwiapi.Currency{qiwiapi.RUB, qiwiapi.RUB, qiwiapi.USD}[i%3]
		tx := txn(int64(5000+i), typ, base.Add(time.Duration(i)*7*time.Hour), statuses[i%5], int64(100*(i+1)), cur, fmt.Sprintf("+7999%07d", i%13), "")
		tx.Provider = &qiwiapi.Provider{ID: qiwiapi.FlexInt([]int{99, 1, 1963, 870}[i%4]), ShortName: []string{"QIWI Кошелек", "МТС", "Visa", "Сбербанк"}[i%4]}
		tx.Commission.Minor = int64(i % 7)
		tx.Total.Minor = tx.Sum.Minor + tx.Commission.Minor
		txns = append(txns, tx)
	}
	if _, err := s.Upsert(ctx, "79990000000", txns); err != nil {
		t.Fatal(err)
	}
	kept := func(s *Store) (days, accounts string) {
		t.Helper()
		q := func(sql string) string {
			var out string
			if err := s.db.QueryRowContext(ctx, sql).Scan(&out); err != nil {
				t.Fatal(err)
			}
			return out
		}
		return q(`SELECT group_concat(x, ';') FROM (SELECT day || ',' || currency || ',' || type || ',' || provider_id || ',' || provider || ',' ||
				n || ',' || amount || ',' || spent || ',' || commission AS x FROM txn_days WHERE n > 0 ORDER BY 1)`),
			q(`SELECT group_concat(x, ';') FROM (SELECT month || ',' || currency || ',' || incoming || ',' || account || ',' || n || ',' || money AS x
				FROM txn_accounts WHERE n > 0 ORDER BY 1)`)
	}
	days, accounts := kept(s)
	if len(days) < 1000 || len(accounts) < 500 {
		t.Fatalf("the triggers kept little: %d / %d bytes", len(days), len(accounts))
	}
	// Undo migration 7 (no kept sums, no triggers), then run it again over
	// the rows the store holds: its backfill must give the same sums. The
	// later migrations' objects stay, as they would in a store upgraded
	// from before 7.
	for _, q := range []string{`DROP TRIGGER txns_sums_add`, `DROP TRIGGER txns_sums_remove`, `DROP TRIGGER txns_sums_update_old`,
		`DROP TRIGGER txns_sums_update_new`, `DROP TABLE txn_days`, `DROP TABLE txn_accounts`, `DROP INDEX txns_insights`} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	if _, err := s.db.ExecContext(ctx, migrations[6]); err != nil {
		t.Fatal("migration 7 again:", err)
	}
	defer s.Close()
	d2, a2 := kept(s)
	if d2 != days || a2 != accounts {
		t.Errorf("backfilled sums differ from the kept ones:\ndays %.200s\n     %.200s\naccounts %.200s\n         %.200s", days, d2, accounts, a2)
	}
}
