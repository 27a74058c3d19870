package settings

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
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
func loginFields(tr *i18n.Tr) []*formkit.Field {
	text := func(key, label, placeholder string) *formkit.Field {
		return formkit.NewText(key, label, placeholder).WithValidate(togetherAtSubmit)
	}
	secret := func(key, label string) *formkit.Field {
		return formkit.NewSecret(key, label, "").WithValidate(togetherAtSubmit)
	}
	return []*formkit.Field{
		text(fieldName, tr.T("settings.field_name", nil), tr.T("settings.field_name_hint", nil)),
		secret(fieldToken, tr.T("settings.field_token", nil)).InGroup(tr.T("settings.group_wallet", nil)),
		text(fieldAgentID, tr.T("settings.field_agent_id", nil), "").InGroup(tr.T("settings.group_agent", nil)),
		secret(fieldAgentPassword, tr.T("settings.field_agent_password", nil)),
		text(fieldAgentKeyFile, tr.T("settings.field_agent_key", nil), "").WithHint(tr.T("settings.field_agent_key_hint", nil)),
		text(fieldAgentCertFile, tr.T("settings.field_agent_cert", nil), "").WithHint(tr.T("settings.field_agent_cert_hint", nil)),
		secret(fieldAgentPassphrase, tr.T("settings.field_agent_passphrase", nil)),
		text(fieldAPIID, tr.T("settings.field_api_id", nil), "").InGroup(tr.T("settings.group_merchant", nil)),
		secret(fieldAPIPassword, tr.T("settings.field_api_password", nil)),
		text(fieldShopID, tr.T("settings.field_shop_id", nil), "prv_id"),
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
func newForm(tr *i18n.Tr, name, fallback string) *form {
	fields := loginFields(tr)
	fields[0].WithValue(name)
	f := &form{Form: formkit.New(fields...).WithTr(tr), fallback: fallback}
	f.LabelWidth = 24
	if fallback != "" {
		f.Get(fieldName).SetPlaceholder("e.g. " + fallback) // an example: the kit words its "e.g."
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

// check finds what is wrong before anything is sent, in words, and the
// field to fix.
func (f *form) check(c *common.Common) (string, string) {
	tr := c.Tr
	if err := store.CheckProfileName(f.name()); err != nil {
		return tr.T("settings.check_name", nil), fieldName
	}
	cr := f.credentials()
	switch {
	case cr.IsZero():
		return tr.T("settings.check_empty", nil), fieldToken
	case cr.AgentID == "" && (cr.AgentPassword != "" || cr.AgentKeyFile != "" || cr.AgentCertFile != "" || cr.AgentPassphrase != ""):
		return tr.T("settings.check_agent_id", nil), fieldAgentID
	case cr.AgentID != "" && cr.AgentPassword == "" && cr.AgentKeyFile == "":
		return tr.T("settings.check_agent_password", nil), fieldAgentPassword
	case cr.AgentCertFile != "" && cr.AgentKeyFile == "":
		return tr.T("settings.check_agent_key", nil), fieldAgentKeyFile
	case cr.AgentCertFile != "" && cr.AgentPassword == "":
		return tr.T("settings.check_cert_password", nil), fieldAgentPassword
	}
	if err := cr.Check(); err != nil {
		for _, k := range []string{fieldAPIID, fieldAPIPassword, fieldShopID} {
			if f.Value(k) == "" {
				return tr.T("settings.check_merchant", i18n.Args{"Field": f.Get(k).Label}), k
			}
		}
		return c.Explain(err), fieldToken
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
	m.form = newForm(m.c.Tr, name, fallback)
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
			return common.Toast(m.c.Tr.T("settings.check_goes_on", nil))
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
	if p, field := f.check(m.c); p != "" {
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
				msg.reason = store.Redact(m.c.Tr.T("settings.hosts_not_saved", i18n.Args{"Why": m.c.Explain(err)}), cr)
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
	tr := c.Tr
	switch {
	case errors.As(err, &le):
		args := i18n.Args{"Reason": le.Why(tr), "Mode": le.Mode}
		switch le.Mode {
		case "wallet":
			text = tr.T("settings.refused_wallet", args)
		case "agent":
			text, field = tr.T("settings.refused_agent", args), fieldAgentID
		case "merchant":
			text, field = tr.T("settings.refused_merchant", args), fieldAPIID
		default:
			text = tr.T("settings.refused", args)
		}
	case errors.Is(err, store.ErrNoKeyring):
		text = tr.T("settings.refused_no_keyring", nil) + "\n" + store.KeyringHelp(tr)
	case errors.Is(err, context.DeadlineExceeded):
		text = tr.T("settings.refused_timeout", nil)
	default:
		text = tr.T("settings.refused_why", i18n.Args{"Why": c.Explain(err)})
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
		text := m.c.Tr.T("settings.login_failed", i18n.Args{"Name": msg.name, "Why": firstLine(msg.reason)})
		return func() tea.Msg {
			return common.ToastMsg{Text: text, Error: true}
		}
	}
	if current {
		m.closeForm()
	}
	m.pick = msg.name
	m.relogged[msg.name] = true
	args := i18n.Args{"Name": msg.name, "Modes": m.modes(msg.modes), "Key": m.c.Keys.Enter.Help().Key}
	var text string
	switch {
	case msg.wallet != "" && msg.name == m.deps.Active:
		args["Wallet"] = m.c.Personal("+" + msg.wallet)
		text = m.c.Tr.T("settings.saved_wallet_reopen", args)
	case msg.wallet != "":
		args["Wallet"] = m.c.Personal("+" + msg.wallet)
		text = m.c.Tr.T("settings.saved_wallet_open", args)
	case msg.name == m.deps.Active:
		text = m.c.Tr.T("settings.saved_reopen", args)
	default:
		text = m.c.Tr.T("settings.saved_open", args)
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
	tr := m.c.Tr
	b.WriteString(s.Title.Render(" "+tr.T("settings.login_title", nil)) + "\n")
	intro := tr.T("settings.login_intro", nil)
	if m.width > 0 {
		intro = strings.ReplaceAll(formkit.Wrap(intro, max(20, m.width-2)), "\n", "\n ")
	}
	b.WriteString(s.Subtle.Render(" "+intro) + "\n")
	if name := f.name(); name != "" {
		for _, r := range m.rows {
			if r.name == name && r.modes.Any() {
				b.WriteString(s.Subtle.Render(" "+tr.T("settings.login_exists", i18n.Args{"Name": name})) + "\n")
			}
		}
	}
	b.WriteString("\n")
	b.WriteString(f.View(s, true, m.width, 0) + "\n\n")
	switch {
	case f.checking:
		b.WriteString(s.Accent.Render(" "+tr.T("settings.checking", nil)) + "\n")
	case f.problem != "":
		for i, l := range strings.Split(formkit.Wrap(f.problem, max(20, m.width-4)), "\n") { // the rule whole at 80 columns
			prefix := " ✗ "
			if i > 0 {
				prefix = "   "
			}
			b.WriteString(s.Error.Render(prefix+l) + "\n")
		}
	}
	kept := tr.T("settings.kept_keyring", nil)
	if m.deps.InMemory {
		kept = tr.T("settings.kept_memory", nil)
	}
	b.WriteString(s.Subtle.Render(" "+kept) + "\n")
	return b.String()
}
