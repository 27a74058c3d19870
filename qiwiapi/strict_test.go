package qiwiapi

import (
	"os"
	"testing"

	"qiwidash/qiwiapi/internal/bothmodes"
)

// StrictSandbox is false on the package's first run and true on its second:
// every sandbox the tests start then answers only what QIWI's docs promise,
// so the client can never come to rely on more.
var StrictSandbox bool

func TestMain(m *testing.M) { os.Exit(bothmodes.Run(m, &StrictSandbox)) }
