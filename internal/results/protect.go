package results

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
	"sync"

	"pinggu"
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
	if p, ok := kept(at, key); ok {
		a.applyProtection(p.(*protection))
		return
	}
	a.runProtection(d, scores, city)
	p := &protection{objects: make([]bool, len(a.Objects)), area: a.Overall.Hidden}
	for i, o := range a.Objects {
		p.objects[i] = o.Overall.Hidden
	}
	for _, f := range a.figures() {
		p.figures = append(p.figures, [2]bool{f.st.Hidden, f.st.Coarse})
	}
	keep(at, key, p)
}

// protected holds each area's latest protection outcomes (and the city's,
// as unit 0): a few per campaign and area, by the hash of what each rests
// on — a few, because Compute checks an area again when the city's figures
// go coarser, and each pass has its own.
var protected sync.Map // protectedArea → *outcomes

type outcomes struct {
	mu   sync.Mutex
	keys [][32]byte
	vals []any
}

// keptOutcomes is how many outcomes are kept per area.
const keptOutcomes = 4

func kept(at protectedArea, key [32]byte) (any, bool) {
	o, ok := protected.Load(at)
	if !ok {
		return nil, false
	}
	x := o.(*outcomes)
	x.mu.Lock()
	defer x.mu.Unlock()
	for i, k := range x.keys {
		if k == key {
			return x.vals[i], true
		}
	}
	return nil, false
}

func keep(at protectedArea, key [32]byte, v any) {
	o, _ := protected.LoadOrStore(at, &outcomes{})
	x := o.(*outcomes)
	x.mu.Lock()
	defer x.mu.Unlock()
	x.keys, x.vals = append(x.keys, key), append(x.vals, v)
	if len(x.keys) > keptOutcomes {
		x.keys, x.vals = x.keys[1:], x.vals[1:]
	}
}

type protectedArea struct{ campaign, unit int64 }

type protection struct {
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
	hideDimensionIntervals(a.Parts)
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
	hideDimensionIntervals(a.Parts)
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
		hideDimensionIntervals(a.Parts)
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

// hideDimensionIntervals withholds the interval of every dimension figure
// whose framework has a hidden object with answers: a dimension's variance
// rests on each respondent's profile across its items, so an interval there
// is a constraint on hidden answers that only the profiles could check.
// Withholding it leaves the rate and the mean, which rest on totals alone.
func hideDimensionIntervals(parts []*Part) {
	for _, p := range parts {
		if hiddenAmong(p.Objects) == 0 {
			continue
		}
		for _, st := range p.Dimensions {
			st.IntervalHidden = true
		}
	}
}

// hideCounts hides the per-level counts of every framework figure whose
// framework has a hidden object with answers.
func hideCounts(parts []*Part) {
	for _, p := range parts {
		hidden := hiddenAmong(p.Objects) > 0
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
