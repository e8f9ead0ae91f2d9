package pinggu

import (
	_ "embed"
	"strings"
	"unicode/utf8"
)

//go:embed common-passwords.txt
var commonPasswordList string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// PasswordPolicy is the rule a new password must meet.
type PasswordPolicy struct {
	MinLength int // in characters
}

// DefaultPasswordPolicy: at least 10 characters, not containing the login,
// not a common password.
var DefaultPasswordPolicy = PasswordPolicy{MinLength: 10}

// Check returns a problem for the "password" field, or nil.
func (p PasswordPolicy) Check(login, password string) *Error {
	bad := func(key string, kv ...any) *Error {
		return Invalid("user.password_rejected", []Problem{NewProblem(0, "password", key, kv...)})
	}
	lower := strings.ToLower(password)
	switch {
	case utf8.RuneCountInString(password) < p.MinLength:
		return bad("password.too_short", "Min", p.MinLength)
	case len(password) > 256:
		return bad("password.too_long")
	case login != "" && strings.Contains(lower, strings.ToLower(login)):
		return bad("password.contains_login")
	case commonPasswords[lower] || commonPasswords[strings.TrimRight(lower, "0123456789!@#.")]:
		return bad("password.common")
	}
	return nil
}
