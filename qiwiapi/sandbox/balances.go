package sandbox

import "sort"

type accountJSON struct {
	Alias      string     `json:"alias"`
	FsAlias    string     `json:"fsAlias"`
	BankAlias  string     `json:"bankAlias"`
	Title      string     `json:"title"`
	Type       typeJSON   `json:"type"`
	HasBalance bool       `json:"hasBalance"`
	Balance    *moneyJSON `json:"balance"`
	Currency   int        `json:"currency"`
	Default    bool       `json:"defaultAccount,omitempty"`
}

type typeJSON struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// hAccounts lists the balances. On the wallet's first plain request the
// lazy account (USD for the demo wallet) comes back as hasBalance:true,
// balance:null: the documented signal to re-ask with
// ?timeout=1000&alias=<alias>.
func (s *Server) hAccounts(c *call) reply {
	w := c.w
	retry := c.q.Get("timeout") != "" && c.q.Get("alias") != ""
	if retry {
		if _, ok := aliasCurrency(c.q.Get("alias")); !ok && c.q.Get("alias") != w.mcAlias {
			return s.bad(c, "unknown account alias")
		}
	}
	lazy := 0
	if !w.asked && !retry {
		lazy = w.lazyCur
	}
	if !retry {
		w.asked = true
	}
	out := []accountJSON{{
		Alias: w.mcAlias, FsAlias: "qb_" + w.mcAlias[:len(w.mcAlias)-4], BankAlias: "QIWI", Title: "MC",
		Type: typeJSON{"MC", "Счет мобильного кошелька"}, Currency: 643,
	}}
	accs := append([]*account(nil), w.accounts...)
	order := map[int]int{643: 0, 840: 1, 978: 2, 398: 3}
	sort.Slice(accs, func(i, j int) bool { return order[accs[i].cur] < order[accs[j].cur] })
	for _, a := range accs {
		j := accountJSON{Alias: currencyAlias(a.cur), FsAlias: "qb_wallet", BankAlias: "QIWI", Title: "WALLET",
			Type: typeJSON{"WALLET", "QIWI Wallet"}, HasBalance: true, Currency: a.cur, Default: a.cur == w.defaultCur}
		if a.cur != lazy {
			j.Balance = &moneyJSON{amt(a.balance), a.cur}
		}
		out = append(out, j)
	}
	return jsonReply(200, map[string][]accountJSON{"accounts": out})
}

func (s *Server) hAccountCreate(c *call) reply {
	var b struct {
		Alias string `json:"alias"`
	}
	if err := decodeBody(c.body, &b); err != nil {
		return s.bad(c, "body must be JSON {\"alias\": ...}")
	}
	cur, ok := aliasCurrency(b.Alias)
	if !ok {
		return s.bad(c, "unknown account alias "+b.Alias)
	}
	if c.w.account(cur) != nil {
		return s.qerr(c, c.rt.svc, 422, "account.already.exists", "Счет уже открыт", "The wallet already has account "+b.Alias)
	}
	c.w.accounts = append(c.w.accounts, &account{cur: cur})
	return emptyReply(201)
}

type offerJSON struct {
	Alias    string `json:"alias"`
	Currency int    `json:"currency"`
}

func (s *Server) hAccountOffer(c *call) reply {
	out := []offerJSON{}
	for _, cur := range []int{643, 840, 978, 398} {
		if c.w.account(cur) == nil {
			out = append(out, offerJSON{currencyAlias(cur), cur})
		}
	}
	return jsonReply(200, out)
}

func (s *Server) hAccountDefault(c *call) reply {
	var b struct {
		DefaultAccount *bool `json:"defaultAccount"`
	}
	if err := decodeBody(c.body, &b); err != nil || b.DefaultAccount == nil || !*b.DefaultAccount {
		return s.bad(c, "body must be {\"defaultAccount\": true}")
	}
	cur, ok := aliasCurrency(c.params[0])
	if !ok || c.w.account(cur) == nil {
		return s.notFound(c, "account.not.found", "The wallet has no account "+c.params[0])
	}
	c.w.defaultCur = cur
	return emptyReply(204)
}
