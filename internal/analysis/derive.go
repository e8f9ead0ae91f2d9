package analysis

import (
	"math"
	"slices"
)

// S5 (v2): nothing hidden may be derivable from what is published with
// it. A hidden object's answers to a question are its count of each level.
// What is published beside it — an area's weighted rate and interval, and
// its mean score, at their published precision — constrains the hidden
// objects' favorable counts f (the rate and the interval depend on nothing
// else) and their score sums s (the mean depends on nothing else). The two
// are constrained apart, so their feasible values are found apart.
//
// A cell — an object's favorable count, score sum, or count of one level —
// is safe when at least two of its values stay consistent with everything
// published. The check below proves a cell safe by finding a second value:
// an assignment of every hidden object that reproduces every published
// figure (checked by recomputing the figures themselves, not by
// approximation). The search for one is bounded (a few partial sums per
// bucket of the published bands); a cell for which it finds no witness is
// reported exposed even where one might exist: the check can only err
// towards hiding more.

// Secret is one hidden object's answers: Counts[l] answers of level l,
// the truth the published figures were computed from.
type Secret struct{ Counts []int }

// Published checks candidate answers against what is published.
type Published struct {
	// Rate reports whether favorable counts f (one per secret) reproduce
	// the published rate and interval; Mean whether score sums s
	// reproduce the published mean. Nil: nothing of that kind is
	// published.
	Rate, Mean func(v []int) bool
	// W are the secrets' weights in the published ratio (its numerator is
	// Σ W_i·f_i, or Σ W_i·s_i, plus what is shown); [FLo, FHi] and [SLo,
	// SHi] bound those sums for any candidate Rate or Mean accepts. They
	// only prune.
	W                  []float64
	FLo, FHi, SLo, SHi float64
}

// Exposed reports, for each secret, whether some cell of it has no second
// value consistent with what is published. scores are the levels' scores,
// best first; the first two levels are favorable.
func Exposed(secrets []Secret, scores []int, pub Published) []bool {
	k := len(secrets)
	x := &search{scores: scores, pub: pub, n: make([]int, k), truth: make([]pair, k)}
	x.options = make([]map[pair]*countRange, k)
	x.feasible = make([]map[pair]bool, k)
	for i, sec := range secrets {
		for l, c := range sec.Counts {
			x.n[i] += c
			if l < 2 {
				x.truth[i].f += c
			}
			x.truth[i].s += c * scores[l]
		}
		x.options[i] = compositions(x.n[i], scores)
		x.feasible[i] = map[pair]bool{x.truth[i]: true}
	}
	out := make([]bool, k)
	for i, sec := range secrets {
		cells := []func(pair) bool{
			func(p pair) bool { return p.f != x.truth[i].f },
			func(p pair) bool { return p.s != x.truth[i].s },
		}
		for l := range scores {
			v := sec.Counts[l]
			cells = append(cells, func(p pair) bool { r := x.options[i][p]; return r.lo[l] != v || r.hi[l] != v })
		}
		for _, cell := range cells {
			if x.satisfied(i, cell) {
				continue
			}
			if !x.witness(i, cell) {
				out[i] = true
				break
			}
		}
	}
	return out
}

// pair is what the published figures see of one object: its favorable
// count and its score sum.
type pair struct{ f, s int }

// countRange is the least and greatest count of each level over the
// compositions that give one pair.
type countRange struct{ lo, hi [4]int }

type search struct {
	scores  []int
	pub     Published
	n       []int
	truth   []pair
	options []map[pair]*countRange // each object's achievable pairs
	// feasible[i] holds the pairs of object i that some witness (a full
	// assignment reproducing every published figure) gives it.
	feasible []map[pair]bool
}

// satisfied reports whether a witness found already gives object i a
// pair for which cell holds.
func (x *search) satisfied(i int, cell func(pair) bool) bool {
	for p := range x.feasible[i] {
		if cell(p) {
			return true
		}
	}
	return false
}

// witness looks for a full assignment reproducing every published figure
// in which object i's pair satisfies cell, and records every object's pair
// of each one found. The favorable counts are chosen first (their
// weighted sum in the rate's band, by a bucketed search over the objects,
// then the rate and interval recomputed), then score sums achievable with
// those counts (in the mean's band, then the mean recomputed).
func (x *search) witness(i int, cell func(pair) bool) bool {
	k := len(x.n)
	fOpts := make([][]int, k)
	for j := range k {
		set := map[int]bool{}
		for p := range x.options[j] {
			if j != i || cell(p) {
				set[p.f] = true
			}
		}
		fOpts[j] = sortedKeys(set)
	}
	found := false
	x.solve(fOpts, x.pub.FLo, x.pub.FHi, x.pub.Rate, func(f []int) bool {
		sOpts := make([][]int, k)
		for j := range k {
			set := map[int]bool{}
			for p := range x.options[j] {
				if p.f == f[j] && (j != i || cell(p)) {
					set[p.s] = true
				}
			}
			sOpts[j] = sortedKeys(set)
		}
		return x.solve(sOpts, x.pub.SLo, x.pub.SHi, x.pub.Mean, func(s []int) bool {
			for j := range k {
				x.feasible[j][pair{f[j], s[j]}] = true
			}
			found = true
			return true
		})
	})
	return found
}

// Search limits: buckets per band, partial assignments kept per bucket,
// and candidates checked against the published figures per search.
const (
	bucketsPerBand = 8
	perBucket      = 16
	maxChecks      = 2000
)

// solve looks for a vector, one value per object from opts, whose
// weighted sum lies in [lo, hi] and which ok accepts (nil: any), and calls
// done with each found until done returns true. Partial sums are kept by
// bucket, a few per bucket, so the search is polynomial; it may miss a
// solution, never invent one.
func (x *search) solve(opts [][]int, lo, hi float64, ok func([]int) bool, done func([]int) bool) bool {
	k := len(opts)
	w := x.pub.W
	for _, o := range opts {
		if len(o) == 0 {
			return false
		}
	}
	if ok == nil || math.IsInf(lo, -1) || math.IsInf(hi, 1) {
		// Nothing of this kind is published: the first options will do.
		v := make([]int, k)
		for j := range k {
			v[j] = opts[j][0]
		}
		return (ok == nil || ok(v)) && done(v)
	}
	width := math.Max((hi-lo)/bucketsPerBand, 1e-12)
	type node struct {
		prev  int
		value int
		sum   float64
	}
	layers := make([][]node, k+1)
	layers[0] = []node{{prev: -1}}
	// Reachable range of the objects still to place, to prune.
	restLo, restHi := make([]float64, k+1), make([]float64, k+1)
	for j := k - 1; j >= 0; j-- {
		a, b := w[j]*float64(opts[j][0]), w[j]*float64(opts[j][len(opts[j])-1])
		restLo[j], restHi[j] = restLo[j+1]+math.Min(a, b), restHi[j+1]+math.Max(a, b)
	}
	for j := range k {
		kept := map[int64]int{}
		for idx, nd := range layers[j] {
			for _, v := range opts[j] {
				sum := nd.sum + w[j]*float64(v)
				if sum+restLo[j+1] > hi+slack || sum+restHi[j+1] < lo-slack {
					continue
				}
				b := int64(math.Floor(sum / width))
				if kept[b] >= perBucket {
					continue
				}
				kept[b]++
				layers[j+1] = append(layers[j+1], node{idx, v, sum})
			}
		}
		if len(layers[j+1]) == 0 {
			return false
		}
	}
	v := make([]int, k)
	checks := 0
	for idx := range layers[k] {
		nd := layers[k][idx]
		if nd.sum < lo-slack || nd.sum > hi+slack {
			continue
		}
		for j, at := k-1, idx; j >= 0; j-- {
			v[j] = layers[j+1][at].value
			at = layers[j+1][at].prev
		}
		if checks++; checks > maxChecks {
			return false
		}
		if ok(v) && done(v) {
			return true
		}
	}
	return false
}

const slack = 1e-9

// compositions maps every pair n answers can give to the range of each
// level's count over the compositions giving it (four levels).
func compositions(n int, scores []int) map[pair]*countRange {
	out := map[pair]*countRange{}
	for c0 := 0; c0 <= n; c0++ {
		for c1 := 0; c0+c1 <= n; c1++ {
			for c2 := 0; c0+c1+c2 <= n; c2++ {
				c := [4]int{c0, c1, c2, n - c0 - c1 - c2}
				p := pair{c0 + c1, c[0]*scores[0] + c[1]*scores[1] + c[2]*scores[2] + c[3]*scores[3]}
				r := out[p]
				if r == nil {
					out[p] = &countRange{c, c}
					continue
				}
				for l := range c {
					r.lo[l], r.hi[l] = min(r.lo[l], c[l]), max(r.hi[l], c[l])
				}
			}
		}
	}
	return out
}

func sortedKeys(set map[int]bool) []int {
	out := make([]int, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}
