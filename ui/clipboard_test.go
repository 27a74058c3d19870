package ui

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"qiwidash/i18n"
	"qiwidash/ui/common"
)

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("closed") }

// TestCopySaysWhereItWent: the toast claims a copy only when the system
// clipboard took the text; otherwise it says OSC 52 was sent and may be
// ignored, or that nothing worked. OSC 52 is written every time (over SSH
// it is the way to the user's own clipboard), wrapped for tmux and screen.
func TestCopySaysWhereItWent(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	var got []string
	system := func(s string) error { got = append(got, s); return nil }
	none := func(string) error { return errors.New("no clipboard utilities available") }
	b64 := base64.StdEncoding.EncodeToString([]byte("12345"))

	var term bytes.Buffer
	toast := copyWith(nil, "12345", "txn id", &term, env(), system)
	if toast != (common.ToastMsg{Text: "Copied txn id (system clipboard)"}) || len(got) != 1 || got[0] != "12345" {
		t.Errorf("with a system clipboard: %+v, copied %v", toast, got)
	}
	if !strings.Contains(term.String(), "\x1b]52;c;"+b64) {
		t.Errorf("no OSC 52 written: %q", term.String())
	}

	term.Reset()
	toast = copyWith(nil, "12345", "txn id", &term, env("TMUX", "/tmp/tmux-0/default,1,0"), none)
	if toast.Error || toast.Text != "Sent txn id to the terminal (OSC 52): your terminal may ignore it" {
		t.Errorf("without a system clipboard: %+v", toast)
	}
	if !strings.HasPrefix(term.String(), "\x1bPtmux;") || !strings.Contains(term.String(), b64) {
		t.Errorf("inside tmux the sequence is not passed through: %q", term.String())
	}

	term.Reset()
	copyWith(nil, "12345", "txn id", &term, env("TERM", "screen-256color"), none)
	if !strings.HasPrefix(term.String(), "\x1bP\x1b]52") {
		t.Errorf("inside screen: %q", term.String())
	}

	toast = copyWith(nil, "12345", "txn id", failWriter{}, env(), none)
	if !toast.Error || strings.Contains(toast.Text, "Copied") {
		t.Errorf("nothing worked, yet: %+v", toast)
	}

	if toast := copyWith(i18n.New(i18n.RU), "12345", "txn id", &term, env(), system); toast.Text != "Скопировано: txn id (системный буфер обмена)" {
		t.Errorf("in Russian: %+v", toast)
	}
}
