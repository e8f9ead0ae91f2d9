package analysis

import (
	"cmp"
	"math"
	"slices"
	"sort"
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
// approximation). The search for one is bounded — the few values nearest
// each object's truth, at most a dozen objects moving together, a few
// thousand candidates checked — so a cell for which it finds no witness is
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
// weighted sum in the rate's band, by a meet-in-the-middle search over the
// objects, then the rate and interval recomputed), then score sums
// achievable with those counts (in the mean's band, then the mean
// recomputed). Object i moves with at most maxMoving-1 others, those whose
// weights are nearest its own (they compensate it best); the rest keep
// their truth.
func (x *search) witness(i int, cell func(pair) bool) bool {
	k := len(x.n)
	moving := x.companions(i)
	fOpts := make([][]int, k)
	for j := range k {
		set := map[int]bool{}
		for p := range x.options[j] {
			if j != i && !moving[j] {
				set[x.truth[j].f] = true
				break
			}
			if j != i || cell(p) {
				set[p.f] = true
			}
		}
		fOpts[j] = nearest(set, x.truth[j].f, optionsPerObject)
	}
	found := false
	fTruth, sTruth := make([]int, k), make([]int, k)
	for j := range k {
		fTruth[j], sTruth[j] = x.truth[j].f, x.truth[j].s
	}
	x.solve(fOpts, fTruth, x.pub.FLo, x.pub.FHi, x.pub.Rate, func(f []int) bool {
		sOpts := make([][]int, k)
		for j := range k {
			set := map[int]bool{}
			for p := range x.options[j] {
				if j != i && !moving[j] {
					set[x.truth[j].s] = true
					break
				}
				if p.f == f[j] && (j != i || cell(p)) {
					set[p.s] = true
				}
			}
			sOpts[j] = nearest(set, x.truth[j].s, optionsPerObject)
		}
		return x.solve(sOpts, sTruth, x.pub.SLo, x.pub.SHi, x.pub.Mean, func(s []int) bool {
			for j := range k {
				x.feasible[j][pair{f[j], s[j]}] = true
			}
			found = true
			return true
		})
	})
	return found
}

// maxMoving is how many objects a witness changes at most.
const maxMoving = 12

// companions are the objects that may move with object i: every other one
// when they are few, else the maxMoving-1 whose weights are nearest i's.
func (x *search) companions(i int) map[int]bool {
	others := make([]int, 0, len(x.n))
	for j := range x.n {
		if j != i {
			others = append(others, j)
		}
	}
	w := x.pub.W
	slices.SortStableFunc(others, func(a, b int) int { return cmp.Compare(math.Abs(w[a]-w[i]), math.Abs(w[b]-w[i])) })
	moving := map[int]bool{}
	for _, j := range others[:min(len(others), maxMoving-1)] {
		moving[j] = true
	}
	return moving
}

// nearest keeps the n values of set nearest to truth (a witness is a small
// change of the truth, or none is likely), in increasing order. Leaving
// the others out can only miss a witness, never invent one.
func nearest(set map[int]bool, truth, n int) []int {
	out := sortedKeys(set)
	if len(out) <= n {
		return out
	}
	slices.SortStableFunc(out, func(a, b int) int { return abs(a-truth) - abs(b-truth) })
	out = out[:n]
	slices.Sort(out)
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Search limits: values tried per object (nearest its truth), value
// combinations listed per half of the objects, and candidates checked
// against the published figures per search.
const (
	optionsPerObject = 9
	maxHalf          = 5000
	maxChecks        = 2000
)

// solve looks for vectors, one value per object from opts, whose weighted
// sum lies in [lo, hi] and which ok accepts (nil: any), and calls done
// with each found until done returns true. It meets in the middle: every
// combination of the first half's values is listed, and of the second
// half's, sorted by its sum; each first-half combination, the nearest the
// truth first, is paired with the second-half ones that bring the sum into
// the band, and each pair is checked. Where the combinations would be too
// many, fewer values per object are tried, nearest the truth first. It may
// miss a solution so, never invent one.
func (x *search) solve(opts [][]int, truth []int, lo, hi float64, ok func([]int) bool, done func([]int) bool) bool {
	k := len(opts)
	w := x.pub.W
	for _, o := range opts {
		if len(o) == 0 {
			return false
		}
	}
	if ok == nil || math.IsInf(lo, -1) || math.IsInf(hi, 1) {
		// Nothing of this kind is published: the values nearest the truth
		// will do.
		v := make([]int, k)
		for j := range k {
			v[j] = nearest(toSet(opts[j]), truth[j], 1)[0]
		}
		return (ok == nil || ok(v)) && done(v)
	}
	opts = slices.Clone(opts)
	for m := optionsPerObject; ; m-- {
		if combos(opts[:k/2]) <= maxHalf && combos(opts[k/2:]) <= maxHalf || m == 1 {
			break
		}
		for j := range k {
			opts[j] = nearest(toSet(opts[j]), truth[j], m)
		}
	}
	first, second := listHalf(opts, w, truth, 0, k/2), listHalf(opts, w, truth, k/2, k)
	slices.SortFunc(first.order, func(a, b int) int { return first.dist[a] - first.dist[b] })
	slices.SortFunc(second.order, func(a, b int) int { return cmp.Compare(second.sum[a], second.sum[b]) })
	v := make([]int, k)
	checks := 0
	for _, a := range first.order {
		from := sort.Search(len(second.order), func(i int) bool { return first.sum[a]+second.sum[second.order[i]] >= lo-slack })
		for _, b := range second.order[from:] {
			if first.sum[a]+second.sum[b] > hi+slack {
				break
			}
			first.values(a, v[:k/2])
			second.values(b, v[k/2:])
			if checks++; checks > maxChecks {
				return false
			}
			if ok(v) && done(v) {
				return true
			}
		}
	}
	return false
}

// half is every combination of some objects' values: combination c's
// value indexes are idx[c*width:(c+1)*width], its weighted sum sum[c], its
// distance from the truth (in steps of each object's values) dist[c].
type half struct {
	opts  [][]int
	width int
	idx   []uint8
	sum   []float64
	dist  []int
	order []int
}

func (h *half) values(c int, v []int) {
	for j := range h.width {
		v[j] = h.opts[j][h.idx[c*h.width+j]]
	}
}

func listHalf(opts [][]int, w []float64, truth []int, from, to int) *half {
	h := &half{opts: opts[from:to], width: to - from}
	n := combos(h.opts)
	h.idx, h.sum, h.dist, h.order = make([]uint8, 0, n*h.width), make([]float64, 0, n), make([]int, 0, n), make([]int, 0, n)
	cur := make([]uint8, h.width)
	var walk func(j int, sum float64, dist int)
	walk = func(j int, sum float64, dist int) {
		if j == h.width {
			h.order = append(h.order, len(h.sum))
			h.idx = append(h.idx, cur...)
			h.sum = append(h.sum, sum)
			h.dist = append(h.dist, dist)
			return
		}
		t := truth[from+j]
		for i, v := range h.opts[j] {
			cur[j] = uint8(i)
			walk(j+1, sum+w[from+j]*float64(v), dist+abs(v-t))
		}
	}
	walk(0, 0, 0)
	return h
}

// combos is the number of combinations of opts' values, saturating.
func combos(opts [][]int) int {
	n := 1
	for _, o := range opts {
		n *= len(o)
		if n > 1<<30 {
			return 1 << 30
		}
	}
	return n
}

func toSet(vs []int) map[int]bool {
	set := make(map[int]bool, len(vs))
	for _, v := range vs {
		set[v] = true
	}
	return set
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
