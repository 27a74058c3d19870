package history

import (
	"context"
	"io"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
	"qiwidash/store/reader"
)

// Reader is what the screen reads history through; *reader.Reader (the
// engine's history reader) implements it. The screen only asks and renders:
// where rows come from, windows, the cache and QIWI's budget are the
// reader's business.
type Reader interface {
	// Page returns the rows of q at cursor (nil: the newest).
	Page(ctx context.Context, q Query, cursor *Cursor) (Page, error)
	// Totals sums q's date range, which is required (any length).
	Totals(ctx context.Context, q Query) (*qiwiapi.Totals, error)
	// Export writes q's cached rows to w as csv or json; how many it wrote.
	Export(ctx context.Context, q Query, w io.Writer, format string) (int, error)
	// Transaction returns one transaction by id.
	Transaction(ctx context.Context, id int64) (*qiwiapi.Transaction, error)
	// Refresh brings the newest history into the cache; changed: rows came.
	Refresh(ctx context.Context) (changed bool, err error)
	// Status is the status line's text source; it must not block.
	Status() reader.Status
	// Below and Above are the positions just under and over a row: where
	// the screen pages on from the rows it holds.
	Below(t qiwiapi.Transaction) *Cursor
	Above(t qiwiapi.Transaction) *Cursor
}

// The reader's types, under the names the screen has always used.
type (
	Query  = reader.Query
	Page   = reader.Page
	Cursor = reader.Cursor
)

// syncedMsg reports a background Refresh of the reader.
type syncedMsg struct {
	changed bool
	passive bool  // started by a live notification
	err     error // offline or paused: the status line says so; the rows stay
}

// syncCmd refreshes the reader's cache in the background.
func (m *Model) syncCmd(passive bool) tea.Cmd {
	if m.r == nil {
		return nil
	}
	r := m.r
	m.syncing++
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		changed, err := r.Refresh(ctx)
		return syncedMsg{changed: changed, passive: passive, err: err}
	}
}

// onSynced merges the newest page of the refreshed cache: always after the
// user's refresh, after a passive one when it brought rows.
func (m *Model) onSynced(msg syncedMsg) tea.Cmd {
	m.syncing--
	if msg.err != nil {
		m.refreshing = false
		m.err = msg.err // the rows stay; the status line says why
		if msg.passive {
			return nil
		}
		return m.c.ErrorToast(msg.err)
	}
	if !msg.changed && msg.passive {
		m.refreshing = false
		return nil
	}
	return m.refreshPage(msg.passive)
}

// searchSource hands the submitted "/" text to the reader, which searches
// the whole cache, and reloads.
func (m *Model) searchSource(text string) tea.Cmd {
	if text == m.q.Text {
		return nil
	}
	m.q.Text = text
	return m.reload(false)
}
