package common

// RefreshMsg asks a screen to reload what it shows: the refresh timer, the
// terminal regaining focus, or the refresh key sent by the shell. Screens
// with a form or prompt open ignore it.
type RefreshMsg struct{}

// ScrollMsg moves a screen's selection (or its text) by Delta rows:
// negative up, positive down. The mouse wheel sends it.
type ScrollMsg struct{ Delta int }

// Clamp keeps i within [0, n-1] (0 when n is 0): the cursor after a move.
func Clamp(i, n int) int {
	return max(0, min(i, n-1))
}
