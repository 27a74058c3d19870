package statement_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/store/insights/insightstest"
	"qiwidash/store/statement"
)

// lastMonth is the month before the sandbox's "now" (2026-05).
func lastMonth() (time.Time, time.Time) {
	from := time.Date(2026, 5, 1, 0, 0, 0, 0, qiwiapi.Moscow)
	return from, from.AddDate(0, 1, 0).Add(-time.Second)
}

func makeStatement(t *testing.T, e *insightstest.Env, format string, from, to time.Time) (*statement.Statement, []byte) {
	t.Helper()
	return makeIn(t, e, nil, format, from, to)
}

// makeIn is makeStatement in tr's language.
func makeIn(t *testing.T, e *insightstest.Env, tr *i18n.Tr, format string, from, to time.Time) (*statement.Statement, []byte) {
	t.Helper()
	var buf bytes.Buffer
	s, err := statement.Make(context.Background(), &buf, e.Store, statement.Options{Wallet: e.Wallet, From: from, To: to,
		Made: insightstest.Now(), QIWI: e.Reader.QIWITotals, Tr: tr}, format)
	if err != nil {
		t.Fatal(err)
	}
	return s, buf.Bytes()
}

// exportRows is `qiwidash export`'s CSV of the range, parsed.
func exportRows(t *testing.T, e *insightstest.Env, from, to time.Time) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := e.Store.Export(context.Background(), &buf, e.Wallet, store.Filter{From: from, To: to}, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

type total struct{ in, out, comm int64 }

// sums adds the export's successful rows per currency, from the decimal text.
func sums(t *testing.T, rows [][]string) map[string]*total {
	out := map[string]*total{}
	for _, r := range rows {
		if r[3] != "SUCCESS" {
			continue
		}
		cur, err := qiwiapi.ParseCurrency(r[5])
		if err != nil {
			t.Fatal(err)
		}
		amt, err := qiwiapi.ParseAmount(r[4], cur)
		if err != nil {
			t.Fatal(err)
		}
		comm, err := qiwiapi.ParseAmount(r[6], cur)
		if err != nil {
			t.Fatal(err)
		}
		if out[r[5]] == nil {
			out[r[5]] = &total{}
		}
		if r[1] == "IN" {
			out[r[5]].in += amt.Minor
		} else {
			out[r[5]].out += amt.Minor
			out[r[5]].comm += comm.Minor
		}
	}
	return out
}

func TestStatementTotalsEqualTheExport(t *testing.T) {
	e := insightstest.New(t, true)
	from, to := lastMonth()
	rows := exportRows(t, e, from, to)
	want := sums(t, rows)
	if len(rows) < 50 || len(want) < 2 {
		t.Fatalf("%d rows, %d currencies: want a busy month", len(rows), len(want))
	}

	// JSON: the same totals and the same rows as the export.
	s, b := makeStatement(t, e, "json", from, to)
	var doc struct {
		Totals []struct {
			Currency, Incoming, Outgoing, Commission string
		}
		Reconciliation []struct {
			Currency string
			Agree    bool
		}
		Transactions []store.ExportRow
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("statement JSON: %v\n%s", err, b[:min(len(b), 2000)])
	}
	if len(doc.Totals) != len(want) {
		t.Fatalf("totals of %d currencies, the export has %d", len(doc.Totals), len(want))
	}
	for _, tt := range doc.Totals {
		w := want[tt.Currency]
		cur, _ := qiwiapi.ParseCurrency(tt.Currency)
		for _, c := range []struct {
			what, text string
			want       int64
		}{{"incoming", tt.Incoming, w.in}, {"outgoing", tt.Outgoing, w.out}, {"commission", tt.Commission, w.comm}} {
			got, err := qiwiapi.ParseAmount(c.text, cur)
			if err != nil || got.Minor != c.want {
				t.Errorf("%s %s: statement %q, export sums %d (%v)", tt.Currency, c.what, c.text, c.want, err)
			}
		}
	}
	if doc.Totals[0].Currency != "RUB" {
		t.Errorf("RUB first: %v", doc.Totals)
	}
	if len(doc.Transactions) != len(rows) || s.Count != len(rows) {
		t.Fatalf("%d rows (count %d), the export has %d", len(doc.Transactions), s.Count, len(rows))
	}
	for i, r := range doc.Transactions {
		if strconv.FormatInt(r.TxnID, 10) != rows[i][0] || r.Amount != rows[i][4] || r.Date != rows[i][2] {
			t.Fatalf("row %d: %+v, export %v", i, r, rows[i])
		}
	}
	// The sandbox's totals endpoint agrees with its own rows.
	if len(doc.Reconciliation) < 2 {
		t.Fatalf("reconciliation: %+v", doc.Reconciliation)
	}
	for _, k := range doc.Reconciliation {
		if !k.Agree {
			t.Errorf("%s: the cache differs from QIWI's totals", k.Currency)
		}
	}

	// CSV: the same totals; the rows section is the export's CSV byte for byte.
	_, c := makeStatement(t, e, "csv", from, to)
	parts := strings.Split(string(c), "\n\n")
	if len(parts) != 5 {
		t.Fatalf("CSV has %d sections, want 5", len(parts))
	}
	tot, err := csv.NewReader(strings.NewReader(parts[1])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range tot[1:] {
		w := want[r[0]]
		cur, _ := qiwiapi.ParseCurrency(r[0])
		in, _ := qiwiapi.ParseAmount(r[1], cur)
		out, _ := qiwiapi.ParseAmount(r[2], cur)
		comm, _ := qiwiapi.ParseAmount(r[3], cur)
		if in.Minor != w.in || out.Minor != w.out || comm.Minor != w.comm {
			t.Errorf("CSV %v: export sums %+v", r, *w)
		}
	}
	var exp bytes.Buffer
	if _, err := e.Store.Export(context.Background(), &exp, e.Wallet, store.Filter{From: from, To: to}, "csv"); err != nil {
		t.Fatal(err)
	}
	if parts[4] != exp.String() {
		t.Errorf("CSV rows differ from the export's")
	}
}

// The PDF, parsed back: every transaction id of the period is on a page,
// Cyrillic names are there as text, and the pages are numbered.
func TestStatementPDFShowsEveryTransaction(t *testing.T) {
	e := insightstest.New(t, true)
	from, to := lastMonth()
	rows := exportRows(t, e, from, to)
	_, b := makeStatement(t, e, "pdf", from, to)
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b[:min(len(b), 20)])
	}
	pages := regexp.MustCompile(`/Type /Page\b`).FindAll(b, -1)
	text := pdfText(t, b)
	for _, r := range rows {
		if !strings.Contains(text, r[0]) {
			t.Errorf("txn %s is not in the PDF", r[0])
		}
	}
	n := len(pages)
	for _, want := range []string{"Statement of QIWI Wallet +" + e.Wallet, "page 1 of " + strconv.Itoa(n), "page " + strconv.Itoa(n) + " of " + strconv.Itoa(n),
		"Reconciliation", "✓ agrees", "Transfers to cards", "+03:00"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	if !regexp.MustCompile(`[А-Яа-я]{3,}`).MatchString(text) {
		t.Error("no Cyrillic text in the PDF")
	}
	if n < 2 {
		t.Errorf("%d pages for %d rows", n, len(rows))
	}
}

// pdfText inflates every content stream and decodes the strings shown
// with Tj: UTF-16BE, as fpdf writes text in a Unicode font.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	var out strings.Builder
	streams := regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`).FindAllSubmatch(b, -1)
	show := regexp.MustCompile(`(?s)\(((?:\\.|[^\\)])*)\)\s*Tj`)
	for _, m := range streams {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not a deflated stream (an image, a font program is deflated too but shows nothing)
		}
		content, err := io.ReadAll(zr)
		if err != nil {
			continue
		}
		for _, s := range show.FindAllSubmatch(content, -1) {
			out.WriteString(decodeString(unescape(s[1])))
			out.WriteByte('\n')
		}
	}
	return out.String()
}

func unescape(s []byte) []byte {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			out = append(out, s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		default:
			if s[i] >= '0' && s[i] <= '7' {
				v, j := 0, i
				for ; j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7'; j++ {
					v = v*8 + int(s[j]-'0')
				}
				out = append(out, byte(v))
				i = j - 1
			} else {
				out = append(out, s[i])
			}
		}
	}
	return out
}

func decodeString(b []byte) string {
	if len(b)%2 != 0 {
		return string(b)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}

// The PDF in Russian, parsed back: its words are Russian (titles, column
// heads, categories, the reconciliation, page numbers), its amounts have
// the decimal comma; the CSV and the JSON are the same in every language.
func TestStatementInRussian(t *testing.T) {
	e := insightstest.New(t, true)
	from, to := lastMonth()
	ru := i18n.New(i18n.RU)
	s, b := makeIn(t, e, ru, "pdf", from, to)
	if got := s.CheckSummaryIn(ru); got != "сходится с итогами QIWI" || s.CheckSummaryIn(nil) != s.CheckSummary() {
		t.Errorf("the summary in Russian: %q; in English %q, the CSV's %q", got, s.CheckSummaryIn(nil), s.CheckSummary())
	}
	text := pdfText(t, b)
	n := len(regexp.MustCompile(`/Type /Page\b`).FindAll(b, -1))
	for _, want := range []string{"Выписка по QIWI Кошельку +" + e.Wallet, "стр. 1 из " + strconv.Itoa(n), "Итоги", "Приход", "Расход",
		"Расходы по категориям (с комиссией)", "Переводы на карты", "Сверка с итогами QIWI", "✓ сходится", "Транзакции", "Комментарий",
		"московское время, UTC+03:00", "Создана: "} {
		if !strings.Contains(text, want) {
			t.Errorf("the Russian PDF lacks %q", want)
		}
	}
	for _, english := range []string{"Statement", "page ", "Totals", "Reconciliation", "agrees", "Transfers to cards", "Transactions", "Moscow time"} {
		if strings.Contains(text, english) {
			t.Errorf("the Russian PDF says %q", english)
		}
	}
	if !regexp.MustCompile(`\d,\d\d ₽`).MatchString(text) || regexp.MustCompile(`\d\.\d\d ₽`).MatchString(text) {
		t.Error("the Russian PDF's amounts do not have the decimal comma")
	}
	for _, format := range []string{"csv", "json"} {
		_, en := makeStatement(t, e, format, from, to)
		if _, got := makeIn(t, e, ru, format, from, to); !bytes.Equal(got, en) {
			t.Errorf("the %s differs in Russian", format)
		}
	}
}

// The transactions table's date (with its offset) and status (with QIWI's
// error code) are whole in both languages, not cut with "…"; the Russian
// names no API path.
func TestStatementPDFCellsWhole(t *testing.T) {
	e := insightstest.New(t, true)
	from, to := lastMonth()
	rows := exportRows(t, e, from, to)
	for _, tr := range []*i18n.Tr{nil, i18n.New(i18n.RU)} {
		_, b := makeIn(t, e, tr, "pdf", from, to)
		text := pdfText(t, b)
		coded := 0
		for _, r := range rows {
			date, err := time.Parse(time.RFC3339, r[2])
			if err != nil {
				t.Fatal(err)
			}
			if want := date.Format("2006-01-02 15:04 -07:00"); !strings.Contains(text, want) {
				t.Errorf("%s: txn %s's date %q is not whole", tr.Lang(), r[0], want)
			}
			if r[11] != "0" {
				coded++
				if want := r[3] + " (" + r[11] + ")"; !strings.Contains(text, want) {
					t.Errorf("%s: txn %s's status %q is not whole", tr.Lang(), r[0], want)
				}
			}
		}
		if coded == 0 {
			t.Error("no failed payment with an error code to look at")
		}
		if tr != nil && strings.Contains(text, "payments/total") {
			t.Error("the Russian PDF names the API path payments/total")
		}
	}
}
