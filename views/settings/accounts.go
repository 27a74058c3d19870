package settings

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/store"
	"qiwidash/ui/common"
)

// row is one profile as listed. Secrets are masked before they get here:
// the model never holds a saved secret in clear.
type row struct {
	name    string
	modes   store.Modes
	wallet  string
	source  string // "keyring", "env" or "memory"; "" when unreadable
	token   string // masked
	agentID string
	agentPW string // masked
	apiID   string // masked
	apiPW   string // masked
	shopID  string
	problem string // why the secrets could not be read
	saved   bool   // false: the active profile comes from QIWI_* variables only
}

// loadedMsg is the profile list for one load generation.
type loadedMsg struct {
	gen        int
	rows       []row
	keyringErr error
	err        error
}

// loginDoneMsg is the outcome of a login from the form.
type loginDoneMsg struct {
	gen    int
	ok     bool // saved (reason may still tell of a part that was not)
	name   string
	modes  store.Modes
	wallet string
	reason string // the refusal in words, secrets masked; "" on success
	field  string // the key of the field to fix
}

// actionDoneMsg reports a logout or a deletion.
type actionDoneMsg struct {
	text string
	err  error
}

// Model is the Accounts screen.
type Model struct {
	c    *common.Common
	deps Deps

	width, height int
	state         common.LoadState
	gen           int
	err           error
	keyringErr    error

	rows   []row
	cursor int
	pick   string // a profile to put the cursor on after the next load

	form    *form
	formGen int

	// relogged are profiles logged in again here: enter reopens the active
	// one with its new credentials.
	relogged map[string]bool
}

// New builds the screen.
func New(c *common.Common, deps Deps) *Model {
	return &Model{c: c, deps: deps, relogged: map[string]bool{}}
}

// Title is the tab label.
func (m *Model) Title() string { return "Accounts" }

// Init loads the profiles.
func (m *Model) Init() tea.Cmd { return m.load() }

// SetSize records the body size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// InputFocused is true while the login form is open: every key goes to it.
func (m *Model) InputFocused() bool { return m.form != nil }

// Busy reports a load or a login check in flight.
func (m *Model) Busy() bool {
	return m.state == common.StateLoading || m.form != nil && m.form.checking
}

// Profiles are the listed profile names, in order (for tests).
func (m *Model) Profiles() []string {
	out := make([]string, len(m.rows))
	for i, r := range m.rows {
		out[i] = r.name
	}
	return out
}

// FormProblem is what the login form says is wrong ("" when nothing, or
// when the form is closed).
func (m *Model) FormProblem() string {
	if m.form == nil {
		return ""
	}
	return m.form.problem
}

func (m *Model) load() tea.Cmd {
	m.gen++
	m.state = common.StateLoading
	gen, deps, wallet := m.gen, m.deps, m.c.Wallet
	if deps.Accounts == nil {
		return func() tea.Msg { return loadedMsg{gen: gen, err: errors.New("no profile store")} }
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		msg := loadedMsg{gen: gen}
		if deps.Keyring != nil && !deps.InMemory {
			msg.keyringErr = deps.Keyring()
		}
		profiles, err := deps.Accounts.Profiles(ctx)
		if err != nil {
			msg.err = err
			return msg
		}
		active := false
		for _, p := range profiles {
			r := row{name: p.Name, modes: p.Has, wallet: p.Wallet, saved: true}
			if p.Name == deps.Active {
				active = true
			}
			if sess, err := deps.Accounts.Unlock(ctx, p.Name); err == nil {
				r.fill(sess, deps.InMemory)
			} else if p.Has.Any() {
				r.problem = "secrets unreadable: " + firstLine(err.Error())
			}
			msg.rows = append(msg.rows, r)
		}
		if !active && deps.Active != "" {
			// Opened from QIWI_* variables without a saved profile.
			r := row{name: deps.Active}
			if sess, err := deps.Accounts.Unlock(ctx, deps.Active); err == nil {
				r.fill(sess, deps.InMemory)
			}
			msg.rows = append(msg.rows, r)
			sort.Slice(msg.rows, func(i, j int) bool { return msg.rows[i].name < msg.rows[j].name })
		}
		for i := range msg.rows {
			if msg.rows[i].name == deps.Active && msg.rows[i].wallet == "" {
				msg.rows[i].wallet = wallet
			}
		}
		return msg
	}
}

// fill takes the modes, source and masked secrets of a session.
func (r *row) fill(s *store.Session, inMemory bool) {
	c := s.Credentials
	r.modes = c.Modes()
	switch {
	case inMemory:
		r.source = "memory"
	case s.Source == store.FromEnv:
		r.source = "env"
	default:
		r.source = "keyring"
	}
	m := c.Masked()
	r.token = m.Token
	if c.AgentID != "" {
		r.agentID, r.agentPW = m.AgentID, m.AgentPassword
	}
	if c.APIID != "" {
		r.apiID, r.apiPW, r.shopID = m.APIID, m.APIPassword, m.ShopID
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Update handles keys, the list, login outcomes and actions.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		if m.form != nil {
			return m, nil
		}
		return m, m.load()
	case common.ScrollMsg:
		if m.form == nil {
			m.cursor = common.Clamp(m.cursor+msg.Delta, len(m.rows))
		}
		return m, nil
	case loadedMsg:
		if msg.gen != m.gen {
			return m, nil // stale: a newer load is under way
		}
		m.keyringErr = msg.keyringErr
		if msg.err != nil {
			m.state, m.err = common.StateError, msg.err
			return m, m.c.ErrorToast(msg.err)
		}
		m.state, m.err, m.rows = common.StateReady, nil, msg.rows
		for i, r := range m.rows {
			if m.pick != "" && r.name == m.pick {
				m.cursor = i
			}
		}
		m.pick = ""
		m.cursor = min(m.cursor, max(0, len(m.rows)-1))
		return m, nil
	case loginDoneMsg:
		return m, m.loginDone(msg)
	case actionDoneMsg:
		if msg.err != nil {
			return m, tea.Batch(m.c.ErrorToast(msg.err), m.load())
		}
		return m, tea.Batch(common.Toast(msg.text), m.load())
	case tea.KeyMsg:
		if m.form != nil {
			return m, m.formKey(msg)
		}
		return m, m.listKey(msg)
	}
	return m, nil
}

func (m *Model) selected() (row, bool) {
	if m.cursor < len(m.rows) {
		return m.rows[m.cursor], true
	}
	return row{}, false
}

func (m *Model) listKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.Down):
		m.cursor = min(max(0, len(m.rows)-1), m.cursor+1)
	case key.Matches(msg, k.Refresh):
		return m.load()
	case key.Matches(msg, k.New):
		return m.openForm("")
	case key.Matches(msg, k.Enter):
		r, ok := m.selected()
		if !ok {
			return m.openForm("")
		}
		if !r.modes.Any() {
			return m.openForm(r.name) // logged out: log in again
		}
		if r.name == m.deps.Active && !m.relogged[r.name] {
			// Opening it again would rebuild every screen and lose their state.
			return common.Toast("Profile " + r.name + " is already open")
		}
		return common.SwitchProfile(r.name)
	case key.Matches(msg, k.Reject):
		return m.askLogout()
	case key.Matches(msg, k.Delete):
		return m.askDelete()
	}
	return nil
}

// where is where the secrets live, in words.
func (m *Model) where() string {
	if m.deps.InMemory {
		return "memory"
	}
	return "the OS keyring"
}

func (m *Model) askLogout() tea.Cmd {
	r, ok := m.selected()
	if !ok {
		return nil
	}
	if !r.saved {
		return common.Toast("Profile " + r.name + " is not saved: its credentials come from QIWI_* variables for this run only")
	}
	if !r.modes.Any() && r.source != "env" {
		return common.Toast("Profile " + r.name + " is already logged out")
	}
	lines := []string{
		fmt.Sprintf("The secrets of %q are removed from %s.", r.name, m.where()),
		"Its cached history and payment journal stay.",
		"Log in again with n.",
	}
	if r.name == m.deps.Active {
		lines = append(lines, "This profile stays open until you switch profiles or quit.")
	}
	acc, name := m.deps.Accounts, r.name
	return common.Confirm("Log out of profile "+name+"?", lines, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return actionDoneMsg{text: "Logged out of " + name + "; its secrets are removed", err: acc.Logout(ctx, name)}
	})
}

func (m *Model) askDelete() tea.Cmd {
	r, ok := m.selected()
	if !ok {
		return nil
	}
	if !r.saved {
		return common.Toast("Profile " + r.name + " is not saved: there is nothing to delete")
	}
	lines := []string{
		fmt.Sprintf("The profile %q is forgotten and its secrets are removed from %s.", r.name, m.where()),
		"The cached history of its wallet stays in the store file.",
	}
	if r.name == m.deps.Active {
		lines = append(lines, "This profile stays open until you switch profiles or quit.")
	}
	acc, name := m.deps.Accounts, r.name
	return common.Confirm("Delete profile "+name+"?", lines, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return actionDoneMsg{text: "Deleted profile " + name, err: acc.DeleteProfile(ctx, name)}
	})
}

// ShortHelp lists the screen's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.form != nil {
		h := m.form.Help(k, "check & save")
		h[3] = common.Relabel(k.Enter, "check & save") // enter submits from any field
		return h
	}
	enter, login, logout, del := k.Enter, k.New, k.Reject, k.Delete
	enter = common.Relabel(enter, "open profile")
	login = common.Relabel(login, "log in")
	logout = common.Relabel(logout, "log out")
	del = common.Relabel(del, "delete")
	has := len(m.rows) > 0
	if r, ok := m.selected(); ok && r.name == m.deps.Active && r.modes.Any() && !m.relogged[r.name] {
		enter = common.Relabel(enter, "open profile (it is open)")
		enter.SetEnabled(false)
	} else {
		enter.SetEnabled(has)
	}
	logout.SetEnabled(has)
	del.SetEnabled(has)
	return []key.Binding{k.Up, k.Down, enter, login, logout, del, k.Refresh}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the profiles and the settings, or the login form.
func (m *Model) View() string {
	if m.form != nil {
		return m.formView()
	}
	s := m.c.Styles
	var b strings.Builder
	switch {
	case m.deps.InMemory:
		b.WriteString(s.Subtle.Render(" Demo: profiles live in memory only; nothing is written and no keyring is used.") + "\n\n")
	case m.keyringErr != nil:
		b.WriteString(s.Warning.Render(" ! No OS keyring is reachable: logins cannot be saved.") + "\n")
		for _, l := range strings.Split(store.NoKeyringHelp, "\n") {
			b.WriteString(s.Subtle.Render("   "+l) + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString(s.Title.Render(" Profiles") + "\n")
	switch {
	case m.state == common.StateLoading && len(m.rows) == 0:
		b.WriteString(s.Subtle.Render(" Loading profiles…") + "\n")
	case m.state == common.StateError && len(m.rows) == 0:
		b.WriteString(s.Error.Render(" "+m.c.Explain(m.err)) + "\n" + s.Subtle.Render(" Press r to retry.") + "\n")
	case len(m.rows) == 0:
		b.WriteString(s.Subtle.Render(" No saved profile. Press n to log one in.") + "\n")
	default:
		b.WriteString(s.TableHeader.Render(fmt.Sprintf("   %-16s %-23s %-15s %s", "PROFILE", "MODES", "WALLET", "SECRETS IN")) + "\n")
		for i, r := range m.rows {
			b.WriteString(m.rowView(i, r))
		}
		b.WriteString(s.Subtle.Render("   * the profile on screen") + "\n")
	}
	b.WriteString("\n" + m.settingsView())
	return b.String()
}

func (m *Model) rowView(i int, r row) string {
	s := m.c.Styles
	mark := " "
	if r.name == m.deps.Active {
		mark = "*"
	}
	modes := r.modes.String()
	if !r.modes.Any() {
		modes = "logged out"
	}
	wallet := "—"
	if r.wallet != "" {
		wallet = m.c.Personal("+" + r.wallet)
	}
	source := r.source
	switch {
	case !r.saved:
		source += " (this run only)"
	case source == "":
		source = "—"
	}
	line := fmt.Sprintf("%s %-16s %-23s %-15s %s", mark, common.Truncate(r.name, 16), modes, wallet, source)
	if i == m.cursor {
		line = s.Selected.Render("▶" + line)
	} else {
		line = " " + line
	}
	var secrets []string
	if r.token != "" {
		secrets = append(secrets, "token "+r.token)
	}
	if r.agentID != "" {
		secrets = append(secrets, "agent "+m.c.Personal(r.agentID)+" / "+r.agentPW)
	}
	if r.apiID != "" {
		secrets = append(secrets, "merchant "+r.apiID+" / "+r.apiPW+" shop "+m.c.Personal(r.shopID))
	}
	detail := strings.Join(secrets, " · ")
	if r.problem != "" {
		detail = "! " + r.problem
	}
	if detail == "" {
		return line + "\n"
	}
	return line + "\n" + s.Subtle.Render("     "+common.Truncate(detail, max(10, m.width-6))) + "\n"
}

func (m *Model) settingsView() string {
	s := m.c.Styles
	cfg := m.deps.Config
	var b strings.Builder
	b.WriteString(s.Title.Render(" Settings") + s.Subtle.Render("  (read-only here; edit "+cfg.ConfigPath+")") + "\n")
	item := func(label, value string) {
		b.WriteString("   " + s.Label.Render(common.PadRight(label, 16)) + " " + value + "\n")
	}
	file := cfg.ConfigPath
	if !cfg.ConfigExists {
		file += s.Subtle.Render("  (not created yet: the defaults apply)")
	}
	item("Config file", file)
	item("Default profile", cfg.DefaultProfile)
	item("Theme", cfg.Theme)
	refresh := "off"
	if cfg.RefreshInterval > 0 {
		refresh = "every " + cfg.RefreshInterval.String()
	}
	item("Refresh", refresh)
	onOff := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	now := func(start, cur bool) string { return onOff(start) + " at start, " + onOff(cur) + " now" }
	privacy, readOnly := false, false
	if m.c.Settings != nil {
		privacy, readOnly = m.c.Settings.Privacy, m.c.Settings.ReadOnly
	}
	item("Privacy", now(cfg.Privacy, privacy)+s.Subtle.Render("  (p toggles)"))
	item("Read-only", now(cfg.ReadOnly, readOnly))
	return b.String()
}
