// Package statement writes a wallet's statement for a period: per currency
// the incoming, outgoing and commission totals, the outgoing money per
// category, the reconciliation of each month with QIWI's own totals, and
// every transaction; as a PDF (an embedded Unicode font, so Cyrillic
// renders), CSV or JSON with the same totals and rows and exact amounts.
//
// Totals count successful payments (QIWI's own totals do the same); every
// transaction of the period is listed, whatever its status. The rows are
// the export's (store.ExportRows), written by the export's row writer in
// CSV and JSON.
package statement

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/store/insights"
)

// Formats are the formats Write writes.
var Formats = []string{"pdf", "csv", "json"}

// QIWITotals asks QIWI's payments/total for [start, end] (at most 90
// days); reader.(*Reader).QIWITotals is one, within the wallet's budget.
type QIWITotals func(ctx context.Context, start, end time.Time) (*qiwiapi.Totals, error)

// Options say which statement to make.
type Options struct {
	Wallet   string
	From, To time.Time // inclusive; the zone of From is the statement's
	Made     time.Time // when it is made (zero: now)
	// QIWI reconciles each month of the period with QIWI's totals; nil:
	// the statement says the reconciliation was not made.
	QIWI QIWITotals
	// Tr is the language of the PDF's words and numbers (nil: English).
	// The CSV and the JSON are for machines: the same in every language.
	Tr *i18n.Tr
}

// Statement is what a statement says, in every format.
type Statement struct {
	Wallet     string
	From, To   time.Time
	Made       time.Time
	Totals     []insights.Bucket        // per currency, RUB first
	Categories []insights.CategoryTotal // per currency in Totals' order, largest first
	Checks     []insights.Check         // per month and currency
	// CheckErr says why the reconciliation is missing or incomplete ("" when complete).
	CheckErr string
	Count    int // transactions listed

	tr       *i18n.Tr // the PDF's language
	offline  bool     // no reconciliation was asked for
	checkErr error    // why QIWI's totals were not all read
}

// Build sums the period from the cache and asks QIWI's totals per month.
func Build(ctx context.Context, st *store.Store, o Options) (*Statement, error) {
	if o.To.Before(o.From) {
		return nil, i18n.Errorf("statement.ends_before_start", i18n.Args{"To": o.To.Format("2006-01-02"), "From": o.From.Format("2006-01-02")}, nil)
	}
	if o.Made.IsZero() {
		o.Made = time.Now()
	}
	loc := o.From.Location()
	s := &Statement{Wallet: o.Wallet, From: o.From, To: o.To.In(loc), Made: o.Made.In(loc), tr: o.Tr}
	x := insights.New(st, o.Wallet)
	var err error
	if s.Totals, err = x.Sums(ctx, s.From, s.To.Add(time.Second)); err != nil {
		return nil, err
	}
	for _, b := range s.Totals {
		cats, err := x.Categories(ctx, s.From, s.To, b.Currency)
		if err != nil {
			return nil, err
		}
		s.Categories = append(s.Categories, cats...)
	}
	sm, err := st.Summary(ctx, o.Wallet, s.filter())
	if err != nil {
		return nil, err
	}
	s.Count = sm.Count
	if o.QIWI == nil {
		s.CheckErr, s.offline = "not made (offline)", true
		return s, nil
	}
	for lo := s.From; !lo.After(s.To); {
		hi := insights.MonthStart(lo).AddDate(0, 1, 0).Add(-time.Second)
		if hi.After(s.To) {
			hi = s.To
		}
		cache, err := x.Sums(ctx, lo, hi.Add(time.Second))
		if err != nil {
			return nil, err
		}
		q, err := o.QIWI(ctx, lo, hi)
		if err != nil {
			s.CheckErr, s.checkErr = "incomplete: "+explain.Error(nil, err), err
			break
		}
		s.Checks = append(s.Checks, insights.Reconcile(lo, hi, cache, q)...)
		lo = hi.Add(time.Second)
	}
	return s, nil
}

func (s *Statement) filter() store.Filter { return store.Filter{From: s.From, To: s.To} }

// FileName is a statement's file name: statement-79991234567-2026-05-01-2026-05-31.pdf.
func FileName(wallet string, from, to time.Time, format string) string {
	return fmt.Sprintf("statement-%s-%s-%s.%s", wallet, from.Format("2006-01-02"), to.Format("2006-01-02"), format)
}

// Write writes the statement and its rows (read from st) in format.
func Write(ctx context.Context, w io.Writer, st *store.Store, s *Statement, format string) error {
	switch format {
	case "pdf":
		return writePDF(ctx, w, st, s)
	case "csv":
		return writeCSV(ctx, w, st, s)
	case "json":
		return writeJSON(ctx, w, st, s)
	}
	return i18n.Errorf("statement.bad_format", i18n.Args{"Format": strconv.Quote(format)}, nil)
}

// Make builds the statement and writes it (the CLI and the screens' S).
func Make(ctx context.Context, w io.Writer, st *store.Store, o Options, format string) (*Statement, error) {
	s, err := Build(ctx, st, o)
	if err != nil {
		return nil, err
	}
	return s, Write(ctx, w, st, s, format)
}

// Save writes the statement in format into dir under its FileName (0600,
// complete or absent: written aside, then renamed) and returns the path.
func Save(ctx context.Context, dir string, st *store.Store, o Options, format string) (string, error) {
	if dir == "" {
		return "", i18n.Errorf("statement.no_folder", nil, nil)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("statement: %w", err)
	}
	f, err := os.CreateTemp(dir, ".statement-*")
	if err != nil {
		return "", fmt.Errorf("statement: %w", err)
	}
	defer os.Remove(f.Name()) // after the rename: nothing
	_, err = Make(ctx, f, st, o, format)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, FileName(o.Wallet, o.From, o.To, format))
	if err := os.Rename(f.Name(), path); err != nil {
		return "", fmt.Errorf("statement: %w", err)
	}
	return path, nil
}
