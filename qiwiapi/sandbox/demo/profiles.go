package demo

import (
	"time"

	"qiwidash/qiwiapi/sandbox"
	"qiwidash/qiwiapi/sandbox/merchant"
)

// Profile is one more profile of the demo, beside the all-modes "demo"
// one: a name and what it logs in with (empty parts: not held).
type Profile struct {
	Name                       string
	Wallet, Token              string
	Terminal, TerminalPassword string
	APIID, APIPassword, ShopID string
	ShopBills                  []string             // the shop's seeded bill ids
	Lifetimes                  map[string]time.Time // their pay-by deadlines
}

// Demo terminal, shop and API_ID of the extra profiles.
const (
	SecondTerminal = "10000002"
	SecondShop     = "200002"
	SecondAPIID    = "20000201"
)

// Profiles opens, in the running sandboxes, what the demo's other
// profiles log in with, each with its own deterministic data: a family
// wallet (a seeded wallet with its own history), a second wallet whose
// outgoing payments are restricted, an agent terminal of its own, and a
// shop of its own with a bill about to expire. Call it once.
func (r *Running) Profiles() []Profile {
	others := r.Wallet.OtherWallets()
	family, second := others[0], others[1]
	scopes := []sandbox.Scope{sandbox.ScopeProfile, sandbox.ScopeBalance, sandbox.ScopeHistory, sandbox.ScopePayments}
	r.Wallet.SetRestrictions(second, sandbox.Restriction{Code: sandbox.RestrictOutgoing, Description: "Outgoing payments are restricted"})
	r.Agent.AddTerminal(SecondTerminal, map[int]int64{643: 12_000_00, 840: 150_00})
	payer := "tel:+79161234567"
	bills := []merchant.ShopBill{
		{ID: "shop2-expiring", Status: merchant.StatusWaiting, Currency: "RUB", Minor: 3_200_00,
			Age: 23*time.Hour + 20*time.Minute, Lifetime: 24 * time.Hour, Comment: "Заказ 2207", Payer: payer},
		{ID: "shop2-waiting", Status: merchant.StatusWaiting, Currency: "RUB", Minor: 1_500_00,
			Age: 2 * time.Hour, Lifetime: 3 * 24 * time.Hour, Comment: "Подписка на месяц", Payer: payer},
		{ID: "shop2-paid", Status: merchant.StatusPaid, Currency: "EUR", Minor: 45_00,
			Age: 30 * time.Minute, Lifetime: 24 * time.Hour, Comment: "Доставка", Payer: payer},
	}
	r.Merchant.AddShop(SecondShop, SecondAPIID, "Second Shop", bills...)
	now := r.now()
	ids, lifetimes := []string{}, map[string]time.Time{}
	for _, b := range bills {
		ids = append(ids, b.ID)
		lifetimes[b.ID] = now.Add(b.Lifetime - b.Age)
	}
	pw := r.Creds.AgentPassword
	return []Profile{
		{Name: "family", Wallet: family, Token: r.Wallet.NewToken(family, scopes...)},
		{Name: "restricted", Wallet: second, Token: r.Wallet.NewToken(second, scopes...)},
		{Name: "agent-2", Terminal: SecondTerminal, TerminalPassword: pw},
		{Name: "shop-2", APIID: SecondAPIID, APIPassword: r.Creds.MerchantPassword, ShopID: SecondShop, ShopBills: ids, Lifetimes: lifetimes},
	}
}
