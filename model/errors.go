package model

import "errors"

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
