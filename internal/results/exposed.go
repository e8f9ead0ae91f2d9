package results

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/analysis"
)

// exposed reports whether a hidden object of secretsIn (hidden, with
// answers to question q) has a cell that a solver could fix from the
// figures figs of q as published, with every other object's answers
// known. The first shown figure's band drives the search; the others
// narrow it where they weigh the hidden objects alike (a county's figure
// and the city's), and every candidate must reproduce every figure.
func (d *design) exposed(q string, scores []int, secretsIn []*Object, figs ...published) bool {
	var hidden []*Object
	for _, o := range secretsIn {
		if o.Overall.Hidden && o.tally(q).Answered() > 0 {
			hidden = append(hidden, o)
		}
	}
	type check struct {
		published
		b          built
		at         map[*Object]int
		want       [3]string
		fav, score []analysis.Cluster
		w          []float64 // the hidden objects' weights
		fLo, fHi   float64   // bands on Σ w·f and Σ w·s over the hidden
		sLo, sHi   float64
	}
	var checks []*check
	for _, f := range figs {
		if f.st == nil || !f.st.Shown() {
			continue
		}
		c := &check{published: f, b: d.build(f.objects, false, q), at: map[*Object]int{}, want: f.st.Published()}
		for i, o := range f.objects {
			c.at[o] = i
		}
		for _, o := range hidden {
			if _, ok := c.at[o]; !ok {
				return true // a hidden object outside the figure: a caller's mistake, never taken as safe
			}
		}
		w := analysis.Weights(c.b.strata, c.b.fav)
		var total, shownF, shownS float64
		isHidden := map[int]bool{}
		for _, o := range hidden {
			isHidden[c.at[o]] = true
			c.w = append(c.w, w[c.at[o]])
		}
		for i := range f.objects {
			total += w[i] * float64(c.b.fav[i].M.A)
			if !isHidden[i] {
				shownF += w[i] * float64(c.b.fav[i].M.Y)
				shownS += w[i] * float64(c.b.score[i].M.Y)
			}
		}
		// The bands follow from the rate's and the mean's rounding: half
		// a unit of the last digit either way, widened a hair against
		// float error. They only prune; the figures recomputed decide.
		c.fLo, c.fHi = math.Inf(-1), math.Inf(1)
		if p, half, ok := parsePercent(c.want[0]); ok {
			c.fLo, c.fHi = (p-half-1e-9)*total-shownF, (p+half+1e-9)*total-shownF
		}
		c.sLo, c.sHi = math.Inf(-1), math.Inf(1)
		if m, err := strconv.ParseFloat(c.want[2], 64); err == nil {
			half := halfUnit(c.want[2])
			c.sLo, c.sHi = (m-half-1e-9)*total-shownS, (m+half+1e-9)*total-shownS
		}
		c.fav, c.score = slices.Clone(c.b.fav), slices.Clone(c.b.score)
		checks = append(checks, c)
	}
	if len(hidden) == 0 || len(checks) == 0 {
		return false
	}
	first := checks[0]
	pub := analysis.Published{W: first.w, FLo: first.fLo, FHi: first.fHi, SLo: first.sLo, SHi: first.sHi}
	for _, c := range checks[1:] {
		if alike(c.w, first.w) {
			pub.FLo, pub.FHi = math.Max(pub.FLo, c.fLo), math.Min(pub.FHi, c.fHi)
			pub.SLo, pub.SHi = math.Max(pub.SLo, c.sLo), math.Min(pub.SHi, c.sHi)
		}
	}
	secrets := make([]analysis.Secret, len(hidden))
	worlds := make([]*world, len(hidden))
	for k, o := range hidden {
		secrets[k] = analysis.Secret{Counts: o.tally(q).Levels}
		worlds[k] = o.world(q, first.b.fav[first.at[o]].M)
	}
	pub.Rate = func(f []int) bool {
		for _, c := range checks {
			for k, o := range hidden {
				c.fav[c.at[o]].M = worlds[k].favorable(f[k])
			}
			got := Stat{Rate: analysis.DesignRate(analysis.Design(c.b.strata, c.fav), false, c.b.pop), Pooled: true, Coarse: c.st.Coarse}
			got.Hidden = got.Rate.Suppressed
			if got.RateText() != c.want[0] || got.IntervalText() != c.want[1] {
				return false
			}
		}
		return true
	}
	pub.Mean = func(s []int) bool {
		for _, c := range checks {
			for k, o := range hidden {
				m := c.b.score[c.at[o]].M
				m.Y = int64(s[k])
				c.score[c.at[o]].M = m // the mean's point estimate rests on A and Y alone
			}
			got := Stat{Rate: c.st.Rate, Mean: analysis.Design(c.b.strata, c.score).Value, Pooled: true, Coarse: c.st.Coarse}
			if got.MeanText() != c.want[2] {
				return false
			}
		}
		return true
	}
	for _, x := range analysis.Exposed(secrets, scores, pub) {
		if x {
			return true
		}
	}
	return false
}

// alike reports whether two figures weigh the hidden objects the same.
func alike(a, b []float64) bool {
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-9*math.Max(1, math.Abs(b[i])) {
			return false
		}
	}
	return true
}

// tally is the object's answers to question q (an item, a dimension, or
// the overall rating), empty when it has none.
func (o *Object) tally(q string) analysis.Tally {
	switch {
	case q == pinggu.OverallCode:
		return o.Overall.Tally
	case o.Items[q] != nil:
		return o.Items[q].Tally
	case o.Dimensions[q] != nil:
		return o.Dimensions[q].Tally
	}
	return analysis.Tally{}
}

// world makes alternative answers of the object to question q that a
// witness may try: each candidate favorable count becomes real
// respondents' answers, and the design's moments are computed from them.
// For the overall rating and an item each respondent gives one answer,
// so the moments follow from the count alone. For a dimension a respondent
// answers several items: the candidate is reached from the true answers
// by turning answers favorable (or not) one at a time, each time for the
// respondent with the smallest favorable share who can take it — a world
// that could have been, so the interval it gives is exact.
type world struct {
	truth   analysis.Moments
	profile [][2]int64 // per respondent: answers, favorable answers; nil for one answer each
}

func (o *Object) world(q string, truth analysis.Moments) *world {
	w := &world{truth: truth}
	for _, p := range o.profiles[q] {
		var a, y int64
		for l, c := range p.counts {
			a += int64(c)
			if l < 2 {
				y += int64(c)
			}
		}
		for range p.n {
			w.profile = append(w.profile, [2]int64{a, y})
		}
	}
	return w
}

func (w *world) favorable(f int) analysis.Moments {
	target := int64(f)
	if w.profile == nil {
		n := w.truth.A
		return analysis.Moments{N: w.truth.N, A: n, Y: target, AA: w.truth.AA, AY: target, YY: target}
	}
	rs := slices.Clone(w.profile)
	var y int64
	for _, r := range rs {
		y += r[1]
	}
	for y != target {
		best := -1
		for i, r := range rs {
			can := (y < target && r[1] < r[0]) || (y > target && r[1] > 0)
			if !can {
				continue
			}
			// up: the smallest favorable share first; down: the largest.
			if best < 0 || (y < target) == (r[1]*rs[best][0] < rs[best][1]*r[0]) {
				best = i
			}
		}
		if best < 0 {
			break // not reachable: the moments will not reproduce anything
		}
		if y < target {
			rs[best][1]++
			y++
		} else {
			rs[best][1]--
			y--
		}
	}
	var m analysis.Moments
	for _, r := range rs {
		m.Add(r[0], r[1])
	}
	return m
}

// parsePercent reads a published rate as a proportion, with half a unit of
// its last digit.
func parsePercent(s string) (p, half float64, ok bool) {
	f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	return f / 100, halfUnit(strings.TrimSuffix(s, "%")) / 100, err == nil && strings.HasSuffix(s, "%")
}

// halfUnit is half a unit of the last digit of a number as printed.
func halfUnit(s string) float64 {
	if _, frac, ok := strings.Cut(s, "."); ok {
		return 0.5 * math.Pow10(-len(frac))
	}
	return 0.5
}
