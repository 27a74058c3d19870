package history

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
	"qiwidash/ui/common"
)

// synthetic builds n transactions without HTTP, newest first.
func synthetic(n int) []qiwiapi.Transaction {
	base := time.Date(2026, 11, 20, 12, 0, 0, 0, qiwiapi.Moscow)
	prov := &qiwiapi.Provider{ID: 99, ShortName: "QIWI Кошелек", LongName: "Перевод на QIWI Кошелек"}
	out := make([]qiwiapi.Transaction, n)
	for i := range out {
		typ, st := qiwiapi.TypeOut, qiwiapi.StatusSuccess
		if i%3 == 0 {
			typ = qiwiapi.TypeIn
		}
		if i%17 == 0 {
			st = qiwiapi.StatusError
		}
		sum := qiwiapi.Amount{Minor: int64(1000 + i*37%900000), Currency: qiwiapi.RUB}
		out[i] = qiwiapi.Transaction{
			TxnID: qiwiapi.FlexInt(30000000000 - i), Date: base.Add(-time.Duration(i) * time.Minute),
			Type: typ, Status: st, Sum: sum, Total: sum, Commission: qiwiapi.Amount{Currency: qiwiapi.RUB},
			Account: fmt.Sprintf("+7916%07d", i%10000000), Provider: prov, Comment: "payment number " + itoa(int64(i)),
		}
	}
	return out
}

func benchModel(b *testing.B, n int) *Model {
	b.Helper()
	c := &common.Common{
		Styles: common.NewStyles(common.DefaultTheme()), Keys: common.DefaultKeys(), Settings: &common.Settings{},
		Now: func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, qiwiapi.Moscow) },
	}
	m := New(c, nil)
	m.SetSize(120, 40)
	m.setRows(synthetic(n))
	m.state = stateReady
	m.next = &Cursor{}
	m.cursor = n / 2 // somewhere in the middle, viewport scrolled
	m.clampOffset()
	if v := m.View(); !strings.Contains(v, "▶ ") {
		b.Fatal("selected row not drawn")
	}
	runtime.GC() // finish collecting the set-up garbage before the clock starts
	return m
}

// BenchmarkHistoryView: one frame with 1k, 100k and 1M loaded rows. The
// cost must stay flat: only the visible rows are drawn.
func BenchmarkHistoryView(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			m := benchModel(b, n)
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkScroll100k scrolls the screen from the newest to the oldest of
// 100,000 rows served by a fake engine and reports the rows it then holds
// and the Go heap in use (after a GC): both stay flat, whatever the history.
//
//	go test ./views/history/ -run '^$' -bench Scroll100k -benchtime 1x
func BenchmarkScroll100k(b *testing.B) {
	c := &common.Common{
		Styles: common.NewStyles(common.DefaultTheme()), Keys: common.DefaultKeys(), Settings: &common.Settings{},
		Now: func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, qiwiapi.Moscow) },
	}
	for b.Loop() {
		f := newMemReader(100_000)
		m := New(c, f)
		m.SetSize(120, 40)
		run := func(cmd tea.Cmd) {
			for queue := []tea.Cmd{cmd}; len(queue) > 0; queue = queue[1:] {
				if queue[0] == nil {
					continue
				}
				switch msg := queue[0]().(type) {
				case tea.BatchMsg:
					queue = append(queue, msg...)
				case nil:
				default:
					_, next := m.Update(msg)
					queue = append(queue, next)
				}
			}
		}
		run(m.Init())
		for m.next != nil {
			_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
			run(cmd)
		}
		_ = m.View()
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(len(m.rows)), "rows-held")
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	}
}
