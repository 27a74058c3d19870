package history

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"qiwidash/i18n"
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

func benchModel(b *testing.B, n int, lang i18n.Lang) *Model {
	b.Helper()
	tr := i18n.New(lang)
	c := &common.Common{
		Styles: common.NewStyles(common.DefaultTheme()), Keys: common.DefaultKeys(tr), Settings: &common.Settings{}, Tr: tr,
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

// BenchmarkHistoryView: one frame with 1k, 100k and 1M loaded rows, in
// English and in Russian (every word through the catalogue). The cost
// must stay flat: only the visible rows are drawn.
func BenchmarkHistoryView(b *testing.B) {
	for _, lang := range []i18n.Lang{i18n.EN, i18n.RU} {
		for _, n := range []int{1_000, 100_000, 1_000_000} {
			b.Run(fmt.Sprintf("lang=%s/rows=%d", lang, n), func(b *testing.B) {
				m := benchModel(b, n, lang)
				b.ReportAllocs()
				for b.Loop() {
					_ = m.View()
				}
			})
		}
	}
}
