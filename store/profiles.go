package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
)

// ErrNoProfile is returned for a profile name the store does not know.
var ErrNoProfile = errors.New("no such profile")

// Settings are a profile's non-secret preferences.
type Settings struct {
	BaseURL     string `json:"base_url,omitempty"`     // Wallet API host ("" = production)
	AgentURL    string `json:"agent_url,omitempty"`    // Top-Up XML endpoint ("" = production)
	MerchantURL string `json:"merchant_url,omitempty"` // Pull REST root ("" = production)
	Privacy     *bool  `json:"privacy,omitempty"`      // overrides the config default
	ReadOnly    *bool  `json:"read_only,omitempty"`    // overrides the config default
}

// Profile is a named set of credentials. The secrets themselves are not in
// it: Unlock reads them from the keyring (or the environment).
type Profile struct {
	Name      string
	Wallet    string // wallet number from the profile endpoint, "" without a token
	Has       Modes  // which credential groups the keyring holds
	Settings  Settings
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Modes is which dashboards the profile opens.
func (p Profile) Modes() Modes { return p.Has }

var profileNameRe = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}._-]{0,63}$`)

// CheckProfileName refuses names that would not make a clean keyring entry.
func CheckProfileName(name string) error {
	if !profileNameRe.MatchString(name) {
		return i18n.Errorf("store.profile.bad_name", i18n.Args{"Name": fmt.Sprintf("%q", name)}, nil)
	}
	return nil
}

// Verified is what checking credentials against the APIs found out.
type Verified struct {
	Wallet string // the token's wallet number
}

// Verifier checks credentials against the APIs before they are saved.
type Verifier interface {
	Verify(ctx context.Context, c Credentials) (Verified, error)
}

// VerifierFunc adapts a function to Verifier.
type VerifierFunc func(ctx context.Context, c Credentials) (Verified, error)

// Verify calls f.
func (f VerifierFunc) Verify(ctx context.Context, c Credentials) (Verified, error) { return f(ctx, c) }

// APIVerifier checks a token with the Wallet API's profile call, and agent and
// merchant credentials with the functions given (store does not import those clients).
type APIVerifier struct {
	BaseURL    string                                         // "" = qiwiapi.DefaultBaseURL
	HTTPClient *http.Client                                   // nil = a client with a 30 s timeout
	Agent      func(ctx context.Context, c Credentials) error // c.AgentID and its login (TopupAuth)
	Merchant   func(ctx context.Context, apiID, apiPassword, shopID string) error
}

// LoginError is credentials the service refused, with its words.
type LoginError struct {
	Mode   string // "wallet", "agent", "merchant"
	Reason string // the service's explanation, with advice in English (Why: in a language)
	Err    error
	words  string // the service's own words, secrets masked
	advice string // the catalogue id of the advice after them ("": none)
}

// Why is the service's explanation with its advice in tr's language (nil:
// English); the service's own words stay as it sent them.
func (e *LoginError) Why(tr *i18n.Tr) string {
	if e.advice == "" {
		return e.Reason
	}
	return tr.T(e.advice, i18n.Args{"Words": e.words})
}

// loginRefused is the refusal of mode's credentials c by err.
func loginRefused(mode string, err error, c Credentials) *LoginError {
	e := &LoginError{Mode: mode, Err: redactErr(err, c), words: redactErr(err, c).Error()}
	var apiErr *qiwiapi.Error
	if errors.As(err, &apiErr) {
		e.words = Redact(apiErr.Message(), c)
		switch apiErr.StatusCode {
		case http.StatusUnauthorized:
			e.advice = "store.login.advice_401"
		case http.StatusForbidden:
			e.advice = "store.login.advice_403"
		}
	}
	e.Reason = e.Why(nil)
	if e.advice == "" {
		e.Reason = e.words
	}
	return e
}

func (e *LoginError) Error() string {
	return fmt.Sprintf("the %s credentials were refused: %s", e.Mode, e.Reason)
}

func (e *LoginError) Unwrap() error { return e.Err }

// BadAnswerError is an answer that is not the API's: an HTML page, a 5xx,
// a proxy's or a captive portal's page. The credentials were neither
// accepted nor refused, and nothing is saved. It deliberately does not
// unwrap to the client's error, so that no caller words it as a refusal.
type BadAnswerError struct {
	Mode   string // "wallet", "agent", "merchant" ("" until Verify sets it)
	Status int    // the HTTP status of the answer
	Detail string // the client's error, secrets masked, for logs
}

func (e *BadAnswerError) Error() string { return e.words().Error() }

// Unwrap is the failure in words (Tr.Error says it in a language), never
// the client's error.
func (e *BadAnswerError) Unwrap() error { return e.words() }

func (e *BadAnswerError) words() error {
	args := i18n.Args{"Status": e.Status}
	switch e.Mode {
	case "wallet":
		return i18n.Errorf("store.login.bad_answer_wallet", args, nil)
	case "agent":
		return i18n.Errorf("store.login.bad_answer_agent", args, nil)
	case "merchant":
		return i18n.Errorf("store.login.bad_answer_merchant", args, nil)
	}
	return i18n.Errorf("store.login.bad_answer", args, nil)
}

// in is a copy of e for mode, with err (secrets masked) as the detail.
func (e *BadAnswerError) in(mode string, err error, c Credentials) *BadAnswerError {
	out := *e
	out.Mode = mode
	if out.Detail == "" {
		out.Detail = Redact(err.Error(), c)
	}
	return &out
}

// badAnswer reads a Wallet API failure: an answer whose body was not the
// API's (a 5xx, a 2xx that is not JSON, a 4xx other than 401/403/423/429
// without any QIWI field) is a *BadAnswerError; anything else is nil.
func badAnswer(err error, resp *qiwiapi.Response) *BadAnswerError {
	status := 0
	if resp != nil && resp.Response != nil {
		status = resp.StatusCode
	}
	var apiErr *qiwiapi.Error
	switch {
	case errors.As(err, &apiErr):
		quiet := apiErr.Code == "" && apiErr.Description == "" && apiErr.UserMessage == ""
		switch apiErr.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusLocked, http.StatusTooManyRequests:
			return nil
		}
		if apiErr.StatusCode >= 500 || quiet {
			return &BadAnswerError{Status: apiErr.StatusCode}
		}
	case errors.Is(err, qiwiapi.ErrBadResponse) && status != 0:
		return &BadAnswerError{Status: status}
	}
	return nil
}

// Verify implements Verifier.
func (v APIVerifier) Verify(ctx context.Context, c Credentials) (Verified, error) {
	var out Verified
	if c.Token != "" {
		opts := []qiwiapi.Option{qiwiapi.WithRetry(qiwiapi.RetryPolicy{})}
		if v.BaseURL != "" {
			opts = append(opts, qiwiapi.WithBaseURL(v.BaseURL))
		}
		if v.HTTPClient != nil {
			opts = append(opts, qiwiapi.WithHTTPClient(v.HTTPClient))
		}
		cl, err := qiwiapi.NewClient(c.Token, opts...)
		if err != nil {
			return out, redactErr(err, c)
		}
		p, resp, err := cl.Profile.Current(ctx, qiwiapi.ProfileOptions{SkipUserInfo: true})
		if bad := badAnswer(err, resp); bad != nil {
			return out, bad.in("wallet", err, c)
		}
		if err != nil {
			return out, loginRefused("wallet", err, c)
		}
		out.Wallet = p.Wallet()
		if out.Wallet == "" {
			e := &LoginError{Mode: "wallet", advice: "store.login.no_wallet"}
			e.Reason = e.Why(nil)
			return out, e
		}
	}
	if c.AgentID != "" {
		if v.Agent == nil {
			return out, i18n.Errorf("store.login.no_agent_check", nil, nil)
		}
		if err := v.Agent(ctx, c); err != nil {
			if bad := (*BadAnswerError)(nil); errors.As(err, &bad) {
				return out, bad.in("agent", err, c)
			}
			return out, loginRefused("agent", err, c)
		}
	}
	if c.APIID != "" {
		if v.Merchant == nil {
			return out, i18n.Errorf("store.login.no_merchant_check", nil, nil)
		}
		if err := v.Merchant(ctx, c.APIID, c.APIPassword, c.ShopID); err != nil {
			if bad := (*BadAnswerError)(nil); errors.As(err, &bad) {
				return out, bad.in("merchant", err, c)
			}
			return out, loginRefused("merchant", err, c)
		}
	}
	return out, nil
}

// Login checks credentials with v, then saves the secrets to the keyring and
// the profile (name, wallet, modes) to the store. Credentials are added to
// what the profile already holds; nothing is saved when the check fails.
// Without a keyring it returns a *KeyringError and saves nothing.
func (s *Store) Login(ctx context.Context, name string, c Credentials, v Verifier) (*Profile, error) {
	if err := CheckProfileName(name); err != nil {
		return nil, err
	}
	c.Token = strings.TrimSpace(c.Token)
	c.AgentID = strings.TrimSpace(c.AgentID)
	c.APIID = strings.TrimSpace(c.APIID)
	c.ShopID = strings.TrimSpace(c.ShopID)
	if err := c.Check(); err != nil {
		return nil, err
	}
	if err := s.vault.Probe(); err != nil {
		return nil, err
	}
	if v == nil {
		return nil, errors.New("login: no verifier")
	}
	got, err := v.Verify(ctx, c)
	if err != nil {
		return nil, redactErr(err, c)
	}
	old, err := s.vault.Load(name)
	if err != nil {
		return nil, err
	}
	if err := s.vault.Save(name, c); err != nil {
		return nil, err
	}
	all := c.merge(old)
	now := s.now().Unix()
	_, err = s.db.ExecContext(ctx, `
INSERT INTO profiles (name, wallet, has_wallet, has_agent, has_merchant, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET
	wallet = CASE WHEN excluded.wallet <> '' THEN excluded.wallet ELSE profiles.wallet END,
	has_wallet = excluded.has_wallet, has_agent = excluded.has_agent, has_merchant = excluded.has_merchant,
	updated_at = excluded.updated_at`,
		name, got.Wallet, all.Modes().Wallet, all.Modes().Agent, all.Modes().Merchant, now, now)
	if err != nil {
		return nil, fmt.Errorf("store: saving profile %q: %w", name, err)
	}
	return s.Profile(ctx, name)
}

// Logout removes a profile's secrets from the keyring and marks it as having
// no credentials. Its cached history and journal stay (for the record).
func (s *Store) Logout(ctx context.Context, name string) error {
	if _, err := s.Profile(ctx, name); err != nil {
		return err
	}
	if err := s.vault.Delete(name); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `UPDATE profiles SET has_wallet = 0, has_agent = 0, has_merchant = 0, updated_at = ? WHERE name = ?`,
		s.now().Unix(), name)
	return err
}

// DeleteProfile forgets a profile entirely (secrets and row).
func (s *Store) DeleteProfile(ctx context.Context, name string) error {
	if err := s.Logout(ctx, name); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM profiles WHERE name = ?`, name)
	return err
}

// Profile reads one profile.
func (s *Store) Profile(ctx context.Context, name string) (*Profile, error) {
	rows, err := s.queryProfiles(ctx, `WHERE name = ?`, name)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, i18n.Errorf("store.profile.unknown", i18n.Args{"Quoted": fmt.Sprintf("%q", name), "Name": name}, ErrNoProfile)
	}
	return &rows[0], nil
}

// Profiles lists every profile by name.
func (s *Store) Profiles(ctx context.Context) ([]Profile, error) {
	return s.queryProfiles(ctx, `ORDER BY name`)
}

func (s *Store) queryProfiles(ctx context.Context, tail string, args ...any) ([]Profile, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, wallet, has_wallet, has_agent, has_merchant, settings, created_at, updated_at FROM profiles `+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Profile
	for rows.Next() {
		var p Profile
		var settings string
		var created, updated int64
		if err := rows.Scan(&p.Name, &p.Wallet, &p.Has.Wallet, &p.Has.Agent, &p.Has.Merchant, &settings, &created, &updated); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(settings), &p.Settings)
		p.CreatedAt, p.UpdatedAt = time.Unix(created, 0), time.Unix(updated, 0)
		out = append(out, p)
	}
	return out, rows.Err()
}

// SaveSettings replaces a profile's non-secret settings.
func (s *Store) SaveSettings(ctx context.Context, name string, st Settings) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE profiles SET settings = ?, updated_at = ? WHERE name = ?`, string(b), s.now().Unix(), name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: %q", ErrNoProfile, name)
	}
	return nil
}

// CredentialSource says where Unlock found the secrets.
type CredentialSource int

// Where secrets come from.
const (
	FromKeyring CredentialSource = iota
	FromEnv                      // QIWI_* variables, for this run only
)

// Session is a profile with its secrets, ready to build API clients.
type Session struct {
	Profile     Profile
	Credentials Credentials
	Source      CredentialSource
}

// Modes is what the session's credentials open.
func (s Session) Modes() Modes { return s.Credentials.Modes() }

// Unlock returns a profile's secrets. QIWI_* environment variables, when
// set, win for this run (nothing is saved). Otherwise the keyring is read; if
// none is reachable the error says how to fix that. name may be unknown to
// the store when the environment carries the credentials.
func (s *Store) Unlock(ctx context.Context, name string) (*Session, error) {
	p, perr := s.Profile(ctx, name)
	if env, ok := s.vault.Env(); ok {
		sess := &Session{Credentials: env, Source: FromEnv}
		if perr == nil {
			sess.Profile = *p
		} else {
			sess.Profile = Profile{Name: name, Has: env.Modes()}
		}
		return sess, nil
	}
	if perr != nil {
		return nil, perr
	}
	c, err := s.vault.Load(name)
	if err != nil {
		return nil, err
	}
	if !c.Modes().Any() {
		return nil, i18n.Errorf("store.profile.no_credentials", i18n.Args{"Quoted": fmt.Sprintf("%q", name), "Name": name}, nil)
	}
	return &Session{Profile: *p, Credentials: c, Source: FromKeyring}, nil
}

// isNoRows is a tiny helper for sql.ErrNoRows.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
