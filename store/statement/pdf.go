package statement

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/store"
)

// DejaVu Sans Condensed (Bitstream Vera licence, fonts/LICENSE): a Unicode
// font, so Cyrillic names and comments render.
//
//go:embed fonts/DejaVuSansCondensed.ttf
var fontTTF []byte

const font = "DejaVu"

// column is one column of the transactions table (A4 landscape, mm); id
// is its title's message id.
type column struct {
	id    string
	width float64
	right bool
}

// The date with its offset and a status with QIWI's error code ("ERROR
// (10100)") fit whole at 8 pt; the comment gives the room.
var columns = []column{
	{"statement.col_date", 36, false},
	{"statement.col_txn", 21, false},
	{"statement.col_type", 17, false},
	{"statement.col_status", 22, false},
	{"statement.col_amount", 29, true},
	{"statement.col_commission", 21, true},
	{"statement.col_account", 36, false},
	{"statement.col_provider", 46, false},
	{"statement.col_comment", 49, false},
}

// writePDF writes the statement for a person, in s.tr's language: its
// words, and its amounts with the language's separators.
func writePDF(ctx context.Context, w io.Writer, st *store.Store, s *Statement) error {
	tr := s.tr
	group, point := tr.Separators()
	money := func(a qiwiapi.Amount) string { return a.FormatWith(group, point) }
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCreationDate(s.Made)
	pdf.SetModificationDate(s.Made)
	pdf.AddUTF8FontFromBytes(font, "", fontTTF)
	title := tr.T("statement.title", i18n.Args{"Wallet": s.Wallet})
	pdf.SetTitle(title, true)
	pdf.SetCreator("qiwidash", true)
	pdf.SetMargins(10, 10, 10)
	pdf.SetAutoPageBreak(true, 14)
	pdf.AliasNbPages("{nb}")
	period := s.From.Format("2006-01-02") + " – " + s.To.Format("2006-01-02")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-11)
		pdf.SetFont(font, "", 7)
		pdf.CellFormat(0, 5, tr.T("statement.footer", i18n.Args{"Wallet": s.Wallet, "Period": period,
			"Made": s.Made.Format("2006-01-02 15:04 -07:00"), "Page": pdf.PageNo(), "Pages": "{nb}"}), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()

	pdf.SetFont(font, "", 16)
	pdf.CellFormat(0, 9, title, "", 1, "L", false, 0, "")
	pdf.SetFont(font, "", 10)
	pdf.CellFormat(0, 6, tr.T("statement.period", i18n.Args{"From": s.From.Format("2006-01-02 15:04"), "To": s.To.Format("2006-01-02 15:04"),
		"Zone": zoneName(tr, s.From)}), "", 1, "L", false, 0, "")
	pdf.CellFormat(0, 6, tr.N("statement.made", s.Count, i18n.Args{"Made": s.Made.Format("2006-01-02 15:04:05 -07:00")}), "", 1, "L", false, 0, "")
	pdf.Ln(3)

	heading := func(t string) {
		pdf.SetFont(font, "", 12)
		pdf.CellFormat(0, 7, t, "B", 1, "L", false, 0, "")
		pdf.SetFont(font, "", 9)
	}
	table := func(widths []float64, right []bool, head []string, rows [][]string) {
		pdf.SetFillColor(235, 235, 235)
		for i, h := range head {
			pdf.CellFormat(widths[i], 6, h, "1", 0, align(right[i]), true, 0, "")
		}
		pdf.Ln(-1)
		for _, r := range rows {
			for i, c := range r {
				pdf.CellFormat(widths[i], 5.5, fit(pdf, pdfText(c), widths[i]-2), "1", 0, align(right[i]), false, 0, "")
			}
			pdf.Ln(-1)
		}
		pdf.Ln(3)
	}

	heading(tr.T("statement.totals", nil))
	var rows [][]string
	for _, t := range s.Totals {
		rows = append(rows, []string{t.Currency.Code(), money(t.In), money(t.OutSum), money(t.Commission), fmt.Sprint(t.InCount), fmt.Sprint(t.OutCount)})
	}
	if len(rows) == 0 {
		rows = [][]string{{"—", tr.T("statement.no_successful", nil), "", "", "", ""}}
	}
	table([]float64{20, 45, 45, 40, 30, 30}, []bool{false, true, true, true, true, true},
		[]string{tr.T("statement.currency", nil), tr.T("statement.incoming", nil), tr.T("statement.outgoing", nil),
			tr.T("statement.commission", nil), tr.T("statement.incoming_n", nil), tr.T("statement.outgoing_n", nil)}, rows)

	heading(tr.T("statement.by_category", nil))
	rows = nil
	for _, c := range s.Categories {
		rows = append(rows, []string{c.Category.Name(tr), c.Currency.Code(), money(c.Out), fmt.Sprint(c.Count)})
	}
	if len(rows) == 0 {
		rows = [][]string{{tr.T("statement.no_outgoing", nil), "", "", ""}}
	}
	table([]float64{70, 20, 45, 25}, []bool{false, false, true, true}, []string{tr.T("statement.category", nil), tr.T("statement.currency", nil),
		tr.T("statement.outgoing", nil), tr.T("statement.payments", nil)}, rows)

	heading(tr.T("statement.reconciliation", nil))
	rows = nil
	for _, k := range s.Checks {
		mark := tr.T("statement.agrees", nil)
		if !k.Agree() {
			mark = tr.T("statement.differs", i18n.Args{"In": money(k.DiffIn()), "Out": money(k.DiffOut())})
		}
		rows = append(rows, []string{k.Start.Format("2006-01-02") + " – " + k.End.Format("2006-01-02"), k.Currency.Code(),
			money(k.CacheIn), money(k.QIWIIn), money(k.CacheOut), money(k.QIWIOut), mark})
	}
	if note := s.checkNote(); note != "" {
		rows = append(rows, []string{note, "", "", "", "", "", ""})
	}
	table([]float64{45, 18, 35, 35, 35, 35, 74}, []bool{false, false, true, true, true, true, false},
		[]string{tr.T("statement.period_col", nil), tr.T("statement.currency", nil), tr.T("statement.incoming_cache", nil),
			tr.T("statement.incoming_qiwi", nil), tr.T("statement.outgoing_cache", nil), tr.T("statement.outgoing_qiwi", nil),
			tr.T("statement.result", nil)}, rows)

	heading(tr.T("statement.transactions", nil))
	head := func() {
		pdf.SetFont(font, "", 8)
		pdf.SetFillColor(235, 235, 235)
		for _, c := range columns {
			pdf.CellFormat(c.width, 6, tr.T(c.id, nil), "1", 0, align(c.right), true, 0, "")
		}
		pdf.Ln(-1)
	}
	head()
	_, pageH := pdf.GetPageSize()
	_, _, _, bottom := pdf.GetMargins()
	_, err := st.ExportRows(ctx, s.Wallet, s.filter(), func(r store.ExportRow) error {
		if pdf.GetY()+5 > pageH-bottom-1 {
			pdf.AddPage()
			head()
		}
		date, _ := time.Parse(time.RFC3339, r.Date)
		// The export's exact digits, with the language's decimal point.
		amount := strings.Replace(r.Amount, ".", point, 1) + " " + r.Currency
		if r.Type == "IN" {
			amount = "+" + amount
		} else {
			amount = "−" + amount
		}
		status := r.Status
		if r.ErrorCode != 0 {
			status += fmt.Sprintf(" (%d)", r.ErrorCode)
		}
		// Type and status are QIWI's values, as QIWI sends them.
		cells := []string{date.Format("2006-01-02 15:04 -07:00"), fmt.Sprint(r.TxnID), r.Type, status, amount,
			strings.Replace(r.Commission, ".", point, 1), r.Account, r.Provider, r.Comment}
		for i, c := range columns {
			pdf.CellFormat(c.width, 5, fit(pdf, pdfText(cells[i]), c.width-1.5), "1", 0, align(c.right), false, 0, "")
		}
		pdf.Ln(-1)
		return pdf.Error()
	})
	if err != nil {
		return err
	}
	if s.Count == 0 {
		pdf.CellFormat(0, 6, tr.T("statement.no_transactions", nil), "", 1, "L", false, 0, "")
	}
	return pdf.Output(w)
}

// pdfText is outside text made safe for the PDF: control and invisible
// characters made visible (sanitize.Text), and characters beyond the
// Basic Multilingual Plane (emoji), which the PDF library cannot encode,
// shown as □.
func pdfText(s string) string {
	return strings.Map(func(r rune) rune {
		if r > 0xFFFF {
			return '□'
		}
		return r
	}, sanitize.Text(s))
}

func align(right bool) string {
	if right {
		return "RM"
	}
	return "LM"
}

// fit cuts s to width (mm) in the current font, with an ellipsis.
func fit(pdf *fpdf.Fpdf, s string, width float64) string {
	if pdf.GetStringWidth(s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && pdf.GetStringWidth(string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

func zoneName(tr *i18n.Tr, t time.Time) string {
	_, off := t.Zone()
	if off == 3*3600 {
		return tr.T("statement.moscow_time", nil)
	}
	return t.Format("UTC-07:00")
}

// checkNote says in the PDF's language why the reconciliation is missing
// or incomplete ("" when it is complete).
func (s *Statement) checkNote() string {
	switch {
	case s.offline:
		return s.tr.T("statement.check_offline", nil)
	case s.checkErr != nil:
		return s.tr.T("statement.check_incomplete", i18n.Args{"Why": explain.Error(s.tr, s.checkErr)})
	}
	return ""
}
