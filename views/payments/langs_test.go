package payments

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/ui/uitest"
)

// speaking is a Payments screen in lang, its previews not delayed.
func speaking(t *testing.T, lang i18n.Lang) (*Model, *uitest.Env) {
	env := uitest.New(t)
	env.Speak(lang)
	m := New(env.Common)
	m.Debounce, m.WatchFor = 0, 20*time.Millisecond
	return m, env
}

// runes is text typed at once (pasted), as a terminal sends letters
// beyond ASCII.
func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func typeRunes(s string) func(*teatest.TestModel) { return uitest.Msgs(runes(s)) }

func money(tr *i18n.Tr, minor int64) string { return rub(minor).FormatWith(tr.Separators()) }

// TestGoldenRecentLangs: the menu and the recent payments in both
// languages: statuses as words, each note, the kind and the date, with the
// recipients as they were written when sent.
func TestGoldenRecentLangs(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized {
		m, env := speaking(t, lang)
		tr, wallet := env.Common.Tr, env.Common.Wallet
		errText := map[i18n.Lang][2]string{i18n.EN: {"card blocked", "no answer in 30s"}, i18n.RU: {"карта заблокирована", "нет ответа за 30 с"}}[lang]
		env.StoreClock.Set(uitest.Now.Add(-26 * time.Hour))
		w, err := qiwiapi.WalletTransfer("1000", "+79161112233", rub(1520050), "rent")
		must(t, err)
		seed(t, env, store.KindWalletPayment, wallet, tr.T("payments.recipient.wallet", i18n.Args{"Wallet": "+79161112233"}), w.ID, w.Sum, w, sent, accepted("777001"), success)
		env.StoreClock.Set(uitest.Now.Add(-25 * time.Hour))
		seed(t, env, store.KindInvoicePay, wallet, "ООО Ромашка", "invoice-55", rub(99900), map[string]string{"invoice_uid": "55", "currency": "643"}, sent, success)
		card, err := qiwiapi.CardTransfer("3000", qiwiapi.ProviderVisaRU, "4111111111111111", rub(5000000))
		must(t, err)
		label := tr.T("payments.recipient.card", i18n.Args{"Number": "4111111111111111", "Provider": cardProviderName(tr, qiwiapi.ProviderVisaRU)})
		seed(t, env, store.KindWalletPayment, wallet, label, card.ID, card.Sum, card, sent, store.Update{State: store.StateFailed, Err: errors.New(errText[0])})
		env.StoreClock.Set(uitest.Now.Add(-time.Hour))
		lost, err := qiwiapi.WalletTransfer("4000", "+79161112244", rub(30000), "")
		must(t, err)
		seed(t, env, store.KindWalletPayment, wallet, tr.T("payments.recipient.wallet", i18n.Args{"Wallet": "+79161112244"}), lost.ID, lost.Sum, lost, sent, unknown(errText[1]))
		env.StoreClock.Set(uitest.Now)
		return m
	}, func(*i18n.Tr) []uitest.Step { return []uitest.Step{{WaitFor: "777001"}} })
}

// walletSteps open the wallet form and fill it with a valid transfer; the
// commission preview comes.
func walletSteps(tr *i18n.Tr) []uitest.Step {
	return []uitest.Step{{Send: uitest.Press("enter")}, {Send: uitest.Type("+79161112233")},
		{Send: uitest.Press("tab")}, {Send: uitest.Type("150.50")},
		{Send: uitest.Press("tab")}, {Send: typeRunes("за ужин"), WaitFor: tr.T("payments.preview.commission", i18n.Args{"Commission": money(tr, 0)})}}
}

// TestGoldenWalletFormLangs: the wallet transfer form, filled in, with its
// commission preview.
func TestGoldenWalletFormLangs(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized {
		m, _ := speaking(t, lang)
		return m
	}, walletSteps)
}

// TestGoldenWalletForm80x24Russian: the wallet form at the smallest size
// in Russian, with its longest problems (too many decimals, a comment
// longer than QIWI takes).
func TestGoldenWalletForm80x24Russian(t *testing.T) {
	m, _ := speaking(t, i18n.RU)
	uitest.GoldenAt(t, 80, 24, m,
		uitest.Step{Send: uitest.Press("enter")}, uitest.Step{Send: uitest.Type("+79161112233")},
		uitest.Step{Send: uitest.Press("tab")}, uitest.Step{Send: uitest.Type("1.005"), WaitFor: "1.005"},
		uitest.Step{Send: uitest.Press("tab")}, uitest.Step{Send: typeRunes(strings.Repeat("ж", 150)), WaitFor: "150/140"})
}

// TestGoldenCardFormLangs: the card transfer form names the provider the
// number goes to, and previews the commission.
func TestGoldenCardFormLangs(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized {
		m, _ := speaking(t, lang)
		m.cursor = 2 // Card transfer
		return m
	}, func(tr *i18n.Tr) []uitest.Step {
		return []uitest.Step{{Send: uitest.Press("enter")}, {Send: uitest.Type("4111 1111 1111 1111")},
			{Send: uitest.Press("tab", "tab")}, {Send: uitest.Type("500"), WaitFor: money(tr, 56000)}} // the total: 60.00 ₽ commission
	})
}

// TestGoldenRefusedBeforeConfirmLangs: a transfer the balance cannot cover
// is refused on the form, in words, before any confirmation.
func TestGoldenRefusedBeforeConfirmLangs(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized {
		m, _ := speaking(t, lang)
		return m
	}, func(tr *i18n.Tr) []uitest.Step {
		return []uitest.Step{{Send: uitest.Press("enter")}, {Send: uitest.Type("+79161112233")},
			{Send: uitest.Press("tab")}, {Send: uitest.Type("99 999 999 999"), WaitFor: tr.T("payments.preview.commission", i18n.Args{"Commission": money(tr, 0)})},
			// The refusal names the balance; the preview does not.
			{Send: uitest.Press("enter", "enter"), WaitFor: money(tr, 48604)}}
	})
}

// TestGoldenConfirmLangs: the confirmations of a wallet transfer and of a
// conversion say, in the reader's language, everything agreed to (title,
// then its lines).
func TestGoldenConfirmLangs(t *testing.T) {
	for _, lang := range uitest.Langs {
		t.Run(string(lang), func(t *testing.T) {
			env := uitest.New(t)
			env.Speak(lang)
			d := newDriver(t, env)
			d.openKind(kindWallet)
			d.Type("+79161112233")
			d.Press("tab")
			d.Type("150.5")
			d.Press("tab")
			d.Send(runes("за ужин"))
			d.Press("enter")
			if len(d.Confirms) != 1 {
				t.Fatalf("confirmations = %d, want 1 (banner %q)", len(d.Confirms), d.m.form.Banner)
			}
			d.Press("esc")
			d.openKind(kindConversion) // 10 USD, at QIWI's cross rate
			d.Press("tab")
			d.Type("10")
			d.Press("enter", "enter")
			if len(d.Confirms) != 2 {
				t.Fatalf("confirmations = %d, want 2 (banner %q)", len(d.Confirms), d.m.form.Banner)
			}
			var b strings.Builder
			for _, c := range d.Confirms {
				b.WriteString(c.Title + "\n\n" + strings.Join(c.Lines, "\n") + "\n\n")
			}
			teatest.RequireEqualOutput(t, []byte(b.String()))
		})
	}
}

// TestGoldenRecent80x24Russian: the recent payments at the smallest size
// in Russian: status, time and amount stay, the kind goes first.
func TestGoldenRecent80x24Russian(t *testing.T) {
	m, env := speaking(t, i18n.RU)
	tr, wallet := env.Common.Tr, env.Common.Wallet
	env.StoreClock.Set(uitest.Now.Add(-26 * time.Hour))
	w, err := qiwiapi.WalletTransfer("1000", "+79161112233", rub(1520050), "")
	must(t, err)
	seed(t, env, store.KindWalletPayment, wallet, tr.T("payments.recipient.wallet", i18n.Args{"Wallet": "+79161112233"}), w.ID, w.Sum, w, sent, accepted("777001"), success)
	env.StoreClock.Set(uitest.Now.Add(-time.Hour))
	held, err := qiwiapi.WalletTransfer("4000", "+79161112244", rub(30000), "")
	must(t, err)
	seed(t, env, store.KindWalletPayment, wallet, tr.T("payments.recipient.wallet", i18n.Args{"Wallet": "+79161112244"}), held.ID, held.Sum, held, sent,
		store.Update{State: store.StateHeld, Err: errors.New("токен отозван")})
	env.StoreClock.Set(uitest.Now)
	uitest.GoldenAt(t, 80, 24, m, uitest.Step{WaitFor: "777001"})
}

// A mobile top-up is listed as one whichever language its recipient was
// journaled in.
func TestMobileKindReadInBothLanguages(t *testing.T) {
	for _, lang := range uitest.Langs {
		tr := i18n.New(lang)
		recipient := tr.T("payments.recipient.phone", i18n.Args{"Phone": "9123456789", "Operator": "МТС"})
		if k := kindOfJournal(store.Entry{Intent: store.Intent{Kind: store.KindWalletPayment, ProviderID: 1, Recipient: recipient}}); k != kindMobile {
			t.Errorf("%s: %q is kind %v, want a mobile top-up", lang, recipient, k)
		}
	}
}

// Counted lines take the Russian plural forms.
func TestCountsRussian(t *testing.T) {
	ru := i18n.New(i18n.RU)
	for n, want := range map[int]string{1: "↓ ещё 1 платёж раньше", 3: "↓ ещё 3 платежа раньше", 5: "↓ ещё 5 платежей раньше", 21: "↓ ещё 21 платёж раньше"} {
		if got := ru.N("payments.recent.older", n, nil); got != want {
			t.Errorf("older %d: %q, want %q", n, got, want)
		}
	}
	for n, want := range map[int]string{1: "Найден 1 провайдер", 4: "Найдено 4 провайдера", 11: "Найдено 11 провайдеров"} {
		if got := ru.N("payments.service.found", n, nil); !strings.HasPrefix(got, want+";") {
			t.Errorf("found %d: %q, want %q…", n, got, want)
		}
	}
}

// A transfer sent in Russian is followed in Russian: its status words, the
// toasts, and its recipient journaled as the sender read it.
func TestWalletTransferInRussian(t *testing.T) {
	env := uitest.New(t)
	env.Speak(i18n.RU)
	d := newDriver(t, env)
	d.sendWallet("+79161112233", "150.5")
	d.yes()
	d.run(20, func() bool { return len(d.m.recent) == 1 && d.m.recent[0].je.State == store.StateAccepted })
	if view := d.m.View(); !strings.Contains(view, "… ОЖИДАНИЕ") {
		t.Fatalf("ОЖИДАНИЕ not on screen:\n%s", view)
	}
	env.Sandbox.Server.SettleNow()
	e := d.m.recent[0]
	d.run(20, func() bool { return e.je.State != store.StateAccepted })
	d.run(20, nil) // the toasts
	if view := d.m.View(); !strings.Contains(view, "✓ УСПЕШНО") || !strings.Contains(view, "Перевод на кошелёк") {
		t.Fatalf("УСПЕШНО not on screen:\n%s", view)
	}
	if got := journalState(t, env, store.KindWalletPayment, e.id()).Recipient; got != "QIWI Кошелёк +79161112233" {
		t.Errorf("journaled recipient %q", got)
	}
	toasts := ""
	for _, m := range d.Toasts {
		toasts += m.Text + "\n"
	}
	for _, want := range []string{"Платёж принят; следим за его статусом", "Платёж 150,50 ₽ получателю QIWI Кошелёк +79161112233 выполнен"} {
		if !strings.Contains(toasts, want) {
			t.Errorf("toasts lack %q:\n%s", want, toasts)
		}
	}
}
