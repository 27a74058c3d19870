package sanitize

import "testing"

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"qd-1795165200000", "qd-1795165200000"},
		{"Оплата обеда 🍜", "Оплата обеда 🍜"},
		{"👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"},             // ZWJ family stays one emoji
		{"a\x1b]52;c;ZXZpbA==\x07b", "a␛]52;c;ZXZpbA==␇b"}, // OSC 52 clipboard write
		{"\x1b[2J\x1b[H", "␛[2J␛[H"},
		{"\x1b]0;pwned\x1b\\", "␛]0;pwned␛\\"},
		{"line\nnext\ttab\r", "line␊next␉tab␍"},
		{"del\x7f", "del␡"},
		{"c1\u009bcsi", "c1\ufffdcsi"},
		{"evil\u202etxt.exe", "evil\ufffdtxt.exe"},
		{"\u2066iso\u2069 \u200f\u00ad\ufeff", "\ufffdiso\ufffd \ufffd\ufffd\ufffd"},
		{"bad\xffutf8", "bad\ufffdutf8"},
		{"", ""},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[31mred", "\u202e", "\xff\xfe", "👨\u200d👩"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		for _, r := range out {
			if _, bad := placeholder(r); bad {
				t.Fatalf("Text(%q) left %U", s, r)
			}
		}
		if Text(out) != out {
			t.Fatalf("Text is not idempotent on %q", s)
		}
	})
}
