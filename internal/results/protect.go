package results

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"pinggu"
	"pinggu/internal/analysis"
)

// S5 (v2): nothing hidden may be derivable from everything published
// together. Every figure pools objects' answers: a county's overall figure
// (its weighted rate, interval and mean score at their published
// precision) and, per framework, each item's and each dimension's; the
// city's the same over every object. A hidden object's answers are
// checked against the figures of its area and the city's together, with
// every shown object's answers taken as known (the response export lists
// them) and the public roster and sample sizes: a cell is safe when a
// witness — another world, in which the area's hidden objects answered
// otherwise and everything else stayed — reproduces every one of those
// figures. Hiding two objects protects a sum, not a weighted mean: the
// weighted sum of bounded integers often has one solution, which
// analysis.Exposed finds.
//
// Where a cell is exposed: a framework's figures are first published
// coarser (whole percent, whole points, no interval, all its figures
// alike); then the smallest shown sibling is hidden too; when none is left,
// the figure itself. Hiding more never exposes what was safe (a witness
// stays a witness), so the figures are checked one after another. A
// framework's per-level counts are unweighted sums: beside the shown
// objects' answers they give the hidden objects' sum exactly, so they are
// shown only where no object of the framework is hidden.

// published is one figure as it is published: the objects it pools and
// its stat.
type published struct {
	objects []*Object
	st      *Stat
}

// protect is S5 for a county, beside the city's figures.
func (a *Area) protect(campaign int64, d *design, scores []int, city *City) {
	// The check is exact and costs milliseconds a figure; its outcome
	// depends only on what the figures are made of, so the latest outcome
	// of each area is kept with a hash of that, for the next page that
	// shows the same results.
	at := protectedArea{campaign, a.Unit.ID}
	key := d.protectKey(a, scores, city)
	if p, ok := protected.Load(at); ok && p.(*protection).key == key {
		a.applyProtection(p.(*protection))
		return
	}
	a.runProtection(d, scores, city)
	p := &protection{key: key, objects: make([]bool, len(a.Objects)), area: a.Overall.Hidden}
	for i, o := range a.Objects {
		p.objects[i] = o.Overall.Hidden
	}
	for _, f := range a.figures() {
		p.figures = append(p.figures, [2]bool{f.st.Hidden, f.st.Coarse})
	}
	protected.Store(at, p)
}

// protected holds each area's latest protection outcome: one entry per
// campaign and area, replaced when the area's figures change.
var protected sync.Map // protectedArea → *protection

type protectedArea struct{ campaign, unit int64 }

type protection struct {
	key     [32]byte
	objects []bool    // per object: hidden
	area    bool      // the area's own figure hidden
	figures [][2]bool // per framework figure (Area.figures): hidden, coarse
}

// protectKey hashes everything the area's figures and their checks rest
// on: each object's answers to every question, stratum, roster and whether
// the primary rule hid it, and the city's figures beside them.
func (d *design) protectKey(a *Area, scores []int, city *City) [32]byte {
	h := sha256.New()
	fmt.Fprintln(h, scores, a.Overall.Hidden, city.Overall.Published())
	for _, o := range a.Objects {
		l := d.of[o.Unit.ElementID()]
		fmt.Fprintln(h, o.Unit.ID, l, d.strata[l], o.Pop, o.Sample, o.Overall.Tally.Levels, o.Overall.Hidden)
		for _, q := range slices.Sorted(maps.Keys(o.samples)) {
			fmt.Fprintln(h, q, o.samples[q].fav, o.samples[q].score)
		}
	}
	for _, f := range a.figures() {
		fmt.Fprintln(h, f.q, f.st.Hidden)
		if c := city.figure(f); c.st != nil {
			fmt.Fprintln(h, c.st.Published())
		}
	}
	var key [32]byte
	h.Sum(key[:0])
	return key
}

func (a *Area) applyProtection(p *protection) {
	for i, o := range a.Objects {
		if p.objects[i] && !o.Overall.Hidden {
			o.hide()
		}
	}
	a.Overall.Hidden = p.area
	for i, f := range a.figures() {
		f.st.Hidden, f.st.Coarse = p.figures[i][0], p.figures[i][1]
	}
}

// figure is one framework figure of an area or the city: an item's or a
// dimension's, over the framework's objects.
type figure struct {
	part *Part
	q    string
	st   *Stat
}

// figures lists the area's framework figures in a fixed order: per
// framework, each dimension's items, then the dimension.
func (a *Area) figures() []figure { return figuresOf(a.Parts) }

func figuresOf(parts []*Part) []figure {
	var out []figure
	for _, p := range parts {
		for _, dm := range p.Framework.Dimensions {
			if dm.Retired {
				continue
			}
			for _, it := range dm.Items {
				if st := p.Items[it.Code]; !it.Retired && st != nil {
					out = append(out, figure{p, it.Code, st})
				}
			}
			if st := p.Dimensions[dm.Code]; st != nil {
				out = append(out, figure{p, dm.Code, st})
			}
		}
	}
	return out
}

// figure is the city's figure of the same framework and question as f
// (an empty one when the city has none).
func (c *City) figure(f figure) published {
	for _, p := range c.Parts {
		if p.Framework.Audience != f.part.Framework.Audience {
			continue
		}
		if st := p.Items[f.q]; st != nil {
			return published{p.Objects, st}
		}
		if st := p.Dimensions[f.q]; st != nil {
			return published{p.Objects, st}
		}
	}
	return published{}
}

func (a *Area) runProtection(d *design, scores []int, city *City) {
	cityOverall := published{city.Objects(), &city.Overall}
	figures := a.figures()
	exposed := func(f figure) bool {
		return f.st.Shown() && d.exposed(f.q, scores, f.part.Objects, published{f.part.Objects, f.st}, city.figure(f))
	}
	// A framework whose figures as usual would give a hidden object away
	// is published coarser, all its figures alike.
	for _, p := range a.Parts {
		for _, f := range figures {
			if f.part == p && exposed(f) {
				p.coarsen()
				break
			}
		}
	}
	// Then each figure still exposed hides siblings, or itself. An object
	// hidden for one figure is a new secret of every other: the checks
	// run again until a whole round hides nothing.
	for changed := true; changed; {
		changed = false
		for a.Overall.Shown() && d.exposed(pinggu.OverallCode, scores, a.Objects, published{a.Objects, &a.Overall}, cityOverall) {
			next := smallestShown(a.Objects)
			if next == nil {
				a.Overall.Hidden = true
				break
			}
			next.hide()
			changed = true
		}
		for _, f := range figures {
			for exposed(f) {
				// A sibling more where the framework hides few objects (a
				// lone hidden object cannot move alone); the figure itself
				// where it hides several already.
				next := smallestShown(f.part.Objects)
				if next == nil || hiddenAmong(f.part.Objects) >= siblingsForFigures {
					f.st.Hidden = true
					break
				}
				next.hide()
				changed = true
			}
		}
	}
}

// siblingsForFigures is how many hidden objects a framework may come to
// before an exposed figure of it is withheld rather than one more object.
const siblingsForFigures = 5

// hiddenAmong counts the hidden objects with answers.
func hiddenAmong(objects []*Object) int {
	n := 0
	for _, o := range objects {
		if o.Overall.Hidden && o.Responses > 0 {
			n++
		}
	}
	return n
}

// coarsen publishes every figure of the framework coarser.
func (p *Part) coarsen() {
	for _, st := range p.Items {
		st.Coarse = true
	}
	for _, st := range p.Dimensions {
		st.Coarse = true
	}
}

// hideCounts hides the per-level counts of every framework figure whose
// framework has a hidden object with answers.
func hideCounts(parts []*Part) {
	for _, p := range parts {
		hidden := false
		for _, o := range p.Objects {
			hidden = hidden || (o.Overall.Hidden && o.Responses > 0)
		}
		for _, st := range p.Items {
			st.CountsHidden = hidden
		}
		for _, st := range p.Dimensions {
			st.CountsHidden = hidden
		}
	}
}

// smallestShown is the shown object with the fewest responses (then the
// first in unit order), or nil.
func smallestShown(objects []*Object) *Object {
	var next *Object
	for _, o := range objects {
		if o.Overall.Shown() && (next == nil || cmp.Or(cmp.Compare(o.Responses, next.Responses), compareUnits(o.Unit, next.Unit)) < 0) {
			next = o
		}
	}
	return next
}

// protect is S5 for what only the city's figures constrain: the hidden
// objects whose own area publishes nothing of them (a municipal unit
// under the minimum, a county whose figure is withheld). Other hidden
// objects stay as they are in its witnesses; their areas' checks moved
// them beside the city's figures already. Where a cell is exposed, the
// city's framework figures go coarser, then the smallest shown municipal
// unit is withheld too, then the figure. The city's overall figure goes
// coarser first as well.
func (c *City) protect(campaign int64, d *design, scores []int) {
	// Kept like an area's outcome (protect), under the unit ID 0.
	at := protectedArea{campaign, 0}
	key := c.protectKey(d, scores)
	if p, ok := protected.Load(at); ok && p.(*cityProtection).key == key {
		c.applyProtection(p.(*cityProtection))
		return
	}
	shown := make([]bool, len(c.Areas))
	for i, a := range c.Areas {
		shown[i] = a.Overall.Shown()
	}
	c.runProtection(d, scores)
	p := &cityProtection{key: key, overall: [2]bool{c.Overall.Hidden, c.Overall.Coarse}}
	for i, a := range c.Areas {
		p.areas = append(p.areas, shown[i] && !a.Overall.Shown())
	}
	for _, f := range figuresOf(c.Parts) {
		p.figures = append(p.figures, [2]bool{f.st.Hidden, f.st.Coarse})
	}
	protected.Store(at, p)
}

type cityProtection struct {
	key     [32]byte
	overall [2]bool   // hidden, coarse
	areas   []bool    // per area: withheld
	figures [][2]bool // per framework figure: hidden, coarse
}

// protectKey hashes everything the city's checks rest on: every area's
// outcome so far (what is hidden, what each publishes) and its objects'
// answers, and the city's figures.
func (c *City) protectKey(d *design, scores []int) [32]byte {
	h := sha256.New()
	fmt.Fprintln(h, scores, c.Overall.Published())
	for _, f := range figuresOf(c.Parts) {
		fmt.Fprintln(h, f.q, f.st.Published())
	}
	for _, a := range c.Areas {
		fmt.Fprintln(h, a.Unit.ID, a.Overall.Published())
		for _, f := range a.figures() {
			fmt.Fprintln(h, f.q, f.st.Published())
		}
		for _, o := range a.Objects {
			l := d.of[o.Unit.ElementID()]
			fmt.Fprintln(h, o.Unit.ID, l, d.strata[l], o.Pop, o.Sample, o.Overall.Hidden)
			for _, q := range slices.Sorted(maps.Keys(o.samples)) {
				fmt.Fprintln(h, q, o.samples[q].fav, o.samples[q].score)
			}
		}
	}
	var key [32]byte
	h.Sum(key[:0])
	return key
}

func (c *City) applyProtection(p *cityProtection) {
	c.Overall.Hidden, c.Overall.Coarse = p.overall[0], p.overall[1]
	for i, a := range c.Areas {
		if p.areas[i] {
			a.hideAll()
		}
	}
	for i, f := range figuresOf(c.Parts) {
		f.st.Hidden, f.st.Coarse = p.figures[i][0], p.figures[i][1]
	}
}

func (c *City) runProtection(d *design, scores []int) {
	all := c.Objects()
	withheld := map[*Area]bool{} // areas withheld here
	// secrets are the hidden objects whose own area publishes no figure of
	// question q.
	secrets := func(q string) []*Object {
		var out []*Object
		for _, a := range c.Areas {
			st := &a.Overall
			if q != pinggu.OverallCode {
				st = nil
				for _, p := range a.Parts {
					if x := p.Items[q]; x != nil {
						st = x
					} else if x := p.Dimensions[q]; x != nil {
						st = x
					}
				}
			}
			if st == nil || !st.Shown() || withheld[a] {
				for _, o := range a.Objects {
					if o.Overall.Hidden {
						out = append(out, o)
					}
				}
			}
		}
		return out
	}
	// next withholds the smallest shown municipal unit among objects.
	next := func(objects []*Object) bool {
		in := map[*Object]bool{}
		for _, o := range objects {
			in[o] = true
		}
		var best *Area
		for _, a := range c.Areas {
			if a.Unit.Kind == pinggu.KindMunicipalUnit && a.Overall.Shown() && len(a.Objects) == 1 && in[a.Objects[0]] &&
				(best == nil || cmp.Or(cmp.Compare(a.Responses, best.Responses), compareUnits(a.Unit, best.Unit)) < 0) {
				best = a
			}
		}
		if best == nil {
			return false
		}
		best.hideAll()
		withheld[best] = true
		return true
	}
	figures := figuresOf(c.Parts)
	exposed := func(f figure) bool {
		return f.st.Shown() && d.exposed(f.q, scores, secrets(f.q), published{f.part.Objects, f.st})
	}
	for _, p := range c.Parts {
		for _, f := range figures {
			if f.part == p && exposed(f) {
				p.coarsen()
				break
			}
		}
	}
	// The city's own figure too is first published coarser, rather than a
	// municipal unit withheld: in a city of any size the total's band is
	// wide beside one unit, so this happens in small cities only.
	if c.Overall.Shown() && d.exposed(pinggu.OverallCode, scores, secrets(pinggu.OverallCode), published{all, &c.Overall}) {
		c.Overall.Coarse = true
	}
	// A unit withheld for one figure is a new secret of every other: the
	// checks run again until a whole round withholds nothing.
	for changed := true; changed; {
		changed = false
		for c.Overall.Shown() && d.exposed(pinggu.OverallCode, scores, secrets(pinggu.OverallCode), published{all, &c.Overall}) {
			if !next(all) {
				c.Overall.Hidden = true
				break
			}
			changed = true
		}
		for _, f := range figures {
			for exposed(f) {
				if !next(f.part.Objects) {
					f.st.Hidden = true
					break
				}
				changed = true
			}
		}
	}
}

// Objects lists every object of the city, in unit order.
func (c *City) Objects() []*Object {
	var out []*Object
	for _, a := range c.Areas {
		out = append(out, a.Objects...)
	}
	slices.SortFunc(out, func(x, y *Object) int { return compareUnits(x.Unit, y.Unit) })
	return out
}

// hideAll withholds an area: its figures and its objects'.
func (a *Area) hideAll() {
	for _, o := range a.Objects {
		o.hide()
	}
	a.Overall.Hidden = true
	for _, f := range a.figures() {
		f.st.Hidden = true
	}
}

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

// coarseness lists which of the city's figures are published coarser.
func (c *City) coarseness() []bool {
	out := []bool{c.Overall.Coarse}
	for _, f := range figuresOf(c.Parts) {
		out = append(out, f.st.Coarse)
	}
	return out
}
