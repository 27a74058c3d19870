package history

import (
	"strings"
	"testing"

	"qiwidash/qiwiapi"
	"qiwidash/ui/uitest"
)

// TestEscapesInHistoryRenderVisible: a comment, an account and a provider
// name QIWI sends (a payer chooses the comment) carry an OSC title change,
// an OSC 52 clipboard write, a screen clear and a bidi override; the list
// and the detail pane show them as visible placeholders, with no ESC.
func TestEscapesInHistoryRenderVisible(t *testing.T) {
	env := uitest.New(t)
	f := newMemReader(50)
	const evil = "\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\u202e"
	f.rows[0].Comment = "hi" + evil
	f.rows[0].Account = "+7916" + evil
	f.rows[0].Provider = &qiwiapi.Provider{ID: 1, ShortName: "Shop" + evil, LongName: "Shop Ltd" + evil}
	m := New(env.Common, f)
	m.SetSize(200, uitest.Height)
	uitest.Run(m, m.Init(), limit)
	check := func(where, view string) {
		t.Helper()
		if strings.ContainsAny(view, "\x1b\x07\u202e") {
			t.Fatalf("%s: a raw escape reaches the terminal: %q", where, view)
		}
		if !strings.Contains(view, "␛]0;pwned␇") {
			t.Errorf("%s: the comment is not shown visibly:\n%s", where, view)
		}
	}
	check("list", m.View())
	press(m, "enter")
	check("detail", m.View())
	if !strings.Contains(m.View(), "Shop Ltd␛]0;pwned␇") {
		t.Errorf("detail: the provider name is not shown visibly:\n%s", m.View())
	}
}
