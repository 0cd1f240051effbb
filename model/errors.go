package model

import (
	"context"
	"errors"
)

// Code is what kind of failure an error is, in a handful of words every
// layer shares (after benbjohnson/wtf's error.go): storage and the exchange
// give their errors a code, the hub's wire codes map to them, and the
// screens say each code in the user's language. An error without a code
// is an internal one: its text is for the log.
type Code string

const (
	NotFound    Code = "not_found"   // the row or file is not there
	Locked      Code = "locked"      // approved minutes, or a closed round: reopen first
	Invalid     Code = "invalid"     // the input breaks a rule
	Forbidden   Code = "forbidden"   // this device or user may not do it
	Conflict    Code = "conflict"    // it clashes with what is there already
	Unavailable Code = "unavailable" // the server cannot be reached; try later
	DiskFull    Code = "disk_full"   // nothing could be written; free space
	Internal    Code = "internal"    // a fault of the program or a library
	Canceled    Code = "canceled"    // stopped before it was done (Ctrl-C, a window closed)
)

// Error is an error with a code and a message a user may read (Danish).
// Compare with errors.Is against the package-level values, or read the code
// with ErrorCode.
type Error struct {
	Code Code
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// NewError is a new coded error; use it for package-level sentinels.
func NewError(code Code, msg string) *Error { return &Error{Code: code, Msg: msg} }

// ErrorCode is the code of the first coded error in err's chain, Internal
// when none has one, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var c interface{ ErrorCode() Code }
	if errors.As(err, &c) {
		return c.ErrorCode()
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return Invalid
	}
	return Internal
}

// ErrCanceled: the work was stopped (Ctrl-C, a window closed) before it
// was done. Wrap it to say what was not done ("afbrudt; intet er
// importeret").
var ErrCanceled = NewError(Canceled, "afbrudt")

// Interrupted is err in the vocabulary when the work was stopped by ctx's
// end (Ctrl-C in a command): an error that is ctx's (context.Canceled,
// wrapped however, as a database library gives it) or, once ctx is
// cancelled, an error without a code (a library's "interrupted") becomes
// ErrCanceled, which wraps err for errors.Is and the log. A coded error
// says in Danish what happened and stays as it is, as do nil and every
// error of work not cancelled.
func Interrupted(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	cancelled := ctx != nil && errors.Is(ctx.Err(), context.Canceled)
	if errors.Is(err, context.Canceled) || cancelled && ErrorCode(err) == Internal {
		if ErrorCode(err) == Canceled {
			return err
		}
		return &interrupted{err}
	}
	return err
}

// interrupted is an error of work stopped by its context: said as
// ErrCanceled, holding the error it replaces.
type interrupted struct{ cause error }

func (e *interrupted) Error() string   { return ErrCanceled.Msg }
func (e *interrupted) Unwrap() []error { return []error{ErrCanceled, e.cause} }
