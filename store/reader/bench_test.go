package reader

import (
	"fmt"
	"testing"
	"time"

	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/sandbox"
)

// BenchmarkSync is a full sync of a 30,000-row wallet (24 months) into an
// empty cache through the real budget (95 requests a minute against the
// sandbox's 100), at 0 and 50 ms of network latency per answer. The clock
// shared by the sandbox and the scheduler runs 30 times faster than real
// time, so the budget's minutes pass in seconds; the latency is real time.
// It reports the list requests, the 423s, the sync's length on that clock
// and the floor: the budget's (one minute per 95 requests after the first
// 95) or the latency's (requests x latency / 4 in flight), the larger.
//
//	go test ./store/reader/ -run '^$' -bench Sync -benchtime 1x
func BenchmarkSync(b *testing.B) {
	const rows, factor = 30_000, 30
	for _, lat := range []time.Duration{0, 50 * time.Millisecond} {
		b.Run(fmt.Sprintf("rows=%d/latency=%s", rows, lat), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				e := newEnvSpeed(b, rows, factor)
				e.sb.Server.SetFaults(sandbox.Faults{Latency: lat})
				r := e.reader(b, nil)
				b.StartTimer()
				start, wall := e.clk.Now(), time.Now()
				if err := r.Sync(b.Context(), time.Time{}); err != nil {
					b.Fatal(err)
				}
				took, real := e.clk.Now().Sub(start), time.Since(wall)
				reqs := len(lists(e.sb))
				floor := time.Duration(max(0, reqs-budget.DefaultPerMinute)) * time.Minute / budget.DefaultPerMinute
				floor = max(floor, time.Duration(reqs)*lat*factor/budget.DefaultConcurrency)
				b.ReportMetric(float64(reqs), "requests")
				b.ReportMetric(float64(e.blocked()), "423s")
				b.ReportMetric(took.Minutes(), "clock-min")
				b.ReportMetric(floor.Minutes(), "floor-min")
				b.ReportMetric(real.Seconds(), "wall-s")
			}
		})
	}
}
