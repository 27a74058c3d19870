package topup_test

import (
	"fmt"
	"os"
	"testing"
)

// strictSandbox is false on the package's first run and true on its second:
// every sandbox the tests start then answers only what QIWI's docs promise,
// so the client can never come to rely on more.
var strictSandbox bool

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		fmt.Println("=== the same tests against the strict sandbox")
		strictSandbox = true
		code = m.Run()
	}
	os.Exit(code)
}
