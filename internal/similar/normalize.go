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
	"slices"
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

// mask marks the bytes of s covered by any of the names: one pass over
// s, looking up the names that start with the two characters at each
// position (a campaign has a thousand unit names; searching s for each
// in turn cost a scan most of its time).
func mask(s string, names []string) []bool {
	m := make([]bool, len(s))
	byStart := map[[2]rune][]string{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		r := []rune(n)
		if len(r) < 2 {
			continue
		}
		key := [2]rune{r[0], r[1]}
		byStart[key] = append(byStart[key], n)
	}
	if len(byStart) == 0 {
		return m
	}
	for _, ns := range byStart {
		slices.SortFunc(ns, func(a, b string) int { return len(b) - len(a) }) // longest first
	}
	type at struct {
		offset int
		r      rune
	}
	var runes []at // offsets from ranging over s: right for invalid bytes too
	for offset, r := range s {
		runes = append(runes, at{offset, r})
	}
	for i := 0; i+1 < len(runes); i++ {
		for _, n := range byStart[[2]rune{runes[i].r, runes[i+1].r}] {
			if offset := runes[i].offset; strings.HasPrefix(s[offset:], n) {
				for j := offset; j < offset+len(n); j++ {
					m[j] = true
				}
				break
			}
		}
	}
	return m
}
