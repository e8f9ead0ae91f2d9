package pinggu

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// A survey code (测评码) is what a respondent types or scans: CodeLength
// symbols of Crockford base32 from crypto/rand and one check symbol, so that
// a typo is caught before any lookup. pinggu stores only its keyed hash.
const (
	CodeLength = 10
	crockford  = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)

// NewCode draws a code with its check symbol.
func NewCode() string {
	b := make([]byte, CodeLength)
	rand.Read(b)
	out := make([]byte, CodeLength+1)
	for i, x := range b {
		out[i] = crockford[x&31] // 256 is a multiple of 32: no bias
	}
	out[CodeLength] = checkSymbol(out[:CodeLength])
	return string(out)
}

// checkSymbol is Σ w_i·v_i over GF(32), with distinct nonzero weights
// w_i = i+1: any single wrong symbol changes it (w_i·d ≠ 0 for d ≠ 0), and so
// does any swap of two different neighbours ((w_i − w_{i+1})·d ≠ 0).
func checkSymbol(body []byte) byte {
	var sum byte
	for i, c := range body {
		sum ^= gfMul(byte(i+1), byte(strings.IndexByte(crockford, c)))
	}
	return crockford[sum]
}

// gfMul multiplies in GF(2^5) modulo x^5 + x^2 + 1.
func gfMul(a, b byte) byte {
	var p byte
	for b > 0 {
		if b&1 == 1 {
			p ^= a
		}
		b >>= 1
		a <<= 1
		if a&0x20 != 0 {
			a ^= 0x25
		}
	}
	return p
}

// NormalizeCode reads a code as people type it: case, spaces and hyphens
// do not matter, and O, I and L read as 0, 1 and 1 (Crockford's rule). It
// returns false when the result is not a well-formed code with the right
// check symbol.
func NormalizeCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case ' ', '-', '\t':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if r > 127 || strings.IndexByte(crockford, byte(r)) < 0 {
			return "", false
		}
		b.WriteRune(r)
	}
	code := b.String()
	if len(code) != CodeLength+1 || checkSymbol([]byte(code[:CodeLength])) != code[CodeLength] {
		return "", false
	}
	return code, true
}

// FormatCode groups a code for print: ABCD-EFGH-JKM.
func FormatCode(code string) string {
	var parts []string
	for i := 0; i < len(code); i += 4 {
		parts = append(parts, code[i:min(i+4, len(code))])
	}
	return strings.Join(parts, "-")
}

// HashCode is the only form in which a code is stored: HMAC-SHA256 under
// the campaign's code key (kept outside the database).
func HashCode(secret []byte, code string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(code))
	return hex.EncodeToString(m.Sum(nil))
}

// Code states.
const (
	CodeIssued = "issued"
	CodeSpent  = "spent"
	CodeVoided = "voided"
)

// Channels of a response.
const (
	ChannelOnline = "online"
	ChannelPaper  = "paper"
)
