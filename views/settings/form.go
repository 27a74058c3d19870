package settings

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/store"
	"qiwidash/ui/common"
	"qiwidash/ui/formkit"
)

// Keys of the login form's fields.
const (
	fieldName            = "name"
	fieldToken           = "token"
	fieldAgentID         = "agent_id"
	fieldAgentPassword   = "agent_password"
	fieldAgentKeyFile    = "agent_key_file"
	fieldAgentCertFile   = "agent_cert_file"
	fieldAgentPassphrase = "agent_passphrase"
	fieldAPIID           = "api_id"
	fieldAPIPassword     = "api_password"
	fieldShopID          = "shop_id"
)

// loginTimeout bounds one check-and-save.
const loginTimeout = 45 * time.Second

// togetherAtSubmit: the login fields are checked together when the form
// is submitted (which groups are filled decides what is required).
func togetherAtSubmit(string) string { return "" }

// loginFields are the login form's fields, in focus order, grouped by
// mode. A new credential is one line here (secrets with NewSecret) and one
// in credentials().
func loginFields() []*formkit.Field {
	text := func(key, label, placeholder string) *formkit.Field {
		return formkit.NewText(key, label, placeholder).WithValidate(togetherAtSubmit)
	}
	secret := func(key, label string) *formkit.Field {
		return formkit.NewSecret(key, label, "").WithValidate(togetherAtSubmit)
	}
	return []*formkit.Field{
		text(fieldName, "Profile name", "work"),
		secret(fieldToken, "Wallet API token").InGroup("Wallet"),
		text(fieldAgentID, "Agent terminal id", "").InGroup("Payment agent (Top-Up API)"),
		secret(fieldAgentPassword, "Agent password"),
		text(fieldAgentKeyFile, "Agent key file", "PEM RSA key path, for a signature login"),
		text(fieldAgentCertFile, "Agent certificate file", "PEM path, for a certificate login"),
		secret(fieldAgentPassphrase, "Agent key passphrase"),
		text(fieldAPIID, "Merchant API_ID", "").InGroup("Merchant (Pull REST API)"),
		secret(fieldAPIPassword, "Merchant API_PASSWORD"),
		text(fieldShopID, "Merchant shop id", "prv_id"),
	}
}

// form is the login form. Its fields hold what the user types, secrets
// included, until the login succeeds or the form is closed.
type form struct {
	*formkit.Form
	fallback string // the name used when the name field is left empty
	checking bool
	problem  string // why the last attempt failed, in words
}

// newForm opens the form for profile name (focus on the token, the first
// field to fill), or, with name "", for a new profile (focus on the name;
// fallback fills an empty one).
func newForm(name, fallback string) *form {
	fields := loginFields()
	fields[0].WithValue(name)
	f := &form{Form: formkit.New(fields...), fallback: fallback}
	f.LabelWidth = 24
	if fallback != "" {
		f.Get(fieldName).SetPlaceholder("e.g. " + fallback)
	}
	return f
}

// clear forgets everything typed (the secrets first of all).
func (f *form) clear() {
	for _, fl := range f.Fields {
		fl.Clear()
	}
	f.Blur()
}

func (f *form) name() string {
	if n := f.Value(fieldName); n != "" {
		return n
	}
	return f.fallback
}

func (f *form) credentials() store.Credentials {
	return store.Credentials{
		Token:   f.Value(fieldToken),
		AgentID: f.Value(fieldAgentID), AgentPassword: f.Value(fieldAgentPassword),
		AgentKeyFile: f.Value(fieldAgentKeyFile), AgentCertFile: f.Value(fieldAgentCertFile), AgentPassphrase: f.Value(fieldAgentPassphrase),
		APIID: f.Value(fieldAPIID), APIPassword: f.Value(fieldAPIPassword), ShopID: f.Value(fieldShopID),
	}
}

// check finds what is wrong before anything is sent, and the field to fix.
func (f *form) check() (string, string) {
	if err := store.CheckProfileName(f.name()); err != nil {
		return "Profile name: use 1-64 letters, digits, '.', '_' or '-' (no spaces)", fieldName
	}
	c := f.credentials()
	switch {
	case c.IsZero():
		return "Fill at least one group: a wallet token, an agent id with its password, or the merchant API_ID, API_PASSWORD and shop id", fieldToken
	case c.AgentID == "" && (c.AgentPassword != "" || c.AgentKeyFile != "" || c.AgentCertFile != "" || c.AgentPassphrase != ""):
		return "The agent password or key needs the agent terminal id", fieldAgentID
	case c.AgentID != "" && c.AgentPassword == "" && c.AgentKeyFile == "":
		return "The agent terminal id needs its password", fieldAgentPassword
	case c.AgentCertFile != "" && c.AgentKeyFile == "":
		return "The agent certificate needs its key file", fieldAgentKeyFile
	case c.AgentCertFile != "" && c.AgentPassword == "":
		return "A certificate login still needs the agent password", fieldAgentPassword
	}
	if err := c.Check(); err != nil {
		for _, k := range []string{fieldAPIID, fieldAPIPassword, fieldShopID} {
			if f.Value(k) == "" {
				return "Merchant credentials need API_ID, API_PASSWORD and the shop id: " + f.Get(k).Label + " is empty", k
			}
		}
		return err.Error(), fieldToken
	}
	return "", ""
}

// openForm opens the login form for an existing profile, or with name ""
// for a new one (named after the default profile when it is the first).
func (m *Model) openForm(name string) tea.Cmd {
	if m.deps.Accounts == nil {
		return nil
	}
	fallback := ""
	if name == "" && len(m.rows) == 0 {
		fallback = m.deps.Config.DefaultProfile
	}
	m.formGen++
	m.form = newForm(name, fallback)
	return nil
}

func (m *Model) closeForm() {
	if m.form != nil {
		m.form.clear()
	}
	m.form = nil
	m.formGen++ // a check still running reports as a toast only
}

func (m *Model) formKey(msg tea.KeyMsg) tea.Cmd {
	k, f := m.c.Keys, m.form
	if key.Matches(msg, k.Back) {
		checking := f.checking
		m.closeForm()
		if checking {
			return common.Toast("The check goes on; its outcome will show here")
		}
		return nil
	}
	if f.checking {
		return nil // the inputs are being checked: no edits meanwhile
	}
	if key.Matches(msg, k.Enter) {
		return m.submit() // from any field
	}
	_, cmd := f.Update(msg, k)
	return cmd
}

// submit checks the inputs locally, then has the store verify them against
// the APIs and save them, in a command.
func (m *Model) submit() tea.Cmd {
	f := m.form
	if p, field := f.check(); p != "" {
		f.problem = p
		f.Focus(field)
		return nil
	}
	f.checking, f.problem = true, ""
	gen, name, cr := m.formGen, f.name(), f.credentials()
	acc, v, urls := m.deps.Accounts, m.deps.Verifier, m.deps.URLs
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), loginTimeout)
		defer cancel()
		msg := loginDoneMsg{gen: gen, name: name}
		p, err := acc.Login(ctx, name, cr, v)
		if err != nil {
			msg.reason, msg.field = refusal(m.c, err, cr)
			return msg
		}
		msg.ok, msg.modes, msg.wallet = true, p.Has, p.Wallet
		if urls.BaseURL != "" || urls.AgentURL != "" || urls.MerchantURL != "" {
			set := p.Settings
			set.BaseURL, set.AgentURL, set.MerchantURL = urls.BaseURL, urls.AgentURL, urls.MerchantURL
			if err := acc.SaveSettings(ctx, name, set); err != nil {
				msg.reason = "The credentials were saved, but the API hosts were not: " + store.Redact(err.Error(), cr)
			}
		}
		return msg
	}
}

// refusal says why a login failed, in words, with no secret in it, and
// which field to fix.
func refusal(c *common.Common, err error, cr store.Credentials) (string, string) {
	var le *store.LoginError
	var text string
	field := fieldToken
	switch {
	case errors.As(err, &le):
		text = fmt.Sprintf("QIWI refused the %s credentials: %s. Nothing was saved.", le.Mode, le.Reason)
		switch le.Mode {
		case "agent":
			field = fieldAgentID
		case "merchant":
			field = fieldAPIID
		}
	case errors.Is(err, store.ErrNoKeyring):
		text = "Nothing was saved: no OS keyring is reachable.\n" + store.NoKeyringHelp
	case errors.Is(err, context.DeadlineExceeded):
		text = "QIWI did not answer in time; nothing was saved. Check the network and try again."
	default:
		text = c.Explain(err) + ". Nothing was saved."
	}
	return store.Redact(text, cr), field
}

func (m *Model) loginDone(msg loginDoneMsg) tea.Cmd {
	current := m.form != nil && msg.gen == m.formGen
	if !msg.ok {
		if current {
			m.form.checking = false
			m.form.problem = msg.reason
			m.form.Focus(msg.field)
			return nil
		}
		return func() tea.Msg {
			return common.ToastMsg{Text: "Login of " + msg.name + " failed: " + firstLine(msg.reason), Error: true}
		}
	}
	if current {
		m.closeForm()
	}
	m.pick = msg.name
	m.relogged[msg.name] = true
	text := fmt.Sprintf("Profile %s saved (modes: %s", msg.name, msg.modes)
	if msg.wallet != "" {
		text += "; wallet " + m.c.Personal("+"+msg.wallet)
	}
	if msg.name == m.deps.Active {
		text += "). Press enter on it to reopen it with these credentials."
	} else {
		text += "). Press enter on it to open it."
	}
	toast := common.Toast(text)
	if msg.reason != "" {
		toast = func() tea.Msg { return common.ToastMsg{Text: msg.reason, Error: true} }
	}
	return tea.Batch(toast, m.load())
}

func (m *Model) formView() string {
	s, f := m.c.Styles, m.form
	var b strings.Builder
	b.WriteString(s.Title.Render(" Log in a profile") + "\n")
	intro := "Fill what you have and leave the rest empty. QIWI checks it first; nothing is saved unless it is accepted."
	if m.width > 0 {
		intro = strings.ReplaceAll(formkit.Wrap(intro, max(20, m.width-2)), "\n", "\n ")
	}
	b.WriteString(s.Subtle.Render(" "+intro) + "\n")
	if name := f.name(); name != "" {
		for _, r := range m.rows {
			if r.name == name && r.modes.Any() {
				b.WriteString(s.Subtle.Render(" "+name+" exists: what you fill is added to it or replaces that group.") + "\n")
			}
		}
	}
	b.WriteString("\n")
	b.WriteString(f.View(s, true, m.width, 0) + "\n\n")
	switch {
	case f.checking:
		b.WriteString(s.Accent.Render(" Checking with QIWI…") + "\n")
	case f.problem != "":
		for i, l := range strings.Split(f.problem, "\n") {
			prefix := " ✗ "
			if i > 0 {
				prefix = "   "
			}
			b.WriteString(s.Error.Render(prefix+l) + "\n")
		}
	}
	where := "the OS keyring"
	if m.deps.InMemory {
		where = "memory only (demo)"
	}
	b.WriteString(s.Subtle.Render(" Secrets are typed hidden and kept in "+where+"; never in a file.") + "\n")
	return b.String()
}
