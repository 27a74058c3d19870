// Package bothmodes runs a client package's tests twice: against the
// default sandbox, then against the strict one (only what QIWI's docs
// promise), so no client can come to rely on more than the docs say.
package bothmodes

import (
	"fmt"
	"testing"
)

// Run runs m's tests with *strict false and, when they pass, again with
// *strict true (the package's sandboxes read it when they start). It
// returns the exit code for os.Exit.
func Run(m *testing.M, strict *bool) int {
	*strict = false
	code := m.Run()
	if code == 0 {
		fmt.Println("=== the same tests against the strict sandbox")
		*strict = true
		code = m.Run()
	}
	return code
}
