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

// txnTypes are the choices of the register prompt.
var txnTypes = []struct {
	label string
	typ   qiwiapi.HookTxnType
}{
	{"IN — incoming payments", qiwiapi.HookIncoming},
	{"OUT — outgoing payments", qiwiapi.HookOutgoing},
	{"BOTH — incoming and outgoing", qiwiapi.HookBoth},
}

// newPrompt is the register form: the URL (QIWI takes at most 100
// characters before encoding: counted, never cut) and the transaction type.
func newPrompt() *formkit.Form {
	var opts []formkit.Option
	for _, t := range txnTypes {
		opts = append(opts, formkit.Option{Label: t.label, Value: strconv.Itoa(int(t.typ))})
	}
	txn := formkit.NewChoice("txn", "Transactions", opts...)
	txn.Choice = 2 // BOTH
	return formkit.New(formkit.NewText("url", "URL", "https://example.com/qiwi/hook").WithLimit(qiwiapi.MaxHookURLLength).WithValidate(urlProblem), txn)
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

// Title is the tab label.
func (m *Model) Title() string { return "Webhooks" }

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
		return m, tea.Batch(common.Toast("Webhook registered: "+msg.hook.HookParameters.URL), m.load())
	case deletedMsg:
		m.inFlight--
		if msg.err != nil {
			return m, m.c.ErrorToast(msg.err)
		}
		return m, tea.Batch(common.Toast("Webhook deleted"), m.load())
	case newKeyMsg:
		m.inFlight--
		if msg.err != nil {
			return m, m.c.ErrorToast(msg.err)
		}
		m.key, m.keyErr = msg.key, nil
		return m, common.Toast("New key issued; the old one no longer works. y copies the new key")
	case testedMsg:
		m.inFlight--
		if msg.err != nil {
			return m, m.c.ErrorToast(msg.err)
		}
		text := strings.TrimSpace(msg.text)
		if text == "" {
			text = "sent"
		}
		return m, common.Toast("Test notification: " + text)
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
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Refresh):
		return m.load()
	case key.Matches(msg, k.New):
		return m.openPrompt()
	case key.Matches(msg, k.Copy):
		if m.key != "" {
			return common.Copy(m.key, "webhook key")
		}
	case key.Matches(msg, k.Delete):
		if m.hook != nil {
			return common.Confirm("Delete the webhook?", []string{
				"QIWI stops sending notifications to " + m.hook.HookParameters.URL + ".",
				"Its key stops working. You can register a new webhook afterwards (n).",
			}, func() tea.Msg { return confirmedMsg{actDelete} })
		}
	case key.Matches(msg, k.NewKey):
		if m.hook != nil {
			return common.Confirm("Issue a new signing key?", []string{
				"The old key stops working at once: notifications are signed with the new key",
				"from now on, so update your server with it (y copies it after this).",
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
		return func() tea.Msg {
			return common.ToastMsg{Text: "A webhook is already registered; QIWI keeps one per wallet. Delete it first (D)", Error: true}
		}
	}
	if m.state == stateLoading {
		return nil
	}
	m.prompt = newPrompt()
	return nil
}

// urlProblem checks the URL as it is typed: an absolute http(s) address.
func urlProblem(v string) string {
	u, err := url.Parse(v)
	switch {
	case v == "":
		return "Enter the URL QIWI should send notifications to"
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return "Not a web address: it must start with http:// or https:// and name a host"
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
	s := m.c.Styles
	if m.prompt != nil {
		return m.promptView()
	}
	var b strings.Builder
	b.WriteString(s.Title.Render(" Webhook") + s.Subtle.Render("  (QIWI sends a signed notification for every payment)") + "\n\n")
	switch m.state {
	case stateLoading:
		if m.hook == nil {
			b.WriteString(s.Subtle.Render(" Loading the webhook…") + "\n")
			return b.String()
		}
	case stateError:
		b.WriteString(s.Error.Render(" "+m.c.Explain(m.err)) + "\n\n" + s.Subtle.Render(" Press r to retry.") + "\n")
		return b.String()
	case stateNone:
		b.WriteString(" No webhook registered.\n\n")
		b.WriteString(s.Subtle.Render(" Press n to register a URL; QIWI then posts every payment to it.") + "\n")
		return b.String()
	}
	h := m.hook
	row := func(label, value string) {
		b.WriteString(" " + s.Label.Render(common.PadRight(label, 14)) + value + "\n")
	}
	row("URL", h.HookParameters.URL)
	row("Type", hookType(h.HookType))
	row("Transactions", txnLabel(h.TxnType))
	row("Hook id", qiwiapi.MaskSecret(h.HookID))
	switch {
	case m.key != "":
		row("Signing key", qiwiapi.MaskSecret(m.key)+s.Subtle.Render("   (y copies it in full)"))
	case m.keyErr != nil:
		row("Signing key", s.Error.Render("could not be read: "+m.c.Explain(m.keyErr)))
	default:
		row("Signing key", "—")
	}
	b.WriteString("\n" + s.Subtle.Render(" t sends a test notification · K issues a new key · D deletes the webhook") + "\n")
	return b.String()
}

func hookType(t string) string {
	if t == "WEB" || t == "1" {
		return "WEB (HTTP POST to the URL)"
	}
	return t
}

func txnLabel(t string) string {
	switch strings.ToUpper(t) {
	case "IN", "0":
		return "IN — incoming payments"
	case "OUT", "1":
		return "OUT — outgoing payments"
	case "BOTH", "2":
		return "BOTH — incoming and outgoing"
	}
	return t
}

func (m *Model) promptView() string {
	s := m.c.Styles
	return s.Title.Render(" Register a webhook") + s.Subtle.Render("  (esc cancels · enter on the last field registers)") + "\n\n" +
		m.prompt.View(s, true, m.width, max(0, m.height-2)) + "\n"
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.prompt != nil {
		return m.prompt.Help(k, "register")
	}
	has := m.hook != nil
	nw, del, nk, test, cp := k.New, k.Delete, k.NewKey, k.Test, k.Copy
	nw = common.Relabel(nw, "register")
	nw.SetEnabled(!has && m.state == stateNone)
	del.SetEnabled(has)
	nk.SetEnabled(has)
	test.SetEnabled(has)
	cp = common.Relabel(cp, "copy key")
	cp.SetEnabled(m.key != "")
	return []key.Binding{nw, del, nk, test, cp, k.Refresh}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
