package common

import (
	"errors"
	"strings"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/store/moves"
)

// The privacy policy, in one place (README's "Privacy" part says the same):
//
//   - Privacy on (p, --privacy): every amount is "••• ₽" (its sign kept),
//     every personal field (accounts, phones, names, e-mails, comments, IP
//     addresses) has its middle hidden ("+79•••••••67"), on every screen.
//   - Privacy off: everything in full, except accounts in lists of
//     payments, bills and top-ups (Place List): they are masked there the
//     same way ("+79•••••••67"; in a label only its numbers: "QIWI wallet
//     +79•••••••33"). Accounts QIWI already masked ("2200****4334") stay
//     as they are. The detail of a row shows its account in full.
//   - A confirmation always shows what is being agreed to, in full: screens
//     write confirmation lines with the plain formatters (Amount.Format, the
//     account as typed), never with these.
//   - Identity documents (passport, INN, SNILS, OMS) are always masked,
//     in confirmations too.

const masked = "•••"

// Place is where an account is drawn: it decides how much of it shows with
// privacy off.
type Place int

// Places.
const (
	// Detail is one item on screen (a detail pane, a toast about it):
	// accounts in full with privacy off.
	Detail Place = iota
	// List is a row among many: accounts keep only their ends.
	List
)

func (c *Common) privacy() bool { return c.Settings != nil && c.Settings.Privacy }

// Money formats an amount in the user's language ("1 234.50 ₽", "1 234,50
// ₽"), hidden in privacy mode.
func (c *Common) Money(a qiwiapi.Amount) string {
	if c.privacy() {
		return masked + " " + a.Currency.Symbol()
	}
	return c.MoneyInFull(a)
}

// MoneyInFull is Money as a confirmation shows it: in full, privacy or
// not (what is agreed to is never masked), in the user's language.
func (c *Common) MoneyInFull(a qiwiapi.Amount) string {
	return a.FormatWith(c.Tr.Separators())
}

// SignedMoney is Money with an explicit +/- sign.
func (c *Common) SignedMoney(a qiwiapi.Amount) string {
	if c.privacy() {
		sign := ""
		if a.Minor > 0 {
			sign = "+"
		} else if a.Minor < 0 {
			sign = "-"
		}
		return sign + masked + " " + a.Currency.Symbol()
	}
	if a.Minor > 0 {
		return "+" + c.Money(a)
	}
	return c.Money(a)
}

// Personal masks a personal field (a name, e-mail, comment, IP address, or
// an account shown on its own) in privacy mode.
func (c *Common) Personal(s string) string {
	if c.privacy() {
		return sanitize.MaskMiddle(s)
	}
	return s
}

// Account masks an account by the policy for place: a bare account
// ("+79161112233", "STEAMGAMES.COM") as a whole, a label ("QIWI wallet
// +79161112233", "card 4111111111111111 (Visa)") in its numbers only, so
// the reader still sees what kind of account it is.
func (c *Common) Account(s string, at Place) string {
	if !c.privacy() && at == Detail || strings.ContainsAny(s, "*•") {
		return s
	}
	if !strings.Contains(s, " ") {
		return sanitize.MaskMiddle(s)
	}
	return sanitize.MaskNumbers(s)
}

// Document masks an identity document's number, privacy on or off.
func (c *Common) Document(s string) string { return sanitize.MaskMiddle(s) }

// Refusal is why a payment cannot succeed (a *moves.Refusal in err), its
// amounts written as every amount on screen (masked in privacy mode); ok
// is false when err is no refusal.
func (c *Common) Refusal(err error) (text string, ok bool) {
	var r *moves.Refusal
	if !errors.As(err, &r) {
		return "", false
	}
	return r.Text(c.Tr, c.Money), true
}
