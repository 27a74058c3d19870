package common

import tea "github.com/charmbracelet/bubbletea"

// Finder is the support console's screen: the shell's ctrl+f (Keys.Find)
// brings it to the front from anywhere and calls StartFind, which focuses
// its query field.
type Finder interface {
	StartFind() tea.Cmd
}

// AllProfiles is implemented by screens about every profile at once (the
// Overview). A profile switch opens the new profile's own first screen,
// not one of these.
type AllProfiles interface {
	AllProfiles() bool
}
