package pinggu

import (
	"errors"
	"fmt"
)

// ErrorCode says what kind of failure an Error is; the web layer maps it
// to an HTTP status and the command line to an exit code.
type ErrorCode string

const (
	ENotFound     ErrorCode = "not_found"
	EInvalid      ErrorCode = "invalid"
	EConflict     ErrorCode = "conflict"
	EForbidden    ErrorCode = "forbidden"
	EUnauthorized ErrorCode = "unauthorized"
	EInternal     ErrorCode = "internal"
)

// Problem is one thing wrong with an input, located as precisely as the
// input allows: a row and column of a file, or a field of a form. Key names
// a message in the i18n catalogs; Args fill its template.
type Problem struct {
	Row    int    // 1-based line or row number of a file; 0 when not from a file
	Column string // column header as the user wrote it, or a field name
	Key    string
	Args   map[string]any
}

// Error is the error every domain and store function returns for a failure
// the user should hear about. Key and Args form a translatable message;
// Problems list the individual faults of an input; Err wraps a cause that is
// logged but never shown.
type Error struct {
	Code     ErrorCode
	Key      string
	Args     map[string]any
	Problems []Problem
	Err      error
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Key
	if len(e.Args) > 0 {
		s += fmt.Sprintf(" %v", e.Args)
	}
	if len(e.Problems) > 0 {
		s += fmt.Sprintf(" (%d problems)", len(e.Problems))
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a message key and alternating name/value
// arguments: Errorf(EInvalid, "unit.code_taken", "Code", c).
func Errorf(code ErrorCode, key string, kv ...any) *Error {
	return &Error{Code: code, Key: key, Args: argMap(kv)}
}

// Internal wraps a foreign error; its text is logged, never shown.
func Internal(err error) *Error {
	return &Error{Code: EInternal, Key: "error.internal", Err: err}
}

// Invalid reports a set of input problems.
func Invalid(key string, problems []Problem) *Error {
	return &Error{Code: EInvalid, Key: key, Problems: problems}
}

// ErrorCodeOf returns the code of err, EInternal for foreign errors and ""
// for nil.
func ErrorCodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// AsError returns err as an *Error, wrapping foreign errors as internal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

func argMap(kv []any) map[string]any {
	if len(kv) == 0 {
		return nil
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}

// NewProblem is a shorthand for a located problem.
func NewProblem(row int, column, key string, kv ...any) Problem {
	return Problem{Row: row, Column: column, Key: key, Args: argMap(kv)}
}
