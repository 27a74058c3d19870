// Package webhooks is the Webhooks screen: the wallet's notification hook
// (URL, type, which transactions it reports, the signing key masked),
// registering one, deleting it, issuing a new key and sending a test.
// Hook ids and keys never appear unmasked on screen; y copies the key.
package webhooks

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/ui/common"
	"qiwidash/ui/formkit"
)

type state int

const (
	stateLoading state = iota
	stateReady         // a hook is registered
	stateNone          // no hook registered (QIWI's 404)
	stateError
)

type (
	loadedMsg struct {
		gen    int
		hook   *qiwiapi.Hook
		key    string
		keyErr error
		err    error
	}
	registeredMsg struct {
		hook *qiwiapi.Hook
		err  error
	}
	deletedMsg struct{ err error }
	newKeyMsg  struct {
		key string
		err error
	}
	testedMsg struct {
		text string
		err  error
	}
	confirmedMsg struct{ action action }
)

type action int

const (
	actDelete action = iota
	actNewKey
)

// txnTypes are the choices of the register prompt, with their words.
var txnTypes = []struct {
	name string // as QIWI names it
	id   string
	typ  qiwiapi.HookTxnType
}{
	{"IN", "webhooks.txn_in", qiwiapi.HookIncoming},
	{"OUT", "webhooks.txn_out", qiwiapi.HookOutgoing},
	{"BOTH", "webhooks.txn_both", qiwiapi.HookBoth},
}

// newPrompt is the register form: the URL (QIWI takes at most 100
// characters before encoding: counted, never cut) and the transaction type.
func newPrompt(tr *i18n.Tr) *formkit.Form {
	var opts []formkit.Option
	for _, t := range txnTypes {
		opts = append(opts, formkit.Option{Label: tr.T(t.id, nil), Value: strconv.Itoa(int(t.typ))})
	}
	txn := formkit.NewChoice("txn", tr.T("webhooks.transactions", nil), opts...)
	txn.Choice = 2 // BOTH
	problem := func(v string) string { return urlProblem(tr, v) }
	return formkit.New(formkit.NewText("url", tr.T("webhooks.url", nil), "https://example.com/qiwi/hook").WithLimit(qiwiapi.MaxHookURLLength).WithValidate(problem), txn).WithTr(tr)
}

// Model is the Webhooks screen.
type Model struct {
	c             *common.Common
	width, height int
	state         state
	gen           int
	err           error

	hook     *qiwiapi.Hook
	key      string // the signing key; shown masked only
	keyErr   error
	prompt   *formkit.Form // the register form, or nil
	inFlight int
}

// New builds the screen.
func New(c *common.Common) *Model { return &Model{c: c} }

// Init loads the active hook.
func (m *Model) Init() tea.Cmd { return m.load() }

// Busy reports work in flight.
func (m *Model) Busy() bool { return m.state == stateLoading || m.inFlight > 0 }

// InputFocused is true while the register prompt is open.
func (m *Model) InputFocused() bool { return m.prompt != nil }

// SetSize records the body size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

func (m *Model) load() tea.Cmd {
	m.gen++
	m.state = stateLoading
	gen, api := m.gen, m.c.API
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		msg := loadedMsg{gen: gen}
		h, _, err := api.Webhooks.Active(ctx)
		if errors.Is(err, qiwiapi.ErrNotFound) {
			return msg // no hook: a state, not an error
		}
		if err != nil {
			msg.err = err
			return msg
		}
		msg.hook = h
		msg.key, _, msg.keyErr = api.Webhooks.Key(ctx, h.HookID)
		return msg
	}
}

// Update handles keys and answers.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		if m.prompt != nil {
			return m, nil
		}
		return m, m.load()
	case loadedMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.err, m.hook, m.key, m.keyErr = msg.err, msg.hook, msg.key, msg.keyErr
		switch {
		case msg.err != nil:
			m.state = stateError
			return m, m.c.ErrorToast(msg.err)
		case msg.hook == nil:
			m.state = stateNone
		default:
			m.state = stateReady
		}
		return m, nil
	case registeredMsg:
		m.inFlight--
		if msg.err != nil {
			return m, m.c.ErrorToast(msg.err)
		}
		return m, tea.Batch(common.Toast(m.c.Tr.T("webhooks.registered", i18n.Args{"URL": msg.hook.HookParameters.URL})), m.load())
	case deletedMsg:
		m.inFlight--
		if msg.err != nil {
			return m, m.c.ErrorToast(msg.err)
		}
		return m, tea.Batch(common.Toast(m.c.Tr.T("webhooks.deleted", nil)), m.load())
	case newKeyMsg:
		m.inFlight--
		if msg.err != nil {
			return m, m.c.ErrorToast(msg.err)
		}
		m.key, m.keyErr = msg.key, nil
		return m, common.Toast(m.c.Tr.T("webhooks.new_key_issued", i18n.Args{"Key": m.c.Keys.Copy.Help().Key}))
	case testedMsg:
		m.inFlight--
		if msg.err != nil {
			return m, m.c.ErrorToast(msg.err)
		}
		text := strings.TrimSpace(msg.text) // QIWI's own words
		if text == "" {
			text = m.c.Tr.T("webhooks.test_sent", nil)
		}
		return m, common.Toast(m.c.Tr.T("webhooks.test_result", i18n.Args{"Text": text}))
	case confirmedMsg:
		return m, m.run(msg.action)
	case tea.KeyMsg:
		if m.prompt != nil {
			return m, m.promptKey(msg)
		}
		return m, m.handleKey(msg)
	}
	return m, nil
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k, tr := m.c.Keys, m.c.Tr
	switch {
	case key.Matches(msg, k.Refresh):
		return m.load()
	case key.Matches(msg, k.New):
		return m.openPrompt()
	case key.Matches(msg, k.Copy):
		if m.key != "" {
			return common.Copy(m.key, tr.T("webhooks.copy_key", nil))
		}
	case key.Matches(msg, k.Delete):
		if m.hook != nil {
			return common.Confirm(tr.T("webhooks.delete_title", nil), []string{
				tr.T("webhooks.delete_stops", i18n.Args{"URL": m.hook.HookParameters.URL}),
				tr.T("webhooks.delete_key", i18n.Args{"Key": k.New.Help().Key}),
			}, func() tea.Msg { return confirmedMsg{actDelete} })
		}
	case key.Matches(msg, k.NewKey):
		if m.hook != nil {
			return common.Confirm(tr.T("webhooks.new_key_title", nil), []string{
				tr.T("webhooks.new_key_line1", nil),
				tr.T("webhooks.new_key_line2", i18n.Args{"Key": k.Copy.Help().Key}),
			}, func() tea.Msg { return confirmedMsg{actNewKey} })
		}
	case key.Matches(msg, k.Test):
		if m.hook != nil {
			m.inFlight++
			api := m.c.API
			return func() tea.Msg {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				text, _, err := api.Webhooks.Test(ctx)
				return testedMsg{text: text, err: err}
			}
		}
	}
	return nil
}

// run performs a confirmed action.
func (m *Model) run(a action) tea.Cmd {
	if m.hook == nil {
		return nil
	}
	api, id := m.c.API, m.hook.HookID
	m.inFlight++
	switch a {
	case actDelete:
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, err := api.Webhooks.Delete(ctx, id)
			return deletedMsg{err: err}
		}
	default:
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			k, _, err := api.Webhooks.NewKey(ctx, id)
			return newKeyMsg{key: k, err: err}
		}
	}
}

func (m *Model) openPrompt() tea.Cmd {
	if m.hook != nil {
		text := m.c.Tr.T("webhooks.already", i18n.Args{"Key": m.c.Keys.Delete.Help().Key})
		return func() tea.Msg { return common.ToastMsg{Text: text, Error: true} }
	}
	if m.state == stateLoading {
		return nil
	}
	m.prompt = newPrompt(m.c.Tr)
	return nil
}

// urlProblem checks the URL as it is typed: an absolute http(s) address.
func urlProblem(tr *i18n.Tr, v string) string {
	u, err := url.Parse(v)
	switch {
	case v == "":
		return tr.T("webhooks.url_empty", nil)
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return tr.T("webhooks.url_bad", nil)
	}
	return ""
}

func (m *Model) promptKey(msg tea.KeyMsg) tea.Cmd {
	ev, cmd := m.prompt.Update(msg, m.c.Keys)
	switch ev {
	case formkit.Cancel:
		m.prompt = nil
	case formkit.Submit:
		return m.register()
	}
	return cmd
}

func (m *Model) register() tea.Cmd {
	p := m.prompt
	p.Submitted()
	if !p.Check() {
		p.FirstProblem()
		return nil
	}
	n, _ := strconv.Atoi(p.Value("txn"))
	hookURL, typ := p.Value("url"), qiwiapi.HookTxnType(n)
	m.prompt = nil
	m.inFlight++
	api := m.c.API
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		h, _, err := api.Webhooks.Register(ctx, hookURL, typ)
		return registeredMsg{hook: h, err: err}
	}
}

// View draws the hook, or the register prompt.
func (m *Model) View() string {
	s, tr, k := m.c.Styles, m.c.Tr, m.c.Keys
	if m.prompt != nil {
		return m.promptView()
	}
	var b strings.Builder
	b.WriteString(s.Title.Render(" "+tr.T("webhooks.title", nil)) + s.Subtle.Render("  "+tr.T("webhooks.title_note", nil)) + "\n\n")
	switch m.state {
	case stateLoading:
		if m.hook == nil {
			b.WriteString(s.Subtle.Render(" "+tr.T("webhooks.loading", nil)) + "\n")
			return b.String()
		}
	case stateError:
		b.WriteString(s.Error.Render(" "+m.c.Explain(m.err)) + "\n\n" + s.Subtle.Render(" "+tr.T("webhooks.retry", i18n.Args{"Key": k.Refresh.Help().Key})) + "\n")
		return b.String()
	case stateNone:
		b.WriteString(" " + tr.T("webhooks.none", nil) + "\n\n")
		b.WriteString(s.Subtle.Render(" "+tr.T("webhooks.none_hint", i18n.Args{"Key": k.New.Help().Key})) + "\n")
		return b.String()
	}
	h := m.hook
	row := func(label, value string) {
		b.WriteString(" " + s.Label.Render(common.PadRight(label, 14)) + value + "\n")
	}
	row(tr.T("webhooks.url", nil), h.HookParameters.URL)
	row(tr.T("webhooks.type", nil), hookType(tr, h.HookType))
	row(tr.T("webhooks.transactions", nil), txnLabel(tr, h.TxnType))
	row(tr.T("webhooks.hook_id", nil), qiwiapi.MaskSecret(h.HookID))
	signing := tr.T("webhooks.signing_key", nil)
	switch {
	case m.key != "":
		row(signing, qiwiapi.MaskSecret(m.key)+s.Subtle.Render("   "+tr.T("webhooks.copies_full", i18n.Args{"Key": k.Copy.Help().Key})))
	case m.keyErr != nil:
		row(signing, s.Error.Render(tr.T("webhooks.key_unreadable", i18n.Args{"Why": m.c.Explain(m.keyErr)})))
	default:
		row(signing, "—")
	}
	b.WriteString("\n" + s.Subtle.Render(" "+tr.T("webhooks.actions", i18n.Args{"Test": k.Test.Help().Key, "NewKey": k.NewKey.Help().Key, "Delete": k.Delete.Help().Key})) + "\n")
	return b.String()
}

// hookType is the hook's type as QIWI names it, with what it means.
func hookType(tr *i18n.Tr, t string) string {
	if t == "WEB" || t == "1" {
		return tr.T("webhooks.type_web", nil)
	}
	return t
}

// txnLabel is the hook's transaction type as QIWI names it, with what it
// means.
func txnLabel(tr *i18n.Tr, t string) string {
	for _, tt := range txnTypes {
		if strings.EqualFold(t, tt.name) || t == strconv.Itoa(int(tt.typ)) {
			return tr.T(tt.id, nil)
		}
	}
	return t
}

func (m *Model) promptView() string {
	s, k := m.c.Styles, m.c.Keys
	return s.Title.Render(" "+m.c.Tr.T("webhooks.register_title", nil)) +
		s.Subtle.Render("  "+m.c.Tr.T("webhooks.register_keys", i18n.Args{"Back": k.Back.Help().Key, "Enter": k.Enter.Help().Key})) + "\n\n" +
		m.prompt.View(s, true, m.width, max(0, m.height-2)) + "\n"
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.prompt != nil {
		return m.prompt.Help(k, m.c.Tr.T("webhooks.key_register", nil))
	}
	has := m.hook != nil
	nw, del, nk, test, cp := k.New, k.Delete, k.NewKey, k.Test, k.Copy
	nw = common.Relabel(nw, m.c.Tr.T("webhooks.key_register", nil))
	nw.SetEnabled(!has && m.state == stateNone)
	del.SetEnabled(has)
	nk.SetEnabled(has)
	test.SetEnabled(has)
	cp = common.Relabel(cp, m.c.Tr.T("webhooks.key_copy", nil))
	cp.SetEnabled(m.key != "")
	return []key.Binding{nw, del, nk, test, cp, k.Refresh}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
