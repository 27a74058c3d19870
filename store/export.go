package store

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
)

// ExportFormats are the formats Export writes.
var ExportFormats = []string{"csv", "json"}

// ExportRow is one transaction as scripts get it: exact decimal amounts
// (strings, never floats) and ISO 8601 dates with their offset.
type ExportRow struct {
	TxnID      int64  `json:"txnId"`
	Type       string `json:"type"`
	Date       string `json:"date"`
	Status     string `json:"status"`
	Amount     string `json:"amount"`
	Currency   string `json:"currency"`
	Commission string `json:"commission"`
	Total      string `json:"total"`
	Account    string `json:"account"`
	Provider   string `json:"provider"`
	Comment    string `json:"comment"`
	ErrorCode  int64  `json:"errorCode"`
	Error      string `json:"error,omitempty"`
}

var exportHeader = []string{"txn_id", "type", "date", "status", "amount", "currency", "commission", "total", "account", "provider", "comment", "error_code", "error"}

// RowWriter writes export rows as csv (a header line, then one line a row)
// or json (an array of objects). Export and statements (store/statement)
// write their rows with it.
type RowWriter struct {
	w  io.Writer
	cw *csv.Writer
	n  int
}

// NewRowWriter starts the rows in format (csv or json) on w.
func NewRowWriter(w io.Writer, format string) (*RowWriter, error) {
	rw := &RowWriter{w: w}
	switch format {
	case "csv":
		rw.cw = csv.NewWriter(w)
		return rw, rw.cw.Write(exportHeader)
	case "json":
		_, err := io.WriteString(w, "[\n")
		return rw, err
	}
	return nil, i18n.Errorf("store.export.format", i18n.Args{"Format": fmt.Sprintf("%q", format)}, nil)
}

// Write writes one row.
func (rw *RowWriter) Write(r ExportRow) error {
	var err error
	if rw.cw != nil {
		err = rw.cw.Write([]string{strconv.FormatInt(r.TxnID, 10), r.Type, r.Date, r.Status, r.Amount, r.Currency, r.Commission, r.Total,
			r.Account, r.Provider, r.Comment, strconv.FormatInt(r.ErrorCode, 10), r.Error})
	} else {
		sep := ""
		if rw.n > 0 {
			sep = ",\n"
		}
		var b []byte
		if b, err = json.Marshal(r); err == nil {
			_, err = io.WriteString(rw.w, sep+string(b))
		}
	}
	if err == nil {
		rw.n++
	}
	return err
}

// Close ends the rows (csv: flushes; json: closes the array).
func (rw *RowWriter) Close() error {
	if rw.cw != nil {
		rw.cw.Flush()
		return rw.cw.Error()
	}
	var err error
	if rw.n > 0 {
		_, err = io.WriteString(rw.w, "\n")
	}
	if err == nil {
		_, err = io.WriteString(rw.w, "]\n")
	}
	return err
}

// Export writes the cached transactions of wallet matching f, oldest first
// (or in f.Order's order), as csv or json (an array). It returns how many
// rows it wrote.
func (s *Store) Export(ctx context.Context, w io.Writer, wallet string, f Filter, format string) (int, error) {
	rw, err := NewRowWriter(w, format)
	if err != nil {
		return 0, err
	}
	n, err := s.ExportRows(ctx, wallet, f, rw.Write)
	if err != nil {
		return n, err
	}
	return n, rw.Close()
}

// ExportRows calls fn with each cached transaction of wallet matching f,
// oldest first, and returns how many it gave.
func (s *Store) ExportRows(ctx context.Context, wallet string, f Filter, fn func(ExportRow) error) (int, error) {
	where, args, err := f.where(wallet)
	if err != nil {
		return 0, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT t.txn_id, t.type, t.date, t.tz, t.status, t.amount, t.currency, t.commission, t.total,
		t.account, t.provider, t.comment, t.error_code FROM txns t WHERE `+where+textCond(f)+` ORDER BY `+f.Order.orderBy(true), textArgs(f, args)...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var r ExportRow
		var date int64
		var tz, cur int
		var amount, commission, total int64
		if err := rows.Scan(&r.TxnID, &r.Type, &date, &tz, &r.Status, &amount, &cur, &commission, &total,
			&r.Account, &r.Provider, &r.Comment, &r.ErrorCode); err != nil {
			return n, err
		}
		c := qiwiapi.Currency(cur)
		r.Date = time.Unix(date, 0).In(time.FixedZone("", tz)).Format(time.RFC3339)
		r.Amount = qiwiapi.Amount{Minor: amount, Currency: c}.Decimal()
		r.Commission = qiwiapi.Amount{Minor: commission, Currency: c}.Decimal()
		r.Total = qiwiapi.Amount{Minor: total, Currency: c}.Decimal()
		r.Currency = c.Code()
		if r.ErrorCode != 0 {
			r.Error = qiwiapi.PaymentErrorText(int(r.ErrorCode))
		}
		if err := fn(r); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}
