// Package model is the meshwise domain: assessment inputs, the option catalog,
// the cost engine, the decision rules and the decision records. It is pure: it
// does no I/O and imports no other package of this module.
package model

import (
	"errors"
	"fmt"
)

// Error codes shared by every layer. The web layer maps each code to one HTTP
// status in a single table; only EINTERNAL is logged as a fault.
const (
	EINVALID      = "invalid"      // the caller sent something wrong; FieldErrors say what
	ENOTFOUND     = "not_found"    // the thing asked for does not exist
	ECONFLICT     = "conflict"     // the request clashes with the current state
	EUNAVAILABLE  = "unavailable"  // a dependency (the database) cannot be reached now
	EUNAUTHORIZED = "unauthorized" // nobody is signed in
	EFORBIDDEN    = "forbidden"    // signed in, but the role does not allow it
	ELIMITED      = "limited"      // too many attempts; try again later
	EINTERNAL     = "internal"     // a bug or an unexpected failure
)

// Error is the one error type the domain and its adapters return to callers.
type Error struct {
	Code    string       // one of the E* constants
	Message string       // safe to show to a user
	Fields  []FieldError // for EINVALID: every offending field at once
	Err     error        // the underlying cause, never shown to users
}

// FieldError names one input field and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}

// ErrorFieldMessage returns the first field message of an EINVALID error,
// or its message.
func ErrorFieldMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		return e.Fields[0].Message
	}
	return ErrorMessage(err)
}

// Invalid returns an EINVALID error naming one field.
func Invalid(field, msg string) *Error { return invalid(field, msg) }
