package moves

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"time"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/qiwiapi/topup"
)

// ErrCannotSucceed matches (errors.Is) a check's refusal: the payment, as
// asked, would be refused by QIWI or cannot be covered, so it is not
// offered for confirmation. The error's text says why, in words.
var ErrCannotSucceed = errors.New("the payment cannot succeed")

// Refusal is why a money move cannot succeed, found before it is confirmed.
type Refusal struct {
	id   string
	args i18n.Args // values are worded by Text: see refusal
}

func (r *Refusal) Error() string        { return r.Text(nil, qiwiapi.Amount.Format) }
func (r *Refusal) Is(target error) bool { return target == ErrCannotSucceed }

// Text is the reason in words in tr's language (nil: English), its
// amounts written by money: a screen passes its own, which masks them in
// privacy mode.
func (r *Refusal) Text(tr *i18n.Tr, money func(qiwiapi.Amount) string) string {
	args := i18n.Args{}
	for k, v := range r.args {
		switch v := v.(type) {
		case qiwiapi.Amount:
			args[k] = money(v)
		case qiwiapi.LimitType:
			args[k] = limitName(tr, v)
		case topup.Funds:
			args[k] = fundsName(tr, v)
		case topup.RequestCode:
			args[k] = explain.TopUpRequest(tr, v)
		case time.Time:
			// The day alone: DateWords without its time of day.
			args[k], _, _ = strings.Cut(tr.DateWords(v), ",")
		case error:
			args[k] = explain.Error(tr, v)
		default:
			args[k] = v
		}
	}
	return tr.T(r.id, args)
}

// refusal says why a payment cannot succeed: catalogue message id with
// args, worded when shown. Give amounts as qiwiapi.Amount values, never
// formatted, so a screen can mask them; a limit as its qiwiapi.LimitType,
// top-up funds as topup.Funds, a Top-Up code as its topup.RequestCode, a
// day as a time.Time, a failure as the error: each is written in the
// reader's language.
func refusal(id string, args i18n.Args) error { return &Refusal{id: id, args: args} }

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
	// RestrictionsUnread says the same of the wallet's restrictions.
	RestrictionsUnread string
}

// restrictOutgoing is QIWI's restrictionCode under which every payment
// from the wallet is refused.
const restrictOutgoing = "OUTGOING_PAYMENTS"

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
// before it is confirmed: the payment's fields, the wallet's restrictions
// (none may restrict outgoing payments), the commission (QIWI's
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
		return out, refusal("moves.refusal.invalid", i18n.Args{"Why": err})
	}
	rs, _, err := w.api.Profile.Restrictions(ctx, w.o.Wallet)
	switch {
	case errors.Is(err, qiwiapi.ErrForbidden) || errors.Is(err, qiwiapi.ErrNotFound):
		out.RestrictionsUnread = w.o.Tr.T("moves.restrictions_unread", i18n.Args{"Why": explain.Error(w.o.Tr, err)})
	case err != nil:
		return out, i18n.Errorf("moves.uncheckable.restrictions", nil, err)
	}
	for _, r := range rs {
		if r.Code == restrictOutgoing {
			// QIWI's code and words, as sent.
			named := r.Code
			if d := strings.TrimSpace(r.Description); d != "" {
				named += ": " + d
			}
			return out, refusal("moves.refusal.restricted", i18n.Args{"Restriction": sanitize.Text(named)})
		}
	}
	c, _, err := w.api.Payments.Commission(ctx, p.Provider, p.Fields["account"], p.Sum)
	if err != nil {
		var qe *qiwiapi.Error
		if errors.As(err, &qe) && qe.StatusCode < 500 && !errors.Is(err, qiwiapi.ErrRateLimited) &&
			!errors.Is(err, qiwiapi.ErrUnauthorized) && !errors.Is(err, qiwiapi.ErrForbidden) {
			return out, refusal("moves.refusal.qiwi_refuses", i18n.Args{"Why": qe.Message()})
		}
		return out, i18n.Errorf("moves.uncheckable.commission", nil, err)
	}
	out.Commission = *c
	if p.Provider == qiwiapi.ProviderConversion {
		rates, _, err := w.api.Payments.CrossRates(ctx)
		if err != nil {
			return out, i18n.Errorf("moves.uncheckable.rate", nil, err)
		}
		debit, ok := ConversionCost(rates, p.Sum)
		if !ok {
			return out, refusal("moves.refusal.no_rate", i18n.Args{"Currency": p.Sum.Currency.Code()})
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
		return out, i18n.Errorf("moves.uncheckable.balance", nil, err)
	}
	out.Balance = qiwiapi.Amount{Currency: qiwiapi.RUB}
	found := false
	for _, a := range accounts {
		if a.Currency == qiwiapi.RUB && a.Balance != nil && (!found || a.DefaultAccount) {
			out.Balance, found = *a.Balance, true
		}
	}
	if !found {
		return out, refusal("moves.refusal.no_rub_account", nil)
	}
	if out.Debit.Minor > out.Balance.Minor {
		return out, refusal("moves.refusal.not_enough", i18n.Args{"Debit": out.Debit, "Balance": out.Balance})
	}
	types := limitTypesOf(p.Provider)
	if len(types) == 0 {
		return out, nil
	}
	lim, _, err := w.api.Limits.Actual(ctx, w.o.Wallet, types...)
	switch {
	case errors.Is(err, qiwiapi.ErrForbidden) || errors.Is(err, qiwiapi.ErrNotFound):
		out.LimitsUnread = w.o.Tr.T("moves.limits_unread", i18n.Args{"Why": explain.Error(w.o.Tr, err)})
		return out, nil
	case err != nil:
		return out, i18n.Errorf("moves.uncheckable.limits", nil, err)
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
				return out, refusal("moves.refusal.above_limit", i18n.Args{"Limit": l.Type, "Rest": rest, "Max": mx,
					"Till": room.Till.In(qiwiapi.Moscow), "Debit": out.Debit})
			}
		}
	}
	return out, nil
}

// limitName is a limit type in words.
func limitName(tr *i18n.Tr, t qiwiapi.LimitType) string {
	switch t {
	case qiwiapi.LimitTurnover:
		return tr.T("moves.limit.turnover", nil)
	case qiwiapi.LimitPaymentsP2P:
		return tr.T("moves.limit.p2p", nil)
	case qiwiapi.LimitPaymentsPayout:
		return tr.T("moves.limit.payout", nil)
	case qiwiapi.LimitPaymentsInternationals:
		return tr.T("moves.limit.international", nil)
	}
	return string(t) // QIWI's name of a limit this build does not know
}

// fundsName is a top-up's kind of funds in words.
func fundsName(tr *i18n.Tr, f topup.Funds) string {
	if f == topup.Cash {
		return tr.T("moves.funds.cash", nil)
	}
	return tr.T("moves.funds.non_cash", nil)
}

// CheckInvoice checks that the wallet's account in the invoice's currency
// holds the invoice's sum, before the pay is confirmed.
func (w *Wallet) CheckInvoice(ctx context.Context, inv qiwiapi.Invoice) (qiwiapi.Amount, error) {
	if inv.Sum.Minor <= 0 {
		return qiwiapi.Amount{}, refusal("moves.refusal.invoice_no_sum", nil)
	}
	accounts, _, err := w.api.Balances.List(ctx, w.o.Wallet)
	if err != nil {
		return qiwiapi.Amount{}, i18n.Errorf("moves.uncheckable.balance", nil, err)
	}
	for _, a := range accounts {
		if a.Currency != inv.Sum.Currency || a.Balance == nil {
			continue
		}
		if a.Balance.Minor < inv.Sum.Minor {
			return *a.Balance, refusal("moves.refusal.invoice_not_enough", i18n.Args{"Sum": inv.Sum, "Currency": inv.Sum.Currency.Code(), "Balance": *a.Balance})
		}
		return *a.Balance, nil
	}
	return qiwiapi.Amount{}, refusal("moves.refusal.invoice_no_account", i18n.Args{"Currency": inv.Sum.Currency.Code()})
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
		return out, refusal("moves.refusal.invalid", i18n.Args{"Why": err})
	}
	exist, _, err := t.c.CheckUser(ctx, tp.Account, 0)
	if err != nil {
		return out, i18n.Errorf("moves.uncheckable.wallet", nil, err)
	}
	out.Exist = exist
	dep, _, err := t.c.CheckDepositPossible(ctx, tp.Account, tp.Funds, 0)
	if err != nil {
		return out, i18n.Errorf("moves.uncheckable.deposit", nil, err)
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
		args := i18n.Args{"Funds": tp.Funds}
		if dep.Result.Code != topup.RequestOK {
			args["Code"] = dep.Result.Code
		}
		if out.Alt != nil && out.Alt.Possible {
			args["Other"] = other
		}
		return out, refusal("moves.refusal.deposit", args)
	}
	balances, _, err := t.c.Ping(ctx)
	if err != nil {
		return out, i18n.Errorf("moves.uncheckable.agent_balance", nil, err)
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
		return out, refusal("moves.refusal.agent_no_account", i18n.Args{"Currency": from.Code()})
	}
	// Across currencies QIWI converts at its own rate: only the same
	// currency can be compared here.
	if from == tp.Amount.Currency && tp.Amount.Minor > out.AgentBalance.Minor {
		return out, refusal("moves.refusal.agent_not_enough", i18n.Args{"Currency": from.Code(), "Amount": tp.Amount, "Balance": out.AgentBalance})
	}
	return out, nil
}
