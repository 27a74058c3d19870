package qiwiapi

import (
	"fmt"
	"os"
	"testing"
)

// StrictSandbox is false on the package's first run and true on its second:
// every sandbox the tests start then answers only what QIWI's docs promise,
// so the client can never come to rely on more.
var StrictSandbox bool

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		fmt.Println("=== the same tests against the strict sandbox")
		StrictSandbox = true
		code = m.Run()
	}
	os.Exit(code)
}
