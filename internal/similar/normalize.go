// Package similar finds documents that share long passages — the
// 千人一面 of self-assessments, problem lists and ledgers copied from one
// template with the unit's name changed. Documents are compared as
// character sequences after unit names, digits, punctuation and spaces
// are taken out; candidate pairs come from MinHash signatures of
// character 5-grams banded for locality-sensitive hashing, and each
// candidate is confirmed by finding the passages the two really share.
// Passages every document may quote — the work plan's and the
// framework's own wording — are left out before anything is compared.
package similar

import (
	"strings"
	"unicode"
)

// text is a document normalized for comparison: the characters kept, and
// for each the byte range it came from in the original.
type text struct {
	runes []rune
	from  []int32 // byte offset in the original of runes[i]
	to    []int32 // byte offset just past it
}

// normalize keeps letters (Han and others) and drops digits, punctuation,
// symbols and spaces, and every occurrence of the names (longest first).
func normalize(s string, names []string) text {
	var t text
	masked := mask(s, names)
	for i, r := range s {
		if masked[i] || !keep(r) {
			continue
		}
		t.runes = append(t.runes, unicode.ToLower(r))
		t.from = append(t.from, int32(i))
		t.to = append(t.to, int32(i+len(string(r))))
	}
	return t
}

func keep(r rune) bool {
	return unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '年' && r != '月' && r != '日' && r != '号'
}

// mask marks the bytes of s covered by any of the names.
func mask(s string, names []string) []bool {
	m := make([]bool, len(s))
	for _, n := range names {
		if n = strings.TrimSpace(n); len([]rune(n)) < 2 {
			continue
		}
		for from := 0; ; {
			i := strings.Index(s[from:], n)
			if i < 0 {
				break
			}
			for j := from + i; j < from+i+len(n); j++ {
				m[j] = true
			}
			from += i + len(n)
		}
	}
	return m
}
