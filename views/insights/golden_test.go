package insights

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"qiwidash/ui/uitest"
)

// Golden screens (ASCII profile: what NO_COLOR shows): go test
// ./views/insights -update rewrites testdata/*.golden.

func TestGoldenMonths80x24(t *testing.T) {
	m, _, _ := newScreen(t)
	if uitest.GoldenAt(t, 80, 24, m, uitest.Step{WaitFor: "✓ agrees with QIWI's totals"}).(*Model).Busy() {
		t.Fatal("the golden frame was taken while work was in flight")
	}
}

func TestGoldenCategories160x50(t *testing.T) {
	m, _, _ := newScreen(t)
	uitest.GoldenAt(t, 160, 50, m, uitest.Step{WaitFor: "✓ agrees with QIWI's totals"},
		uitest.Step{Send: uitest.Press("v"), WaitFor: "↑/↓ category"})
}

func TestGoldenDays80x24(t *testing.T) {
	m, _, _ := newScreen(t)
	uitest.GoldenAt(t, 80, 24, m, uitest.Step{WaitFor: "✓ agrees with QIWI's totals"},
		uitest.Step{Send: uitest.Press("v", "v", "v"), WaitFor: "arrows: day"})
}

func TestGoldenMonths160x50(t *testing.T) {
	m, _, _ := newScreen(t)
	final := uitest.GoldenAt(t, 160, 50, m, uitest.Step{WaitFor: "✓ agrees with QIWI's totals"}).(*Model)
	for i, l := range strings.Split(ansi.Strip(final.View()), "\n") {
		if w := ansi.StringWidth(l); w > 160 || strings.HasSuffix(l, "…") {
			t.Errorf("line %d is cut (%d wide): %q", i, w, l)
		}
	}
}
