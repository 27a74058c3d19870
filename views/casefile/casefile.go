// Package casefile is the support console: a query field (ctrl+f from
// anywhere), the hits across every profile's cache, and the case view of
// one hit, everything known about that payment in time order; c copies
// the case report (masked) for a ticket. It renders what the engine
// (store/search) finds; it never moves money nor asks QIWI.
package casefile

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/store"
	"qiwidash/store/search"
	"qiwidash/ui/common"
)

// Deps are what the console reads.
type Deps struct {
	Store *store.Store
	// Options names whose wallet, terminal or shop each hit belongs to.
	Options func(ctx context.Context) (search.Options, error)
}

type foundMsg struct {
	gen  int
	res  *search.Result
	opts search.Options
	err  error
}

type openedMsg struct {
	gen int
	c   *search.Case
	err error
}

type view int

const (
	viewHits view = iota
	viewCase
)

// Model is the Find screen.
type Model struct {
	c             *common.Common
	d             Deps
	width, height int

	input   textinput.Model
	typing  bool
	gen     int
	busy    bool
	res     *search.Result
	opts    search.Options
	err     error
	cur     int
	view    view
	cs      *search.Case
	scroll  int
	started bool
}

// New builds the screen.
func New(c *common.Common, d Deps) *Model {
	in := textinput.New()
	in.Prompt = c.Tr.T("casefile.prompt", nil)
	in.Placeholder = c.Tr.T("casefile.placeholder", nil)
	in.CharLimit = 200
	in.PromptStyle = c.Styles.Accent
	in.Cursor.SetMode(cursor.CursorStatic)
	return &Model{c: c, d: d, input: in}
}

// AllProfiles: the console searches every profile.
func (m *Model) AllProfiles() bool { return true }

// Init does nothing until a query is typed.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize records the body size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// InputFocused keeps the shell's letter keys out while a query is typed.
func (m *Model) InputFocused() bool { return m.typing }

// Busy reports a search in flight.
func (m *Model) Busy() bool { return m.busy }

// StartFind focuses the query field (the shell's ctrl+f).
func (m *Model) StartFind() tea.Cmd {
	m.typing, m.view, m.started = true, viewHits, true
	m.input.SetValue("")
	return m.input.Focus()
}

// Query runs a search as if typed (the shell's tests, `find` in a script).
func (m *Model) Query(text string) tea.Cmd {
	m.input.SetValue(text)
	return m.find()
}

func (m *Model) find() tea.Cmd {
	text := strings.TrimSpace(m.input.Value())
	m.typing, m.started = false, true
	m.input.Blur()
	m.gen++
	m.busy, m.view, m.cur = true, viewHits, 0
	gen, d, zone, tr := m.gen, m.d, m.c.Loc(), m.c.Tr // dates typed are days in the screens' zone
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		q, err := search.Parse(text, zone)
		if err != nil {
			return foundMsg{gen: gen, err: err}
		}
		var o search.Options
		if d.Options != nil {
			if o, err = d.Options(ctx); err != nil {
				return foundMsg{gen: gen, err: err}
			}
		}
		o.Tr = tr // the case is told in the screen's language
		res, err := search.Find(ctx, d.Store, q, o)
		return foundMsg{gen: gen, res: res, opts: o, err: err}
	}
}

func (m *Model) open(h search.Hit) tea.Cmd {
	m.gen++
	m.busy = true
	gen, st, o := m.gen, m.d.Store, m.opts
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := search.Open(ctx, st, h, o)
		return openedMsg{gen: gen, c: c, err: err}
	}
}

// Update handles keys and results.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k := m.c.Keys
	switch msg := msg.(type) {
	case foundMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.busy, m.res, m.opts, m.err = false, msg.res, msg.opts, msg.err
		if msg.err == nil && len(msg.res.Hits) == 1 { // one hit: its whole story at once
			return m, m.open(msg.res.Hits[0])
		}
		return m, nil
	case openedMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.busy = false
		if msg.err != nil {
			return m, m.c.ErrorToast(msg.err)
		}
		m.cs, m.view, m.scroll = msg.c, viewCase, 0
		return m, nil
	case tea.KeyMsg:
		if m.typing {
			switch {
			case msg.Type == tea.KeyEnter:
				return m, m.find()
			case msg.Type == tea.KeyEsc:
				m.typing = false
				m.input.Blur()
				return m, nil
			}
			var cmd tea.Cmd
			m.input, cmd = m.input.Update(msg)
			return m, cmd
		}
		if m.view == viewCase {
			switch {
			case key.Matches(msg, k.Back):
				m.view = viewHits
			case key.Matches(msg, k.Down):
				m.scroll++
			case key.Matches(msg, k.Up):
				m.scroll = max(0, m.scroll-1)
			case key.Matches(msg, k.PageDown):
				m.scroll += max(1, m.height-4)
			case key.Matches(msg, k.PageUp):
				m.scroll = max(0, m.scroll-max(1, m.height-4))
			case key.Matches(msg, k.Top):
				m.scroll = 0
			case key.Matches(msg, k.CopyCase):
				return m, common.Copy(m.cs.Report(), m.c.Tr.T("casefile.copied", nil))
			case key.Matches(msg, k.Filter):
				return m, m.StartFind()
			}
			return m, nil
		}
		switch {
		case key.Matches(msg, k.Filter): // a new search; esc on the hits leaves the keys to the shell
			return m, m.StartFind()
		case key.Matches(msg, k.Down):
			if m.res != nil && m.cur < len(m.res.Hits)-1 {
				m.cur++
			}
		case key.Matches(msg, k.Up):
			m.cur = max(0, m.cur-1)
		case key.Matches(msg, k.Enter):
			if m.res != nil && m.cur < len(m.res.Hits) {
				return m, m.open(m.res.Hits[m.cur])
			}
		}
	}
	return m, nil
}

// View draws the field, then the hits or the case.
func (m *Model) View() string {
	s := m.c.Styles
	var b strings.Builder
	b.WriteString(" " + m.input.View() + "\n")
	switch {
	case !m.started:
		b.WriteString("\n" + s.Subtle.Render(m.c.Tr.T("casefile.intro", nil)) + "\n")
	case m.busy && m.res == nil:
		b.WriteString(s.Subtle.Render(" "+m.c.Tr.T("casefile.searching", nil)) + "\n")
	case m.err != nil:
		b.WriteString(s.Error.Render(" "+sanitize.Text(m.c.Explain(m.err))) + "\n")
	case m.view == viewCase && m.cs != nil:
		b.WriteString(m.caseView())
	case m.res != nil:
		b.WriteString(m.hitsView())
	}
	return b.String()
}

func (m *Model) hitsView() string {
	s, tr := m.c.Styles, m.c.Tr
	var b strings.Builder
	found := tr.N("casefile.found", len(m.res.Hits), i18n.Args{"Query": m.res.Query.Describe(tr)})
	if m.res.More {
		found = tr.N("casefile.found_more", len(m.res.Hits), i18n.Args{"Query": m.res.Query.Describe(tr)})
	}
	b.WriteString(s.Subtle.Render(common.Truncate(" "+found, m.width)) + "\n")
	if len(m.res.Hits) == 0 {
		b.WriteString("\n" + s.Subtle.Render(" "+tr.T("casefile.no_hits", nil)) + "\n")
		return b.String()
	}
	wide, narrow := m.width >= 120, m.width < 100
	date, ref := common.PadRight(tr.T("casefile.col_date", nil), 16), common.PadRight(tr.T("casefile.col_ref", nil), 13)
	amount, status := common.PadLeft(tr.T("casefile.col_amount", nil), 15), common.PadRight(tr.T("casefile.col_status", nil), 9)
	account := tr.T("casefile.col_account", nil)
	header := "   " + date + " " + common.PadRight(tr.T("casefile.col_profile", nil), 10) + " " + common.PadRight(tr.T("casefile.col_from", nil), 8) + " " +
		ref + " " + amount + " " + status + " " + account
	if narrow { // amount, status and account first; the case names the profile and the source
		header = "   " + date + " " + ref + " " + amount + " " + status + " " + account
	}
	if wide {
		header = strings.TrimSuffix(header, account) + common.PadRight(account, 16) + " " + tr.T("casefile.col_text", nil)
	}
	b.WriteString(s.TableHeader.Render(common.Truncate(header, m.width)) + "\n")
	rows := max(1, m.height-3)
	start := max(0, m.cur-rows+1)
	for i := start; i < len(m.res.Hits) && i < start+rows; i++ {
		h := m.res.Hits[i]
		who := h.Profile()
		if who == "" {
			who = "?"
		}
		ref, status, account := common.PadRight(sanitize.Text(h.Ref), 13), common.PadRight(sanitize.Text(h.StatusIn(tr)), 9), common.PadRight(m.c.Account(sanitize.Text(h.Account), common.List), 16)
		line := fmt.Sprintf("%-16s %s %s %s %15s %s %s", m.c.Date(h.Date), common.PadRight(sanitize.Text(who), 10), common.PadRight(h.SourceIn(tr), 8), ref, m.c.Money(h.Amount), status, account)
		if narrow {
			line = fmt.Sprintf("%-16s %s %15s %s %s", m.c.Date(h.Date), ref, m.c.Money(h.Amount), status, account)
		}
		if wide {
			line += " " + m.c.Personal(sanitize.Text(h.TextIn(tr)))
		}
		line = common.Truncate(line, m.width-3)
		if i == m.cur {
			b.WriteString(s.Selected.Render("▶ "+line) + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
	return b.String()
}

// caseView is the case: its fields, what went wrong, the timeline.
func (m *Model) caseView() string {
	s, tr := m.c.Styles, m.c.Tr
	c := m.cs
	var lines []string
	title := c.Title
	if len(c.Profiles) > 0 {
		title = tr.T("casefile.title", i18n.Args{"Title": c.Title, "Profiles": strings.Join(c.Profiles, ", ")})
	}
	lines = append(lines, s.Title.Render(" "+sanitize.Text(title)))
	// The story first (what went wrong, the timeline), then every field.
	if c.Explanation != "" {
		lines = append(lines, s.Title.Render(" "+tr.T("casefile.what_went_wrong", nil)))
		for _, l := range strings.Split(c.Explanation, "\n") {
			lines = append(lines, "   "+s.Warning.Render(m.personal(sanitize.Text(l))))
		}
	}
	lines = append(lines, s.Title.Render(" "+tr.T("casefile.timeline", nil)))
	if len(c.Events) == 0 {
		lines = append(lines, s.Subtle.Render("   "+tr.T("casefile.nothing_recorded", nil)))
	}
	for _, e := range c.Events {
		at := e.At.In(m.c.Loc()) // one zone down the timeline: the screens'
		if m.width < 120 {       // the words matter more than the year and the zone
			src := e.SourceIn(tr)
			if e.Source == "notification" {
				src = tr.T("casefile.src_notice", nil)
			}
			lines = append(lines, fmt.Sprintf(" %s %s %s", m.c.ShortDate(at, true), common.PadRight(src, 7), m.personal(sanitize.Text(e.Text))))
			continue
		}
		lines = append(lines, fmt.Sprintf("   %s  %s %s", at.Format("2006-01-02 15:04:05 -07:00"), common.PadRight(e.SourceIn(tr), 12), m.personal(sanitize.Text(e.Text))))
	}
	lines = append(lines, "", s.Title.Render(" "+tr.T("casefile.details", nil)))
	for _, f := range c.Fields {
		v := sanitize.Text(f.Value)
		switch {
		case f.Personal:
			v = m.c.Personal(v)
		case f.Money:
			v = m.c.Money(f.Amount)
		}
		lines = append(lines, "   "+s.Label.Render(common.PadRight(sanitize.Text(f.Name), 24))+" "+v)
	}
	rows := max(1, m.height-1)
	m.scroll = min(m.scroll, max(0, len(lines)-rows))
	end := min(len(lines), m.scroll+rows)
	out := make([]string, 0, end-m.scroll)
	for _, l := range lines[m.scroll:end] {
		out = append(out, common.Truncate(l, m.width))
	}
	return strings.Join(out, "\n") + "\n"
}

// personal masks the case's personal values quoted in free text, in privacy mode.
func (m *Model) personal(text string) string {
	if m.c.Settings != nil && m.c.Settings.Privacy {
		return m.cs.MaskText(text)
	}
	return text
}

// ShortHelp lists the screen's keys.
func (m *Model) ShortHelp() []key.Binding {
	k, tr := m.c.Keys, m.c.Tr
	switch {
	case m.typing:
		return []key.Binding{common.Relabel(k.Enter, tr.T("casefile.key_find", nil)), common.Relabel(k.Back, tr.T("casefile.key_stop", nil))}
	case m.view == viewCase:
		return []key.Binding{k.CopyCase, common.Relabel(k.Back, tr.T("casefile.key_hits", nil)), k.Down, common.Relabel(k.Filter, tr.T("casefile.key_new", nil))}
	}
	return []key.Binding{common.Relabel(k.Enter, tr.T("casefile.key_open", nil)), common.Relabel(k.Filter, tr.T("casefile.key_new", nil)), k.Find}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
