// Package common holds what every screen shares: the Component contract,
// the Common dependencies, keys, theme and styles, and the messages screens
// send to the shell (toasts, confirmations, busy state).
package common

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/topup"
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
	Settings       *Settings
	Now            func() time.Time
	// TempDir is where receipts are saved (a temp dir in demo mode).
	SaveDir string
	// IDs makes payment client ids; shared so they stay increasing.
	IDs *qiwiapi.IDGenerator
	// Journal records money-moving actions before they are sent; may be nil.
	Journal Journal
	// Notice is told once when the profile opens (e.g. payments resumed
	// after a crash); the shell shows it as a toast and clears it.
	Notice string
}

// Journal is the part of the payment journal the screens use.
type Journal interface {
	// Begin records an intent before it is sent and returns its id.
	Begin(kind, recipient string, amount qiwiapi.Amount, clientID string, request any) error
	// Update records what happened to the entry with clientID.
	Update(clientID, state, lastError string, txnID int64) error
}

// JournalReader is what a Journal may also offer: the journaled payments of
// the wallet, from earlier runs too. Screens check for it with a type
// assertion on Common.Journal; without it they list this session's only.
type JournalReader interface {
	// Recent lists at most n entries, newest first.
	Recent(ctx context.Context, n int) ([]JournalEntry, error)
}

// JournalEntry is one journaled money move, in the screens' words.
type JournalEntry struct {
	ClientID  string
	Kind      string // "payment", "conversion" or "invoice"
	Provider  int    // sinap provider id; 0 for invoices
	Recipient string // as the screen described it when journaling
	Amount    qiwiapi.Amount
	// State is "pending" (never sent), "sent", "accepted" or "unknown"
	// while open; "success", "failed" or "abandoned" once final.
	State     string
	LastError string
	TxnID     int64 // QIWI's transaction id; 0 when not known
	// Payment is the sinap payment as journaled (zero for invoices, or
	// when it could not be read back): what a re-send needs.
	Payment   qiwiapi.Payment
	CreatedAt time.Time
	UpdatedAt time.Time
}
