package common

// LoadState is where a screen's data stands; every screen has one, so it
// can say "loading", show its data, or explain the failure.
type LoadState int

// Load states.
const (
	StateLoading LoadState = iota
	StateReady
	StateError
)
