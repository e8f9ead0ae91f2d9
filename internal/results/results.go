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
	"sync"

	"pinggu"
	"pinggu/internal/analysis"
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
	// Profiles give each object's respondents to each dimension (S4 v2
	// pools a respondent's answers to a dimension's items).
	Profiles []store.ProfileRow
	// UnitStratum and Strata are the unit draw's design: the stratum of
	// each drawn unit (by element id), each stratum's size and rule.
	UnitStratum map[string]string
	Strata      map[string]store.UnitStratum
	Grades      []pinggu.Grade
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
	if in.Profiles, err = tx.Profiles(ctx, c.ID); err != nil {
		return nil, err
	}
	if in.UnitStratum, in.Strata, err = tx.UnitStrata(ctx, c.ID); err != nil {
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
	// Pooled: the estimate of several units (a county, the city), whose
	// interval is published in whole percent.
	Pooled bool
	// CountsHidden: the answers per level are not shown, though the rate,
	// interval and mean are (S5: beside the shown objects' answers they
	// would give the hidden objects' sum).
	CountsHidden bool
	// Coarse: the rate is shown in whole percent, the mean in whole points
	// and no interval (S5 v2: "publish coarser"), where a framework's
	// figures as usual would give a hidden object's answers away: the
	// interval most of all, through the variance.
	Coarse bool
	// IntervalHidden: no interval is shown (a dimension's figure beside
	// hidden objects, S5: its variance rests on each respondent's profile
	// of answers, which no one outside can check against).
	IntervalHidden bool
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
	// samples: the design's moments of each question (item code,
	// dimension code, pinggu.OverallCode); profiles: each dimension's
	// answer profiles, from which S5's witnesses build real respondents.
	samples  map[string]*sample
	profiles map[string][]profile
}

// profile is n respondents who gave a dimension's items counts[l] answers
// of level l.
type profile struct {
	counts []int
	n      int
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
	// Diff is the area's favorable rate less the city's as both are
	// published (Difference), when both are shown.
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

// protecting holds a mutex per campaign for S5's checks (Compute).
var protecting sync.Map

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
		o := &Object{Unit: u, Framework: in.Frameworks[u.Kind], Pop: in.Rosters[id], Sample: max(in.Samples[u.ElementID()], in.Codes[id]),
			Categories: map[string]int{}, Items: map[string]*Stat{}, Dimensions: map[string]*Stat{}, Overall: Stat{Tally: analysis.NewTally(levels)},
			samples: map[string]*sample{}, profiles: map[string][]profile{}}
		objects[id] = o
		return o
	}
	for _, u := range in.Units {
		if in.Samples[u.ElementID()] > 0 {
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
	for _, p := range in.Profiles {
		o := objects[p.Unit]
		if o == nil {
			continue
		}
		counts, err := p.Counts()
		if err != nil || len(counts) != levels {
			continue // a profile of another scale cannot be stored; it is not counted
		}
		sm := o.samples[p.Dimension]
		if sm == nil {
			sm = &sample{}
			o.samples[p.Dimension] = sm
		}
		sm.addProfile(counts, p.N, scores)
		o.profiles[p.Dimension] = append(o.profiles[p.Dimension], profile{counts, p.N})
	}
	d := &design{of: in.UnitStratum, strata: in.Strata}
	for _, o := range objects {
		o.addSample(pinggu.OverallCode, o.Overall.Tally, scores)
		o.Overall = d.estimate([]*Object{o}, true, pinggu.OverallCode, o.Overall.Tally)
		if o.Framework == nil {
			continue
		}
		for _, dm := range o.Framework.Dimensions {
			if dm.Retired {
				continue
			}
			dim := analysis.NewTally(levels)
			for _, it := range dm.Items {
				if it.Retired {
					continue
				}
				st := o.Items[it.Code]
				if st == nil {
					st = &Stat{Tally: analysis.NewTally(levels)}
				}
				o.addSample(it.Code, st.Tally, scores)
				*st = d.estimate([]*Object{o}, true, it.Code, st.Tally)
				o.Items[it.Code] = st
				dim.Merge(st.Tally)
			}
			s := d.estimate([]*Object{o}, true, dm.Code, dim)
			o.Dimensions[dm.Code] = &s
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
		a.finish(in, d, levels)
		all = append(all, a.Objects...)
		city.Areas = append(city.Areas, a)
	}
	slices.SortFunc(city.Areas, func(x, y *Area) int {
		return cmp.Or(cmp.Compare(kindOrder(x.Unit.Kind), kindOrder(y.Unit.Kind)), compareUnits(x.Unit, y.Unit))
	})
	slices.SortFunc(all, func(x, y *Object) int { return compareUnits(x.Unit, y.Unit) })
	city.Overall = overallOf(d, all, false, levels)
	city.Parts = parts(d, all, false, levels)
	// S5 (protect.go): each county beside the city's figures, then what
	// only the city's figures constrain; then the counts that would give
	// a hidden object's answers away.
	// A coarser figure is not a looser one (a rate at 68.5 % fits 69 %,
	// one at 68.4 % does not): when the city's figures go coarser, the
	// counties are checked again beside them, until nothing changes.
	// One campaign's checks at a time: a second page asking meanwhile
	// waits and finds the outcomes kept, rather than redo them beside.
	mu, _ := protecting.LoadOrStore(in.Campaign.ID, new(sync.Mutex))
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	for {
		for _, a := range city.Areas {
			if a.Unit.Kind != pinggu.KindMunicipalUnit {
				a.protect(in.Campaign.ID, d, scores, city)
			}
		}
		before := city.coarseness()
		city.protect(in.Campaign.ID, d, scores)
		if slices.Equal(before, city.coarseness()) {
			break
		}
	}
	for _, a := range city.Areas {
		hideCounts(a.Parts)
	}
	hideCounts(city.Parts)
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
		a.Diff, a.HasDiff = Difference(&a.Overall, &city.Overall)
		rates[i] = a.Overall.Rate
		// Ranked on the bounds as printed, never the exact ones: a rank
		// decided on digits the page rounds away would carry them (S5).
		switch v := a.Overall.Values(); {
		case v.Lo != nil && v.Hi != nil:
			rates[i].Lo, rates[i].Hi = *v.Lo, *v.Hi
		case a.Overall.Rate.Census && v.Rate != nil: // its rate, as printed, is exact
			rates[i].Lo, rates[i].Hi = *v.Rate, *v.Rate
		}
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
func (a *Area) finish(in *Input, d *design, levels int) {
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
	// A municipal unit is one object, its own population; a county is the
	// two-stage design over the units drawn in it.
	single := a.Unit.Kind == pinggu.KindMunicipalUnit
	a.Overall = overallOf(d, a.Objects, single, levels)
	a.Parts = parts(d, a.Objects, single, levels)
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

// addSample records an item's (or the overall rating's) answers as the
// design's moments: each answer is one respondent's row.
func (o *Object) addSample(q string, t analysis.Tally, scores []int) {
	s := &sample{}
	s.addTally(t, scores)
	o.samples[q] = s
}

func overallOf(d *design, objects []*Object, single bool, levels int) Stat {
	t := analysis.NewTally(levels)
	for _, o := range objects {
		t.Merge(o.Overall.Tally)
	}
	return d.estimate(objects, single, pinggu.OverallCode, t)
}

// parts groups objects by framework and estimates each item and dimension
// over the objects of that framework.
func parts(d *design, objects []*Object, single bool, levels int) []*Part {
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
		for _, dm := range p.Framework.Dimensions {
			if dm.Retired {
				continue
			}
			dimT := analysis.NewTally(levels)
			for _, it := range dm.Items {
				if it.Retired {
					continue
				}
				t := analysis.NewTally(levels)
				for _, o := range p.Objects {
					t.Merge(o.Items[it.Code].Tally)
				}
				s := d.estimate(p.Objects, single, it.Code, t)
				p.Items[it.Code] = &s
				dimT.Merge(t)
			}
			s := d.estimate(p.Objects, single, dm.Code, dimT)
			p.Dimensions[dm.Code] = &s
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
	return cmp.Or(cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)), strings.Compare(a.Code, b.Code), strings.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
}

func kindRank(k pinggu.UnitKind) int {
	for i, x := range pinggu.EvaluatedKinds {
		if x == k {
			return i
		}
	}
	return len(pinggu.EvaluatedKinds)
}
