package insights_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/store/insights"
	"qiwidash/store/insights/insightstest"
)

// expected sums computed in Go from the cached rows' own JSON.
type key struct {
	month string // 2026-05
	cur   qiwiapi.Currency
}

type sums struct{ in, out, comm, nIn, nOut int64 }

func outOf(t qiwiapi.Transaction) int64 {
	if t.Total.Minor != 0 {
		return t.Total.Minor
	}
	return t.Sum.Minor
}

func providerOf(t qiwiapi.Transaction) (int64, string) {
	if t.Provider == nil {
		return 0, ""
	}
	return int64(t.Provider.ID), t.Provider.ShortName
}

func TestMonthsDaysCategoriesMatchTheRows(t *testing.T) {
	e := insightstest.New(t, true)
	all := e.All(t)
	if len(all) < 1000 {
		t.Fatalf("the sandbox gave %d rows; want a long history", len(all))
	}
	ctx := context.Background()
	x := insights.New(e.Store, e.Wallet)
	now := insightstest.Now()

	months := map[key]*sums{}
	days := map[string]*sums{} // "2026-05-03 643"
	cats := map[string]int64{} // "2026-05 643 mobile"
	catN := map[string]int{}
	var successRows int
	for _, tx := range all {
		if tx.Status != qiwiapi.StatusSuccess {
			continue
		}
		successRows++
		d := tx.Date.In(qiwiapi.Moscow)
		k := key{d.Format("2006-01"), tx.Sum.Currency}
		dk := d.Format("2006-01-02") + " " + strconv.Itoa(int(tx.Sum.Currency))
		for _, s := range []*sums{get(months, k), getS(days, dk)} {
			if tx.Type == qiwiapi.TypeIn {
				s.in += tx.Sum.Minor
				s.nIn++
			} else {
				s.out += outOf(tx)
				s.comm += tx.Commission.Minor
				s.nOut++
			}
		}
		if tx.Type != qiwiapi.TypeIn {
			id, name := providerOf(tx)
			ck := fmt.Sprintf("%s %d %s", k.month, k.cur, insights.CategoryOf(tx.Type, id, name))
			cats[ck] += outOf(tx)
			catN[ck]++
		}
	}
	if successRows == 0 {
		t.Fatal("no successful rows")
	}

	byCur, curs, err := x.Months(ctx, now, 12)
	if err != nil {
		t.Fatal(err)
	}
	if len(curs) < 2 || curs[0] != qiwiapi.RUB {
		t.Fatalf("currencies %v: want several, RUB first", curs)
	}
	checked := 0
	for _, cur := range curs {
		ms := byCur[cur]
		if len(ms) != 12 {
			t.Fatalf("%s: %d months, want 12", cur, len(ms))
		}
		for i, b := range ms {
			if b.Partial != (i == 11) {
				t.Errorf("%s %s: partial %v", cur, b.Start.Format("2006-01"), b.Partial)
			}
			want := get(months, key{b.Start.Format("2006-01"), cur})
			if b.In.Minor != want.in || b.Out.Minor != want.out || b.Commission.Minor != want.comm ||
				int64(b.InCount) != want.nIn || int64(b.OutCount) != want.nOut {
				t.Errorf("%s %s: got in %d out %d comm %d (%d/%d), rows say in %d out %d comm %d (%d/%d)", cur, b.Start.Format("2006-01"),
					b.In.Minor, b.Out.Minor, b.Commission.Minor, b.InCount, b.OutCount, want.in, want.out, want.comm, want.nIn, want.nOut)
			}
			if b.In.Currency != cur || b.Out.Currency != cur {
				t.Errorf("%s: amounts in %s/%s", cur, b.In.Currency, b.Out.Currency)
			}
			checked++

			// Every category of every month and currency.
			got, err := x.Categories(ctx, b.Start, b.End, cur)
			if err != nil {
				t.Fatal(err)
			}
			var total int64
			for _, c := range got {
				ck := fmt.Sprintf("%s %d %s", b.Start.Format("2006-01"), cur, c.Category)
				if c.Out.Minor != cats[ck] || c.Count != catN[ck] {
					t.Errorf("%s: %d (%d rows), rows say %d (%d)", ck, c.Out.Minor, c.Count, cats[ck], catN[ck])
				}
				total += c.Out.Minor
			}
			if total != want.out {
				t.Errorf("%s %s: categories sum to %d, the month's outgoing is %d", cur, b.Start.Format("2006-01"), total, want.out)
			}
			for i := 1; i < len(got); i++ {
				if got[i].Out.Minor > got[i-1].Out.Minor {
					t.Errorf("categories not largest first: %v", got)
				}
			}

			// Every day of the month.
			ds, err := x.Days(ctx, b.Start, cur, now)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != b.Start.AddDate(0, 1, -1).Day() {
				t.Errorf("%s: %d days", b.Start.Format("2006-01"), len(ds))
			}
			for _, d := range ds {
				w := getS(days, d.Start.Format("2006-01-02")+" "+strconv.Itoa(int(cur)))
				if d.In.Minor != w.in || d.Out.Minor != w.out {
					t.Errorf("%s %s: day in %d out %d, rows say %d %d", cur, d.Start.Format("2006-01-02"), d.In.Minor, d.Out.Minor, w.in, w.out)
				}
			}
		}
	}
	if checked < 24 {
		t.Fatalf("checked %d months", checked)
	}
}

func get(m map[key]*sums, k key) *sums {
	if m[k] == nil {
		m[k] = &sums{}
	}
	return m[k]
}

func getS(m map[string]*sums, k string) *sums {
	if m[k] == nil {
		m[k] = &sums{}
	}
	return m[k]
}

// A drill-down lists exactly the rows a figure summed.
func TestDrillListsExactlyTheRows(t *testing.T) {
	e := insightstest.New(t, true)
	all := e.All(t)
	ctx := context.Background()
	x := insights.New(e.Store, e.Wallet)
	now := insightstest.Now()
	byCur, _, err := x.Months(ctx, now, 12)
	if err != nil {
		t.Fatal(err)
	}
	month := byCur[qiwiapi.RUB][10] // last full month
	rows := func(d insights.Drill) map[string]bool {
		out := map[string]bool{}
		var after *store.Key
		for {
			p, err := e.Store.Page(ctx, e.Wallet, store.Filter{From: d.From, To: d.To, Cond: d.Cond}, after, 200)
			if err != nil {
				t.Fatal(err)
			}
			for _, tx := range p.Transactions {
				out[fmt.Sprint(tx.TxnID, tx.Type)] = true
			}
			if p.Next == nil {
				return out
			}
			after = p.Next
		}
	}
	want := func(keep func(tx qiwiapi.Transaction) bool) map[string]bool {
		out := map[string]bool{}
		for _, tx := range all {
			d := tx.Date.In(qiwiapi.Moscow)
			if tx.Status == qiwiapi.StatusSuccess && tx.Sum.Currency == qiwiapi.RUB && !d.Before(month.Start) && !d.After(month.End) && keep(tx) {
				out[fmt.Sprint(tx.TxnID, tx.Type)] = true
			}
		}
		return out
	}
	same := func(what string, got, want map[string]bool) {
		t.Helper()
		if len(want) == 0 {
			t.Fatalf("%s: no rows to compare", what)
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s: drill gave %d rows, the figure summed %d", what, len(got), len(want))
		}
	}
	same("month out", rows(month.Drill(insights.Out, nil)), want(func(tx qiwiapi.Transaction) bool { return tx.Type != qiwiapi.TypeIn }))
	same("month in", rows(month.Drill(insights.In, nil)), want(func(tx qiwiapi.Transaction) bool { return tx.Type == qiwiapi.TypeIn }))

	cats, err := x.Categories(ctx, month.Start, month.End, qiwiapi.RUB)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		got := rows(c.Drill(nil))
		same(string(c.Category), got, want(func(tx qiwiapi.Transaction) bool {
			id, name := providerOf(tx)
			return tx.Type != qiwiapi.TypeIn && insights.CategoryOf(tx.Type, id, name) == c.Category
		}))
		if len(got) != c.Count {
			t.Errorf("%s: %d rows, count %d", c.Category, len(got), c.Count)
		}
	}

	for _, side := range []insights.Side{insights.Out, insights.In} {
		for _, byCount := range []bool{false, true} {
			top, err := x.Counterparties(ctx, month.Start, qiwiapi.RUB, side, byCount, 5)
			if err != nil {
				t.Fatal(err)
			}
			if len(top) == 0 {
				t.Fatalf("%s: no counterparties", side)
			}
			for i, c := range top {
				if i > 0 && (!byCount && c.Sum.Minor > top[i-1].Sum.Minor || byCount && c.Count > top[i-1].Count) {
					t.Errorf("%s byCount=%v: not in order at %d", side, byCount, i)
				}
				w := want(func(tx qiwiapi.Transaction) bool {
					return (tx.Type == qiwiapi.TypeIn) == bool(side) && tx.Account == c.Account
				})
				var sum int64
				for _, tx := range all {
					if w[fmt.Sprint(tx.TxnID, tx.Type)] {
						if side == insights.In {
							sum += tx.Sum.Minor
						} else {
							sum += outOf(tx)
						}
					}
				}
				if sum != c.Sum.Minor || len(w) != c.Count {
					t.Errorf("%s %q: %d (%d rows), rows say %d (%d)", side, c.Account, c.Sum.Minor, c.Count, sum, len(w))
				}
				same(c.Account, rows(c.Drill(nil)), w)
			}
		}
	}
}

// Every provider the sandbox's history pays is grouped where QIWI's own
// catalogue (the search API's category) puts it, and none falls to Other.
func TestCategoriesFollowTheProviderCatalogue(t *testing.T) {
	e := insightstest.New(t, true)
	ctx := context.Background()
	qiwiCat := map[string][]insights.Category{
		"Переводы":                   {insights.Wallets, insights.Conversion, insights.Banks},
		"Мобильная связь":            {insights.Mobile},
		"Перевод на карту":           {insights.Cards},
		"Банки":                      {insights.Banks},
		"Интернет, ТВ, IP-телефония": {insights.Internet},
		"ЖКХ":                 {insights.Utilities},
		"Штрафы и налоги":     {insights.Fines},
		"Благотворительность": {insights.Charity},
	}
	seen := map[int64]qiwiapi.Transaction{}
	for _, tx := range e.All(t) {
		if tx.Type != qiwiapi.TypeIn {
			id, _ := providerOf(tx)
			seen[id] = tx
		}
	}
	if len(seen) < 10 {
		t.Fatalf("only %d providers in the history", len(seen))
	}
	for _, id := range slices.Sorted(maps.Keys(seen)) {
		tx := seen[id]
		_, name := providerOf(tx)
		got := insights.CategoryOf(tx.Type, id, name)
		if got == insights.Other {
			t.Errorf("provider %d %q: Other", id, name)
		}
		if tx.Type == qiwiapi.TypeQIWICard {
			if got != insights.QIWICard {
				t.Errorf("QIWI card purchase %d: %s", id, got)
			}
			continue
		}
		items, _, err := e.API.Payments.SearchProviders(ctx, strconv.FormatInt(id, 10))
		if err != nil {
			t.Fatal(err)
		}
		var qc string
		for _, it := range items {
			if int64(it.Data.ID) == id {
				qc = it.Data.Category.Name
			}
		}
		if qc == "" { // not searchable: a merchant (paid invoices)
			if got != insights.Shops {
				t.Errorf("provider %d %q (not in QIWI's search): %s, want shops", id, name, got)
			}
			continue
		}
		want, ok := qiwiCat[qc]
		if !ok {
			t.Errorf("QIWI category %q (provider %d) has no group", qc, id)
			continue
		}
		if !slices.Contains(want, got) {
			t.Errorf("provider %d %q: %s, QIWI files it under %q", id, name, got, qc)
		}
	}
	// Names the table does not know fall into groups by their words.
	for _, c := range []struct {
		name string
		want insights.Category
	}{
		{"Йота (мобильная связь)", insights.Mobile}, {"Тинькофф Банк", insights.Banks}, {"Водоканал", insights.Utilities}, {"Неизвестно", insights.Services},
	} {
		if got := insights.CategoryOf(qiwiapi.TypeOut, 999999, c.name); got != c.want && !(c.want == insights.Services && got == insights.Shops) {
			t.Errorf("%q: %s, want %s", c.name, got, c.want)
		}
	}
	if got := insights.CategoryOf(qiwiapi.TypeOut, 5555, "Неизвестно"); got != insights.Services {
		t.Errorf("unknown provider: %s", got)
	}
}

func TestReconcile(t *testing.T) {
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, qiwiapi.Moscow)
	end := start.AddDate(0, 1, 0).Add(-time.Second)
	rub := func(m int64) qiwiapi.Amount { return qiwiapi.Amount{Minor: m, Currency: qiwiapi.RUB} }
	usd := func(m int64) qiwiapi.Amount { return qiwiapi.Amount{Minor: m, Currency: qiwiapi.USD} }
	cache := []insights.Bucket{{Currency: qiwiapi.USD, In: usd(100), Out: usd(0)}, {Currency: qiwiapi.RUB, In: rub(5000), Out: rub(700)}}
	got := insights.Reconcile(start, end, cache, &qiwiapi.Totals{Incoming: []qiwiapi.Amount{rub(5000), usd(150)}, Outgoing: []qiwiapi.Amount{rub(700)}})
	if len(got) != 2 || got[0].Currency != qiwiapi.RUB || !got[0].Agree() || got[1].Agree() || got[1].DiffIn() != usd(50) {
		t.Fatalf("%+v", got)
	}
}

// The kept sums follow a row through its life: waiting (not counted),
// success, a corrected amount, then failed.
func TestKeptSumsFollowStatusChanges(t *testing.T) {
	e := insightstest.New(t, false)
	ctx := context.Background()
	x := insights.New(e.Store, e.Wallet)
	now := insightstest.Now()
	date := time.Date(2026, 5, 10, 23, 30, 0, 0, qiwiapi.Moscow) // late evening: Moscow's day, not UTC's
	tx := qiwiapi.Transaction{TxnID: 42, Date: date, Type: qiwiapi.TypeOut, Status: qiwiapi.StatusWaiting, Account: "+79161112233",
		Sum: qiwiapi.Amount{Minor: 10000, Currency: qiwiapi.RUB}, Commission: qiwiapi.Amount{Minor: 100, Currency: qiwiapi.RUB},
		Total: qiwiapi.Amount{Minor: 10100, Currency: qiwiapi.RUB}, Provider: &qiwiapi.Provider{ID: 99, ShortName: "QIWI Кошелек"}}
	check := func(step string, out int64, n int) {
		t.Helper()
		ms, _, err := x.Months(ctx, now, 12)
		if err != nil {
			t.Fatal(err)
		}
		var got int64
		var cnt int
		for _, b := range ms[qiwiapi.RUB] {
			got += b.Out.Minor
			cnt += b.OutCount
		}
		days, err := x.Days(ctx, date, qiwiapi.RUB, now)
		if err != nil {
			t.Fatal(err)
		}
		cps, err := x.Counterparties(ctx, date, qiwiapi.RUB, insights.Out, false, 5)
		if err != nil {
			t.Fatal(err)
		}
		var cpSum int64
		for _, c := range cps {
			cpSum += c.Sum.Minor
		}
		if got != out || cnt != n || days[9].Out.Minor != out || cpSum != out {
			t.Errorf("%s: months %d (%d rows), day 10 %d, counterparties %d; want %d (%d)", step, got, cnt, days[9].Out.Minor, cpSum, out, n)
		}
	}
	upsert := func() {
		if _, err := e.Store.Upsert(ctx, e.Wallet, []qiwiapi.Transaction{tx}); err != nil {
			t.Fatal(err)
		}
	}
	upsert()
	check("waiting", 0, 0)
	tx.Status = qiwiapi.StatusSuccess
	upsert()
	check("success", 10100, 1)
	upsert()
	check("read again", 10100, 1)
	tx.Total.Minor = 20100
	upsert()
	check("corrected", 20100, 1)
	tx.Status = qiwiapi.StatusError
	upsert()
	check("failed", 0, 0)
}

// A range that does not fall on whole days: the whole days inside it come
// from the kept sums, the cut days at its edges from the rows.
func TestSumsOfARangeCutMidDay(t *testing.T) {
	e := insightstest.New(t, true)
	ctx := context.Background()
	x := insights.New(e.Store, e.Wallet)
	from := time.Date(2026, 3, 10, 15, 30, 0, 0, qiwiapi.Moscow)
	to := time.Date(2026, 5, 20, 8, 15, 0, 0, qiwiapi.Moscow)
	want := map[qiwiapi.Currency]*sums{}
	cats := map[insights.Category]int64{}
	for _, tx := range e.All(t) {
		if tx.Status != qiwiapi.StatusSuccess || tx.Date.Before(from) || !tx.Date.Before(to) {
			continue
		}
		w := want[tx.Sum.Currency]
		if w == nil {
			w = &sums{}
			want[tx.Sum.Currency] = w
		}
		if tx.Type == qiwiapi.TypeIn {
			w.in += tx.Sum.Minor
		} else {
			w.out += outOf(tx)
			if tx.Sum.Currency == qiwiapi.RUB {
				id, name := providerOf(tx)
				cats[insights.CategoryOf(tx.Type, id, name)] += outOf(tx)
			}
		}
	}
	got, err := x.Sums(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(got) == 0 {
		t.Fatalf("%d currencies, rows say %d", len(got), len(want))
	}
	for _, b := range got {
		if w := want[b.Currency]; b.In.Minor != w.in || b.Out.Minor != w.out {
			t.Errorf("%s: in %d out %d, rows say %d %d", b.Currency, b.In.Minor, b.Out.Minor, w.in, w.out)
		}
	}
	cs, err := x.Categories(ctx, from, to.Add(-time.Second), qiwiapi.RUB)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Out.Minor != cats[c.Category] {
			t.Errorf("%s: %d, rows say %d", c.Category, c.Out.Minor, cats[c.Category])
		}
	}
	if len(cs) != len(cats) {
		t.Errorf("%d categories, rows say %d", len(cs), len(cats))
	}
}
