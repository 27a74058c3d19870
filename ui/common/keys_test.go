package common

import "testing"

func TestRelabelShowsTheReboundKey(t *testing.T) {
	k := DefaultKeys()
	if err := k.Rebind(map[string][]string{"copy": {"c"}}); err != nil {
		t.Fatal(err)
	}
	b := Relabel(k.Copy, "copy id")
	if h := b.Help(); h.Key != "c" || h.Desc != "copy id" {
		t.Fatalf("help = %+v, want the rebound key c", h)
	}
	if k.Copy.Help().Desc != "copy" {
		t.Fatal("Relabel changed the shared binding")
	}
	if err := k.Rebind(map[string][]string{"nope": {"x"}}); err == nil {
		t.Fatal("an unknown action was accepted")
	}
}
