package similar

import "testing"

// exactPairs compares every pair exactly: the truth the bands are
// measured against.
func exactPairs(docs []Doc, o Options) map[[2]int]float64 {
	o = o.withDefaults()
	stock := map[uint64]bool{}
	for _, s := range o.Stock {
		t := normalize(s, nil)
		for i := 0; i+o.K <= len(t.runes); i++ {
			stock[shingle(t.runes[i:i+o.K])] = true
		}
	}
	prepared := make([]*doc, len(docs))
	for i := range docs {
		prepared[i] = prepare(docs[i].Text, o.Names, o.K, stock)
	}
	out := map[[2]int]float64{}
	for a := range docs {
		for b := a + 1; b < len(docs); b++ {
			if _, sa, sb, _ := compare(prepared[a], prepared[b], index(prepared[b]), o.MinRun); max(sa, sb) >= o.MinShare {
				out[[2]int{a, b}] = max(sa, sb)
			}
		}
	}
	return out
}

// TestQuality measures the scan against exact all-pairs comparison on
// generated corpora at four copy levels: recall (the share of the pairs
// exact comparison flags that the scan finds), precision (the share of
// the scan's pairs that exact comparison flags), and whether every
// planted copy and no unrelated document is flagged.
func TestQuality(t *testing.T) {
	for _, rewrite := range []float64{0.1, 0.2, 0.3, 0.4} {
		sources := 12
		if raceEnabled {
			sources = 4
		}
		docs, names, planted := corpus(uint64(rewrite*100), sources, 2, rewrite)
		o := Options{Stock: planQuotes, Names: names}
		truth := exactPairs(docs, o)
		found, st := Scan(docs, o)
		hit := 0
		for _, p := range found {
			if _, ok := truth[[2]int{p.A, p.B}]; ok {
				hit++
			}
		}
		plantedFlagged, strays := 0, 0
		for p := range truth {
			if planted[p] {
				plantedFlagged++
			} else {
				strays++
			}
		}
		recall, precision := float64(hit)/float64(max(1, len(truth))), float64(hit)/float64(max(1, len(found)))
		t.Logf("rewrite %2.0f%%: %d docs, %d planted pairs, exact flags %d (planted %d, unrelated %d); scan: %d proposed by the bands, %d compared, %d flagged; recall %.3f, precision %.3f",
			rewrite*100, len(docs), len(planted), len(truth), plantedFlagged, strays, st.Proposed, st.Candidates, len(found), recall, precision)
		if strays > 0 {
			t.Errorf("rewrite %v: %d unrelated pairs flagged by exact comparison", rewrite, strays)
		}
		if precision < 1 {
			t.Errorf("rewrite %v: precision %.3f", rewrite, precision)
		}
		if want := map[float64]float64{0.1: 1, 0.2: 1, 0.3: 0.95, 0.4: 0.9}[rewrite]; recall < want {
			t.Errorf("rewrite %v: recall %.3f, want ≥ %.2f", rewrite, recall, want)
		}
		if rewrite <= 0.3 && plantedFlagged < len(planted) {
			t.Errorf("rewrite %v: %d of %d planted pairs flagged by exact comparison", rewrite, plantedFlagged, len(planted))
		}
	}
}
