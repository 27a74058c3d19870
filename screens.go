package main

import (
	"qiwidash/i18n"
	"qiwidash/store/reader"
	"qiwidash/ui"
	"qiwidash/ui/common"
	"qiwidash/ui/feed"
	"qiwidash/views/agent"
	"qiwidash/views/balances"
	"qiwidash/views/casefile"
	"qiwidash/views/history"
	insightsview "qiwidash/views/insights"
	"qiwidash/views/invoices"
	"qiwidash/views/limits"
	"qiwidash/views/live"
	"qiwidash/views/merchant"
	overviewview "qiwidash/views/overview"
	"qiwidash/views/payments"
	"qiwidash/views/profile"
	"qiwidash/views/settings"
	"qiwidash/views/webhooks"
)

// screenDeps are the stores and event feeds behind the screens.
type screenDeps struct {
	agent    agent.Deps
	merchant merchant.Deps
	// history is the wallet's history reader (the engine's, over the store).
	history *reader.Reader
	// events carries what the local receiver accepted; nil with no
	// liveStatus = no Live screen.
	events      *feed.Feed
	receiverURL string
	// liveStatus says on the Live screen what is checked, or why nothing is
	// received (a Live screen without events says only that).
	liveStatus func() string
	// insights are the Insights screen's engines; no Engine = no screen.
	insights insightsview.Deps
	// settings is the Accounts screen's; no Accounts = no Settings mode.
	settings settings.Deps
	// overview is the Overview's Profiles screen (nil: one profile, none);
	// find the support console's (nil: none).
	overview *overviewview.Deps
	find     *casefile.Deps
}

// screenNames are every mode's and screen's name as shown, in tr's
// language, by the Mode and Title the shell knows them by.
func screenNames(tr *i18n.Tr) map[string]string {
	return map[string]string{
		"Wallet":        tr.T("mode.wallet", nil),
		"Agent":         tr.T("mode.agent", nil),
		"Merchant":      tr.T("mode.merchant", nil),
		"Live":          tr.T("mode.live", nil),
		"Settings":      tr.T("mode.settings", nil),
		"Overview":      tr.T("mode.overview", nil),
		"Support":       tr.T("mode.support", nil),
		"Profile":       tr.T("screen.profile", nil),
		"Balances":      tr.T("screen.balances", nil),
		"Limits":        tr.T("screen.limits", nil),
		"History":       tr.T("screen.history", nil),
		"Insights":      tr.T("screen.insights", nil),
		"Invoices":      tr.T("screen.invoices", nil),
		"Payments":      tr.T("screen.payments", nil),
		"Webhooks":      tr.T("screen.webhooks", nil),
		"Balance":       tr.T("screen.balance", nil),
		"Top-up":        tr.T("screen.top_up", nil),
		"Top-ups":       tr.T("screen.top_ups", nil),
		"Bills":         tr.T("screen.bills", nil),
		"Notifications": tr.T("screen.notifications", nil),
		"Accounts":      tr.T("screen.accounts", nil),
		"Profiles":      tr.T("screen.profiles", nil),
		"Find":          tr.T("screen.find", nil),
	}
}

// buildScreens picks the screens the credentials unlock: a Wallet API token
// gives the wallet screens, agent credentials the agent screens, and so on.
func buildScreens(c *common.Common, deps screenDeps) []ui.Screen {
	var out []ui.Screen
	name := screenNames(c.Tr)
	screen := func(mode, title string, v common.Component) ui.Screen {
		return ui.Screen{Mode: mode, Title: title, ModeName: name[mode], Name: name[title], View: v}
	}
	add := func(mode, title string, v common.Component) { out = append(out, screen(mode, title, v)) }
	if c.API != nil {
		add("Wallet", "Profile", profile.New(c))
		add("Wallet", "Balances", balances.New(c))
		add("Wallet", "Limits", limits.New(c))
		if deps.history != nil {
			h := history.New(c, deps.history)
			h.Statements = deps.insights.Statements
			add("Wallet", "History", h)
		}
		if deps.insights.Engine != nil {
			add("Wallet", "Insights", insightsview.New(c, deps.insights))
		}
		add("Wallet", "Invoices", invoices.New(c))
		add("Wallet", "Payments", payments.New(c))
		add("Wallet", "Webhooks", webhooks.New(c))
	}
	if c.Agent != nil {
		add("Agent", "Balance", agent.NewBalance(c, deps.agent))
		add("Agent", "Top-up", agent.NewTopup(c, deps.agent))
		add("Agent", "Top-ups", agent.NewTopups(c, deps.agent))
	}
	if c.Merchant != nil {
		add("Merchant", "Bills", merchant.New(c, deps.merchant))
	}
	if deps.events != nil || deps.liveStatus != nil {
		feedView := live.New(c, deps.events)
		feedView.URL, feedView.Status = deps.receiverURL, deps.liveStatus
		add("Live", "Notifications", feedView)
	}
	if deps.settings.Accounts != nil {
		add("Settings", "Accounts", settings.New(c, deps.settings))
	}
	// The Overview comes first when the store holds more than one profile;
	// the support console is in it, or last on its own.
	if deps.overview != nil {
		all := []ui.Screen{screen("Overview", "Profiles", overviewview.New(c, *deps.overview))}
		if deps.find != nil {
			all = append(all, screen("Overview", "Find", casefile.New(c, *deps.find)))
		}
		out = append(all, out...)
	} else if deps.find != nil {
		add("Support", "Find", casefile.New(c, *deps.find))
	}
	return out
}
