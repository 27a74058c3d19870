package common

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestPadKeepsCellWidth: columns are measured in terminal cells, so a ZWJ
// family emoji (two cells, five runes), wide CJK text and Cyrillic all
// pad and cut to exactly the width asked for.
func TestPadKeepsCellWidth(t *testing.T) {
	for _, s := range []string{"👨\u200d👩\u200d👧", "семья 👨\u200d👩\u200d👧 ok", "家族の支払い", "plain", "Ж", ""} {
		for _, w := range []int{1, 2, 3, 5, 8, 20} {
			if got := ansi.StringWidth(PadRight(s, w)); got != w {
				t.Errorf("PadRight(%q, %d) is %d cells wide", s, w, got)
			}
			if got := ansi.StringWidth(PadLeft(s, w)); got != w {
				t.Errorf("PadLeft(%q, %d) is %d cells wide", s, w, got)
			}
			if got := ansi.StringWidth(Truncate(s, w)); got > w {
				t.Errorf("Truncate(%q, %d) is %d cells wide", s, w, got)
			}
		}
	}
	if got := Truncate("👨\u200d👩\u200d👧 family", 4); got != "👨\u200d👩\u200d👧 …" {
		t.Errorf("Truncate keeps %q", got)
	}
}
