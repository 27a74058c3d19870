package insights

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/NimbleMarkets/ntcharts/barchart"
	"github.com/charmbracelet/x/ansi"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/store/insights"
	"qiwidash/ui/common"
	"qiwidash/ui/formkit"
)

// View draws the header lines, the panel tabs and the panel.
func (m *Model) View() string {
	s, tr := m.c.Styles, m.c.Tr
	if m.width == 0 {
		return ""
	}
	lines := []string{m.headLine(), m.coverageLine()}
	if m.saved != "" {
		// The whole path, wrapped at spaces (the file's name first in
		// Russian): the toast may be too narrow for it.
		saved := tr.T("insights.statement_saved", i18n.Args{"Path": m.saved, "File": filepath.Base(m.saved), "Dir": filepath.Dir(m.saved)})
		for _, l := range strings.Split(formkit.Wrap(saved, max(10, m.width-1)), "\n") {
			lines = append(lines, s.Positive.Render(" "+l))
		}
	}
	lines = append(lines, m.panelTabs())
	switch {
	case m.state == common.StateError && m.months == nil:
		lines = append(lines, "", s.Error.Render("  "+m.c.Explain(m.err)), s.Subtle.Render(tr.T("insights.retry", nil)))
	case m.months == nil:
		lines = append(lines, "", s.Subtle.Render(tr.T("insights.summing", nil)))
	case len(m.curs) == 0:
		lines = append(lines, "", s.Subtle.Render(tr.T("insights.no_payments_year", nil)))
	default:
		body := m.height - len(lines)
		switch m.panel {
		case panelMonths:
			lines = append(lines, m.monthsPanel(body)...)
		case panelCategories:
			lines = append(lines, m.categoriesPanel(body)...)
		case panelCounterparties:
			lines = append(lines, m.counterpartiesPanel(body)...)
		case panelDays:
			lines = append(lines, m.daysPanel()...)
		}
	}
	for i := range lines {
		lines[i] = ansi.Truncate(lines[i], m.width, "…")
	}
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	return strings.Join(lines, "\n")
}

func (m *Model) headLine() string {
	s, tr := m.c.Styles, m.c.Tr
	line := s.Title.Render(tr.T("insights.title", nil)) + s.Subtle.Render(" · ") + s.Bold.Render(m.cur().Code())
	if len(m.curs) > 1 {
		var others []string
		for _, c := range m.curs {
			if c != m.cur() {
				others = append(others, c.Code())
			}
		}
		line += s.Subtle.Render(tr.T("insights.other_currencies", i18n.Args{"Key": m.c.Keys.Source.Help().Key, "Codes": strings.Join(others, ", ")}))
	}
	if b, ok := m.bucket(); ok {
		month := monthYear(tr, b.Start)
		if b.Partial {
			month += tr.T("insights.so_far", nil)
		}
		line += s.Subtle.Render(" · ") + month + " " + m.checkMark(b)
	}
	return line
}

// checkMark is the month's reconciliation with QIWI's totals, in the
// selected currency: ✓, the difference, or why it is unknown.
func (m *Model) checkMark(b insights.Bucket) string {
	s, tr := m.c.Styles, m.c.Tr
	key := b.Start.Unix()
	if err := m.checkErr[key]; err != nil {
		return s.Warning.Render(tr.T("insights.check_failed", i18n.Args{"Why": m.c.Explain(err)}))
	}
	checks, ok := m.checks(b)
	if !ok {
		return s.Subtle.Render(tr.T("insights.check_asking", nil))
	}
	for _, k := range checks {
		if k.Currency != b.Currency {
			continue
		}
		if k.Agree() {
			return s.Positive.Render(tr.T("insights.check_agrees", nil))
		}
		return s.Warning.Render(tr.T("insights.check_differs", i18n.Args{"In": m.c.SignedMoney(k.DiffIn()), "Out": m.c.SignedMoney(k.DiffOut())}))
	}
	return s.Positive.Render(tr.T("insights.check_agrees", nil))
}

func (m *Model) coverageLine() string {
	s, tr := m.c.Styles, m.c.Tr
	var line string
	switch {
	case m.covered.IsZero() && !m.coveredAll:
		line = tr.T("insights.cache_reading", nil)
	case m.coveredAll:
		line = tr.T("insights.cache_all", i18n.Args{"Date": m.covered.In(m.c.Loc()).Format("2006-01-02")})
	default:
		line = tr.T("insights.cache_since", i18n.Args{"Date": m.c.Date(m.covered)})
	}
	switch {
	case m.widening:
		line += tr.T("insights.widening", nil)
	case m.widenErr != nil:
		line += tr.T("insights.widen_failed", i18n.Args{"Why": m.c.Explain(m.widenErr)})
	}
	if m.d.History != nil {
		if st := m.d.History.Status(); st.Budget != nil {
			line += tr.N("insights.requests_left", st.Budget.Left, nil)
		}
	}
	return s.Subtle.Render(line)
}

func (m *Model) panelTabs() string {
	s := m.c.Styles
	var parts []string
	for p := range panels {
		if p == m.panel {
			parts = append(parts, s.ActiveTab.Render("▶"+p.name(m.c.Tr)))
		} else {
			parts = append(parts, s.Tab.Render(p.name(m.c.Tr)))
		}
	}
	return strings.Join(parts, "") + s.Subtle.Render(m.c.Tr.T("insights.next_panel", nil))
}

// ---- Months: 12 pairs of bars (in │ out), the selected one marked ----

func (m *Model) monthsPanel(h int) []string {
	s, tr := m.c.Styles, m.c.Tr
	ms := m.months[m.cur()]
	chartH := max(3, min(24, h-6))
	pair := max(4, (m.width-2)/len(ms)) // columns per month: two bars and their gaps
	bw := max(1, pair/2-1)
	var data []barchart.BarData
	var top int64
	for _, b := range ms {
		top = max(top, b.In.Minor, b.Out.Minor)
		data = append(data,
			barchart.BarData{Label: "", Values: []barchart.BarValue{{Name: "in", Value: scale(b.In.Minor), Style: s.Positive}}},
			barchart.BarData{Label: "", Values: []barchart.BarValue{{Name: "out", Value: scale(b.Out.Minor), Style: s.Negative}}})
	}
	ch := barchart.New(len(data)*(bw+1), chartH, barchart.WithNoAutoBarWidth(), barchart.WithNoAxis(), barchart.WithBarWidth(bw), barchart.WithBarGap(1),
		barchart.WithMaxValue(scale(max(top, 1))), barchart.WithNoAutoMaxValue(), barchart.WithDataSet(data))
	ch.Draw()
	out := []string{s.Subtle.Render(tr.T("insights.months_scale", i18n.Args{"Top": m.c.Money(qiwiapi.Amount{Minor: top, Currency: m.cur()})}))}
	for _, l := range strings.Split(ch.View(), "\n") {
		out = append(out, " "+l)
	}
	var labels, marks strings.Builder
	for i, b := range ms {
		w := 2 * (bw + 1)
		label := monthShort(tr, b.Start)
		if w >= 8 {
			label += b.Start.Format(" 06")
		}
		if b.Partial {
			label += "*"
		}
		labels.WriteString(common.PadRight(common.Truncate(label, w), w))
		mark := strings.Repeat(" ", w)
		if i == m.month {
			pos := 0
			if m.side == insights.Out {
				pos = bw + 1
			}
			mark = common.PadRight(strings.Repeat(" ", pos)+"▲", w)
		}
		marks.WriteString(mark)
	}
	out = append(out, " "+labels.String(), " "+s.Accent.Render(marks.String()))
	if b, ok := m.bucket(); ok {
		// Out counts the commission, as QIWI's own totals do (the statement
		// lists the two apart): the fee is said again so the sums can be read.
		out = append(out, tr.T("insights.month_line", i18n.Args{"Month": monthShort(tr, b.Start) + b.Start.Format(" 2006"), "Side": m.side.Word(tr),
			"In": s.Positive.Render(m.c.SignedMoney(b.In)), "InCount": b.InCount,
			"Out": s.Negative.Render(m.c.SignedMoney(b.Out.Neg())), "OutCount": b.OutCount, "Fee": m.c.Money(b.Commission)}),
			s.Subtle.Render(tr.T("insights.months_hint", nil)))
	}
	return out
}

// scale is an amount as a bar's height: the chart needs a float, the
// amounts shown are the exact ones.
func scale(minor int64) float64 { return float64(minor) }

// ---- Categories and counterparties: one horizontal bar per row ----

// barRows draws one row per value: label, a bar (ntcharts), the amount.
func (m *Model) barRows(labels []string, values []qiwiapi.Amount, counts []int, first, n int) []string {
	s := m.c.Styles
	labelW := min(28, max(12, m.width/4))
	amountW := 18
	barW := max(6, m.width-labelW-amountW-12)
	var top int64
	for _, v := range values {
		top = max(top, v.Minor)
	}
	last := min(len(values), first+n)
	var data []barchart.BarData
	for i := first; i < last; i++ {
		data = append(data, barchart.BarData{Values: []barchart.BarValue{{Name: labels[i], Value: scale(values[i].Minor), Style: s.Accent}}})
	}
	if len(data) == 0 {
		return nil
	}
	ch := barchart.New(barW, len(data), barchart.WithHorizontalBars(), barchart.WithNoAxis(), barchart.WithNoAutoBarWidth(), barchart.WithBarWidth(1), barchart.WithBarGap(0),
		barchart.WithMaxValue(scale(max(top, 1))), barchart.WithNoAutoMaxValue(), barchart.WithDataSet(data))
	ch.Draw()
	bars := strings.Split(ch.View(), "\n")
	var out []string
	for i := first; i < last; i++ {
		marker := "  "
		if i == m.sel {
			marker = "▶ "
		}
		bar := ""
		if j := i - first; j < len(bars) {
			bar = bars[j]
		}
		line := marker + common.PadRight(common.Truncate(labels[i], labelW), labelW) + " " + bar + " " +
			common.PadLeft(m.c.Money(values[i]), amountW) + fmt.Sprintf(" %4d", counts[i])
		if i == m.sel {
			line = s.Selected.Render(line)
		}
		out = append(out, line)
	}
	return out
}

func (m *Model) monthTitle() string {
	b, _ := m.bucket()
	return monthYear(m.c.Tr, b.Start)
}

func (m *Model) detailState() []string {
	s := m.c.Styles
	if m.detailErr != nil {
		return []string{"", s.Error.Render("  " + m.c.Explain(m.detailErr))}
	}
	return nil
}

func (m *Model) categoriesPanel(h int) []string {
	s, tr := m.c.Styles, m.c.Tr
	out := []string{s.Subtle.Render(tr.T("insights.categories_head", i18n.Args{"Currency": m.cur().Code(), "Month": m.monthTitle()}))}
	if e := m.detailState(); e != nil {
		return append(out, e...)
	}
	if len(m.cats) == 0 {
		return append(out, "", s.Subtle.Render(tr.T("insights.no_outgoing", nil)))
	}
	var labels []string
	var values []qiwiapi.Amount
	var counts []int
	for _, c := range m.cats {
		labels, values, counts = append(labels, c.Category.Name(tr)), append(values, c.Out), append(counts, c.Count)
	}
	n := max(1, h-2)
	return append(append(out, m.barRows(labels, values, counts, scrollFirst(m.sel, n, len(labels)), n)...),
		s.Subtle.Render(tr.T("insights.categories_hint", nil)))
}

func (m *Model) counterpartiesPanel(h int) []string {
	s, tr := m.c.Styles, m.c.Tr
	order := tr.T("insights.by_amount", nil)
	if m.byCount {
		order = tr.T("insights.by_count", nil)
	}
	out := []string{s.Subtle.Render(tr.T("insights.counterparties_head", i18n.Args{"Month": m.monthTitle(), "Currency": m.cur().Code(), "Order": order}))}
	if e := m.detailState(); e != nil {
		return append(out, e...)
	}
	if len(m.cps) == 0 {
		return append(out, "", s.Subtle.Render(tr.T("insights.no_payments_month", nil)))
	}
	var labels []string
	var values []qiwiapi.Amount
	var counts []int
	for _, c := range m.cps {
		who := c.Account
		if who == "" {
			who = tr.T("spending.no_account", nil)
		}
		who = m.c.Account(sanitize.Text(who), common.List)
		if c.Provider != "" {
			who += " " + sanitize.Text(c.Provider)
		}
		arrow := "→ "
		if c.Side == insights.In {
			arrow = "← "
		}
		labels, values, counts = append(labels, arrow+who), append(values, c.Sum), append(counts, c.Count)
	}
	n := max(1, h-2)
	return append(append(out, m.barRows(labels, values, counts, scrollFirst(m.sel, n, len(labels)), n)...),
		s.Subtle.Render(tr.T("insights.counterparties_hint", nil)))
}

func scrollFirst(sel, n, total int) int {
	if total <= n {
		return 0
	}
	return min(max(0, sel-n+1), total-n)
}

// ---- Days: a calendar of the month, spend per day as shades ----

var shades = []string{"·", "░", "▒", "▓", "█"}

func (m *Model) daysPanel() []string {
	s, tr := m.c.Styles, m.c.Tr
	out := []string{s.Subtle.Render(tr.T("insights.days_head", i18n.Args{"Month": m.monthTitle(), "Currency": m.cur().Code()}))}
	if e := m.detailState(); e != nil {
		return append(out, e...)
	}
	if len(m.days) == 0 {
		return out
	}
	var top int64
	for _, d := range m.days {
		top = max(top, d.Out.Minor)
	}
	cellW := max(6, min(14, (m.width-4)/7))
	var head strings.Builder
	for d := range weekdayIDs {
		head.WriteString(common.PadRight(weekday(tr, d), cellW))
	}
	out = append(out, "  "+s.TableHeader.Render(head.String()))
	lead := (int(m.days[0].Start.Weekday()) + 6) % 7 // Monday first
	var row strings.Builder
	row.WriteString(strings.Repeat(" ", lead*cellW))
	col := lead
	for i, d := range m.days {
		level := 0
		if d.Out.Minor > 0 {
			level = 1 + int(d.Out.Minor*3/max(top, 1))
		}
		bar := strings.Repeat(shades[min(level, 4)], max(1, cellW-4))
		cell := fmt.Sprintf("%2d %s", d.Start.Day(), bar)
		if i == m.sel {
			cell = s.Selected.Render(cell)
		}
		row.WriteString(cell + " ")
		col++
		if col == 7 || i == len(m.days)-1 {
			out = append(out, "  "+row.String())
			row.Reset()
			col = 0
		}
	}
	if m.sel < len(m.days) {
		d := m.days[m.sel]
		out = append(out, "", tr.T("insights.day_line", i18n.Args{"Day": dayDate(tr, d.Start),
			"Out": m.c.SignedMoney(d.Out.Neg()), "OutCount": d.OutCount, "In": m.c.SignedMoney(d.In), "InCount": d.InCount}))
	}
	out = append(out, s.Subtle.Render(tr.T("insights.days_hint", nil)))
	return out
}
