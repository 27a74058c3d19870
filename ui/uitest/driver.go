package uitest

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/ui/common"
)

// Driver runs a screen the way the shell would, without a terminal: it
// executes commands, feeds their messages back, and keeps what the shell
// would show instead (confirmations, toasts, copies) for the test to check.
type Driver struct {
	T        testing.TB
	Model    tea.Model
	Queue    []tea.Cmd
	Confirms []common.ConfirmMsg
	Toasts   []common.ToastMsg
	Copies   []common.CopyMsg
	// Limit caps the commands run per Run (0 = 200), so a screen that
	// keeps polling cannot hang a test.
	Limit int
	// DeliverAll hands confirmations, toasts and copies to the model too,
	// instead of keeping them: for driving the shell itself.
	DeliverAll bool
}

// NewDriver starts m: its Init command is run at once.
func NewDriver(t testing.TB, m tea.Model) *Driver {
	d := &Driver{T: t, Model: m}
	d.Queue = append(d.Queue, m.Init())
	d.Run(nil)
	return d
}

// Run handles queued commands until none is left, the limit is reached, or
// until() holds.
func (d *Driver) Run(until func() bool) {
	limit := d.Limit
	if limit == 0 {
		limit = 200
	}
	for n := 0; len(d.Queue) > 0 && n < limit; n++ {
		if until != nil && until() {
			return
		}
		c := d.Queue[0]
		d.Queue = d.Queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch msg := msg.(type) {
		case nil:
			continue
		case tea.BatchMsg:
			d.Queue = append(d.Queue, msg...)
			continue
		}
		if !d.DeliverAll && d.keep(msg) {
			continue
		}
		var next tea.Cmd
		d.Model, next = d.Model.Update(msg)
		d.Queue = append(d.Queue, next)
	}
}

// keep records what the shell would show instead of the screen handling
// it, and says whether msg was one of those.
func (d *Driver) keep(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case common.ConfirmMsg:
		d.Confirms = append(d.Confirms, msg)
	case common.ToastMsg:
		d.Toasts = append(d.Toasts, msg)
	case common.CopyMsg:
		d.Copies = append(d.Copies, msg)
	default:
		return false
	}
	return true
}

// Send delivers a message as the shell would and runs what follows.
func (d *Driver) Send(msg tea.Msg) {
	var cmd tea.Cmd
	d.Model, cmd = d.Model.Update(msg)
	d.Queue = append(d.Queue, cmd)
	d.Run(nil)
}

// Press sends keys ("j", "enter", "ctrl+d") one by one.
func (d *Driver) Press(keys ...string) {
	for _, k := range keys {
		d.Send(Key(k))
	}
}

// Type sends each rune of s as a key.
func (d *Driver) Type(s string) {
	for _, r := range s {
		d.Send(Key(string(r)))
	}
}

// Yes answers the newest confirmation with yes and returns it.
func (d *Driver) Yes() common.ConfirmMsg {
	d.T.Helper()
	if len(d.Confirms) == 0 {
		d.T.Fatal("no confirmation was asked")
	}
	c := d.Confirms[len(d.Confirms)-1]
	d.Confirms = d.Confirms[:len(d.Confirms)-1]
	d.Queue = append(d.Queue, c.Yes)
	d.Run(nil)
	return c
}

// ErrorToasts lists the texts of the error toasts shown so far.
func (d *Driver) ErrorToasts() []string {
	var out []string
	for _, t := range d.Toasts {
		if t.Error {
			out = append(out, t.Text)
		}
	}
	return out
}

// LastToast is the newest toast (zero when none).
func (d *Driver) LastToast() common.ToastMsg {
	if len(d.Toasts) == 0 {
		return common.ToastMsg{}
	}
	return d.Toasts[len(d.Toasts)-1]
}

// RunKeeping runs cmd and feeds its messages back into m like Run, except
// those shell says are the shell's (a drill-down, a toast): it returns
// them, in order, for the test to check.
func RunKeeping(m tea.Model, cmd tea.Cmd, limit int, shell func(tea.Msg) bool) []tea.Msg {
	var kept []tea.Msg
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0 && n < limit; n++ {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			if shell(msg) {
				kept = append(kept, msg)
				continue
			}
			var next tea.Cmd
			m, next = m.Update(msg)
			queue = append(queue, next)
		}
	}
	return kept
}
