// Package settings is the Accounts screen: the saved profiles with the
// modes they open and their secrets masked, logging a profile in (checked
// against the APIs before anything is saved), logging out, deleting, and
// switching the dashboard to another profile without a restart. It also
// shows the configuration in force, read-only, with the file to edit.
//
// The screen works through the small Accounts interface; *store.Store
// satisfies it, and NewMemoryAccounts serves the demo and tests.
package settings

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"qiwidash/i18n"
	"qiwidash/store"
)

// Accounts is the part of the store the screen uses. Every call is made
// from a tea.Cmd, never from Update or View.
type Accounts interface {
	// Profiles lists every saved profile by name.
	Profiles(ctx context.Context) ([]store.Profile, error)
	// Unlock reads a profile's secrets (to show them masked).
	Unlock(ctx context.Context, name string) (*store.Session, error)
	// Login checks the credentials with v and saves them only if accepted.
	Login(ctx context.Context, name string, c store.Credentials, v store.Verifier) (*store.Profile, error)
	// SaveSettings replaces a profile's non-secret settings (API hosts).
	SaveSettings(ctx context.Context, name string, s store.Settings) error
	// Logout removes a profile's secrets.
	Logout(ctx context.Context, name string) error
	// DeleteProfile forgets a profile and its secrets.
	DeleteProfile(ctx context.Context, name string) error
}

// Info is the configuration in force, shown read-only.
type Info struct {
	ConfigPath      string // the file to edit
	ConfigExists    bool   // false: the defaults apply, the file is not there yet
	DefaultProfile  string
	Theme           string
	RefreshInterval time.Duration // 0: off
	Privacy         bool          // privacy mode at start
	ReadOnly        bool          // read-only mode at start
	// Language is the language chosen at start ("": not told), and
	// LanguageFrom how (i18n.SourceFlag, SourceConfig, SourceLocale,
	// or SourceDefault: English).
	Language     i18n.Lang
	LanguageFrom i18n.Source
}

// Deps are what the Accounts screen needs beyond common.Common.
type Deps struct {
	Accounts Accounts
	// Verifier checks new credentials before they are saved.
	Verifier store.Verifier
	// Active is the profile on screen.
	Active string
	// URLs are the API hosts saved with every profile logged in here (the
	// hosts Verifier checks against). Only BaseURL, AgentURL and
	// MerchantURL are used; all empty means production and saves nothing.
	URLs store.Settings
	// Keyring probes the OS keyring; nil means there is one.
	Keyring func() error
	// InMemory says profiles live in memory only (the demo): nothing is
	// written and no keyring is used.
	InMemory bool
	// Config is the configuration in force.
	Config Info
}

// MemoryAccounts keeps profiles and their secrets in memory. It is safe for
// concurrent use. The demo and tests use it.
type MemoryAccounts struct {
	mu       sync.Mutex
	profiles map[string]memoryProfile
	now      func() time.Time
}

type memoryProfile struct {
	p store.Profile
	c store.Credentials
}

// noProfile is the failure for a profile that is not there.
func noProfile(name string) error {
	return i18n.Errorf("settings.no_profile", i18n.Args{"Name": name}, store.ErrNoProfile)
}

// NewMemoryAccounts makes an empty set of profiles.
func NewMemoryAccounts() *MemoryAccounts {
	return &MemoryAccounts{profiles: map[string]memoryProfile{}, now: time.Now}
}

// Add puts a profile with its credentials in place, unchecked (demo seeding).
func (a *MemoryAccounts) Add(p store.Profile, c store.Credentials) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p.Has = c.Modes()
	a.profiles[p.Name] = memoryProfile{p: p, c: c}
}

// Profiles lists the profiles by name.
func (a *MemoryAccounts) Profiles(context.Context) ([]store.Profile, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]store.Profile, 0, len(a.profiles))
	for _, mp := range a.profiles {
		out = append(out, mp.p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Unlock returns a profile's secrets.
func (a *MemoryAccounts) Unlock(_ context.Context, name string) (*store.Session, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	mp, ok := a.profiles[name]
	if !ok {
		return nil, noProfile(name)
	}
	if !mp.c.Modes().Any() {
		return nil, i18n.Errorf("settings.no_credentials", i18n.Args{"Name": name}, nil)
	}
	return &store.Session{Profile: mp.p, Credentials: mp.c, Source: store.FromKeyring}, nil
}

// Login checks c with v and, if accepted, adds it to the profile.
func (a *MemoryAccounts) Login(ctx context.Context, name string, c store.Credentials, v store.Verifier) (*store.Profile, error) {
	if err := store.CheckProfileName(name); err != nil {
		return nil, err
	}
	c.Token, c.AgentID = strings.TrimSpace(c.Token), strings.TrimSpace(c.AgentID)
	c.APIID, c.ShopID = strings.TrimSpace(c.APIID), strings.TrimSpace(c.ShopID)
	if err := c.Check(); err != nil {
		return nil, err
	}
	if v == nil {
		return nil, i18n.Errorf("settings.no_verifier", nil, nil)
	}
	got, err := v.Verify(ctx, c)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	mp, ok := a.profiles[name]
	if !ok {
		mp.p = store.Profile{Name: name, CreatedAt: a.now()}
	}
	if c.Token == "" {
		c.Token = mp.c.Token
	}
	if c.AgentID == "" {
		c.AgentID, c.AgentPassword = mp.c.AgentID, mp.c.AgentPassword
		c.AgentKeyFile, c.AgentCertFile, c.AgentCAFile = mp.c.AgentKeyFile, mp.c.AgentCertFile, mp.c.AgentCAFile
		c.AgentSignAlg, c.AgentPassphrase = mp.c.AgentSignAlg, mp.c.AgentPassphrase
	}
	if c.APIID == "" {
		c.APIID, c.APIPassword, c.ShopID = mp.c.APIID, mp.c.APIPassword, mp.c.ShopID
	}
	mp.c = c
	mp.p.Has = c.Modes()
	if got.Wallet != "" {
		mp.p.Wallet = got.Wallet
	}
	mp.p.UpdatedAt = a.now()
	a.profiles[name] = mp
	p := mp.p
	return &p, nil
}

// SaveSettings replaces a profile's settings.
func (a *MemoryAccounts) SaveSettings(_ context.Context, name string, s store.Settings) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	mp, ok := a.profiles[name]
	if !ok {
		return noProfile(name)
	}
	mp.p.Settings = s
	a.profiles[name] = mp
	return nil
}

// Logout forgets a profile's secrets.
func (a *MemoryAccounts) Logout(_ context.Context, name string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	mp, ok := a.profiles[name]
	if !ok {
		return noProfile(name)
	}
	mp.c, mp.p.Has = store.Credentials{}, store.Modes{}
	a.profiles[name] = mp
	return nil
}

// DeleteProfile forgets a profile.
func (a *MemoryAccounts) DeleteProfile(_ context.Context, name string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.profiles[name]; !ok {
		return noProfile(name)
	}
	delete(a.profiles, name)
	return nil
}
