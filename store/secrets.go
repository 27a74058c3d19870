package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/zalando/go-keyring"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/topup"
)

// KeyringService is the service name of every qiwidash keyring entry.
const KeyringService = "qiwidash"

// Keyring is the part of an OS keyring the store uses. NewSystemKeyring is the
// real one; tests use keyring.MockInit() with it, or their own.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

type systemKeyring struct{}

// NewSystemKeyring is the OS keyring through github.com/zalando/go-keyring
// (Secret Service on Linux and BSD, Keychain on macOS, Credential Manager on Windows).
func NewSystemKeyring() Keyring { return systemKeyring{} }

func (systemKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (systemKeyring) Set(service, user, secret string) error {
	return keyring.Set(service, user, secret)
}
func (systemKeyring) Delete(service, user string) error { return keyring.Delete(service, user) }

// ErrNoKeyring means no OS keyring could be reached. errors.Is finds it in a *KeyringError.
var ErrNoKeyring = errors.New("no OS keyring is available")

// KeyringError is a keyring that could not be used, with the way out.
type KeyringError struct {
	Op  string // "read", "save", "delete"
	Err error  // the keyring library's error; never holds a secret
}

// KeyringHelp tells a person, in tr's language (nil: English), how to get
// a keyring, or how to do without one.
func KeyringHelp(tr *i18n.Tr) string { return tr.T("store.keyring.help", i18n.Args{}) }

// Error is the failure and the way out, in English: a person reads it in
// their language through Tr.Error (Unwrap holds its words).
func (e *KeyringError) Error() string { return e.words().Error() }

// Unwrap is the keyring library's error and the failure in words.
func (e *KeyringError) Unwrap() []error { return []error{e.Err, e.words()} }

// words is the failure with the help after it, as a catalogue message.
func (e *KeyringError) words() error {
	why := i18n.Args{"Why": fmt.Sprint(e.Err)}
	var failed error
	switch e.Op {
	case "save":
		failed = i18n.Errorf("store.keyring.save_failed", why, nil)
	case "delete":
		failed = i18n.Errorf("store.keyring.delete_failed", why, nil)
	default:
		failed = i18n.Errorf("store.keyring.read_failed", why, nil)
	}
	return i18n.Errorf("store.keyring.help", nil, failed)
}

// Is makes errors.Is(err, ErrNoKeyring) true.
func (e *KeyringError) Is(target error) bool { return target == ErrNoKeyring }

// Env variable names for secrets given for one run.
const (
	EnvToken         = "QIWI_TOKEN"
	EnvAgentID       = "QIWI_AGENT_ID"
	EnvAgentPassword = "QIWI_AGENT_PASSWORD"
	// A signature or client-certificate agent login (files by path).
	EnvAgentKeyFile    = "QIWI_AGENT_KEY_FILE"
	EnvAgentCertFile   = "QIWI_AGENT_CERT_FILE"
	EnvAgentCAFile     = "QIWI_AGENT_CA_FILE"
	EnvAgentSignAlg    = "QIWI_AGENT_SIGN_ALG"
	EnvAgentPassphrase = "QIWI_AGENT_KEY_PASSPHRASE"
	EnvAPIID           = "QIWI_API_ID"
	EnvAPIPassword     = "QIWI_API_PASSWORD"
	EnvShopID          = "QIWI_SHOP_ID"
)

// Credentials are everything a profile may hold. Any combination is allowed;
// which dashboard modes exist follows from which groups are complete.
type Credentials struct {
	Token string // Wallet API token

	AgentID       string // Top-Up agent terminal id
	AgentPassword string // not needed for a signature login
	// A signature login (Top-Up API §7.1) names the agent's RSA key file;
	// a client-certificate login (§7.2, at private-api.qiwi.com) names the
	// certificate, its key and optionally QIWI's CA certificate, and keeps
	// the password. Files are kept by path; the passphrase of an encrypted
	// key is a secret like the password.
	AgentKeyFile    string
	AgentCertFile   string
	AgentCAFile     string
	AgentSignAlg    string // SHA1withRSA (default) or MD5withRSA
	AgentPassphrase string

	APIID       string // Pull REST API_ID
	APIPassword string // Pull REST API_PASSWORD
	ShopID      string // shop id (prv_id)
}

// Modes says which dashboards a profile opens.
type Modes struct {
	Wallet   bool // a Wallet API token
	Agent    bool // Top-Up terminal id + password, signing key or client certificate
	Merchant bool // Pull REST API_ID + API_PASSWORD + shop id
}

// Any reports whether at least one mode is on.
func (m Modes) Any() bool { return m.Wallet || m.Agent || m.Merchant }

func (m Modes) String() string {
	var parts []string
	if m.Wallet {
		parts = append(parts, "wallet")
	}
	if m.Agent {
		parts = append(parts, "agent")
	}
	if m.Merchant {
		parts = append(parts, "merchant")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "+")
}

// Modes follows from which credential groups are complete.
func (c Credentials) Modes() Modes {
	return Modes{
		Wallet:   c.Token != "",
		Agent:    c.AgentID != "" && (c.AgentPassword != "" || c.AgentKeyFile != "" && c.AgentCertFile == ""),
		Merchant: c.APIID != "" && c.APIPassword != "" && c.ShopID != "",
	}
}

// IsZero reports empty credentials.
func (c Credentials) IsZero() bool { return c == Credentials{} }

// Check refuses half-filled groups (an agent id without a password, ...).
func (c Credentials) Check() error {
	if err := c.checkAgent(); err != nil {
		return err
	}
	n := 0
	for _, s := range []string{c.APIID, c.APIPassword, c.ShopID} {
		if s != "" {
			n++
		}
	}
	if n != 0 && n != 3 {
		return i18n.Errorf("store.credentials.merchant_incomplete", nil, nil)
	}
	if c.IsZero() {
		return i18n.Errorf("store.credentials.none", nil, nil)
	}
	return nil
}

// checkAgent refuses a half-filled agent login: a terminal id needs its
// password or a signing key; a client certificate needs its key and the
// password; files need a terminal id.
func (c Credentials) checkAgent() error {
	files := c.AgentKeyFile != "" || c.AgentCertFile != "" || c.AgentCAFile != "" || c.AgentPassphrase != "" || c.AgentSignAlg != ""
	switch {
	case c.AgentID == "" && (c.AgentPassword != "" || files):
		return i18n.Errorf("store.credentials.agent_no_id", nil, nil)
	case c.AgentID == "":
		return nil
	case c.AgentCertFile != "" && c.AgentKeyFile == "":
		return i18n.Errorf("store.credentials.cert_no_key", nil, nil)
	case c.AgentCertFile != "" && c.AgentPassword == "":
		return i18n.Errorf("store.credentials.cert_no_password", nil, nil)
	case c.AgentKeyFile == "" && c.AgentPassword == "":
		return i18n.Errorf("store.credentials.agent_no_password", nil, nil)
	case c.AgentSignAlg != "" && c.AgentSignAlg != string(topup.SHA1withRSA) && c.AgentSignAlg != string(topup.MD5withRSA):
		return i18n.Errorf("store.credentials.sign_alg", i18n.Args{"Alg": fmt.Sprintf("%q", c.AgentSignAlg)}, nil)
	}
	return nil
}

// TopupAuth is the agent login for the Top-Up client (topup.Auth.Options
// reads and checks the files).
func (c Credentials) TopupAuth() topup.Auth {
	a := topup.Auth{KeyFile: c.AgentKeyFile, CertFile: c.AgentCertFile, CAFile: c.AgentCAFile, SignAlg: topup.SignAlg(c.AgentSignAlg)}
	if c.AgentPassword != "" {
		a.Password = topup.NewPassword(c.AgentPassword)
	}
	if c.AgentPassphrase != "" {
		a.Passphrase = topup.NewPassword(c.AgentPassphrase)
	}
	return a
}

// PasswordMask is how a password shows: no character of it, and not its
// length either.
const PasswordMask = "••••••••"

// Masked is the one place that decides how each credential shows on a
// screen or in a message: a password shows no characters at all
// (PasswordMask); a token or an API_ID at most its first and last four
// (qiwiapi.MaskSecret); the agent terminal id and the shop id are names,
// not secrets, and show as they are. Empty fields stay empty.
func (c Credentials) Masked() Credentials {
	password := func(s string) string {
		if s == "" {
			return ""
		}
		return PasswordMask
	}
	return Credentials{
		Token: qiwiapi.MaskSecret(c.Token), AgentID: c.AgentID, AgentPassword: password(c.AgentPassword),
		AgentKeyFile: c.AgentKeyFile, AgentCertFile: c.AgentCertFile, AgentCAFile: c.AgentCAFile, AgentSignAlg: c.AgentSignAlg,
		AgentPassphrase: password(c.AgentPassphrase),
		APIID:           qiwiapi.MaskSecret(c.APIID), APIPassword: password(c.APIPassword), ShopID: c.ShopID,
	}
}

// String shows which credentials are present, masked (see Masked; here the
// ids are masked too).
func (c Credentials) String() string {
	m := c.Masked()
	return fmt.Sprintf("store.Credentials{Token:%s AgentID:%s AgentPassword:%s APIID:%s APIPassword:%s ShopID:%s}",
		m.Token, qiwiapi.MaskSecret(c.AgentID), m.AgentPassword, m.APIID, m.APIPassword, qiwiapi.MaskSecret(c.ShopID))
}

// GoString masks too, so %#v cannot leak.
func (c Credentials) GoString() string { return c.String() }

// merge fills c's empty groups from o (a login adds to what a profile has).
func (c Credentials) merge(o Credentials) Credentials {
	if c.Token == "" {
		c.Token = o.Token
	}
	if c.AgentID == "" {
		c.AgentID, c.AgentPassword = o.AgentID, o.AgentPassword
		c.AgentKeyFile, c.AgentCertFile, c.AgentCAFile = o.AgentKeyFile, o.AgentCertFile, o.AgentCAFile
		c.AgentSignAlg, c.AgentPassphrase = o.AgentSignAlg, o.AgentPassphrase
	}
	if c.APIID == "" {
		c.APIID, c.APIPassword, c.ShopID = o.APIID, o.APIPassword, o.ShopID
	}
	return c
}

// secretFields names each keyring entry: one per profile and credential.
var secretFields = []struct {
	name string
	get  func(*Credentials) *string
}{
	{"token", func(c *Credentials) *string { return &c.Token }},
	{"agent-id", func(c *Credentials) *string { return &c.AgentID }},
	{"agent-password", func(c *Credentials) *string { return &c.AgentPassword }},
	{"agent-key-file", func(c *Credentials) *string { return &c.AgentKeyFile }},
	{"agent-cert-file", func(c *Credentials) *string { return &c.AgentCertFile }},
	{"agent-ca-file", func(c *Credentials) *string { return &c.AgentCAFile }},
	{"agent-sign-alg", func(c *Credentials) *string { return &c.AgentSignAlg }},
	{"agent-passphrase", func(c *Credentials) *string { return &c.AgentPassphrase }},
	{"api-id", func(c *Credentials) *string { return &c.APIID }},
	{"api-password", func(c *Credentials) *string { return &c.APIPassword }},
	{"shop-id", func(c *Credentials) *string { return &c.ShopID }},
}

func keyringUser(profile, field string) string { return profile + "/" + field }

// Vault stores and finds secrets: the OS keyring, or environment variables
// for one run when there is none.
type Vault struct {
	kr     Keyring
	getenv func(string) string
}

// NewVault wraps a keyring (nil: the OS one) and an environment (nil: none).
func NewVault(kr Keyring, getenv func(string) string) *Vault {
	if kr == nil {
		kr = NewSystemKeyring()
	}
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return &Vault{kr: kr, getenv: getenv}
}

// Env returns the credentials given in QIWI_* variables, if any.
func (v *Vault) Env() (Credentials, bool) {
	c := Credentials{
		Token:           strings.TrimSpace(v.getenv(EnvToken)),
		AgentID:         strings.TrimSpace(v.getenv(EnvAgentID)),
		AgentPassword:   v.getenv(EnvAgentPassword),
		AgentKeyFile:    strings.TrimSpace(v.getenv(EnvAgentKeyFile)),
		AgentCertFile:   strings.TrimSpace(v.getenv(EnvAgentCertFile)),
		AgentCAFile:     strings.TrimSpace(v.getenv(EnvAgentCAFile)),
		AgentSignAlg:    strings.TrimSpace(v.getenv(EnvAgentSignAlg)),
		AgentPassphrase: v.getenv(EnvAgentPassphrase),
		APIID:           strings.TrimSpace(v.getenv(EnvAPIID)),
		APIPassword:     v.getenv(EnvAPIPassword),
		ShopID:          strings.TrimSpace(v.getenv(EnvShopID)),
	}
	return c, !c.IsZero()
}

// Probe reports a *KeyringError (errors.Is ErrNoKeyring) when no keyring answers.
func (v *Vault) Probe() error {
	_, err := v.kr.Get(KeyringService, keyringUser("-probe-", "none"))
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return &KeyringError{Op: "read", Err: err}
}

// Load reads a profile's secrets from the keyring.
func (v *Vault) Load(profile string) (Credentials, error) {
	var c Credentials
	for _, f := range secretFields {
		s, err := v.kr.Get(KeyringService, keyringUser(profile, f.name))
		if errors.Is(err, keyring.ErrNotFound) {
			continue
		}
		if err != nil {
			return Credentials{}, &KeyringError{Op: "read", Err: err}
		}
		*f.get(&c) = s
	}
	return c, nil
}

// Save writes every non-empty secret of c. A failure leaves no partial group behind.
func (v *Vault) Save(profile string, c Credentials) error {
	var written []string
	for _, f := range secretFields {
		s := *f.get(&c)
		if s == "" {
			// A new agent login replaces the whole old one: a password
			// login leaves no key file behind, nor a signature login a
			// password.
			if c.AgentID != "" && strings.HasPrefix(f.name, "agent-") {
				if err := v.kr.Delete(KeyringService, keyringUser(profile, f.name)); err != nil && !errors.Is(err, keyring.ErrNotFound) {
					return &KeyringError{Op: "delete", Err: err}
				}
			}
			continue
		}
		user := keyringUser(profile, f.name)
		if err := v.kr.Set(KeyringService, user, s); err != nil {
			for _, w := range written {
				_ = v.kr.Delete(KeyringService, w)
			}
			return &KeyringError{Op: "save", Err: redactErr(err, c)}
		}
		written = append(written, user)
	}
	return nil
}

// Delete removes every secret of a profile. Missing entries are fine.
func (v *Vault) Delete(profile string) error {
	for _, f := range secretFields {
		err := v.kr.Delete(KeyringService, keyringUser(profile, f.name))
		if err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return &KeyringError{Op: "delete", Err: err}
		}
	}
	return nil
}

// Redact replaces every credential of c that shows up in text by its mask
// (see Masked; the ids are masked too).
func Redact(text string, c Credentials) string {
	m := c.Masked()
	for _, f := range secretFields {
		s, masked := *f.get(&c), *f.get(&m)
		if strings.HasSuffix(f.name, "-file") || f.name == "agent-sign-alg" {
			continue // paths and an algorithm name are not secrets: an error must say which file
		}
		if masked == s { // an id: in an error's text, masked all the same
			masked = qiwiapi.MaskSecret(s)
		}
		if len(s) >= 4 {
			text = strings.ReplaceAll(text, s, masked)
		}
	}
	return text
}

// redactErr makes sure no secret of c survives in an error's text.
func redactErr(err error, c Credentials) error {
	if err == nil {
		return nil
	}
	if msg := Redact(err.Error(), c); msg != err.Error() {
		return errors.New(msg)
	}
	return err
}
