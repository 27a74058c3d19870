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

	"qiwidash/i18n"
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
func formFields(tr *i18n.Tr) []*formkit.Field {
	text := formkit.NewText
	return []*formkit.Field{
		text("last", tr.T("profile.field_last", nil), tr.T("profile.field_last_hint", nil)).WithLimit(64),
		text("first", tr.T("profile.field_first", nil), tr.T("profile.field_first_hint", nil)).WithLimit(64),
		text("middle", tr.T("profile.field_middle", nil), tr.T("profile.field_middle_hint", nil)).WithLimit(64).AsOptional(),
		text("birth", tr.T("profile.birth_date", nil), tr.T("profile.field_birth_hint", nil)),
		text("passport", tr.T("profile.passport", nil), "").WithHint(tr.T("profile.field_passport_hint", nil)),
		text("inn", tr.T("profile.inn", nil), "").AsOptional(), text("snils", tr.T("profile.snils", nil), "").AsOptional(),
		text("oms", tr.T("profile.oms", nil), "").AsOptional(),
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
	gen, api, wallet, c := m.gen, m.c.API, m.c.Wallet, m.c
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
			msg.partial = append(msg.partial, c.Tr.T("profile.partial_identification", i18n.Args{"Why": c.Explain(err)}))
		}
		if msg.nickname, _, err = api.Profile.Nickname(ctx, wallet); err != nil && !errors.Is(err, qiwiapi.ErrNotFound) {
			msg.partial = append(msg.partial, c.Tr.T("profile.partial_nickname", i18n.Args{"Why": c.Explain(err)}))
		}
		if msg.restrictions, _, err = api.Profile.Restrictions(ctx, wallet); err != nil {
			msg.partial = append(msg.partial, c.Tr.T("profile.partial_restrictions", i18n.Args{"Why": c.Explain(err)}))
		}
		if msg.p2pCount, _, err = api.Limits.P2PPaymentCount(ctx, wallet); err != nil {
			msg.partial = append(msg.partial, c.Tr.T("profile.partial_p2p", i18n.Args{"Why": c.Explain(err)}))
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
		return m, tea.Batch(common.Toast(m.c.Tr.T("profile.sent", i18n.Args{"Level": msg.ident.Type})), m.load())
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
			return common.Copy("+"+m.c.Wallet, m.c.Tr.T("profile.copy_wallet", nil))
		}
	}
	return nil
}

// openForm opens a new identification form, focused on its first field.
func (m *Model) openForm() {
	m.form, m.formErr = formkit.New(formFields(m.c.Tr)...).WithTr(m.c.Tr), ""
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
		return common.Toast(m.c.Tr.T("profile.cancelled", nil))
	case formkit.Changed:
		if m.request().Validate() == nil {
			m.formErr = ""
		}
	case formkit.Submit:
		m.form.Submitted()
		if !m.form.Check() {
			m.form.FirstProblem()
			m.formErr = m.c.Tr.T("profile.fill_required", nil)
			return nil
		}
		req := m.request()
		if err := req.Validate(); err != nil {
			m.formErr = m.c.Explain(err)
			return nil
		}
		m.formErr = ""
		m.sent, m.form = m.form, nil
		api, wallet, tr := m.c.API, m.c.Wallet, m.c.Tr
		return common.Confirm(tr.T("profile.confirm_title", nil), []string{
			tr.T("profile.confirm_name", i18n.Args{"Last": req.LastName, "First": req.FirstName, "Middle": req.MiddleName}),
			tr.T("profile.confirm_birth", i18n.Args{"Date": req.BirthDate, "Passport": m.c.Document(req.Passport)}),
			tr.T("profile.confirm_five", nil),
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
			return s.Subtle.Render(" " + m.c.Tr.T("profile.loading", nil))
		}
	case common.StateError:
		if m.data.profile == nil {
			return s.Error.Render(" "+m.c.Explain(m.err)) + "\n\n " + m.c.Tr.T("profile.retry", i18n.Args{"Key": m.c.Keys.Refresh.Help().Key})
		}
	}
	lines := m.lines()
	m.scroll = min(m.scroll, max(0, len(lines)-m.height))
	end := min(len(lines), m.scroll+max(1, m.height))
	return strings.Join(lines[m.scroll:end], "\n")
}

func (m *Model) lines() []string {
	s, tr := m.c.Styles, m.c.Tr
	p := m.data.profile
	var out []string
	section := func(id string) { out = append(out, "", s.Title.Render(" "+tr.T(id, nil))) }
	field := func(label, value string) {
		out = append(out, "   "+s.Label.Render(common.PadRight(label, 24))+s.Value.Render(value))
	}
	yesNo := func(b bool) string {
		if b {
			return tr.T("profile.yes", nil)
		}
		return tr.T("profile.no", nil)
	}
	if a := p.AuthInfo; a != nil {
		section("profile.account")
		field(tr.T("profile.wallet", nil), m.c.Personal("+"+p.Wallet()))
		field(tr.T("profile.email", nil), m.c.Personal(common.OrDash(a.BoundEmail)))
		field(tr.T("profile.registered", nil), m.c.DateTZ(a.RegistrationDate))
		field(tr.T("profile.last_login", nil), tr.T("profile.last_login_from", i18n.Args{"Date": m.c.DateTZ(a.LastLoginDate), "IP": m.c.Personal(common.OrDash(a.IP))}))
		field(tr.T("profile.password_used", nil), tr.T("profile.next_change", i18n.Args{"Used": yesNo(a.PassInfo.PasswordUsed), "Date": m.c.Date(a.PassInfo.NextPassChange)}))
		field(tr.T("profile.mobile_pin_used", nil), yesNo(a.MobilePinInfo.MobilePinUsed))
		field(tr.T("profile.pin_used", nil), yesNo(a.PinInfo.PinUsed))
	}
	if ci := p.ContractInfo; ci != nil {
		section("profile.contract")
		blocked := yesNo(false)
		if ci.Blocked {
			blocked = s.Negative.Render(tr.T("profile.blocked_value", nil))
		}
		field(tr.T("profile.blocked", nil), blocked)
		field(tr.T("profile.created", nil), m.c.DateTZ(ci.CreationDate))
		for _, i := range ci.IdentificationInfo {
			extra := ""
			if i.PassportExpired {
				extra = s.Warning.Render("  " + tr.T("profile.passport_expired", nil))
			}
			field(tr.T("profile.identification_at", i18n.Args{"Bank": i.BankAlias}), m.levelText(i.IdentificationLevel)+extra)
		}
	}
	if u := p.UserInfo; u != nil {
		section("profile.preferences")
		field(tr.T("profile.default_currency", nil), u.DefaultPayCurrency.Code())
		field(tr.T("profile.operator", nil), common.OrDash(u.Operator))
		field(tr.T("profile.language", nil), common.OrDash(u.Language))
	}
	if n := m.data.nickname; n != nil {
		section("profile.nickname")
		field(tr.T("profile.nickname", nil), m.c.Personal(common.OrDash(sanitize.Text(n.Nickname))))
		field(tr.T("profile.can_use_change", nil), yesNo(n.CanUse)+" / "+yesNo(n.CanChange))
	}
	if id := m.data.ident; id != nil {
		section("profile.identification_data")
		field(tr.T("profile.level", nil), m.levelText(id.Type))
		field(tr.T("profile.name", nil), m.c.Personal(strings.TrimSpace(id.LastName+" "+id.FirstName+" "+id.MiddleName)))
		field(tr.T("profile.birth_date", nil), m.c.Personal(common.OrDash(id.BirthDate)))
		field(tr.T("profile.passport", nil), m.c.Document(common.OrDash(id.Passport)))
		field(tr.T("profile.inn_snils_oms", nil), m.c.Document(common.OrDash(id.INN))+" / "+m.c.Document(common.OrDash(id.SNILS))+" / "+m.c.Document(common.OrDash(id.OMS)))
	}
	section("profile.restrictions")
	if len(m.data.restrictions) == 0 {
		field(tr.T("profile.restrictions", nil), tr.T("profile.restrictions_none", nil))
	}
	for _, r := range m.data.restrictions {
		field(r.Code, s.Warning.Render(r.Description))
	}
	field(tr.T("profile.p2p_month", nil), fmt.Sprint(m.data.p2pCount))
	for _, p := range m.data.partial {
		out = append(out, "   "+s.Subtle.Render(tr.T("profile.not_shown", i18n.Args{"What": p})))
	}
	return out
}

// levelText is an identification level as QIWI names it, with what it
// means.
func (m *Model) levelText(level string) string {
	tr := m.c.Tr
	switch level {
	case "ANONYMOUS":
		return tr.T("profile.level_anonymous", nil)
	case "SIMPLE":
		return tr.T("profile.level_simple", nil)
	case "VERIFIED":
		return tr.T("profile.level_verified", nil)
	case "FULL":
		return tr.T("profile.level_full", nil)
	}
	return common.OrDash(level)
}

func (m *Model) formView() string {
	s := m.c.Styles
	var b strings.Builder
	tr := m.c.Tr
	b.WriteString(s.Title.Render(" "+tr.T("profile.form_title", nil)) + s.Subtle.Render("  "+tr.T("profile.form_required", nil)) + "\n\n")
	m.form.Banner = m.formErr
	b.WriteString(m.form.View(s, true, m.width, max(0, m.height-4)) + "\n")
	k := m.c.Keys
	b.WriteString("\n " + s.Subtle.Render(tr.T("profile.form_keys", i18n.Args{"Next": k.NextField.Help().Key, "Enter": k.Enter.Help().Key, "Back": k.Back.Help().Key})))
	return b.String()
}

// ShortHelp lists the screen's keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.form != nil {
		return m.form.Help(k, m.c.Tr.T("profile.key_review", nil))
	}
	ident := common.Relabel(k.New, m.c.Tr.T("profile.key_identify", nil))
	ident.SetEnabled(!m.c.Settings.ReadOnly)
	return []key.Binding{k.Up, k.Down, ident, common.Relabel(k.Copy, m.c.Tr.T("profile.key_copy_wallet", nil)), k.Refresh}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
