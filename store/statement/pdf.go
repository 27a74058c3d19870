package statement

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"qiwidash/qiwiapi/sanitize"
	"qiwidash/store"
)

// DejaVu Sans Condensed (Bitstream Vera licence, fonts/LICENSE): a Unicode
// font, so Cyrillic names and comments render.
//
//go:embed fonts/DejaVuSansCondensed.ttf
var fontTTF []byte

const font = "DejaVu"

// column is one column of the transactions table (A4 landscape, mm).
type column struct {
	title string
	width float64
	right bool
}

var columns = []column{
	{"Date", 34, false},
	{"Txn id", 24, false},
	{"Type", 17, false},
	{"Status", 17, false},
	{"Amount", 29, true},
	{"Commission", 21, true},
	{"Account", 36, false},
	{"Provider", 46, false},
	{"Comment", 53, false},
}

func writePDF(ctx context.Context, w io.Writer, st *store.Store, s *Statement) error {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCreationDate(s.Made)
	pdf.SetModificationDate(s.Made)
	pdf.AddUTF8FontFromBytes(font, "", fontTTF)
	pdf.SetTitle("Statement of QIWI Wallet +"+s.Wallet, true)
	pdf.SetCreator("qiwidash", true)
	pdf.SetMargins(10, 10, 10)
	pdf.SetAutoPageBreak(true, 14)
	pdf.AliasNbPages("{nb}")
	period := s.From.Format("2006-01-02") + " – " + s.To.Format("2006-01-02")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-11)
		pdf.SetFont(font, "", 7)
		pdf.CellFormat(0, 5, fmt.Sprintf("QIWI Wallet +%s · %s · made %s · page %d of {nb}", s.Wallet, period,
			s.Made.Format("2006-01-02 15:04 -07:00"), pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()

	pdf.SetFont(font, "", 16)
	pdf.CellFormat(0, 9, "Statement of QIWI Wallet +"+s.Wallet, "", 1, "L", false, 0, "")
	pdf.SetFont(font, "", 10)
	pdf.CellFormat(0, 6, fmt.Sprintf("Period: %s to %s (%s)", s.From.Format("2006-01-02 15:04"), s.To.Format("2006-01-02 15:04"), zoneName(s.From)), "", 1, "L", false, 0, "")
	pdf.CellFormat(0, 6, fmt.Sprintf("Made: %s · %d transactions · totals count successful payments", s.Made.Format("2006-01-02 15:04:05 -07:00"), s.Count), "", 1, "L", false, 0, "")
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

	heading("Totals")
	var rows [][]string
	for _, t := range s.Totals {
		rows = append(rows, []string{t.Currency.Code(), t.In.Format(), t.OutSum.Format(), t.Commission.Format(), fmt.Sprint(t.InCount), fmt.Sprint(t.OutCount)})
	}
	if len(rows) == 0 {
		rows = [][]string{{"—", "no successful payments", "", "", "", ""}}
	}
	table([]float64{20, 45, 45, 40, 30, 30}, []bool{false, true, true, true, true, true},
		[]string{"Currency", "Incoming", "Outgoing", "Commission", "Incoming (n)", "Outgoing (n)"}, rows)

	heading("Outgoing by category (with commission)")
	rows = nil
	for _, c := range s.Categories {
		rows = append(rows, []string{c.Category.Title(), c.Currency.Code(), c.Out.Format(), fmt.Sprint(c.Count)})
	}
	if len(rows) == 0 {
		rows = [][]string{{"no outgoing payments", "", "", ""}}
	}
	table([]float64{70, 20, 45, 25}, []bool{false, false, true, true}, []string{"Category", "Currency", "Outgoing", "Payments"}, rows)

	heading("Reconciliation with QIWI's totals (payments/total)")
	rows = nil
	for _, k := range s.Checks {
		mark := "✓ agrees"
		if !k.Agree() {
			mark = "differs: in " + k.DiffIn().Format() + ", out " + k.DiffOut().Format()
		}
		rows = append(rows, []string{k.Start.Format("2006-01-02") + " – " + k.End.Format("2006-01-02"), k.Currency.Code(),
			k.CacheIn.Format(), k.QIWIIn.Format(), k.CacheOut.Format(), k.QIWIOut.Format(), mark})
	}
	if s.CheckErr != "" {
		rows = append(rows, []string{"Reconciliation " + s.CheckErr, "", "", "", "", "", ""})
	}
	table([]float64{45, 18, 35, 35, 35, 35, 74}, []bool{false, false, true, true, true, true, false},
		[]string{"Period", "Currency", "Incoming (cache)", "Incoming (QIWI)", "Outgoing (cache)", "Outgoing (QIWI)", "Result"}, rows)

	heading("Transactions")
	head := func() {
		pdf.SetFont(font, "", 8)
		pdf.SetFillColor(235, 235, 235)
		for _, c := range columns {
			pdf.CellFormat(c.width, 6, c.title, "1", 0, align(c.right), true, 0, "")
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
		amount := r.Amount + " " + r.Currency
		if r.Type == "IN" {
			amount = "+" + amount
		} else {
			amount = "−" + amount
		}
		status := r.Status
		if r.ErrorCode != 0 {
			status += fmt.Sprintf(" (%d)", r.ErrorCode)
		}
		cells := []string{date.Format("2006-01-02 15:04 -07:00"), fmt.Sprint(r.TxnID), r.Type, status, amount, r.Commission, r.Account, r.Provider, r.Comment}
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
		pdf.CellFormat(0, 6, "No transactions in this period.", "", 1, "L", false, 0, "")
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

func zoneName(t time.Time) string {
	_, off := t.Zone()
	if off == 3*3600 {
		return "Moscow time, UTC+03:00"
	}
	return t.Format("UTC-07:00")
}
