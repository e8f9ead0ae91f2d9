package store

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"
)

// TestScanAnswersAgreesWithJSON: for random answer maps, ScanAnswers reads
// what encoding/json wrote, and refuses what is not an answers object.
func TestScanAnswersAgreesWithJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		want := map[string]int{}
		for j := range rng.IntN(40) {
			want["L"+string(rune('1'+j%9))+"."+string(rune('0'+j))] = rng.IntN(6) - 1 // some need escapes: < > and the like
		}
		b, _ := json.Marshal(want)
		got := map[string]int{}
		if err := ScanAnswers(string(b), func(c string, l int) { got[c] = l }); err != nil || !maps.Equal(got, want) {
			t.Fatalf("%s: %v %v", b, got, err)
		}
	}
	if err := ScanAnswers(` { "a" : 1 , "b":-1 } `, func(string, int) {}); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{``, `[]`, `{"a":}`, `{"a":1`, `{"a":1,}`, `{"a":x}`, `{a:1}`, `{"a":1}}`[:6]} {
		if err := ScanAnswers(bad, func(string, int) {}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func BenchmarkScanAnswers(b *testing.B) {
	m := map[string]int{}
	for j := range 36 {
		m[fmt.Sprintf("L%d.%d", j/5+1, j%5+1)] = j%5 - 1
	}
	s, _ := json.Marshal(m)
	b.Run("scan", func(b *testing.B) {
		for b.Loop() {
			ScanAnswers(string(s), func(string, int) {})
		}
	})
	b.Run("encoding/json (baseline)", func(b *testing.B) {
		for b.Loop() {
			var out map[string]int
			json.Unmarshal(s, &out)
		}
	})
}
