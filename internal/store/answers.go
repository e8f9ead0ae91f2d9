package store

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

var errAnswers = errors.New("malformed stored answers")

// ScanAnswers reads stored answers — the JSON object of item code to level
// index that Submit writes, {"L1.1":0,"L1.2":-1} — calling fn for each
// pair, without reflection or allocation: reading a million responses is
// dominated by this. Text with an escape (a code with a quote or a
// character JSON escapes) goes through encoding/json instead.
func ScanAnswers(s string, fn func(code string, level int)) error {
	if strings.IndexByte(s, '\\') >= 0 {
		var m map[string]int
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			return errAnswers
		}
		for k, v := range m {
			fn(k, v)
		}
		return nil
	}
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		return errAnswers
	}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		return nil
	}
	for {
		if i >= len(s) || s[i] != '"' {
			return errAnswers
		}
		end := strings.IndexByte(s[i+1:], '"')
		if end < 0 {
			return errAnswers
		}
		code := s[i+1 : i+1+end]
		i = skipSpace(s, i+2+end)
		if i >= len(s) || s[i] != ':' {
			return errAnswers
		}
		i = skipSpace(s, i+1)
		j := i
		if j < len(s) && s[j] == '-' {
			j++
		}
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		level, err := strconv.Atoi(s[i:j])
		if err != nil {
			return errAnswers
		}
		fn(code, level)
		i = skipSpace(s, j)
		if i >= len(s) {
			return errAnswers
		}
		switch s[i] {
		case ',':
			i = skipSpace(s, i+1)
		case '}':
			return nil
		default:
			return errAnswers
		}
	}
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
		i++
	}
	return i
}
