//go:build !unix

package agent

import "testing"

func TestKill9BetweenJournalAndSend(t *testing.T) {
	t.Skip("needs SIGKILL and the wait status of a killed child process: unix only")
}
