package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/ui/common"
)

// route moves between screens when one asks: a drill-down from Insights
// opens History with exactly the rows asked for; History's Esc shows the
// screen it came from.
func (m *Model) route(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.OpenHistoryMsg:
		i, ok := m.screenTitled("History")
		if !ok {
			return nil
		}
		d, ok := m.screens[i].View.(common.Drillable)
		if !ok {
			return nil
		}
		m.switchTo(i)
		return m.tag(d.Drill(msg.Query, msg.Back))
	case common.ShowScreenMsg:
		if i, ok := m.screenTitled(msg.Title); ok {
			m.switchTo(i)
		}
	}
	return nil
}

// screenTitled finds a screen by its title, in the active mode first.
func (m *Model) screenTitled(title string) (int, bool) {
	for _, i := range m.tabs.InMode() {
		if m.screens[i].Title == title {
			return i, true
		}
	}
	for i, s := range m.screens {
		if s.Title == title {
			return i, true
		}
	}
	return 0, false
}
