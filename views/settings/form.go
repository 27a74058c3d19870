package settings

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/store"
	"qiwidash/ui/common"
)

// Fields of the login form, in focus order.
const (
	fieldName = iota
	fieldToken
	fieldAgentID
	fieldAgentPassword
	fieldAgentKeyFile
	fieldAgentCertFile
	fieldAgentPassphrase
	fieldAPIID
	fieldAPIPassword
	fieldShopID
	fieldCount
)

var fieldLabels = [fieldCount]string{
	"Profile name", "Wallet API token", "Agent terminal id", "Agent password",
	"Agent key file", "Agent certificate file", "Agent key passphrase",
	"Merchant API_ID", "Merchant API_PASSWORD", "Merchant shop id",
}

// hiddenField says which fields are secrets: typed without echo.
var hiddenField = [fieldCount]bool{fieldToken: true, fieldAgentPassword: true, fieldAgentPassphrase: true, fieldAPIPassword: true}

// loginTimeout bounds one check-and-save.
const loginTimeout = 45 * time.Second

// form is the login form. Its inputs hold what the user types, secrets
// included, until the login succeeds or the form is closed.
type form struct {
	in       [fieldCount]textinput.Model
	fallback string // the name used when the name field is left empty
	focus    int
	checking bool
	problem  string // why the last attempt failed, in words
}

// newForm opens the form for profile name (focus on the token), or, with
// name "", for a new profile (focus on the name; fallback fills an empty one).
func newForm(name, fallback string) *form {
	f := &form{fallback: fallback}
	for i := range f.in {
		t := textinput.New()
		t.Prompt = "> "
		t.CharLimit = 256
		t.Cursor.SetMode(cursor.CursorStatic) // no blink: deterministic screens
		if hiddenField[i] {
			t.EchoMode = textinput.EchoPassword
			t.EchoCharacter = '•'
		}
		f.in[i] = t
	}
	f.in[fieldName].CharLimit = 64
	f.in[fieldName].Placeholder = "work"
	if fallback != "" {
		f.in[fieldName].Placeholder = fallback
	}
	f.in[fieldToken].Placeholder = "from qiwi.com/api (leave empty if you have none)"
	f.in[fieldShopID].Placeholder = "prv_id"
	f.in[fieldAgentKeyFile].Placeholder = "PEM RSA key path: signs requests (no password), or the certificate's key"
	f.in[fieldAgentCertFile].Placeholder = "PEM client certificate path (private-api.qiwi.com; keeps the password)"
	f.in[fieldAgentPassphrase].Placeholder = "only for an encrypted key"
	f.in[fieldName].SetValue(name)
	start := fieldName
	if name != "" {
		start = fieldToken
	}
	f.setFocus(start)
	return f
}

func (f *form) setFocus(i int) {
	f.focus = i
	for j := range f.in {
		if j == i {
			f.in[j].Focus()
		} else {
			f.in[j].Blur()
		}
	}
}

// clear forgets everything typed (the secrets first of all).
func (f *form) clear() {
	for i := range f.in {
		f.in[i].SetValue("")
		f.in[i].Blur()
	}
}

func (f *form) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	f.in[f.focus], cmd = f.in[f.focus].Update(msg)
	return cmd
}

func (f *form) name() string {
	if n := strings.TrimSpace(f.in[fieldName].Value()); n != "" {
		return n
	}
	return f.fallback
}

func (f *form) credentials() store.Credentials {
	v := func(i int) string { return strings.TrimSpace(f.in[i].Value()) }
	return store.Credentials{
		Token:   v(fieldToken),
		AgentID: v(fieldAgentID), AgentPassword: f.in[fieldAgentPassword].Value(),
		AgentKeyFile: v(fieldAgentKeyFile), AgentCertFile: v(fieldAgentCertFile), AgentPassphrase: f.in[fieldAgentPassphrase].Value(),
		APIID: v(fieldAPIID), APIPassword: f.in[fieldAPIPassword].Value(), ShopID: v(fieldShopID),
	}
}

// problem finds what is wrong before anything is sent, and the field to fix.
func (f *form) check() (string, int) {
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
		for _, i := range []int{fieldAPIID, fieldAPIPassword, fieldShopID} {
			if strings.TrimSpace(f.in[i].Value()) == "" {
				return "Merchant credentials need API_ID, API_PASSWORD and the shop id: " + fieldLabels[i] + " is empty", i
			}
		}
		return err.Error(), fieldToken
	}
	return "", 0
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
	switch {
	case key.Matches(msg, k.Enter):
		return m.submit()
	case key.Matches(msg, k.NextField):
		f.setFocus((f.focus + 1) % fieldCount)
		return nil
	case key.Matches(msg, k.PrevField):
		f.setFocus((f.focus + fieldCount - 1) % fieldCount)
		return nil
	}
	return f.update(msg)
}

// submit checks the inputs locally, then has the store verify them against
// the APIs and save them, in a command.
func (m *Model) submit() tea.Cmd {
	f := m.form
	if p, field := f.check(); p != "" {
		f.problem = p
		f.setFocus(field)
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
			msg.reason, msg.field = refusal(err, cr)
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
func refusal(err error, cr store.Credentials) (string, int) {
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
		text = common.Explain(err) + ". Nothing was saved."
	}
	return store.Redact(text, cr), field
}

func (m *Model) loginDone(msg loginDoneMsg) tea.Cmd {
	current := m.form != nil && msg.gen == m.formGen
	if !msg.ok {
		if current {
			m.form.checking = false
			m.form.problem = msg.reason
			m.form.setFocus(msg.field)
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
	b.WriteString(s.Subtle.Render(" Fill what you have and leave the rest empty. QIWI checks it first; nothing is saved unless it is accepted.") + "\n")
	if name := f.name(); name != "" {
		for _, r := range m.rows {
			if r.name == name && r.modes.Any() {
				b.WriteString(s.Subtle.Render(" "+name+" exists: what you fill is added to it or replaces that group.") + "\n")
			}
		}
	}
	b.WriteString("\n")
	groups := map[int]string{fieldToken: "Wallet", fieldAgentID: "Payment agent (Top-Up API)", fieldAPIID: "Merchant (Pull REST API)"}
	for i := range f.in {
		if g, ok := groups[i]; ok {
			b.WriteString("  " + s.Bold.Render(g) + "\n")
		}
		label := common.PadRight(fieldLabels[i], 22)
		if i == f.focus {
			label = s.Accent.Render("▶ " + label)
		} else {
			label = "  " + s.Label.Render(label)
		}
		b.WriteString("   " + label + " " + f.in[i].View() + "\n")
	}
	b.WriteString("\n")
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
