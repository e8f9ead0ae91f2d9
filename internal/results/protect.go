package results

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"pinggu"
	"pinggu/internal/analysis"
)

// protect is S5 (v2) for a county: while the answers of a hidden object
// can be solved for from the county's published overall figures (its
// weighted rate, interval and mean score at their published precision,
// with every shown object's figures and the public roster and sample
// sizes), the smallest shown sibling is hidden too;
// when none is left, the county's own figure is hidden. Hiding two objects
// protects a sum, not a weighted mean: the weighted sum of bounded
// integers often has one solution, which analysis.Exposed finds.
func (a *Area) protect(campaign int64, d *design, scores []int) {
	// The check is exact and costs tens of milliseconds a county; its
	// outcome depends only on what the area's figures are made of, so the
	// latest outcome of each area is kept with a hash of that, for the next
	// page that shows the same results.
	at := protectedArea{campaign, a.Unit.ID}
	key := d.protectKey(a, scores)
	if p, ok := protected.Load(at); ok && p.(*protection).key == key {
		a.applyProtection(p.(*protection).hidden)
		return
	}
	a.runProtection(d, scores)
	hidden := make([]bool, len(a.Objects)+1)
	for i, o := range a.Objects {
		hidden[i] = o.Overall.Hidden
	}
	hidden[len(a.Objects)] = a.Overall.Hidden
	protected.Store(at, &protection{key, hidden})
}

// protected holds each area's latest protection outcome: one entry per
// campaign and area, replaced when the area's figures change.
var protected sync.Map // protectedArea → *protection

type protectedArea struct{ campaign, unit int64 }

type protection struct {
	key    [32]byte
	hidden []bool // per object, then the area's own figure
}

// protectKey hashes everything the area's overall figures and their check
// rest on: each object's answers, stratum, roster and whether the primary
// rule hid it.
func (d *design) protectKey(a *Area, scores []int) [32]byte {
	h := sha256.New()
	fmt.Fprintln(h, scores, a.Overall.Hidden)
	for _, o := range a.Objects {
		l := d.of[o.Unit.ElementID()]
		fmt.Fprintln(h, o.Unit.ID, l, d.strata[l], o.Pop, o.Sample, o.Overall.Tally.Levels, o.Overall.Hidden)
	}
	var key [32]byte
	h.Sum(key[:0])
	return key
}

func (a *Area) applyProtection(hidden []bool) {
	for i, o := range a.Objects {
		if hidden[i] && !o.Overall.Hidden {
			o.hide()
		}
	}
	a.Overall.Hidden = hidden[len(a.Objects)]
}

func (a *Area) runProtection(d *design, scores []int) {
	for a.Overall.Shown() {
		var hidden []*Object
		for _, o := range a.Objects {
			if o.Overall.Hidden && o.Overall.Tally.Answered() > 0 {
				hidden = append(hidden, o)
			}
		}
		if len(hidden) == 0 || !d.exposed(a, hidden, scores) {
			return
		}
		var next *Object
		for _, o := range a.Objects {
			if o.Overall.Shown() && (next == nil || cmp.Or(cmp.Compare(o.Responses, next.Responses), compareUnits(o.Unit, next.Unit)) < 0) {
				next = o
			}
		}
		if next == nil {
			a.Overall.Hidden = true
			return
		}
		next.hide()
	}
}

// exposed reports whether any of the hidden objects' overall answers has a
// cell that a solver could fix from what the area publishes.
func (d *design) exposed(a *Area, hidden []*Object, scores []int) bool {
	q := pinggu.OverallCode
	b := d.build(a.Objects, false, q)
	w := analysis.Weights(b.strata, b.fav)
	at := map[*Object]int{}
	for i, o := range a.Objects {
		at[o] = i
	}
	var total, shownF, shownS float64
	for i := range a.Objects {
		total += w[i] * float64(b.fav[i].M.A)
	}
	isHidden := map[int]bool{}
	secrets := make([]analysis.Secret, len(hidden))
	pub := analysis.Published{W: make([]float64, len(hidden))}
	for k, o := range hidden {
		i := at[o]
		isHidden[i] = true
		secrets[k] = analysis.Secret{Counts: o.Overall.Tally.Levels}
		pub.W[k] = w[i]
	}
	for i := range a.Objects {
		if !isHidden[i] {
			shownF += w[i] * float64(b.fav[i].M.Y)
			shownS += w[i] * float64(b.score[i].M.Y)
		}
	}
	want := a.Overall.Published()
	// The bands follow from the rate's and the mean's rounding: half a
	// unit of the last digit either way, widened a hair against float
	// error. They only prune; Rate and Mean decide, by recomputing the
	// published figures.
	if p, ok := parsePercent(want[0]); ok {
		pub.FLo, pub.FHi = (p-0.0005-1e-9)*total-shownF, (p+0.0005+1e-9)*total-shownF
	} else {
		pub.FLo, pub.FHi = math.Inf(-1), math.Inf(1)
	}
	if m, err := strconv.ParseFloat(want[2], 64); err == nil {
		pub.SLo, pub.SHi = (m-0.05-1e-9)*total-shownS, (m+0.05+1e-9)*total-shownS
	} else {
		pub.SLo, pub.SHi = math.Inf(-1), math.Inf(1)
	}
	fav, score := slices.Clone(b.fav), slices.Clone(b.score)
	pub.Rate = func(f []int) bool {
		for k, o := range hidden {
			i := at[o]
			n, fk := int64(b.fav[i].M.N), int64(f[k])
			fav[i].M = analysis.Moments{N: int(n), A: n, Y: fk, AA: n, AY: fk, YY: fk}
		}
		st := Stat{Rate: analysis.DesignRate(analysis.Design(b.strata, fav), false, b.pop), Pooled: true}
		st.Hidden = st.Rate.Suppressed
		return st.RateText() == want[0] && st.IntervalText() == want[1]
	}
	pub.Mean = func(s []int) bool {
		for k, o := range hidden {
			i := at[o]
			n, sk := int64(b.score[i].M.N), int64(s[k])
			score[i].M = analysis.Moments{N: int(n), A: n, Y: sk, AA: n, AY: sk, YY: sk * sk / max(n, 1)}
		}
		st := Stat{Rate: a.Overall.Rate, Mean: analysis.Design(b.strata, score).Value, Pooled: true}
		return st.MeanText() == want[2]
	}
	for _, x := range analysis.Exposed(secrets, scores, pub) {
		if x {
			return true
		}
	}
	return false
}

func parsePercent(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	return f / 100, err == nil && strings.HasSuffix(s, "%")
}
