package i18n

import "errors"

// Error is a failure the engine hands up for a person to read: a
// catalogue message with its values, so the reader sees it in their own
// language (Tr.Error). Error() is the English text, for logs and tests.
// Err, when set, is the cause: the message shows it as {{.Cause}}.
type Error struct {
	ID   string
	Args Args
	Err  error
}

// Errorf makes an *Error of message id with args and cause (nil: none).
func Errorf(id string, args Args, cause error) error {
	return &Error{ID: id, Args: args, Err: cause}
}

func (e *Error) Error() string { return english().Error(e) }
func (e *Error) Unwrap() error { return e.Err }

// Error is err as a person reads it in t's language: the outermost *Error
// in err's chain, with its cause rendered the same way, else err's own
// text (a cause from outside: the network, SQLite). Plain wrapping above
// an *Error is left out, so wrap text a person reads with Errorf.
func (t *Tr) Error(err error) string { return t.ErrorWith(err, t.Error) }

// ErrorWith is Error with the cause of an *Error worded by cause (package
// explain words QIWI's failures that way).
func (t *Tr) ErrorWith(err error, cause func(error) string) string {
	if err == nil {
		return ""
	}
	var e *Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	args := Args{}
	for k, v := range e.Args {
		args[k] = v
	}
	if e.Err != nil {
		args["Cause"] = cause(e.Err)
	}
	return t.T(e.ID, args)
}
