package ui_test

import (
	"strings"
	"testing"

	"qiwidash/ui/common"
)

// TestToastTextSanitized: a toast quoting an outside error (QIWI's
// userMessage, say) with escape sequences shows them as visible
// placeholders; no raw ESC, BEL or bidi override reaches the terminal.
func TestToastTextSanitized(t *testing.T) {
	root, _ := newRoot(t)
	root.Update(common.ToastMsg{Text: "QIWI says: \x1b]0;pwned\x07\u202eoops", Error: true})
	view := root.View()
	if strings.Contains(view, "\x1b]0;") || strings.ContainsAny(view, "\x07\u202e") {
		t.Fatalf("a raw escape in the toast: %q", view)
	}
	if !strings.Contains(view, "QIWI says: ␛]0;pwned␇") {
		t.Errorf("the toast is not shown:\n%s", view)
	}
}
