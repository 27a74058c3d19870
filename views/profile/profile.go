// Package profile is the Profile screen: login and contract data,
// preferences, identification (masked), nickname and restrictions, and the
// identification form behind a confirmation.
package profile

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/ui/common"
	"qiwidash/ui/formkit"
)

type loadedMsg struct {
	gen          int
	profile      *qiwiapi.Profile
	ident        *qiwiapi.Identification
	nickname     *qiwiapi.Nickname
	restrictions []qiwiapi.Restriction
	p2pCount     int
	err          error
	partial      []string // parts that could not be read, in words
}

type identifiedMsg struct {
	ident *qiwiapi.Identification
	err   error
}

// formFields are the identification form's inputs, in order.
func formFields() []*formkit.Field {
	text := formkit.NewText
	return []*formkit.Field{
		text("last", "Last name", "Иванов").WithLimit(64), text("first", "First name", "Иван").WithLimit(64),
		text("middle", "Middle name", "Иванович").WithLimit(64).AsOptional(),
		text("birth", "Birth date", "1990-05-17 (YYYY-MM-DD)"), text("passport", "Passport", "series and number, digits only"),
		text("inn", "INN", "").AsOptional(), text("snils", "SNILS", "").AsOptional(), text("oms", "OMS", "").AsOptional(),
	}
}

// Model is the Profile screen.
type Model struct {
	c             *common.Common
	width, height int
	state         common.LoadState
	gen           int
	err           error
	data          loadedMsg

	form    *formkit.Form // the open identification form, or nil
	sent    *formkit.Form // the form being sent, reopened when QIWI refuses it
	formErr string        // why the last submit or send failed
	scroll  int
}

// New builds the screen.
func New(c *common.Common) *Model { return &Model{c: c} }

// Title is the tab label.
func (m *Model) Title() string { return "Profile" }

// Init loads the profile.
func (m *Model) Init() tea.Cmd { return m.load() }

// Busy reports work in flight.
func (m *Model) Busy() bool { return m.state == common.StateLoading }

// InputFocused is true while the identification form is open.
func (m *Model) InputFocused() bool { return m.form != nil }

// SetSize records the body size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

func (m *Model) load() tea.Cmd {
	m.gen++
	m.state = common.StateLoading
	gen, api, wallet := m.gen, m.c.API, m.c.Wallet
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		msg := loadedMsg{gen: gen}
		msg.profile, _, msg.err = api.Profile.Current(ctx, qiwiapi.ProfileOptions{})
		if msg.err != nil {
			return msg
		}
		// The rest is optional: a token without a scope still shows the profile.
		var err error
		if msg.ident, _, err = api.Identification.Get(ctx, wallet); err != nil {
			msg.partial = append(msg.partial, "identification: "+m.c.Explain(err))
		}
		if msg.nickname, _, err = api.Profile.Nickname(ctx, wallet); err != nil && !errors.Is(err, qiwiapi.ErrNotFound) {
			msg.partial = append(msg.partial, "nickname: "+m.c.Explain(err))
		}
		if msg.restrictions, _, err = api.Profile.Restrictions(ctx, wallet); err != nil {
			msg.partial = append(msg.partial, "restrictions: "+m.c.Explain(err))
		}
		if msg.p2pCount, _, err = api.Limits.P2PPaymentCount(ctx, wallet); err != nil {
			msg.partial = append(msg.partial, "p2p limit: "+m.c.Explain(err))
		}
		return msg
	}
}

// Update handles keys and results.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		if m.form != nil {
			return m, nil
		}
		return m, m.load()
	case common.ScrollMsg:
		if m.form == nil {
			m.scroll = max(0, m.scroll+msg.Delta)
		}
		return m, nil
	case loadedMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		if msg.err != nil {
			m.state, m.err = common.StateError, msg.err
			return m, m.c.ErrorToast(msg.err)
		}
		m.state, m.err, m.data = common.StateReady, nil, msg
		return m, nil
	case identifiedMsg:
		if msg.err != nil {
			m.formErr = m.c.Explain(msg.err)
			m.form = m.sent // back to what was sent, to fix it
			return m, m.c.ErrorToast(msg.err)
		}
		m.sent = nil
		return m, tea.Batch(common.Toast("Identification data sent: level "+msg.ident.Type), m.load())
	case tea.KeyMsg:
		if m.form != nil {
			return m, m.updateForm(msg)
		}
		return m, m.handleKey(msg)
	}
	return m, nil
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Refresh):
		return m.load()
	case key.Matches(msg, k.Down):
		m.scroll++
	case key.Matches(msg, k.Up):
		m.scroll = max(0, m.scroll-1)
	case key.Matches(msg, k.New):
		if !m.c.Settings.ReadOnly && m.state == common.StateReady {
			m.openForm()
		}
	case key.Matches(msg, k.Copy):
		if m.c.Wallet != "" {
			return common.Copy("+"+m.c.Wallet, "wallet number")
		}
	}
	return nil
}

// openForm opens a new identification form, focused on its first field.
func (m *Model) openForm() {
	m.form, m.formErr = formkit.New(formFields()...), ""
}

func (m *Model) request() qiwiapi.IdentificationRequest {
	v := m.form.Value
	return qiwiapi.IdentificationRequest{
		LastName: v("last"), FirstName: v("first"), MiddleName: v("middle"), BirthDate: v("birth"), Passport: v("passport"),
		INN: v("inn"), SNILS: v("snils"), OMS: v("oms"),
	}
}

func (m *Model) updateForm(msg tea.KeyMsg) tea.Cmd {
	ev, cmd := m.form.Update(msg, m.c.Keys)
	switch ev {
	case formkit.Cancel:
		m.form = nil
		return common.Toast("Identification cancelled")
	case formkit.Changed:
		if m.request().Validate() == nil {
			m.formErr = ""
		}
	case formkit.Submit:
		m.form.Submitted()
		if !m.form.Check() {
			m.form.FirstProblem()
			m.formErr = "Fill the required fields marked ✗"
			return nil
		}
		req := m.request()
		if err := req.Validate(); err != nil {
			m.formErr = err.Error()
			return nil
		}
		m.formErr = ""
		m.sent, m.form = m.form, nil
		api, wallet := m.c.API, m.c.Wallet
		return common.Confirm("Send identification data to QIWI?", []string{
			fmt.Sprintf("Name: %s %s %s", req.LastName, req.FirstName, req.MiddleName),
			"Birth date: " + req.BirthDate + "   Passport: " + m.c.Document(req.Passport),
			"QIWI allows at most 5 identified wallets per person.",
		}, func() tea.Msg {
			ident, _, err := api.Identification.Identify(context.Background(), wallet, req)
			return identifiedMsg{ident: ident, err: err}
		})
	}
	return cmd
}

// View draws the profile or the form.
func (m *Model) View() string {
	s := m.c.Styles
	if m.form != nil {
		return m.formView()
	}
	switch m.state {
	case common.StateLoading:
		if m.data.profile == nil {
			return s.Subtle.Render(" Loading profile…")
		}
	case common.StateError:
		if m.data.profile == nil {
			return s.Error.Render(" "+m.c.Explain(m.err)) + "\n\n Press r to retry."
		}
	}
	lines := m.lines()
	m.scroll = min(m.scroll, max(0, len(lines)-m.height))
	end := min(len(lines), m.scroll+max(1, m.height))
	return strings.Join(lines[m.scroll:end], "\n")
}

func (m *Model) lines() []string {
	s := m.c.Styles
	p := m.data.profile
	var out []string
	section := func(title string) { out = append(out, "", s.Title.Render(" "+title)) }
	field := func(label, value string) {
		out = append(out, "   "+s.Label.Render(common.PadRight(label, 24))+s.Value.Render(value))
	}
	yesNo := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	if a := p.AuthInfo; a != nil {
		section("Account")
		field("Wallet", m.c.Personal("+"+p.Wallet()))
		field("E-mail", m.c.Personal(common.OrDash(a.BoundEmail)))
		field("Registered", m.c.DateTZ(a.RegistrationDate))
		field("Last login", m.c.DateTZ(a.LastLoginDate)+"  from "+m.c.Personal(common.OrDash(a.IP)))
		field("Password used", yesNo(a.PassInfo.PasswordUsed)+"  next change "+m.c.Date(a.PassInfo.NextPassChange))
		field("Mobile PIN used", yesNo(a.MobilePinInfo.MobilePinUsed))
		field("PIN used", yesNo(a.PinInfo.PinUsed))
	}
	if ci := p.ContractInfo; ci != nil {
		section("Contract")
		blocked := "no"
		if ci.Blocked {
			blocked = s.Negative.Render("BLOCKED")
		}
		field("Blocked", blocked)
		field("Created", m.c.DateTZ(ci.CreationDate))
		for _, i := range ci.IdentificationInfo {
			extra := ""
			if i.PassportExpired {
				extra = s.Warning.Render("  passport expired")
			}
			field("Identification "+i.BankAlias, levelText(i.IdentificationLevel)+extra)
		}
	}
	if u := p.UserInfo; u != nil {
		section("Preferences")
		field("Default currency", u.DefaultPayCurrency.Code())
		field("Operator", common.OrDash(u.Operator))
		field("Language", common.OrDash(u.Language))
	}
	if n := m.data.nickname; n != nil {
		section("Nickname")
		field("Nickname", m.c.Personal(common.OrDash(sanitize.Text(n.Nickname))))
		field("Can use / change", yesNo(n.CanUse)+" / "+yesNo(n.CanChange))
	}
	if id := m.data.ident; id != nil {
		section("Identification data (masked by QIWI)")
		field("Level", levelText(id.Type))
		field("Name", m.c.Personal(strings.TrimSpace(id.LastName+" "+id.FirstName+" "+id.MiddleName)))
		field("Birth date", m.c.Personal(common.OrDash(id.BirthDate)))
		field("Passport", m.c.Document(common.OrDash(id.Passport)))
		field("INN / SNILS / OMS", m.c.Document(common.OrDash(id.INN))+" / "+m.c.Document(common.OrDash(id.SNILS))+" / "+m.c.Document(common.OrDash(id.OMS)))
	}
	section("Restrictions")
	if len(m.data.restrictions) == 0 {
		field("Restrictions", "none")
	}
	for _, r := range m.data.restrictions {
		field(r.Code, s.Warning.Render(r.Description))
	}
	field("P2P payments / month", fmt.Sprint(m.data.p2pCount))
	for _, p := range m.data.partial {
		out = append(out, "   "+s.Subtle.Render("not shown: "+p))
	}
	return out
}

func levelText(level string) string {
	switch level {
	case "ANONYMOUS":
		return "ANONYMOUS (no identification)"
	case "SIMPLE":
		return "SIMPLE (basic)"
	case "VERIFIED":
		return "VERIFIED (main)"
	case "FULL":
		return "FULL (professional)"
	}
	return common.OrDash(level)
}

func (m *Model) formView() string {
	s := m.c.Styles
	var b strings.Builder
	b.WriteString(s.Title.Render(" Identification") + s.Subtle.Render("  name, birth date and passport are required") + "\n\n")
	m.form.Banner = m.formErr
	b.WriteString(m.form.View(s, true, m.width, max(0, m.height-4)) + "\n")
	b.WriteString("\n " + s.Subtle.Render("tab/↓ next field · enter on the last field to review · esc cancel"))
	return b.String()
}

// ShortHelp lists the screen's keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.form != nil {
		return m.form.Help(k, "review")
	}
	ident := common.Relabel(k.New, "identify")
	ident.SetEnabled(!m.c.Settings.ReadOnly)
	return []key.Binding{k.Up, k.Down, ident, common.Relabel(k.Copy, "copy wallet"), k.Refresh}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
