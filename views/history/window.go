package history

import (
	"context"
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
)

// The screen holds a bounded window of rows, not every row ever loaded:
// scrolling down past keepRows lets the oldest-loaded rows at the top go,
// and scrolling back up pages them in again from the cache (the rows at
// the bottom then go). Under a sort other than by date every loaded row is
// kept, as before: a sorted view of a moving window would reorder itself.

// keepRows bounds the rows the screen holds.
const keepRows = 300

// abovePageMsg is the page above the held rows.
type abovePageMsg struct {
	gen  int
	page Page
	err  error
}

// bounded reports whether rows may be let go (the view is in date order).
func (m *Model) bounded() bool { return m.sort == sortDate }

// selectedRow is the index in rows of the selection, -1 for none.
func (m *Model) selectedRow() int {
	if m.cursor < 0 || m.cursor >= len(m.view) {
		return -1
	}
	return int(m.view[m.cursor])
}

// trimTop lets the rows above the bound go, keeping a screen above the selection.
func (m *Model) trimTop() {
	if !m.bounded() || len(m.rows) <= keepRows || m.moreUp {
		return
	}
	sel := m.selectedRow()
	drop := len(m.rows) - keepRows
	if sel >= 0 {
		drop = min(drop, sel-m.pageRows())
	}
	if drop <= 0 {
		return
	}
	top := -1
	if m.offset < len(m.view) {
		top = int(m.view[m.offset])
	}
	m.above = m.r.Above(m.rows[drop])
	m.skipped += drop
	m.replaceRows(slices.Clone(m.rows[drop:]), slices.Clone(m.hay[drop:]))
	m.placeAfterShift(sel-drop, top-drop)
}

// trimBottom lets the rows below the bound go, keeping a screen below the selection.
func (m *Model) trimBottom() {
	if !m.bounded() || len(m.rows) <= keepRows || m.more {
		return
	}
	sel := m.selectedRow()
	keep := keepRows
	if sel >= 0 {
		keep = max(keep, sel+m.pageRows()+1)
	}
	if keep >= len(m.rows) {
		return
	}
	top := -1
	if m.offset < len(m.view) {
		top = int(m.view[m.offset])
	}
	m.next, m.moreErr = m.r.Below(m.rows[keep-1]), nil
	m.replaceRows(slices.Clone(m.rows[:keep]), slices.Clone(m.hay[:keep]))
	m.placeAfterShift(sel, top)
}

// replaceRows sets the held rows (and their search text) and rebuilds the
// view and the loaded-rows totals.
func (m *Model) replaceRows(rows []qiwiapi.Transaction, hay []string) {
	m.rows, m.hay = rows, hay
	m.rebuildView()
}

// placeAfterShift puts the selection on row sel and the first visible row
// on row top (indices in the new rows; -1: unknown).
func (m *Model) placeAfterShift(sel, top int) {
	m.cursor, m.offset = 0, 0
	if sel >= 0 {
		m.reselect(int32(sel))
	}
	if top >= 0 {
		if i := slices.Index(m.view, int32(top)); i >= 0 {
			m.offset = i
		}
	}
	m.clampOffset()
}

// fetchAbove asks for the page above the held rows when the selection is
// within a screen of their top.
func (m *Model) fetchAbove() tea.Cmd {
	if m.above == nil || m.moreUp || m.state != stateReady || m.replacing || !m.bounded() || m.cursor > m.pageRows() {
		return nil
	}
	m.moreUp = true
	gen, src, q, cur, parent := m.gen, m.r, m.q, m.above, m.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, requestTimeout)
		defer cancel()
		p, err := src.Page(ctx, q, cur)
		return abovePageMsg{gen: gen, page: p, err: err}
	}
}

// onAbove puts the page above the held rows on top of them, keeping the
// selection and the rows on screen where they were.
func (m *Model) onAbove(msg abovePageMsg) tea.Cmd {
	if msg.gen != m.gen {
		return nil
	}
	m.moreUp = false
	if msg.err != nil {
		return nil // the next move up asks again
	}
	n := len(msg.page.Transactions)
	m.above = msg.page.Next
	m.skipped = max(0, m.skipped-n)
	if n == 0 || m.above == nil {
		m.above, m.skipped = nil, 0 // the top: the held rows start the list
	}
	if n == 0 {
		return nil
	}
	sel := m.selectedRow()
	top := -1
	if m.offset < len(m.view) {
		top = int(m.view[m.offset])
	}
	rows := append(slices.Clone(msg.page.Transactions), m.rows...)
	hay := make([]string, 0, len(rows))
	for i := range msg.page.Transactions {
		hay = append(hay, haystack(&rows[i]))
	}
	hay = append(hay, m.hay...)
	m.replaceRows(rows, hay)
	if sel >= 0 {
		sel += n
	}
	if top >= 0 {
		top += n
	}
	m.placeAfterShift(sel, top)
	m.trimBottom()
	return m.fetchAbove()
}
