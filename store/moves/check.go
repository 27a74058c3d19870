package moves

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/topup"
)

// ErrCannotSucceed matches (errors.Is) a check's refusal: the payment, as
// asked, would be refused by QIWI or cannot be covered, so it is not
// offered for confirmation. The error's text says why, in words.
var ErrCannotSucceed = errors.New("the payment cannot succeed")

// Refusal is why a money move cannot succeed, found before it is confirmed.
type Refusal struct {
	format string
	args   []any // qiwiapi.Amount values are written by Text's money
}

func (r *Refusal) Error() string        { return r.Text(qiwiapi.Amount.Format) }
func (r *Refusal) Is(target error) bool { return target == ErrCannotSucceed }

// Text is the reason in words, its amounts written by money: a screen
// passes its own, which masks them in privacy mode.
func (r *Refusal) Text(money func(qiwiapi.Amount) string) string {
	args := make([]any, len(r.args))
	for i, a := range r.args {
		if amount, ok := a.(qiwiapi.Amount); ok {
			a = money(amount)
		}
		args[i] = a
	}
	return fmt.Sprintf(r.format, args...)
}

// refusal says why a payment cannot succeed; give amounts as qiwiapi.Amount
// values (%s), never formatted, so a screen can mask them.
func refusal(format string, args ...any) error { return &Refusal{format: format, args: args} }

// uncheckable wraps an error that kept a check from running: the payment
// may be fine, but nobody can say, so it is not offered either.
func uncheckable(what string, err error) error {
	return fmt.Errorf("could not check %s, so the payment is not offered yet: %w", what, err)
}

// LimitRoom is one of the wallet's limits a payment counts towards.
type LimitRoom struct {
	Type      qiwiapi.LimitType
	Rest, Max qiwiapi.Amount
	Till      time.Time
}

// WalletCheck is what Check learned about a payment: QIWI's commission
// estimate, what leaves the paying (RUB) account, its balance, and the
// limits it counts towards.
type WalletCheck struct {
	Commission qiwiapi.Commission
	// Debit is what leaves the RUB account: the sum plus the commission
	// (QIWI's withdrawSum), or a conversion's roubles at the cross rate.
	Debit   qiwiapi.Amount
	Balance qiwiapi.Amount
	Limits  []LimitRoom
	// LimitsUnread says why the limits could not be read ("" = read); the
	// token may lack their scope, which does not stop a payment.
	LimitsUnread string
}

// limitTypesOf are the limits a payment to provider counts towards (the
// docs' limit types; conversions count towards none).
func limitTypesOf(provider int) []qiwiapi.LimitType {
	switch provider {
	case qiwiapi.ProviderConversion:
		return nil
	case qiwiapi.ProviderWalletTransfer, qiwiapi.ProviderNickname:
		return []qiwiapi.LimitType{qiwiapi.LimitTurnover, qiwiapi.LimitPaymentsP2P}
	case qiwiapi.ProviderVisaRU, qiwiapi.ProviderMasterCardRU, qiwiapi.ProviderMIR, qiwiapi.ProviderQVC, qiwiapi.ProviderRequisites:
		return []qiwiapi.LimitType{qiwiapi.LimitTurnover, qiwiapi.LimitPaymentsPayout}
	case qiwiapi.ProviderVisaForeign, qiwiapi.ProviderMCForeign:
		return []qiwiapi.LimitType{qiwiapi.LimitTurnover, qiwiapi.LimitPaymentsInternationals}
	}
	return []qiwiapi.LimitType{qiwiapi.LimitTurnover}
}

// Check asks QIWI what a payment would cost and whether it can succeed,
// before it is confirmed: the payment's fields, the commission (QIWI's
// onlineCommission), the balance of the paying RUB account against the
// sum with commission, and the limits QIWI reports. A payment that cannot
// succeed gives a *Refusal (errors.Is ErrCannotSucceed) saying why; a
// check that could not run gives another error. Nothing is journaled or sent.
func (w *Wallet) Check(ctx context.Context, p qiwiapi.Payment) (WalletCheck, error) {
	var out WalletCheck
	if p.ID == "" {
		p.ID = "1" // Validate wants an id; the real one is drawn by Pay
	}
	if err := p.Validate(); err != nil {
		return out, refusal("%s", err.Error())
	}
	c, _, err := w.api.Payments.Commission(ctx, p.Provider, p.Fields["account"], p.Sum)
	if err != nil {
		var qe *qiwiapi.Error
		if errors.As(err, &qe) && qe.StatusCode < 500 && !errors.Is(err, qiwiapi.ErrRateLimited) &&
			!errors.Is(err, qiwiapi.ErrUnauthorized) && !errors.Is(err, qiwiapi.ErrForbidden) {
			return out, refusal("QIWI refuses this payment: %s", qe.Message())
		}
		return out, uncheckable("the commission", err)
	}
	out.Commission = *c
	if p.Provider == qiwiapi.ProviderConversion {
		rates, _, err := w.api.Payments.CrossRates(ctx)
		if err != nil {
			return out, uncheckable("the exchange rate", err)
		}
		debit, ok := ConversionCost(rates, p.Sum)
		if !ok {
			return out, refusal("QIWI gives no rate from RUB to %s: this conversion cannot be priced", p.Sum.Currency.Code())
		}
		out.Debit = debit
	} else {
		out.Debit = c.WithdrawSum
		if out.Debit.Currency != qiwiapi.RUB || out.Debit.Minor < p.Sum.Minor {
			// An estimate in another currency or below the sum says
			// nothing about the RUB account: count the sum itself.
			out.Debit = qiwiapi.Amount{Minor: p.Sum.Minor, Currency: qiwiapi.RUB}
		}
	}
	accounts, _, err := w.api.Balances.List(ctx, w.o.Wallet)
	if err != nil {
		return out, uncheckable("the balance", err)
	}
	out.Balance = qiwiapi.Amount{Currency: qiwiapi.RUB}
	found := false
	for _, a := range accounts {
		if a.Currency == qiwiapi.RUB && a.Balance != nil && (!found || a.DefaultAccount) {
			out.Balance, found = *a.Balance, true
		}
	}
	if !found {
		return out, refusal("The wallet has no RUB account with a balance: payments are paid from it")
	}
	if out.Debit.Minor > out.Balance.Minor {
		return out, refusal("Not enough money: this takes %s with the commission, the RUB account holds %s", out.Debit, out.Balance)
	}
	types := limitTypesOf(p.Provider)
	if len(types) == 0 {
		return out, nil
	}
	lim, _, err := w.api.Limits.Actual(ctx, w.o.Wallet, types...)
	switch {
	case errors.Is(err, qiwiapi.ErrForbidden) || errors.Is(err, qiwiapi.ErrNotFound):
		out.LimitsUnread = "the token cannot read the limits (" + explain.Error(nil, err) + ")"
		return out, nil
	case err != nil:
		return out, uncheckable("the limits", err)
	}
	for _, list := range lim.Limits {
		for _, l := range list {
			rest, mx, _, err := l.Amounts()
			if err != nil {
				continue // a limit we cannot read limits nothing we can say
			}
			room := LimitRoom{Type: l.Type, Rest: rest, Max: mx, Till: l.Interval.DateTill.Time}
			out.Limits = append(out.Limits, room)
			if rest.Currency == out.Debit.Currency && out.Debit.Minor > rest.Minor {
				return out, refusal("Above the %s limit: %s left of %s until %s, this takes %s", limitName(l.Type), rest, mx,
					room.Till.In(qiwiapi.Moscow).Format("2 Jan 2006"), out.Debit)
			}
		}
	}
	return out, nil
}

// limitName is a limit type in words.
func limitName(t qiwiapi.LimitType) string {
	switch t {
	case qiwiapi.LimitTurnover:
		return "monthly turnover"
	case qiwiapi.LimitPaymentsP2P:
		return "monthly transfers to people"
	case qiwiapi.LimitPaymentsPayout:
		return "monthly payouts to cards and banks"
	case qiwiapi.LimitPaymentsInternationals:
		return "monthly international payments"
	}
	return string(t)
}

// CheckInvoice checks that the wallet's account in the invoice's currency
// holds the invoice's sum, before the pay is confirmed.
func (w *Wallet) CheckInvoice(ctx context.Context, inv qiwiapi.Invoice) (qiwiapi.Amount, error) {
	if inv.Sum.Minor <= 0 {
		return qiwiapi.Amount{}, refusal("The invoice has no sum to pay")
	}
	accounts, _, err := w.api.Balances.List(ctx, w.o.Wallet)
	if err != nil {
		return qiwiapi.Amount{}, uncheckable("the balance", err)
	}
	for _, a := range accounts {
		if a.Currency != inv.Sum.Currency || a.Balance == nil {
			continue
		}
		if a.Balance.Minor < inv.Sum.Minor {
			return *a.Balance, refusal("Not enough money: the invoice is %s, the %s account holds %s", inv.Sum, inv.Sum.Currency.Code(), *a.Balance)
		}
		return *a.Balance, nil
	}
	return qiwiapi.Amount{}, refusal("The wallet has no %s account to pay this invoice from", inv.Sum.Currency.Code())
}

// ConversionCost is the roubles a conversion into target takes at QIWI's
// cross rate (RUB to target), rounded up to the kopeck, in exact
// arithmetic; false when there is no usable rate.
func ConversionCost(rates []qiwiapi.CrossRate, target qiwiapi.Amount) (qiwiapi.Amount, bool) {
	var r qiwiapi.Decimal
	for _, cr := range rates {
		if cr.From == qiwiapi.RUB && cr.To == target.Currency && cr.Rate != "" {
			r = cr.Rate
			break
		}
	}
	rate, ok := new(big.Rat).SetString(string(r))
	if r == "" || !ok || rate.Sign() <= 0 {
		return qiwiapi.Amount{}, false
	}
	v := new(big.Rat).Mul(new(big.Rat).SetInt64(target.Minor), rate)
	// Minor units differ when the digits differ: scale by 10^(RUB - target).
	if d := qiwiapi.RUB.Digits() - target.Currency.Digits(); d != 0 {
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(d, -d))), nil)
		if d > 0 {
			v.Mul(v, new(big.Rat).SetInt(p))
		} else {
			v.Quo(v, new(big.Rat).SetInt(p))
		}
	}
	q, rem := new(big.Int).QuoRem(v.Num(), v.Denom(), new(big.Int))
	if rem.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return qiwiapi.Amount{}, false
	}
	return qiwiapi.Amount{Minor: q.Int64(), Currency: qiwiapi.RUB}, true
}

// TopupCheck is what Check learned about a top-up: the wallet, whether it
// can take these funds (and the other kind, when not), and the agent's
// balance in the top-up's currency.
type TopupCheck struct {
	Exist        bool
	Deposit      topup.DepositCheck
	Alt          *topup.DepositCheck // the other kind of funds, asked when these are refused
	AgentBalance qiwiapi.Amount
}

// Check asks QIWI, before a top-up is confirmed, whether it can succeed:
// check-user, check-deposit-possible and the agent's balance (ping) in the
// top-up's currency, which must cover the amount. The number is not
// needed. A top-up that cannot succeed gives a *Refusal with its answers.
func (t *Topups) Check(ctx context.Context, tp topup.Topup) (TopupCheck, error) {
	var out TopupCheck
	if tp.Number == "" {
		tp.Number = "1"
	}
	if err := tp.Validate(); err != nil {
		return out, refusal("%s", err.Error())
	}
	exist, _, err := t.c.CheckUser(ctx, tp.Account, 0)
	if err != nil {
		return out, uncheckable("the wallet", err)
	}
	out.Exist = exist
	dep, _, err := t.c.CheckDepositPossible(ctx, tp.Account, tp.Funds, 0)
	if err != nil {
		return out, uncheckable("whether the wallet can take it", err)
	}
	out.Deposit = *dep
	if !dep.Possible {
		other := topup.NonCash
		if tp.Funds == topup.NonCash {
			other = topup.Cash
		}
		// Only a hint: if it fails, the refusal is still given.
		if alt, _, err := t.c.CheckDepositPossible(ctx, tp.Account, other, 0); err == nil {
			out.Alt = alt
		}
		why := "QIWI says this wallet cannot take " + tp.Funds.String()
		if dep.Result.Code != topup.RequestOK {
			why += " (" + dep.Result.Code.Text() + ")"
		}
		if out.Alt != nil && out.Alt.Possible {
			why += "; it can take " + other.String()
		}
		return out, refusal("%s", why)
	}
	balances, _, err := t.c.Ping(ctx)
	if err != nil {
		return out, uncheckable("the agent balance", err)
	}
	from := tp.Amount.Currency // the agent account debited (from/ccy)
	if tp.From != 0 {
		from = tp.From
	}
	out.AgentBalance = qiwiapi.Amount{Currency: from}
	found := false
	for _, b := range balances {
		if b.Currency == from {
			out.AgentBalance, found = b, true
		}
	}
	if !found {
		return out, refusal("The agent has no %s account: nothing to pay this top-up from", from.Code())
	}
	// Across currencies QIWI converts at its own rate: only the same
	// currency can be compared here.
	if from == tp.Amount.Currency && tp.Amount.Minor > out.AgentBalance.Minor {
		return out, refusal("Not enough on the agent's %s account: the top-up is %s, the account holds %s", from.Code(), tp.Amount, out.AgentBalance)
	}
	return out, nil
}
