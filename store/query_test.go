package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi"
)

func txn(id int64, typ qiwiapi.TxnType, date time.Time, status qiwiapi.TxnStatus, minor int64, cur qiwiapi.Currency, account, comment string) qiwiapi.Transaction {
	return qiwiapi.Transaction{TxnID: qiwiapi.FlexInt(id), Type: typ, Date: date, Status: status, Account: account, Comment: comment,
		Sum: qiwiapi.Amount{Minor: minor, Currency: cur}, Total: qiwiapi.Amount{Minor: minor, Currency: cur}, Commission: qiwiapi.Amount{Currency: cur},
		Provider: &qiwiapi.Provider{ID: 99, ShortName: "QIWI Кошелек"}, Source: &qiwiapi.Provider{ID: 7, ShortName: "QIWI Wallet"}}
}

func TestQueryPagingFiltersSearchExport(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	base := time.Date(2024, 3, 1, 10, 0, 0, 0, qiwiapi.Moscow)
	var txns []qiwiapi.Transaction
	for i := range 120 {
		typ, cur := qiwiapi.TypeOut, qiwiapi.RUB
		if i%3 == 0 {
			typ = qiwiapi.TypeIn
		}
		if i%10 == 0 {
			cur = qiwiapi.USD
		}
		comment := "обед"
		if i%40 == 0 {
			comment = "Аренда квартиры"
		}
		// Pairs share a date so that keyset paging must use the txn id.
		txns = append(txns, txn(int64(1000+i), typ, base.Add(time.Duration(i/2)*time.Hour), qiwiapi.StatusSuccess, int64(100*(i+1)), cur, "+7999000"+string(rune('0'+i%10)), comment))
	}
	txns[5].Status = qiwiapi.StatusWaiting
	if _, err := st.Upsert(ctx, "79990000000", txns); err != nil {
		t.Fatal(err)
	}
	// Keyset paging covers every row once, newest first.
	seen := map[int64]bool{}
	var after *Key
	var last Key
	for {
		p, err := st.Page(ctx, "79990000000", Filter{}, after, 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, tx := range p.Transactions {
			k := KeyOf(tx)
			if seen[k.TxnID] {
				t.Fatalf("txn %d twice", k.TxnID)
			}
			if last.TxnID != 0 && (k.Date.After(last.Date) || k.Date.Equal(last.Date) && k.TxnID > last.TxnID) {
				t.Fatalf("order broken at %d", k.TxnID)
			}
			seen[k.TxnID], last = true, k
			if _, off := tx.Date.Zone(); off != 3*3600 {
				t.Fatalf("date offset lost: %v", tx.Date)
			}
		}
		if p.Next == nil {
			break
		}
		after = p.Next
	}
	if len(seen) != 120 {
		t.Errorf("paged %d rows, want 120", len(seen))
	}
	sum, _ := st.Summary(ctx, "79990000000", Filter{Operation: qiwiapi.OperationIn, Currencies: []qiwiapi.Currency{qiwiapi.RUB}})
	if sum.Count != 36 || len(sum.Totals) != 1 {
		t.Errorf("IN RUB summary %+v", sum)
	}
	for _, c := range []struct {
		text string
		want int
	}{{"аренда", 3}, {"кварт", 3}, {"ОБЕД", 117}, {"1005", 1}, {"аренда \"OR", 0}} {
		s, err := st.Summary(ctx, "79990000000", Filter{Text: c.text})
		if err != nil || s.Count != c.want {
			t.Errorf("search %q: %d rows (%v), want %d", c.text, s.Count, err, c.want)
		}
	}
	w, _ := st.Summary(ctx, "79990000000", Filter{Statuses: []qiwiapi.TxnStatus{qiwiapi.StatusWaiting}})
	if w.Count != 1 {
		t.Errorf("waiting = %d", w.Count)
	}
	// A status change is an update, not a new row, and search sees it.
	txns[5].Status = qiwiapi.StatusSuccess
	u, _ := st.Upsert(ctx, "79990000000", txns[5:6])
	if u.Added != 0 || u.Updated != 1 {
		t.Errorf("upsert of a changed row: %+v", u)
	}
	var out bytes.Buffer
	n, err := st.Export(ctx, &out, "79990000000", Filter{From: base, To: base.Add(2 * time.Hour)}, "csv")
	if err != nil || n != 6 {
		t.Fatalf("export: %d rows, %v", n, err)
	}
	recs, _ := csv.NewReader(&out).ReadAll()
	if recs[1][2] != "2024-03-01T10:00:00+03:00" || recs[1][4] != "10.00" && recs[1][4] != "1.00" {
		t.Errorf("csv row %v", recs[1])
	}
	out.Reset()
	if _, err := st.Export(ctx, &out, "79990000000", Filter{Currencies: []qiwiapi.Currency{qiwiapi.USD}}, "json"); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil || len(rows) != 12 || !strings.Contains(out.String(), `"currency":"USD"`) {
		t.Errorf("json export: %v, %d rows", err, len(rows))
	}
}
