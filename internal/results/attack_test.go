package results

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"pinggu"
	"pinggu/internal/analysis"
	"pinggu/internal/store"
)

// attack is the S5 attacker, written apart from analysis.Exposed: it reads
// a county's published figures (the weighted rate, its interval and the
// mean score as the pages print them), every shown object's answers (as
// if fully known) and the public roster and sample sizes, and solves for
// the hidden objects' answers by plain enumeration. The published rate and
// interval depend only on the favorable counts and the mean only on the
// score sums, so it enumerates the two apart, completely. It returns the
// names of the hidden objects with a cell — favorable count, score sum or
// count of one level — that has a single solution.
func attack(t *testing.T, d *design, a *Area, scores []int) ([]string, bool) {
	t.Helper()
	if !a.Overall.Shown() {
		return nil, true
	}
	var hidden []int
	fSpace, sSpace := 1, 1
	for i, o := range a.Objects {
		if o.Overall.Hidden && o.Overall.Tally.Answered() > 0 {
			hidden = append(hidden, i)
			fSpace *= o.Responses + 1
			sSpace *= 3*o.Responses + 1
		}
	}
	if len(hidden) == 0 {
		return nil, true
	}
	if fSpace > 300_000 || sSpace > 3_000_000 {
		return nil, false // too many to enumerate outright
	}
	b := d.build(a.Objects, false, pinggu.OverallCode)
	want := a.Overall.Published()
	fav, score := append([]analysis.Cluster(nil), b.fav...), append([]analysis.Cluster(nil), b.score...)
	stat := func() *Stat {
		e := analysis.Design(b.strata, fav)
		st := &Stat{Rate: analysis.DesignRate(e, false, b.pop), Mean: analysis.Design(b.strata, score).Value, Pooled: true}
		return st
	}
	// Favorable counts: every vector, checked on rate and interval.
	feasF := make([]map[int]bool, len(hidden))
	feasS := make([]map[int]bool, len(hidden))
	for k := range hidden {
		feasF[k], feasS[k] = map[int]bool{}, map[int]bool{}
	}
	vec := make([]int, len(hidden))
	var walk func(k int, values func(i int) []int, set func(i, v int), ok func() bool, feas []map[int]bool)
	walk = func(k int, values func(i int) []int, set func(i, v int), ok func() bool, feas []map[int]bool) {
		if k == len(hidden) {
			if ok() {
				for j, v := range vec {
					feas[j][v] = true
				}
			}
			return
		}
		for _, v := range values(hidden[k]) {
			vec[k] = v
			set(hidden[k], v)
			walk(k+1, values, set, ok, feas)
		}
	}
	n := func(i int) int64 { return int64(b.fav[i].M.N) }
	walk(0, func(i int) []int {
		out := []int{}
		for f := 0; f <= int(n(i)); f++ {
			out = append(out, f)
		}
		return out
	}, func(i, f int) {
		fav[i].M = analysis.Moments{N: int(n(i)), A: n(i), Y: int64(f), AA: n(i), AY: int64(f), YY: int64(f)}
	}, func() bool {
		st := stat()
		st.Hidden = st.Rate.Suppressed
		got := st.Published()
		return got[0] == want[0] && got[1] == want[1]
	}, feasF)
	// Score sums: every achievable sum, checked on the mean.
	walk(0, func(i int) []int {
		seen := map[int]bool{}
		var out []int
		var rec func(l, left, s int)
		rec = func(l, left, s int) {
			if l == len(scores)-1 {
				if s += left * scores[l]; !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
				return
			}
			for c := 0; c <= left; c++ {
				rec(l+1, left-c, s+c*scores[l])
			}
		}
		rec(0, int(n(i)), 0)
		return out
	}, func(i, s int) {
		score[i].M = analysis.Moments{N: int(n(i)), A: n(i), Y: int64(s), AA: n(i), AY: int64(s), YY: int64(s)}
	}, func() bool {
		st := stat()
		st.Hidden = st.Rate.Suppressed
		return st.Published()[2] == want[2]
	}, feasS)
	var out []string
	for k, i := range hidden {
		cells := []int{len(feasF[k]), len(feasS[k])}
		// Level counts: over the compositions whose favorable count and
		// score sum are both feasible.
		levels := make([]map[int]bool, len(scores))
		for l := range levels {
			levels[l] = map[int]bool{}
		}
		c := make([]int, len(scores))
		var rec func(l, left int)
		rec = func(l, left int) {
			if l == len(scores)-1 {
				c[l] = left
				f, s := c[0]+c[1], 0
				for j, x := range c {
					s += x * scores[j]
				}
				if feasF[k][f] && feasS[k][s] {
					for j, x := range c {
						levels[j][x] = true
					}
				}
				return
			}
			for x := 0; x <= left; x++ {
				c[l] = x
				rec(l+1, left-x)
			}
		}
		rec(0, int(n(i)))
		for _, l := range levels {
			cells = append(cells, len(l))
		}
		for _, m := range cells {
			if m < 2 {
				out = append(out, fmt.Sprintf("%s %v", a.Objects[i].Unit.Name, cells))
				break
			}
		}
	}
	return out, true
}

const attackTrials = 100

// TestNothingHiddenIsDerivable attacks 1,000 random counties after S5
// (v2): no hidden cell has a single solution. It also checks that the
// attack finds something before the exact check — the primary rule alone
// leaves cells derivable — so the test can fail.
func TestNothingHiddenIsDerivable(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 26))
	scores := []int{100, 80, 60, 40}
	exposedBefore, hiddenCounties, withHidden, attacked, tooBig := 0, 0, 0, 0, 0
	for trial := range attackTrials {
		in, d := randomCounty(rng, trial)
		city := Compute(in)
		a := city.Areas[0]
		bad, done := attack(t, d, a, scores)
		if len(bad) > 0 {
			t.Fatalf("county %d: derivable after S5: %v", trial, bad)
		}
		if done {
			attacked++
		} else {
			tooBig++
		}
		if !a.Overall.Shown() {
			hiddenCounties++
		}
		// The same county with the primary rule only.
		primary := 0
		for _, o := range a.Objects {
			o.Overall.Hidden = o.Responses < analysis.MinRespondents
			if o.Overall.Hidden {
				primary++
			}
		}
		if primary > 0 {
			withHidden++
			a.Overall.Hidden = false
			if bad, _ := attack(t, d, a, scores); len(bad) > 0 {
				exposedBefore++
			}
		}
	}
	t.Logf("%d counties: %d with a small object, %d attacked in full (%d too large to enumerate); with the primary rule only %d had a derivable cell; after S5 none; %d county figures hidden",
		attackTrials, withHidden, attacked, tooBig, exposedBefore, hiddenCounties)
	if attacked < attackTrials/2 {
		t.Errorf("only %d of %d counties attacked in full", attacked, attackTrials)
	}
	if exposedBefore == 0 {
		t.Error("the attack found nothing even without the exact check: it cannot fail")
	}
}

// randomCounty is a county of 3–12 drawn units in up to three strata with
// small and ordinary samples, and its design.
func randomCounty(rng *rand.Rand, trial int) (*Input, *design) {
	c := &pinggu.Campaign{ID: 1, Settings: pinggu.DefaultSettings()}
	f := &pinggu.Framework{Code: "lead", Audience: pinggu.AudienceLeadership}
	in := &Input{Campaign: c, Frameworks: map[pinggu.UnitKind]*pinggu.Framework{pinggu.KindTownship: f, pinggu.KindBranch: f, pinggu.KindCountyDept: f},
		Rosters: map[int64]int{}, Samples: map[string]int{}, UnitStratum: map[string]string{}, Strata: map[string]store.UnitStratum{}}
	in.Units = []pinggu.Unit{{ID: 1, Code: "C", Name: "市", Kind: pinggu.KindCity}, {ID: 2, Code: "X", Name: "县", Kind: pinggu.KindCounty, ParentID: 1}}
	kinds := []pinggu.UnitKind{pinggu.KindTownship, pinggu.KindBranch, pinggu.KindCountyDept}
	for h, k := range kinds[:1+rng.IntN(3)] {
		in.Strata[fmt.Sprintf("X/%s", k)] = store.UnitStratum{Pop: 4 + rng.IntN(20)}
		_ = h
	}
	units := 3 + rng.IntN(10)
	for i := range units {
		k := kinds[rng.IntN(len(in.Strata))]
		id := int64(10 + i)
		code := fmt.Sprintf("X%02d", i)
		in.Units = append(in.Units, pinggu.Unit{ID: id, Code: code, Name: code, Kind: k, ParentID: 2})
		n := 2 + rng.IntN(25)
		if rng.IntN(3) == 0 {
			n = 1 + rng.IntN(5)
		}
		pop := n + rng.IntN(60)
		in.Rosters[id], in.Samples[code] = pop, n
		in.UnitStratum[code] = fmt.Sprintf("X/%s", k)
		lean := rng.IntN(4)
		for range n {
			lv := min(3, rng.IntN(3)+rng.IntN(2)*lean/2)
			in.Tallies = append(in.Tallies, store.TallyRow{TallyKey: store.TallyKey{Unit: id, Question: pinggu.OverallCode, Level: lv}, N: 1})
		}
	}
	_ = trial
	return in, &design{of: in.UnitStratum, strata: in.Strata}
}
