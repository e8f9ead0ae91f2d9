// Package results assembles a campaign's statistics from the stored
// tallies, rosters, respondent draws and checklist grades: per item,
// dimension and overall rating, for every evaluated object (a unit whose
// respondents were drawn from its roster), every report area (a county
// over its objects, or a municipal unit) and the city. The formulas are
// internal/analysis's, exactly as SAMPLING.md S4; what S5 forbids to show
// is marked here, once, for every page, export and document.
package results

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"pinggu"
	"pinggu/internal/analysis"
	"pinggu/internal/draw"
	"pinggu/internal/store"
)

// Input is what the statistics rest on, read in one transaction.
type Input struct {
	Campaign   *pinggu.Campaign
	Units      []pinggu.Unit
	Frameworks map[pinggu.UnitKind]*pinggu.Framework // the frozen framework of each evaluated kind
	Rosters    map[int64]int                         // unit → roster size (the population)
	Samples    map[string]int                        // element id → respondents in the sample
	// Codes: unit → survey codes issued and not voided. Where a group
	// hands out more codes than it drew respondents (paper ballots at a
	// meeting, say), the codes are the sample the response rate is of.
	Codes   map[int64]int
	Tallies []store.TallyRow
	Grades  []pinggu.Grade
}

// Load reads a campaign's input.
func Load(ctx context.Context, tx *store.Tx, c *pinggu.Campaign) (*Input, error) {
	in := &Input{Campaign: c, Frameworks: map[pinggu.UnitKind]*pinggu.Framework{}, Rosters: map[int64]int{}}
	var err error
	if in.Units, err = tx.Units(ctx); err != nil {
		return nil, err
	}
	for _, k := range pinggu.EvaluatedKinds {
		if id := c.Settings.Frameworks[k]; id != 0 {
			if in.Frameworks[k], err = tx.CampaignFramework(ctx, c, id); err != nil {
				return nil, err
			}
		}
	}
	rosters, err := tx.Rosters(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range rosters {
		if r.State != pinggu.RosterDraft {
			in.Rosters[r.UnitID] = r.Size
		}
	}
	if in.Samples, err = tx.RespondentSamples(ctx, c.ID); err != nil {
		return nil, err
	}
	progress, err := tx.SurveyProgress(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	in.Codes = map[int64]int{}
	for id, p := range progress {
		in.Codes[id] = p.Issued - p.Voided
	}
	if in.Tallies, err = tx.Tallies(ctx, c.ID); err != nil {
		return nil, err
	}
	if in.Grades, err = tx.Grades(ctx, c.ID, 0); err != nil {
		return nil, err
	}
	return in, nil
}

// Stat is one question's (or dimension's) result over some respondents.
type Stat struct {
	Tally analysis.Tally // answers per level, and 不了解
	Rate  analysis.Rate  // favorable rate (好 + 较好) with its interval
	Mean  float64        // mean score on the campaign's scale
	// Hidden: fewer than analysis.MinRespondents respondents, or a sibling
	// that would give such a result away. Nothing of it may be shown.
	Hidden bool
}

// Shown reports whether the stat has data and may be shown.
func (s *Stat) Shown() bool { return !s.Hidden && s.Rate.N > 0 }

// Object is an evaluated unit: respondents drawn from its roster rated it.
type Object struct {
	Unit      pinggu.Unit
	Framework *pinggu.Framework
	Pop       int // roster size
	Sample    int // respondents in the sample, or the codes issued when more
	// Responses counts the moved responses (the overall rating is required,
	// so every response has one).
	Responses  int
	Categories map[string]int // responses by the category their codes carried
	Overall    Stat
	Items      map[string]*Stat // by item code
	Dimensions map[string]*Stat // by dimension code
}

// Area is the subject of one report: a county over the objects drawn in
// it, or a municipal unit.
type Area struct {
	Unit    pinggu.Unit
	Objects []*Object
	Parts   []*Part // per framework, in the order of pinggu.EvaluatedKinds' audiences
	Overall Stat
	Pop     int
	Sample  int
	// Responses and Minimum: the campaign's minimum of respondents (for a
	// municipal unit, no more than its roster).
	Responses, Minimum int
	Categories         map[string]int
	// Diff is the area's favorable rate less the city's, when both are shown.
	Diff    float64
	HasDiff bool
	Rank    analysis.Rank // among the areas, only where intervals do not overlap
	// HiddenInCity: in the city's table of areas beside the city's total,
	// this area's result is suppressed (S5), though its own report, resting
	// on enough respondents, shows it.
	HiddenInCity bool
	Grades       []pinggu.Grade
	// Checklist lists the units the group grades: the area itself, then its
	// objects; Graded counts their grades, Gradable their items.
	Checklist        []pinggu.Unit
	Graded, Gradable int
}

// MinimumMet reports whether the area reached its respondent minimum.
func (a *Area) MinimumMet() bool { return a.Responses >= a.Minimum }

// Part is the objects of one framework within an area or the city, with
// the results of its items and dimensions stratified over them.
type Part struct {
	Framework  *pinggu.Framework
	Objects    []*Object
	Items      map[string]*Stat
	Dimensions map[string]*Stat
}

// City is the whole campaign's results.
type City struct {
	Input   *Input
	Scale   pinggu.Scale
	Areas   []*Area // counties in code order, then municipal units in code order
	Parts   []*Part
	Overall Stat
	Pop     int
	Sample  int
	// Responses counts every moved response of the campaign.
	Responses int
}

// Area returns the area of unit id, or nil.
func (c *City) Area(id int64) *Area {
	for _, a := range c.Areas {
		if a.Unit.ID == id {
			return a
		}
	}
	return nil
}

// Compute builds every result of the campaign from in.
func Compute(in *Input) *City {
	scale := in.Campaign.Settings.Scale
	city := &City{Input: in, Scale: scale}
	byID := map[int64]pinggu.Unit{}
	for _, u := range in.Units {
		byID[u.ID] = u
	}
	levels := len(scale.Levels)
	// The objects: units with a drawn sample or with responses.
	objects := map[int64]*Object{}
	object := func(id int64) *Object {
		if o := objects[id]; o != nil {
			return o
		}
		u := byID[id]
		o := &Object{Unit: u, Framework: in.Frameworks[u.Kind], Pop: in.Rosters[id], Sample: max(in.Samples[draw.ElementID(u)], in.Codes[id]),
			Categories: map[string]int{}, Items: map[string]*Stat{}, Dimensions: map[string]*Stat{}, Overall: Stat{Tally: analysis.NewTally(levels)}}
		objects[id] = o
		return o
	}
	for _, u := range in.Units {
		if in.Samples[draw.ElementID(u)] > 0 {
			object(u.ID)
		}
	}
	for _, t := range in.Tallies {
		if _, ok := byID[t.Unit]; !ok {
			continue
		}
		o := object(t.Unit)
		st := o.Items[t.Question]
		if t.Question == pinggu.OverallCode {
			st = &o.Overall
			o.Responses += t.N
			o.Categories[t.Category] += t.N
		}
		if st == nil {
			st = &Stat{Tally: analysis.NewTally(levels)}
			o.Items[t.Question] = st
		}
		st.Tally.AddN(t.Level, t.N) // a level outside the scale cannot be stored; it is not counted
	}
	scores := make([]int, levels)
	for i, l := range scale.Levels {
		scores[i] = l.Score
	}
	for _, o := range objects {
		o.Overall = stat(o.Overall.Tally, []one{{o.Overall.Tally, o.Pop}}, 1, scores)
		if o.Framework == nil {
			continue
		}
		for _, d := range o.Framework.Dimensions {
			if d.Retired {
				continue
			}
			dim := analysis.NewTally(levels)
			n := 0
			for _, it := range d.Items {
				if it.Retired {
					continue
				}
				n++
				st := o.Items[it.Code]
				if st == nil {
					st = &Stat{Tally: analysis.NewTally(levels)}
				}
				*st = stat(st.Tally, []one{{st.Tally, o.Pop}}, 1, scores)
				o.Items[it.Code] = st
				dim.Merge(st.Tally)
			}
			s := stat(dim, []one{{dim, o.Pop}}, n, scores)
			o.Dimensions[d.Code] = &s
		}
	}
	// Areas: each object belongs to the nearest county or municipal unit at
	// or above it.
	areas := map[int64]*Area{}
	for _, o := range objects {
		id := areaOf(byID, o.Unit)
		if id == 0 {
			continue
		}
		a := areas[id]
		if a == nil {
			a = &Area{Unit: byID[id]}
			areas[id] = a
		}
		a.Objects = append(a.Objects, o)
	}
	// Every county and municipal unit has an area, even without data: its
	// report says so.
	for _, u := range in.Units {
		if (u.Kind == pinggu.KindCounty || u.Kind == pinggu.KindMunicipalUnit) && areas[u.ID] == nil {
			areas[u.ID] = &Area{Unit: u}
		}
	}
	var all []*Object
	for _, a := range areas {
		slices.SortFunc(a.Objects, func(x, y *Object) int { return compareUnits(x.Unit, y.Unit) })
		a.finish(in, scores, levels)
		all = append(all, a.Objects...)
		city.Areas = append(city.Areas, a)
	}
	slices.SortFunc(city.Areas, func(x, y *Area) int {
		return cmp.Or(cmp.Compare(kindOrder(x.Unit.Kind), kindOrder(y.Unit.Kind)), compareUnits(x.Unit, y.Unit))
	})
	slices.SortFunc(all, func(x, y *Object) int { return compareUnits(x.Unit, y.Unit) })
	city.Overall = overallOf(all, scores, levels)
	city.Parts = parts(in, all, scores, levels)
	for _, o := range all {
		city.Pop += o.Pop
		city.Sample += o.Sample
		city.Responses += o.Responses
	}
	// Comparison with the city, and ranks among the areas.
	ns := make([]int, len(city.Areas))
	for i, a := range city.Areas {
		ns[i] = a.Responses
	}
	for i, hide := range analysis.Suppress(ns) {
		city.Areas[i].HiddenInCity = hide
	}
	rates := make([]analysis.Rate, len(city.Areas))
	for i, a := range city.Areas {
		if a.Overall.Shown() && city.Overall.Shown() {
			a.Diff, a.HasDiff = a.Overall.Rate.P-city.Overall.Rate.P, true
		}
		rates[i] = a.Overall.Rate
		if !a.Overall.Shown() || a.HiddenInCity {
			rates[i] = analysis.Rate{Suppressed: true}
		}
	}
	for i, r := range analysis.Ranks(rates) {
		city.Areas[i].Rank = r
	}
	return city
}

// finish computes an area's results from its objects.
func (a *Area) finish(in *Input, scores []int, levels int) {
	a.Categories = map[string]int{}
	for _, o := range a.Objects {
		a.Pop += o.Pop
		a.Sample += o.Sample
		a.Responses += o.Responses
		for c, n := range o.Categories {
			a.Categories[c] += n
		}
	}
	s := in.Campaign.Settings
	a.Minimum = s.MinCounty
	if a.Unit.Kind == pinggu.KindMunicipalUnit {
		a.Minimum = s.MinMunicipal
		if p := in.Rosters[a.Unit.ID]; p > 0 {
			a.Minimum = min(a.Minimum, p)
		}
	}
	a.Overall = overallOf(a.Objects, scores, levels)
	a.Parts = parts(in, a.Objects, scores, levels)
	// S5: the objects are listed beside the area's total, so a small one
	// hides a sibling too.
	ns := make([]int, len(a.Objects))
	for i, o := range a.Objects {
		ns[i] = o.Responses
	}
	for i, hide := range analysis.Suppress(ns) {
		if hide {
			a.Objects[i].hide()
		}
	}
	// The checklist: the area itself, then each object that is not it.
	a.Checklist = append(a.Checklist, a.Unit)
	for _, o := range a.Objects {
		if o.Unit.ID != a.Unit.ID {
			a.Checklist = append(a.Checklist, o.Unit)
		}
	}
	in.checklist(a)
}

// hide marks every result of the object hidden.
func (o *Object) hide() {
	o.Overall.Hidden = true
	for _, s := range o.Items {
		s.Hidden = true
	}
	for _, s := range o.Dimensions {
		s.Hidden = true
	}
}

func (in *Input) checklist(a *Area) {
	on := map[int64]bool{}
	for _, u := range a.Checklist {
		on[u.ID] = true
		if f := in.Frameworks[u.Kind]; f != nil {
			a.Gradable += len(f.ActiveItems())
		}
	}
	for _, g := range in.Grades {
		if on[g.UnitID] {
			a.Grades = append(a.Grades, g)
			a.Graded++
		}
	}
}

// one is a tally of one stratum with its population.
type one struct {
	t   analysis.Tally
	pop int
}

// stat makes the result of tally t, the sum of strata, on a question (or
// a dimension of items questions): counts, the stratified favorable rate
// and the mean score weighted the same way.
func stat(t analysis.Tally, strata []one, items int, scores []int) Stat {
	ss := make([]analysis.Stratum, len(strata))
	for i, s := range strata {
		ss[i] = analysis.Stratum{X: s.t.Favorable(), N: s.t.Answered(), Pop: s.pop}
	}
	st := Stat{Tally: t, Rate: analysis.Pooled(ss, items)}
	st.Hidden = st.Rate.Suppressed
	st.Mean = mean(t, strata, scores)
	return st
}

// mean is Σ W_h·mean_h over the strata with answers, W_h = N_h/N; the
// plain mean of all answers (t, their sum) when a population is unknown.
func mean(t analysis.Tally, strata []one, scores []int) float64 {
	pop, known := 0, true
	for _, s := range strata {
		if s.t.Answered() > 0 {
			pop += s.pop
			known = known && s.pop > 0
		}
	}
	if !known || pop == 0 {
		m, _ := t.Mean(scores)
		return m
	}
	sum := 0.0
	for _, s := range strata {
		if m, ok := s.t.Mean(scores); ok {
			sum += float64(s.pop) / float64(pop) * m
		}
	}
	return sum
}

func overallOf(objects []*Object, scores []int, levels int) Stat {
	t := analysis.NewTally(levels)
	var strata []one
	for _, o := range objects {
		t.Merge(o.Overall.Tally)
		strata = append(strata, one{o.Overall.Tally, o.Pop})
	}
	return stat(t, strata, 1, scores)
}

// parts groups objects by framework and stratifies each item and
// dimension over the objects of that framework.
func parts(in *Input, objects []*Object, scores []int, levels int) []*Part {
	var out []*Part
	for _, aud := range []pinggu.Audience{pinggu.AudienceLeadership, pinggu.AudienceBranch} {
		var p *Part
		for _, o := range objects {
			if o.Framework == nil || o.Framework.Audience != aud {
				continue
			}
			if p == nil {
				p = &Part{Framework: o.Framework, Items: map[string]*Stat{}, Dimensions: map[string]*Stat{}}
			}
			p.Objects = append(p.Objects, o)
		}
		if p == nil {
			continue
		}
		for _, d := range p.Framework.Dimensions {
			if d.Retired {
				continue
			}
			dimT := analysis.NewTally(levels)
			var dimS []one
			n := 0
			for _, o := range p.Objects {
				dimS = append(dimS, one{analysis.NewTally(levels), o.Pop})
			}
			for _, it := range d.Items {
				if it.Retired {
					continue
				}
				n++
				t := analysis.NewTally(levels)
				var strata []one
				for i, o := range p.Objects {
					ot := o.Items[it.Code].Tally
					t.Merge(ot)
					strata = append(strata, one{ot, o.Pop})
					dimS[i].t.Merge(ot)
				}
				s := stat(t, strata, 1, scores)
				p.Items[it.Code] = &s
				dimT.Merge(t)
			}
			s := stat(dimT, dimS, n, scores)
			p.Dimensions[d.Code] = &s
		}
		out = append(out, p)
	}
	return out
}

// areaOf is the county or municipal unit at or above u, or 0.
func areaOf(byID map[int64]pinggu.Unit, u pinggu.Unit) int64 {
	for n := 0; n < 64 && u.ID != 0; n++ {
		if u.Kind == pinggu.KindCounty || u.Kind == pinggu.KindMunicipalUnit {
			return u.ID
		}
		u = byID[u.ParentID]
	}
	return 0
}

func kindOrder(k pinggu.UnitKind) int {
	if k == pinggu.KindCounty {
		return 0
	}
	return 1
}

func compareUnits(a, b pinggu.Unit) int {
	return cmp.Or(cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)), strings.Compare(a.Code, b.Code), strings.Compare(a.Name, b.Name))
}

func kindRank(k pinggu.UnitKind) int {
	for i, x := range pinggu.EvaluatedKinds {
		if x == k {
			return i
		}
	}
	return len(pinggu.EvaluatedKinds)
}
