package insights

import (
	"strings"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
)

// Category is where outgoing money went, grouped the way a person thinks of
// it. The grouping lives in this file only: Categories, byProvider and
// byName.
type Category string

// The categories, in the order the screen and the statement list them when
// their sums tie.
const (
	Wallets    Category = "wallets"
	Cards      Category = "cards"
	Banks      Category = "banks"
	Mobile     Category = "mobile"
	Internet   Category = "internet"
	Utilities  Category = "utilities"
	Fines      Category = "fines"
	Services   Category = "services"
	Shops      Category = "shops"
	Conversion Category = "conversion"
	Charity    Category = "charity"
	QIWICard   Category = "qiwicard"
	TopUps     Category = "topups"
	Other      Category = "other"
)

// Categories are every category with its name's message id (the
// catalogue's spending table), in display order.
var Categories = []struct {
	Category Category
	ID       string
}{
	{Wallets, "spending.wallets"},
	{Cards, "spending.cards"},
	{Banks, "spending.banks"},
	{Mobile, "spending.mobile"},
	{Internet, "spending.internet"},
	{Utilities, "spending.utilities"},
	{Fines, "spending.fines"},
	{Services, "spending.services"},
	{Shops, "spending.shops"},
	{Conversion, "spending.conversion"},
	{Charity, "spending.charity"},
	{QIWICard, "spending.qiwicard"},
	{TopUps, "spending.topups"},
	{Other, "spending.misc"},
}

// Title is the category's name in English: what files a machine reads
// (a statement's CSV and JSON) say.
func (c Category) Title() string { return c.Name(nil) }

// Name is the category's name in tr's language (nil: English).
func (c Category) Name(tr *i18n.Tr) string {
	for _, k := range Categories {
		if k.Category == c {
			return tr.T(k.ID, nil)
		}
	}
	return string(c)
}

func (c Category) rank() int {
	for i, k := range Categories {
		if k.Category == c {
			return i
		}
	}
	return len(Categories)
}

// byProvider maps QIWI provider ids to categories (the ids of QIWI's
// docs: transfers, card brands, banks, operators, services).
var byProvider = map[int64]Category{
	99:   Wallets,
	1099: Conversion,
	// Mobile operators.
	1: Mobile, 2: Mobile, 3: Mobile, 42: Mobile,
	// Card transfers: Visa, MasterCard, MIR, QIWI Virtual Card, foreign cards.
	1963: Cards, 21013: Cards, 31652: Cards, 22351: Cards, 1960: Cards, 21012: Cards,
	// Banks (by card or account number) and payments by bank details.
	464: Banks, 804: Banks, 810: Banks, 815: Banks, 816: Banks, 821: Banks, 870: Banks, 881: Banks,
	1134: Banks, 313: Banks, 819: Banks, 868: Banks, 27324: Banks, 1717: Banks,
	// Internet, TV, telephony.
	674: Internet, 23729: Internet, 26211: Internet, 31212: Internet,
	34020: Utilities,
	40197: Fines,
	1239:  Charity,
	// Top-ups into the wallet (incoming).
	1240: TopUps, 1245: TopUps,
}

// byName groups a provider the table does not know by words of its name
// (QIWI's short name or the history's view title), first match wins.
var byName = []struct {
	words    []string
	category Category
}{
	{[]string{"конвертац", "conversion"}, Conversion},
	{[]string{"кошел", "wallet"}, Wallets},
	{[]string{"благотвор", "фонд", "charity"}, Charity},
	{[]string{"штраф", "налог", "гибдд", "fine", "tax"}, Fines},
	{[]string{"жкх", "электр", "энергосбыт", "водоканал", "газ", "коммунал", "utilit"}, Utilities},
	{[]string{"интернет", "тв", "телевид", "ростелеком", "internet", " tv"}, Internet},
	{[]string{"мтс", "билайн", "мегафон", "tele2", "теле2", "yota", "мобильн", "mobile"}, Mobile},
	{[]string{"карт", "visa", "mastercard", "card"}, Cards},
	{[]string{"банк", "bank", "реквизит"}, Banks},
	{[]string{"магазин", "ооо", "shop", "store"}, Shops},
}

// CategoryOf is the category of a payment from its type, provider id and
// provider name (or the history's view title).
func CategoryOf(typ qiwiapi.TxnType, providerID int64, name string) Category {
	if typ == qiwiapi.TypeQIWICard {
		return QIWICard
	}
	if c, ok := byProvider[providerID]; ok {
		return c
	}
	n := " " + strings.ToLower(name)
	for _, g := range byName {
		for _, w := range g.words {
			if strings.Contains(n, w) {
				return g.category
			}
		}
	}
	if typ == qiwiapi.TypeIn {
		return Other
	}
	if providerID >= 100000 {
		return Shops // merchants' ids (invoices paid)
	}
	if providerID != 0 {
		return Services
	}
	return Other
}
