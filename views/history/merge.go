package history

import (
	"context"
	"slices"
	"sort"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/store/reader"
)

// A refresh (a live payment notification, the root's timer or r) reads the
// query's newest page and merges it into what is loaded: new rows go in at
// the top, rows already loaded are updated in place (a WAITING payment that
// settled), and every older page, the selection, the viewport, the filter,
// the sort and the cursor to older rows stay. Only when more than a page of
// payments arrived (the page does not reach the newest loaded row) does an
// explicit refresh (r, the timer) start the query over from that page; a
// live notification, which may reach the screen while it is in the
// background, never does: it notes that newer payments are not shown.

// refreshMsg is a refresh's newest page. seq tells the latest refresh from
// older ones of the same generation.
type refreshMsg struct {
	gen, seq int
	passive  bool // from a live notification: merge or note, never reset
	page     Page
	err      error
}

// legID identifies a row: the two legs of a conversion share the txn id.
type legID struct {
	id  qiwiapi.FlexInt
	typ qiwiapi.TxnType
}

func idOf(t *qiwiapi.Transaction) legID { return legID{t.TxnID, t.Type} }

// refresh asks the reader to bring the newest history into its cache, then
// merges the query's newest page into the loaded rows (onSynced). passive
// is true for live notifications.
func (m *Model) refresh(passive bool) tea.Cmd {
	switch m.state {
	case stateReady, stateEmpty:
		m.refreshing, m.refreshPassive = true, passive
		return m.syncCmd(passive)
	case stateLoading, stateError:
		if passive {
			return nil // the load in flight (or the user's r after an error) brings it
		}
	}
	return tea.Batch(m.reload(true), m.syncCmd(false))
}

// refreshPage asks for the query's first page, to merge, and for the totals.
func (m *Model) refreshPage(passive bool) tea.Cmd {
	if m.q.Order != store.OrderDate {
		// Sorted by amount, a new payment may belong anywhere: the first
		// page is read again (the selection stays on its payment). A live
		// payment does not take away the pages the user scrolled to: it
		// says so, and r reloads.
		if passive && m.next != nil && len(m.rows) > reader.PageSize {
			m.behind = true
			return nil
		}
		return m.reload(true)
	}
	if m.state != stateReady && m.state != stateEmpty {
		if passive {
			return nil
		}
		return m.reload(true)
	}
	if m.refreshing && !m.refreshPassive {
		passive = false // a newer refresh does not weaken the user's r in flight
	}
	m.refreshSeq++
	if m.refreshCancel != nil {
		m.refreshCancel() // the older refresh's page is no longer wanted
	}
	parent := m.ctx
	if parent == nil {
		parent = context.Background()
	}
	rctx, cancel := context.WithCancel(parent)
	m.refreshCancel = cancel
	m.refreshing, m.refreshPassive = true, passive
	gen, seq, src, q := m.gen, m.refreshSeq, m.r, m.q
	page := func() tea.Msg {
		ctx, cancel := context.WithTimeout(rctx, requestTimeout)
		defer cancel()
		p, err := src.Page(ctx, q, nil)
		return refreshMsg{gen: gen, seq: seq, passive: passive, page: p, err: err}
	}
	return tea.Batch(page, m.loadTotals(true))
}

func (m *Model) onRefresh(msg refreshMsg) tea.Cmd {
	if msg.gen != m.gen || msg.seq != m.refreshSeq {
		return nil // a refresh of an older query, or overtaken by a newer one
	}
	m.refreshing = false
	if m.refreshCancel != nil {
		m.refreshCancel()
		m.refreshCancel = nil
	}
	if msg.err != nil {
		m.err = msg.err
		if msg.passive {
			return nil // a background refresh failing is not worth a toast
		}
		return m.c.ErrorToast(msg.err)
	}
	m.err = nil
	if m.above != nil { // the held rows are not the newest: new ones show when scrolling up
		if msg.passive {
			return nil
		}
		return m.restartFrom(msg.page)
	}
	if len(m.rows) == 0 || m.mergeTop(msg.page) {
		if len(m.rows) == 0 { // nothing loaded: nothing to keep
			m.applyFirst(msg.page)
		}
		m.behind = false
		m.clampOffset()
		return m.fetchMore(false)
	}
	if msg.passive {
		m.behind = true // more than a page arrived: r starts over
		return nil
	}
	return m.restartFrom(msg.page)
}

// restartFrom makes page the query's first page, dropping the older pages
// (and any page of them in flight), and keeps the selection on its
// transaction when the page has it.
func (m *Model) restartFrom(p Page) tea.Cmd {
	m.gen++
	if m.cancel != nil {
		m.cancel()
	}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	m.more, m.moreErr, m.err, m.replacing, m.behind = false, nil, nil, false, false
	m.above, m.moreUp, m.skipped = nil, false, 0
	m.applyFirst(p)
	m.clampOffset()
	return tea.Batch(m.loadTotals(true), m.fetchMore(false))
}

// applyFirst replaces the rows with a query's first page, keeping the
// selection on the same transaction when it is still there.
func (m *Model) applyFirst(p Page) {
	sel, ok := m.selected()
	m.setRows(p.Transactions)
	m.cursor, m.offset = 0, 0
	if ok {
		m.selectTxn(sel)
	}
	m.next = p.Next
	m.state = stateReady
	if len(m.rows) == 0 {
		m.state = stateEmpty
	}
}

// insertion is a new row and the loaded row it goes in front of.
type insertion struct {
	at int // index in the loaded rows; len(rows) is the end
	t  qiwiapi.Transaction
}

// mergeTop merges a refreshed first page into the loaded rows. It reports
// false, changing nothing, when the page does not reach the newest loaded
// row: more than a page of payments arrived and the gap cannot be closed.
func (m *Model) mergeTop(p Page) bool {
	page := p.Transactions
	if len(m.rows) == 0 || len(page) == 0 {
		return false
	}
	pos := make(map[legID]int, len(page))
	for i := range page {
		if _, dup := pos[idOf(&page[i])]; !dup {
			pos[idOf(&page[i])] = i
		}
	}
	if _, ok := pos[idOf(&m.rows[0])]; !ok {
		return false
	}
	// Which page rows are loaded already? Rows are newest first, so loaded
	// rows older than the page's oldest cannot be on it.
	loaded := make([]int, len(page))
	for i := range loaded {
		loaded[i] = -1
	}
	oldest := page[len(page)-1].Date
	for r, found := 0, 0; r < len(m.rows) && found < len(pos); r++ {
		if m.rows[r].Date.Before(oldest) {
			break
		}
		if i, ok := pos[idOf(&m.rows[r])]; ok && loaded[i] < 0 {
			loaded[i] = r
			found++
		}
	}

	// Update loaded rows in place; new rows go in front of the loaded row
	// that follows them on the page (the top for payments newer than all).
	var adds []insertion
	var detail *qiwiapi.Transaction
	before := 0
	for i := range page {
		if pos[idOf(&page[i])] != i {
			continue // a duplicate on the page
		}
		r := loaded[i]
		if r < 0 {
			// Past the last loaded row while older pages remain: the
			// next page brings it, in its place.
			if before >= len(m.rows) && m.next != nil {
				continue
			}
			adds = append(adds, insertion{at: before, t: page[i]})
			continue
		}
		m.rows[r] = page[i]
		m.hay[r] = haystack(&m.rows[r])
		if m.detail != nil && idOf(m.detail) == idOf(&m.rows[r]) {
			detail = &m.rows[r]
		}
		before = max(before, r+1)
	}
	if detail != nil {
		cp := *detail
		m.detail = &cp // the open pane shows the new status too
	}

	// Remember the selected row and the top visible one, as row indices.
	sel, top := int32(-1), int32(-1)
	if m.cursor < len(m.view) {
		sel = m.view[m.cursor]
	}
	if m.offset > 0 && m.offset < len(m.view) {
		top = m.view[m.offset]
	}
	if len(adds) > 0 {
		m.insertRows(adds)
	}
	// shift maps an old row index to its index after the inserts.
	shift := func(r int32) int32 {
		if r < 0 {
			return r
		}
		n := sort.Search(len(adds), func(j int) bool { return adds[j].at > int(r) })
		return r + int32(n)
	}
	m.rebuildView()
	m.cursor = 0
	m.reselect(shift(sel))
	// The rows on screen stay where they were; at the very top the new
	// rows show up above them.
	m.offset = 0
	if top >= 0 {
		if i := slices.Index(m.view, shift(top)); i >= 0 {
			m.offset = i
		}
	}
	return true
}

// insertRows puts new rows in front of the loaded rows at the given
// indices (adds are in index order).
func (m *Model) insertRows(adds []insertion) {
	rows := make([]qiwiapi.Transaction, 0, len(m.rows)+len(adds))
	hay := make([]string, 0, len(m.hay)+len(adds))
	j := 0
	for r := range m.rows {
		for ; j < len(adds) && adds[j].at == r; j++ {
			rows = append(rows, adds[j].t)
			hay = append(hay, haystack(&adds[j].t))
		}
		rows = append(rows, m.rows[r])
		hay = append(hay, m.hay[r])
	}
	for ; j < len(adds); j++ {
		rows = append(rows, adds[j].t)
		hay = append(hay, haystack(&adds[j].t))
	}
	m.rows, m.hay = rows, hay
}
