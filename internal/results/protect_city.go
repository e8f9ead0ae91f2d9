package results

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"

	"pinggu"
)

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
	if p, ok := kept(at, key); ok {
		c.applyProtection(p.(*cityProtection))
		return
	}
	shown := make([]bool, len(c.Areas))
	for i, a := range c.Areas {
		shown[i] = a.Overall.Shown()
	}
	c.runProtection(d, scores)
	p := &cityProtection{overall: [2]bool{c.Overall.Hidden, c.Overall.Coarse}}
	for i, a := range c.Areas {
		p.areas = append(p.areas, shown[i] && !a.Overall.Shown())
	}
	for _, f := range figuresOf(c.Parts) {
		p.figures = append(p.figures, [2]bool{f.st.Hidden, f.st.Coarse})
	}
	keep(at, key, p)
}

type cityProtection struct {
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
	hideDimensionIntervals(c.Parts)
}

func (c *City) runProtection(d *design, scores []int) {
	hideDimensionIntervals(c.Parts)
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
		hideDimensionIntervals(c.Parts)
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

// coarseness lists which of the city's figures are published coarser.
func (c *City) coarseness() []bool {
	out := []bool{c.Overall.Coarse}
	for _, f := range figuresOf(c.Parts) {
		out = append(out, f.st.Coarse)
	}
	return out
}
