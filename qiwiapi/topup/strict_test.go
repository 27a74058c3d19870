package topup_test

import (
	"os"
	"testing"

	"qiwidash/qiwiapi/internal/bothmodes"
)

// strictSandbox is false on the package's first run and true on its second:
// every sandbox the tests start then answers only what QIWI's docs promise,
// so the client can never come to rely on more.
var strictSandbox bool

func TestMain(m *testing.M) { os.Exit(bothmodes.Run(m, &strictSandbox)) }
