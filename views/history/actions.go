package history

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
)

const dayLayout = "2006-01-02"

var (
	errNoAPI    = i18n.Errorf("history.no_api", nil, nil)
	errNoReader = i18n.Errorf("history.no_reader", nil, nil)
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// receiptType is the type QIWI's receipt calls want for a transaction.
func receiptType(t qiwiapi.Transaction) qiwiapi.TxnType {
	if t.Type == qiwiapi.TypeIn {
		return qiwiapi.TypeIn
	}
	return qiwiapi.TypeOut
}

// noReceipt explains in advance why a receipt cannot exist; nil when it can.
func noReceipt(t qiwiapi.Transaction) error {
	switch t.Status {
	case qiwiapi.StatusError:
		return i18n.Errorf("history.no_receipt_failed", i18n.Args{"ID": itoa(int64(t.TxnID))}, nil)
	case qiwiapi.StatusWaiting:
		return i18n.Errorf("history.no_receipt_waiting", i18n.Args{"ID": itoa(int64(t.TxnID))}, nil)
	}
	return nil
}

// downloadReceipt saves the PDF under SaveDir as receipt-<txnId>.pdf (0600).
func (m *Model) downloadReceipt(t qiwiapi.Transaction) tea.Cmd {
	if err := noReceipt(t); err != nil {
		return m.c.ErrorToast(err)
	}
	if m.c.API == nil {
		return m.c.ErrorToast(errNoAPI)
	}
	if m.c.SaveDir == "" {
		return m.c.ErrorToast(i18n.Errorf("history.no_receipt_folder", nil, nil))
	}
	m.actionBusy++
	api, dir, id, typ := m.c.API, m.c.SaveDir, int64(t.TxnID), receiptType(t)
	what := m.c.Tr.T("history.the_receipt", nil)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		ch, _, err := api.History.ChequeFile(ctx, id, typ, qiwiapi.ChequePDF)
		if err != nil {
			return receiptMsg{id: id, err: err}
		}
		path, err := saveFile(dir, fmt.Sprintf("receipt-%d%s", id, ch.Extension()), what, func(w io.Writer) error {
			_, err := w.Write(ch.Data)
			return err
		})
		return receiptMsg{id: id, path: path, err: err}
	}
}

// exportView writes what the screen shows for its query (operation,
// source, range, search, sort) over the whole cache to a csv or json file
// in SaveDir, through the engine's export (store.Export).
func (m *Model) exportView(format string) tea.Cmd {
	if m.r == nil {
		return m.c.ErrorToast(errNoReader)
	}
	if m.c.SaveDir == "" {
		return m.c.ErrorToast(i18n.Errorf("history.no_export_folder", nil, nil))
	}
	m.actionBusy++
	src, dir, q := m.r, m.c.SaveDir, m.q
	what := m.c.Tr.T("history.the_export", nil)
	name := "qiwidash-history-" + m.c.Now().Format("20060102-150405") + "." + format
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		var n int
		path, err := saveFile(dir, name, what, func(w io.Writer) (err error) {
			n, err = src.Export(ctx, q, w, format)
			return err
		})
		return exportMsg{path: path, n: n, err: err}
	}
}

// saveFile writes a file next to its final name and renames it into place,
// so a receipt or an export is either complete or absent, and always 0600.
// what names it in errors, in the reader's words.
func saveFile(dir, name, what string, write func(io.Writer) error) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", i18n.Errorf("history.mkdir_failed", i18n.Args{"Dir": dir}, err)
	}
	f, err := os.CreateTemp(dir, ".qiwidash-*")
	if err != nil {
		return "", i18n.Errorf("history.save_in_failed", i18n.Args{"What": what, "Dir": dir}, err)
	}
	tmp := f.Name()
	werr := write(f)
	cerr := f.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp, 0o600)); err != nil {
		_ = os.Remove(tmp)
		return "", i18n.Errorf("history.save_failed", i18n.Args{"What": what}, err)
	}
	path, err := filepath.Abs(filepath.Join(dir, name))
	if err != nil {
		path = filepath.Join(dir, name)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return "", i18n.Errorf("history.save_failed", i18n.Args{"What": what}, err)
	}
	return path, nil
}

func (m *Model) askEmail(t qiwiapi.Transaction) tea.Cmd {
	if err := noReceipt(t); err != nil {
		return m.c.ErrorToast(err)
	}
	m.emailFor = t
	return m.openPrompt(modeEmail, "", m.c.Tr.T("history.hint_email", i18n.Args{"ID": itoa(int64(t.TxnID))}))
}

func (m *Model) sendEmail(t qiwiapi.Transaction, email string) tea.Cmd {
	if m.c.API == nil {
		return m.c.ErrorToast(errNoAPI)
	}
	m.actionBusy++
	api, id, typ := m.c.API, int64(t.TxnID), receiptType(t)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		_, err := api.History.SendCheque(ctx, id, typ, email)
		return emailMsg{id: id, email: email, err: err}
	}
}

func looksLikeEmail(s string) bool {
	at := strings.LastIndex(s, "@")
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t") && strings.Contains(s[at:], ".")
}

// goTo loads one transaction by id and opens it.
func (m *Model) goTo(id int64) tea.Cmd {
	m.gotoGen++
	m.gotoBusy = true
	gen, src := m.gotoGen, m.r
	return func() tea.Msg {
		if src == nil {
			return txnMsg{gen: gen, id: id, err: errNoReader}
		}
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		t, err := src.Transaction(ctx, id)
		return txnMsg{gen: gen, id: id, txn: t, err: err}
	}
}

func (m *Model) gotoError(id int64, err error) tea.Cmd {
	if errors.Is(err, qiwiapi.ErrNotFound) {
		return m.c.ErrorToast(i18n.Errorf("history.not_found", i18n.Args{"ID": itoa(id)}, nil))
	}
	return m.c.ErrorToast(err)
}

func parseTxnID(s string) (int64, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, i18n.Errorf("history.not_txn_id", i18n.Args{"Value": strconv.Quote(s)}, nil)
	}
	return id, nil
}

// parseRange reads "FROM TO" (YYYY-MM-DD, inclusive days in loc, the zone
// the screens show) or one day; empty clears the range.
func parseRange(s string, loc *time.Location) (time.Time, time.Time, error) {
	f := strings.Fields(strings.NewReplacer("..", " ", "—", " ", ",", " ").Replace(s))
	switch len(f) {
	case 0:
		return time.Time{}, time.Time{}, nil
	case 1:
		f = append(f, f[0])
	case 2:
	default:
		return time.Time{}, time.Time{}, i18n.Errorf("history.two_dates", nil, nil)
	}
	from, err := time.ParseInLocation(dayLayout, f[0], loc)
	if err != nil {
		return time.Time{}, time.Time{}, i18n.Errorf("history.not_date", i18n.Args{"Value": strconv.Quote(f[0])}, nil)
	}
	to, err := time.ParseInLocation(dayLayout, f[1], loc)
	if err != nil {
		return time.Time{}, time.Time{}, i18n.Errorf("history.not_date", i18n.Args{"Value": strconv.Quote(f[1])}, nil)
	}
	if to.Before(from) {
		return time.Time{}, time.Time{}, i18n.Errorf("history.end_before_start", nil, nil)
	}
	return from, to.AddDate(0, 0, 1).Add(-time.Second), nil
}
