// Package common holds what every screen shares: the Component contract,
// the Common dependencies, keys, theme and styles, and the messages screens
// send to the shell (toasts, confirmations, busy state).
package common

import (
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store/moves"
)

// Component is one screen or panel: a bubbletea model that tells the help
// bar its keys and can be resized.
type Component interface {
	tea.Model
	help.KeyMap
	SetSize(width, height int)
}

// Settings are the user's switches, shared by pointer so every screen sees a
// toggle at once.
type Settings struct {
	Privacy  bool // mask amounts and personal data
	ReadOnly bool // hide every action that moves money
}

// Common is handed to every screen's constructor. No package globals.
type Common struct {
	// API is the Wallet API client; nil when the profile has no token.
	API    *qiwiapi.Client
	Wallet string // the wallet number, digits only
	// Agent is the Top-Up XML client; nil without agent credentials.
	Agent *topup.Client
	// Merchant is the Pull REST client; nil without merchant credentials.
	Merchant *pull.Client
	// MerchantShopID is the merchant's prv_id (for checkout links).
	MerchantShopID string
	Styles         *Styles
	Keys           *KeyMap
	// Tr is the catalogue in the user's language: every string a person
	// reads goes through it (Tr.T, Tr.N), amounts through Money. Nil:
	// English.
	Tr       *i18n.Tr
	Settings *Settings
	Now      func() time.Time
	// Zone is the one time zone every screen shows times in (the config's
	// time_zone); nil: Moscow time, QIWI's. Use Loc, Date, DateTZ, Clock.
	Zone *time.Location
	// TempDir is where receipts are saved (a temp dir in demo mode).
	SaveDir string
	// IDs makes client ids (merchant bills, refunds); shared so they stay increasing.
	IDs *qiwiapi.IDGenerator
	// Moves runs the wallet's money moves (payments, conversions, invoice
	// pays): screens send intents to it and render the journal entries it
	// reports. Nil: the profile cannot pay (no token or no store).
	Moves *moves.Wallet
	// Topups runs the agent terminal's top-ups; nil without agent
	// credentials or a store.
	Topups *moves.Topups
	// Notice is told once when the profile opens (e.g. payments resumed
	// after a crash); the shell shows it as a toast and clears it.
	Notice string
}
