package pinggu_test

import (
	"strings"
	"testing"

	"pinggu"
)

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c := pinggu.NewCode()
		if len(c) != pinggu.CodeLength+1 || seen[c] {
			t.Fatalf("code %q: bad length or repeated", c)
		}
		seen[c] = true
		if got, ok := pinggu.NormalizeCode(strings.ToLower(pinggu.FormatCode(c))); !ok || got != c {
			t.Fatalf("%q does not read back: %q %v", c, got, ok)
		}
		// Every single-symbol typo and every swap of neighbours is caught.
		for pos := 0; pos < len(c); pos++ {
			for _, r := range "0123456789ABCDEFGHJKMNPQRSTVWXYZ" {
				if byte(r) == c[pos] {
					continue
				}
				typo := c[:pos] + string(r) + c[pos+1:]
				if _, ok := pinggu.NormalizeCode(typo); ok {
					t.Fatalf("typo %q of %q passes the check", typo, c)
				}
			}
			if pos+1 < pinggu.CodeLength && c[pos] != c[pos+1] {
				swap := c[:pos] + string(c[pos+1]) + string(c[pos]) + c[pos+2:]
				if _, ok := pinggu.NormalizeCode(swap); ok {
					t.Fatalf("swap %q of %q passes the check", swap, c)
				}
			}
		}
	}
	if got, ok := pinggu.NormalizeCode("o1lI-0000-000"); ok || got != "" {
		t.Errorf("a bad check symbol passed: %q", got)
	}
	if h := pinggu.HashCode([]byte("k"), "ABC"); len(h) != 64 || h == pinggu.HashCode([]byte("j"), "ABC") {
		t.Error("HashCode is not keyed")
	}
}
