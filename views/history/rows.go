package history

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/store/reader"
)

// The loaded rows stay in the API's order (newest first). view holds the
// indices of the rows that pass the "/" filter, in the chosen sort order.
// Everything here runs when data, filter or sort change, never per frame,
// and a new page costs O(page) (plus an O(n) merge when sorted by something
// other than date).

// setRows replaces every loaded row.
func (m *Model) setRows(ts []qiwiapi.Transaction) {
	m.rows = m.rows[:0:0]
	m.hay = m.hay[:0:0]
	m.view = m.view[:0:0]
	m.local = reader.NewSum()
	m.appendRows(ts)
}

// appendRows adds a page at the end and merges it into the view.
func (m *Model) appendRows(ts []qiwiapi.Transaction) {
	first := len(m.rows)
	m.rows = append(m.rows, ts...)
	for i := range ts {
		m.hay = append(m.hay, haystack(&ts[i]))
	}
	batch := make([]int32, 0, len(ts))
	for i := first; i < len(m.rows); i++ {
		if m.matches(i) {
			batch = append(batch, int32(i))
			m.countLocal(&m.rows[i])
		}
	}
	if !m.localSort() || len(m.view) == 0 {
		if m.localSort() {
			slices.SortStableFunc(batch, m.compare)
		}
		m.view = append(m.view, batch...)
		return
	}
	// Keep the selected row selected while rows arrive under it.
	slices.SortStableFunc(batch, m.compare)
	sel := int32(-1)
	if m.cursor < len(m.view) {
		sel = m.view[m.cursor]
	}
	merged := make([]int32, 0, len(m.view)+len(batch))
	i, j := 0, 0
	for i < len(m.view) && j < len(batch) {
		if m.compare(batch[j], m.view[i]) < 0 {
			merged = append(merged, batch[j])
			j++
		} else {
			merged = append(merged, m.view[i])
			i++
		}
	}
	merged = append(append(merged, m.view[i:]...), batch[j:]...)
	m.view = merged
	m.reselect(sel)
}

// rebuild recomputes the view and the loaded-rows totals from scratch.
func (m *Model) rebuild() {
	sel := int32(-1)
	if m.cursor < len(m.view) {
		sel = m.view[m.cursor]
	}
	m.rebuildView()
	m.cursor = 0
	m.reselect(sel)
	m.clampOffset()
}

// rebuildView recomputes the view and the loaded-rows totals; the cursor
// is the caller's to place.
func (m *Model) rebuildView() {
	m.view = m.view[:0]
	m.local = reader.NewSum()
	for i := range m.rows {
		if m.matches(i) {
			m.view = append(m.view, int32(i))
			m.countLocal(&m.rows[i])
		}
	}
	if m.localSort() {
		slices.SortStableFunc(m.view, m.compare)
	}
}

func (m *Model) reselect(row int32) {
	if row < 0 {
		return
	}
	for i, r := range m.view {
		if r == row {
			m.cursor = i
			return
		}
	}
}

// applyText sets the "/" filter (case-insensitive substring).
func (m *Model) applyText(s string) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == m.text {
		return
	}
	m.text = s
	m.rebuild()
}

// setSort changes the order. By amount, the reader sorts the whole cache
// within each currency (store.OrderAmount), so the query changes and
// reloads; the status order sorts the loaded rows.
func (m *Model) setSort(s sortKey) tea.Cmd {
	m.sort = s
	order := store.OrderDate
	if s == sortAmount {
		order = store.OrderAmount
	}
	if order != m.q.Order {
		m.q.Order = order
		return m.reload(false)
	}
	m.rebuild()
	return nil
}

// localSort reports whether the loaded rows are sorted here (by status);
// otherwise they stay in the order the reader gave them.
func (m *Model) localSort() bool { return m.sort == sortStatus }

func (m *Model) matches(i int) bool {
	return m.text == "" || strings.Contains(m.hay[i], m.text)
}

// compare orders two rows by status, errors first; ties keep the reader's order.
func (m *Model) compare(a, b int32) int {
	if c := cmp.Compare(statusRank(m.rows[a].Status), statusRank(m.rows[b].Status)); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

func statusRank(s qiwiapi.TxnStatus) int {
	switch s {
	case qiwiapi.StatusError:
		return 0
	case qiwiapi.StatusWaiting:
		return 1
	case qiwiapi.StatusSuccess:
		return 3
	}
	return 2
}

// countLocal adds a row to the loaded-rows totals the way QIWI counts its
// own: successful payments only, incoming by sum, outgoing by total.
func (m *Model) countLocal(t *qiwiapi.Transaction) {
	if t.Status != qiwiapi.StatusSuccess {
		return
	}
	if t.Type == qiwiapi.TypeIn {
		m.local.Add(t.Sum, true)
		return
	}
	out := t.Total
	if out.IsZero() && out.Currency == 0 {
		out = t.Sum
	}
	m.local.Add(out, false)
}

// haystack is what "/" searches: txn id, account, provider, comment.
func haystack(t *qiwiapi.Transaction) string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(int64(t.TxnID), 10))
	b.WriteByte('\x00')
	b.WriteString(string(t.TrmTxnID))
	b.WriteByte('\x00')
	b.WriteString(t.Account)
	if t.Provider != nil {
		b.WriteByte('\x00')
		b.WriteString(t.Provider.ShortName)
		b.WriteByte('\x00')
		b.WriteString(t.Provider.LongName)
	}
	if t.View != nil {
		b.WriteByte('\x00')
		b.WriteString(t.View.Title)
	}
	b.WriteByte('\x00')
	b.WriteString(t.Comment)
	return strings.ToLower(b.String())
}
