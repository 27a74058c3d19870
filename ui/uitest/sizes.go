package uitest

import (
	"fmt"
	"testing"
)

// Sizes are the terminal sizes every form's goldens are drawn at: the
// smallest supported one and a roomy one.
var Sizes = [][2]int{{80, 24}, {120, 40}}

// GoldenSizes runs GoldenAt once per size in Sizes, each in a subtest
// named WxH (testdata/<test>/<WxH>.golden) with a model made afresh by mk.
func GoldenSizes(t *testing.T, mk func(t *testing.T) Sized, steps ...Step) {
	t.Helper()
	for _, sz := range Sizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			GoldenAt(t, sz[0], sz[1], mk(t), steps...)
		})
	}
}
