package settings

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/store"
	"qiwidash/ui/common"
	"qiwidash/ui/formkit"
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
	gen, deps, wallet, c := m.gen, m.deps, m.c.Wallet, m.c
	if deps.Accounts == nil {
		return func() tea.Msg { return loadedMsg{gen: gen, err: i18n.Errorf("settings.no_store", nil, nil)} }
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
				r.problem = c.Tr.T("settings.secrets_unreadable", i18n.Args{"Why": firstLine(c.Explain(err))})
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
			return common.Toast(m.c.Tr.T("settings.already_open", i18n.Args{"Name": r.name}))
		}
		return common.SwitchProfile(r.name)
	case key.Matches(msg, k.Reject):
		return m.askLogout()
	case key.Matches(msg, k.Delete):
		return m.askDelete()
	case key.Matches(msg, m.languageKey()):
		return m.switchLanguage()
	}
	return nil
}

// removedFrom is where the secrets are removed from, in words.
func (m *Model) removedFrom() string {
	if m.deps.InMemory {
		return m.c.Tr.T("settings.from_memory", nil)
	}
	return m.c.Tr.T("settings.from_keyring", nil)
}

func (m *Model) askLogout() tea.Cmd {
	r, ok := m.selected()
	if !ok {
		return nil
	}
	if !r.saved {
		return common.Toast(m.c.Tr.T("settings.logout_not_saved", i18n.Args{"Name": r.name}))
	}
	if !r.modes.Any() && r.source != "env" {
		return common.Toast(m.c.Tr.T("settings.already_logged_out", i18n.Args{"Name": r.name}))
	}
	tr := m.c.Tr
	lines := []string{
		tr.T("settings.logout_secrets", i18n.Args{"Name": r.name, "From": m.removedFrom()}),
		tr.T("settings.logout_history_stays", nil),
		tr.T("settings.logout_again", i18n.Args{"Key": m.c.Keys.New.Help().Key}),
	}
	if r.name == m.deps.Active {
		lines = append(lines, tr.T("settings.stays_open", nil))
	}
	acc, name := m.deps.Accounts, r.name
	done := tr.T("settings.logged_out", i18n.Args{"Name": name})
	return common.Confirm(tr.T("settings.logout_title", i18n.Args{"Name": name}), lines, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return actionDoneMsg{text: done, err: acc.Logout(ctx, name)}
	})
}

func (m *Model) askDelete() tea.Cmd {
	r, ok := m.selected()
	if !ok {
		return nil
	}
	if !r.saved {
		return common.Toast(m.c.Tr.T("settings.delete_not_saved", i18n.Args{"Name": r.name}))
	}
	tr := m.c.Tr
	lines := []string{
		tr.T("settings.delete_secrets", i18n.Args{"Name": r.name, "From": m.removedFrom()}),
		tr.T("settings.delete_history_stays", nil),
	}
	if r.name == m.deps.Active {
		lines = append(lines, tr.T("settings.stays_open", nil))
	}
	acc, name := m.deps.Accounts, r.name
	done := tr.T("settings.deleted", i18n.Args{"Name": name})
	return common.Confirm(tr.T("settings.delete_title", i18n.Args{"Name": name}), lines, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return actionDoneMsg{text: done, err: acc.DeleteProfile(ctx, name)}
	})
}

// ShortHelp lists the screen's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k, tr := m.c.Keys, m.c.Tr
	if m.form != nil {
		h := m.form.Help(k, tr.T("settings.key_check_save", nil))
		h[3] = common.Relabel(k.Enter, tr.T("settings.key_check_save", nil)) // enter submits from any field
		return h
	}
	enter := common.Relabel(k.Enter, tr.T("settings.key_open", nil))
	login := common.Relabel(k.New, tr.T("settings.key_login", nil))
	logout := common.Relabel(k.Reject, tr.T("settings.key_logout", nil))
	del := common.Relabel(k.Delete, tr.T("settings.key_delete", nil))
	has := len(m.rows) > 0
	if r, ok := m.selected(); ok && r.name == m.deps.Active && r.modes.Any() && !m.relogged[r.name] {
		enter = common.Relabel(enter, tr.T("settings.key_open_is_open", nil))
		enter.SetEnabled(false)
	} else {
		enter.SetEnabled(has)
	}
	logout.SetEnabled(has)
	del.SetEnabled(has)
	return []key.Binding{k.Up, k.Down, enter, login, logout, del, m.languageKey(), k.Refresh}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the profiles and the settings, or the login form.
func (m *Model) View() string {
	if m.form != nil {
		return m.formView()
	}
	s, tr := m.c.Styles, m.c.Tr
	var b strings.Builder
	switch {
	case m.deps.InMemory:
		b.WriteString(s.Subtle.Render(" "+tr.T("settings.demo", nil)) + "\n\n")
	case m.keyringErr != nil:
		b.WriteString(s.Warning.Render(" ! "+tr.T("settings.no_keyring", nil)) + "\n")
		for _, l := range strings.Split(store.KeyringHelp(m.c.Tr), "\n") {
			b.WriteString(s.Subtle.Render("   "+l) + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString(s.Title.Render(" "+tr.T("settings.profiles", nil)) + "\n")
	switch {
	case m.state == common.StateLoading && len(m.rows) == 0:
		b.WriteString(s.Subtle.Render(" "+tr.T("settings.loading", nil)) + "\n")
	case m.state == common.StateError && len(m.rows) == 0:
		b.WriteString(s.Error.Render(" "+m.c.Explain(m.err)) + "\n" + s.Subtle.Render(" "+tr.T("settings.retry", i18n.Args{"Key": m.c.Keys.Refresh.Help().Key})) + "\n")
	case len(m.rows) == 0:
		b.WriteString(s.Subtle.Render(" "+tr.T("settings.none", i18n.Args{"Key": m.c.Keys.New.Help().Key})) + "\n")
	default:
		b.WriteString(s.TableHeader.Render("   "+common.PadRight(tr.T("settings.col_profile", nil), 16)+" "+common.PadRight(tr.T("settings.col_modes", nil), 23)+" "+
			common.PadRight(tr.T("settings.col_wallet", nil), 15)+" "+tr.T("settings.col_secrets", nil)) + "\n")
		for i, r := range m.rows {
			b.WriteString(m.rowView(i, r))
		}
		b.WriteString(s.Subtle.Render("   "+tr.T("settings.on_screen", nil)) + "\n")
	}
	b.WriteString("\n" + m.settingsView())
	return b.String()
}

// modes are a profile's modes in words ("wallet+merchant").
func (m *Model) modes(md store.Modes) string {
	var parts []string
	if md.Wallet {
		parts = append(parts, m.c.Tr.T("settings.mode_wallet", nil))
	}
	if md.Agent {
		parts = append(parts, m.c.Tr.T("settings.mode_agent", nil))
	}
	if md.Merchant {
		parts = append(parts, m.c.Tr.T("settings.mode_merchant", nil))
	}
	if len(parts) == 0 {
		return m.c.Tr.T("settings.logged_out_row", nil)
	}
	return strings.Join(parts, "+")
}

// source is where a row's secrets are, in words.
func (m *Model) source(r row) string {
	tr := m.c.Tr
	var src string
	switch r.source {
	case "memory":
		src = tr.T("settings.in_memory", nil)
	case "env":
		src = tr.T("settings.in_env", nil)
	case "keyring":
		src = tr.T("settings.in_keyring", nil)
	}
	switch {
	case !r.saved:
		return tr.T("settings.this_run_only", i18n.Args{"Source": src})
	case src == "":
		return "—"
	}
	return src
}

func (m *Model) rowView(i int, r row) string {
	s, tr := m.c.Styles, m.c.Tr
	mark := " "
	if r.name == m.deps.Active {
		mark = "*"
	}
	wallet := "—"
	if r.wallet != "" {
		wallet = m.c.Personal("+" + r.wallet)
	}
	line := mark + " " + common.PadRight(common.Truncate(r.name, 16), 16) + " " + common.PadRight(common.Truncate(m.modes(r.modes), 23), 23) + " " +
		common.PadRight(wallet, 15) + " " + m.source(r)
	if i == m.cursor {
		line = s.Selected.Render("▶" + line)
	} else {
		line = " " + line
	}
	var secrets []string
	if r.token != "" {
		secrets = append(secrets, tr.T("settings.secret_token", i18n.Args{"Token": r.token}))
	}
	if r.agentID != "" {
		secrets = append(secrets, tr.T("settings.secret_agent", i18n.Args{"ID": m.c.Personal(r.agentID), "Password": r.agentPW}))
	}
	if r.apiID != "" {
		secrets = append(secrets, tr.T("settings.secret_merchant", i18n.Args{"ID": r.apiID, "Password": r.apiPW, "Shop": m.c.Personal(r.shopID)}))
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

// interval is a refresh interval in words, to the second ("5 min 30 s").
func (m *Model) interval(d time.Duration) string {
	mins, secs := int(d/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case mins == 0:
		return m.c.Tr.T("settings.seconds", i18n.Args{"N": secs})
	case secs == 0:
		return m.c.Tr.T("settings.minutes", i18n.Args{"N": mins})
	}
	return m.c.Tr.T("settings.minutes_seconds", i18n.Args{"M": mins, "S": secs})
}

func (m *Model) settingsView() string {
	s, tr := m.c.Styles, m.c.Tr
	cfg := m.deps.Config
	var b strings.Builder
	b.WriteString(s.Title.Render(" "+tr.T("settings.title", nil)) + s.Subtle.Render("  "+tr.T("settings.read_only_here", i18n.Args{"Path": cfg.ConfigPath})) + "\n")
	item := func(label, value string) {
		b.WriteString("   " + s.Label.Render(common.PadRight(label, 16)) + " " + value + "\n")
	}
	file := cfg.ConfigPath
	if !cfg.ConfigExists {
		file += s.Subtle.Render("  " + tr.T("settings.not_created", nil))
	}
	item(tr.T("settings.config_file", nil), file)
	item(tr.T("settings.default_profile", nil), cfg.DefaultProfile)
	item(tr.T("settings.theme", nil), cfg.Theme)
	refresh := tr.T("settings.off", nil)
	if cfg.RefreshInterval > 0 {
		refresh = tr.T("settings.every", i18n.Args{"Interval": cfg.RefreshInterval.String(), "Words": m.interval(cfg.RefreshInterval)})
	}
	item(tr.T("settings.refresh", nil), refresh)
	onOff := func(b bool) string {
		if b {
			return tr.T("settings.on", nil)
		}
		return tr.T("settings.off", nil)
	}
	now := func(start, cur bool) string {
		return tr.T("settings.start_now", i18n.Args{"Start": onOff(start), "Now": onOff(cur)})
	}
	privacy, readOnly := false, false
	if m.c.Settings != nil {
		privacy, readOnly = m.c.Settings.Privacy, m.c.Settings.ReadOnly
	}
	item(tr.T("settings.privacy", nil), now(cfg.Privacy, privacy)+s.Subtle.Render("  "+tr.T("settings.toggles", i18n.Args{"Key": m.c.Keys.Privacy.Help().Key})))
	item(tr.T("settings.read_only", nil), now(cfg.ReadOnly, readOnly))
	lang := m.c.Tr.Lang()
	item(tr.T("settings.language", nil), m.languageWords()+s.Subtle.Render("  "+tr.T("settings.language_switch", i18n.Args{"Key": langKey, "Other": languageNames[otherLanguage(lang)]})))
	keep := tr.T("settings.language_keep", nil)
	if m.width > 0 {
		keep = formkit.Wrap(keep, max(20, m.width-4))
	}
	for _, l := range strings.Split(keep, "\n") {
		b.WriteString(s.Subtle.Render("   "+l) + "\n")
	}
	return b.String()
}
