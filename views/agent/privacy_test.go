package agent

import (
	"strings"
	"testing"

	"qiwidash/ui/uitest"
)

// TestTopupsPrivacy: with privacy on (p), the Top-ups list and its to-do
// lines show no amount (issue 10: "QIWI put 5 000.00 $ back on the agent
// balance" stayed readable).
func TestTopupsPrivacy(t *testing.T) {
	env := uitest.New(t)
	seedTopups(t, env)
	env.Common.Settings.Privacy = true
	m := uitest.Golden(t, NewTopups(env.Common, Deps{}), uitest.Step{WaitFor: "6 in the journal"})
	view := m.View()
	if !strings.Contains(view, "QIWI put ") || !strings.Contains(view, "back on the agent balance") {
		t.Fatalf("no failed top-up to check:\n%s", view)
	}
	for _, amount := range []string{"60 000.01", "1 500.00", "300.00", "25 000.00", "500.00", "10.00"} {
		if strings.Contains(view, amount) {
			t.Errorf("privacy on, yet %q shows:\n%s", amount, view)
		}
	}
}
