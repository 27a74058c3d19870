package history

import (
	"testing"

	"qiwidash/qiwiapi"
	"qiwidash/ui/uitest"
)

// Golden screens: go test ./views/history -update rewrites testdata/*.golden.
//
// The program runs for real under teatest (sandbox on loopback, fixed seed
// and clock, ASCII profile, 120x40). The test waits for a marker that only
// appears once every load is done, quits, and compares the final model's
// View() — not the byte stream, whose frame boundaries depend on timing.

// tableLoaded replaces "loading…" once the page and the totals are in.
const tableLoaded = "row 1 of 50 · more on scroll"

// golden checks the screen and that no work was in flight in that frame.
func golden(t *testing.T, env *uitest.Env, steps ...uitest.Step) {
	t.Helper()
	if uitest.Golden(t, New(env.Common, newReader(t, env.Common, false)), steps...).(*Model).Busy() {
		t.Fatal("the golden frame was taken while work was in flight")
	}
}

func TestGoldenTable(t *testing.T) {
	env := uitest.New(t)
	golden(t, env, uitest.Step{WaitFor: tableLoaded})
}

func TestGoldenDetail(t *testing.T) {
	env := uitest.New(t)
	// Find a failed payment in the first page, to show the explained error.
	probe := New(env.Common, newReader(t, env.Common, false))
	probe.SetSize(uitest.Width, uitest.Height)
	uitest.Run(probe, probe.Init(), limit)
	var id int64
	for _, r := range probe.rows {
		if r.Status == qiwiapi.StatusError && r.ErrorCode != 0 {
			id = int64(r.TxnID)
			break
		}
	}
	if id == 0 {
		t.Fatal("no failed payment in the first page")
	}

	golden(t, env, uitest.Step{WaitFor: tableLoaded},
		uitest.Step{Send: uitest.Press("g")}, uitest.Step{Send: uitest.Type(itoa(id))},
		// The pane's last field is drawn once the details came back.
		uitest.Step{Send: uitest.Press("enter"), WaitFor: "Greeting card"})
}

// TestGoldenTable80x24: date, direction, status and amount stay at the
// smallest size; the columns after them go first.
func TestGoldenTable80x24(t *testing.T) {
	env := uitest.New(t)
	uitest.GoldenAt(t, 80, 24, New(env.Common, newReader(t, env.Common, false)), uitest.Step{WaitFor: tableLoaded})
}
