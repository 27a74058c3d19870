package history

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"
)

// syncedMsg reports a background Sync of a Syncer source.
type syncedMsg struct {
	changed bool
	passive bool  // started by a live notification
	err     error // offline: the source's Status says so; the rows stay
}

// syncCmd syncs the source in the background when it is a Syncer.
func (m *Model) syncCmd(passive bool) tea.Cmd {
	sy, ok := m.src.(Syncer)
	if !ok {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		changed, err := sy.Sync(ctx)
		return syncedMsg{changed: changed, passive: passive, err: err}
	}
}

// onSynced merges the newest page of the refreshed cache when the sync
// changed it.
func (m *Model) onSynced(msg syncedMsg) tea.Cmd {
	if !msg.changed {
		return nil
	}
	return m.refreshPage(msg.passive)
}

// searchSource hands the submitted "/" text to a TextSearcher source, which
// searches everything it holds, and reloads; other sources filter loaded
// rows only and are not asked again.
func (m *Model) searchSource(text string) tea.Cmd {
	if ts, ok := m.src.(TextSearcher); !ok || !ts.SearchesText() || text == m.q.Text {
		return nil
	}
	m.q.Text = text
	return m.reload(false)
}
