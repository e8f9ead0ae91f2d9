package results

import (
	"pinggu/internal/analysis"
	"pinggu/internal/store"
)

// sample is one object's answers to one question — an item, a dimension
// pooling its items, or the overall rating — as the moments of the design
// estimator: once with y = favorable, once with y = the score.
type sample struct{ fav, score analysis.Moments }

// addTally adds an item's answers: each answer is one respondent's row.
func (s *sample) addTally(t analysis.Tally, scores []int) {
	for l, n := range t.Levels {
		s.fav.AddN(1, favorable(l), n)
		s.score.AddN(1, int64(scores[l]), n)
	}
}

// addProfile adds k respondents who gave a dimension's items counts[l]
// answers of level l.
func (s *sample) addProfile(counts []int, k int, scores []int) {
	var a, fav, score int64
	for l, c := range counts {
		if l >= len(scores) {
			return
		}
		a += int64(c)
		fav += int64(c) * favorable(l)
		score += int64(c) * int64(scores[l])
	}
	s.fav.AddN(a, fav, k)
	s.score.AddN(a, score, k)
}

// favorable is y for level l: 1 for 好 and 较好, the two best levels.
func favorable(l int) int64 {
	if l < 2 {
		return 1
	}
	return 0
}

// design is a campaign's stage-1 design: the stratum of every unit the
// unit draw took, and each stratum's frame size and rule.
type design struct {
	of     map[string]string // element id → stratum
	strata map[string]store.UnitStratum
}

// estimate is question q's result over objects with the answer counts t.
// One object alone is its own population (its roster, one stage); several
// are the two-stage design of S4. An object the unit draw did not take
// (a reference unit, say) stands as its own certainty stratum.
func (d *design) estimate(objects []*Object, single bool, q string, t analysis.Tally) Stat {
	b := d.build(objects, single, q)
	e := analysis.Design(b.strata, b.fav)
	st := Stat{Tally: t, Rate: analysis.DesignRate(e, single, b.pop), Mean: analysis.Design(b.strata, b.score).Value, Pooled: !single}
	st.Hidden = st.Rate.Suppressed
	return st
}

// built is a question's design over some objects: its strata, one cluster
// per object (in the objects' order) for the favorable rate and for the
// score, and the rosters' total.
type built struct {
	strata     []analysis.Stratum1
	fav, score []analysis.Cluster
	pop        int
}

func (d *design) build(objects []*Object, single bool, q string) built {
	index := map[string]int{}
	b := built{fav: make([]analysis.Cluster, 0, len(objects)), score: make([]analysis.Cluster, 0, len(objects))}
	for _, o := range objects {
		label, info := "", store.UnitStratum{Pop: 1, Certainty: true}
		if !single {
			if l, ok := d.of[o.Unit.ElementID()]; ok {
				label, info = l, d.strata[l]
			} else {
				label = "unit:" + o.Unit.ElementID()
			}
		}
		h, ok := index[label]
		if !ok {
			h = len(b.strata)
			index[label] = h
			b.strata = append(b.strata, analysis.Stratum1{Pop: info.Pop, Certainty: info.Certainty})
		}
		var s sample
		if p := o.samples[q]; p != nil {
			s = *p
		}
		n := o.population(s.fav.N)
		b.pop += n
		b.fav = append(b.fav, analysis.Cluster{Stratum: h, Pop: n, M: s.fav})
		b.score = append(b.score, analysis.Cluster{Stratum: h, Pop: n, M: s.score})
	}
	return b
}

// population is the roster an object's n respondents were drawn from. A
// unit without a frozen roster (codes handed out at a meeting) counts the
// codes it issued, and never fewer than its respondents.
func (o *Object) population(n int) int {
	if o.Pop > 0 {
		return max(o.Pop, n)
	}
	return max(o.Sample, n)
}
