package results

import (
	"math"
	"strings"
	"testing"

	"pinggu"
	"pinggu/internal/analysis"
	"pinggu/internal/store"
)

// testInput is a city of one county with three sampled townships (rosters
// 100, 50, 40; the last with 3 responses), a second county without data,
// and a municipal unit whose 20 responses are its whole roster.
func testInput() *Input {
	f := &pinggu.Framework{Code: "lead", Audience: pinggu.AudienceLeadership, Dimensions: []pinggu.Dimension{
		{Code: "D1", Name: "学习教育", Items: []pinggu.Item{{Code: "I1"}, {Code: "I2"}, {Code: "I3", Retired: true}}},
	}}
	c := &pinggu.Campaign{ID: 1, Settings: pinggu.DefaultSettings()}
	c.Settings.MinCounty, c.Settings.MinMunicipal = 100, 30
	in := &Input{Campaign: c,
		Units: []pinggu.Unit{
			{ID: 1, Code: "3210", Name: "扬州市", Kind: pinggu.KindCity},
			{ID: 2, Code: "321002", Name: "广陵区", Kind: pinggu.KindCounty, ParentID: 1},
			{ID: 3, Code: "321002001", Name: "东关街道", Kind: pinggu.KindTownship, ParentID: 2},
			{ID: 4, Code: "321002002", Name: "文峰街道", Kind: pinggu.KindTownship, ParentID: 2},
			{ID: 5, Code: "321002003", Name: "汤汪乡", Kind: pinggu.KindTownship, ParentID: 2},
			{ID: 6, Code: "M001", Name: "市委办公室", Kind: pinggu.KindMunicipalUnit, ParentID: 1},
			{ID: 7, Code: "321003", Name: "邗江区", Kind: pinggu.KindCounty, ParentID: 1},
		},
		Frameworks: map[pinggu.UnitKind]*pinggu.Framework{pinggu.KindTownship: f, pinggu.KindMunicipalUnit: f, pinggu.KindCounty: f},
		Rosters:    map[int64]int{3: 100, 4: 50, 5: 40, 6: 20},
		Samples:    map[string]int{"321002001": 30, "321002002": 20, "321002003": 10, "M001": 20},
		Grades: []pinggu.Grade{
			{UnitID: 2, Item: "I1", Level: 0, Note: "县委理论学习中心组学习 12 次"},
			{UnitID: 3, Item: "I2", Level: 2, Note: "学习记录不全"},
		},
	}
	add := func(unit int64, q string, counts ...int) {
		for lv, n := range counts {
			if n > 0 {
				level := lv
				if lv == len(counts)-1 && len(counts) == 5 {
					level = pinggu.Unknown
				}
				in.Tallies = append(in.Tallies, store.TallyRow{TallyKey: store.TallyKey{Unit: unit, Category: "党员", Question: q, Level: level}, N: n})
			}
		}
	}
	add(3, pinggu.OverallCode, 10, 10, 5, 5)
	add(4, pinggu.OverallCode, 12, 4, 2, 2)
	add(5, pinggu.OverallCode, 1, 1, 1, 0)
	add(6, pinggu.OverallCode, 15, 3, 1, 1)
	// Items of 东关街道: I1 20 of 28 favorable with 2 不了解, I2 15 of 30.
	add(3, "I1", 10, 10, 4, 4, 2)
	add(3, "I2", 5, 10, 10, 5, 0)
	add(4, "I1", 10, 6, 2, 2, 0)
	add(4, "I2", 8, 8, 2, 2, 0)
	// 东关's 30 respondents to D1 (I1 and I2) by their count of each
	// level; they add up to the items' tallies above.
	for _, p := range []struct {
		profile string
		n       int
	}{{"1,0,0,0", 2}, {"2,0,0,0", 3}, {"1,1,0,0", 7}, {"0,2,0,0", 3}, {"0,1,1,0", 7}, {"0,0,2,0", 3}, {"0,0,1,1", 1}, {"0,0,0,2", 4}} {
		in.Profiles = append(in.Profiles, store.ProfileRow{ProfileKey: store.ProfileKey{Unit: 3, Dimension: "D1", Profile: p.profile}, N: p.n})
	}
	// The unit draw: 3 of 广陵区's 10 townships; the municipal units are
	// a certainty stratum.
	in.UnitStratum = map[string]string{"321002001": "321002/township", "321002002": "321002/township", "321002003": "321002/township", "M001": "3210/municipal_unit"}
	in.Strata = map[string]store.UnitStratum{"321002/township": {Pop: 10}, "3210/municipal_unit": {Pop: 1, Certainty: true}}
	return in
}

// design builds the S4 design of the test city by hand for question q:
// the townships in one stratum of 10, the municipal unit certain.
func handDesign(xs [][2]int, pops []int, municipal bool) analysis.Estimate {
	strata := []analysis.Stratum1{{Pop: 10}, {Pop: 1, Certainty: true}}
	var cl []analysis.Cluster
	for i, x := range xs {
		var m analysis.Moments
		for j := 0; j < x[1]; j++ {
			y := int64(0)
			if j < x[0] {
				y = 1
			}
			m.Add(1, y)
		}
		h := 0
		if municipal && i == len(xs)-1 {
			h = 1
		}
		cl = append(cl, analysis.Cluster{Stratum: h, Pop: pops[i], M: m})
	}
	return analysis.Design(strata, cl)
}

func TestCompute(t *testing.T) {
	city := Compute(testInput())
	if len(city.Areas) != 3 || city.Areas[0].Unit.Code != "321002" || city.Areas[1].Unit.Code != "321003" || city.Areas[2].Unit.Code != "M001" {
		t.Fatalf("areas: %v", city.Areas)
	}
	gl, hj, m := city.Areas[0], city.Areas[1], city.Areas[2]

	// 广陵区 over its three townships, one stratum (M/m = 10/3 cancels):
	// p = (100·20/30 + 50·16/20 + 40·2/3)/190 = 133.333…/190 = 0.701754…
	if r := gl.Overall.Rate; math.Abs(r.P-133.33333333333334/190) > 1e-12 || r.X != 38 || r.N != 53 || r.Respondents != 53 || r.Pop != 190 {
		t.Errorf("county rate %+v", r)
	}
	// Three drawn townships give 2 design degrees of freedom.
	want := analysis.DesignRate(handDesign([][2]int{{20, 30}, {16, 20}, {2, 3}}, []int{100, 50, 40}, false), false, 190)
	if gl.Overall.Rate != want || want.DF != 2 {
		t.Errorf("county rate %+v, want %+v", gl.Overall.Rate, want)
	}
	// Weighted mean score: 东关 (1000+800+300+200)/30 = 76.667, 文峰
	// (1200+320+120+80)/20 = 86, 汤汪 (100+80+60)/3 = 80:
	// (100·76.667 + 50·86 + 40·80)/190 = 79.825…
	if math.Abs(gl.Overall.Mean-(100*2300.0/30+50*86+40*80)/190) > 1e-9 {
		t.Errorf("county mean %v", gl.Overall.Mean)
	}
	// 汤汪乡 has 3 responses: hidden, and so is the next smallest sibling,
	// since the county's total is shown beside them. That protects a sum,
	// not the weighted rate: at one decimal it pins their favorable counts
	// (weights 13.3 and 8.3 against a band of ±0.3), so S5 v2 hides 东关
	// too, and with all three hidden the rate still pins them: the
	// county's own figure is withheld.
	for i, o := range gl.Objects {
		if !o.Overall.Hidden {
			t.Errorf("%s is shown", gl.Objects[i].Unit.Name)
		}
	}
	if gl.Overall.Shown() || gl.Overall.RateText() != "*" {
		t.Errorf("the county's figure %v is shown", gl.Overall.Published())
	}
	if gl.Responses != 53 || gl.Sample != 60 || gl.Minimum != 100 || gl.MinimumMet() || gl.Categories["党员"] != 53 {
		t.Errorf("county figures %d/%d, minimum %d", gl.Responses, gl.Sample, gl.Minimum)
	}
	// Items: I1 of 东关 excludes its 2 不了解 (20 of 28); the county's I1 is
	// stratified over 东关 and 文峰 only (汤汪 answered no items).
	o := gl.Objects[0]
	if it := o.Items["I1"]; it.Rate.X != 20 || it.Rate.N != 28 || it.Tally.Unknown != 2 {
		t.Errorf("东关 I1 %+v", it.Rate)
	}
	if got, want := gl.Parts[0].Items["I1"].Rate, analysis.DesignRate(handDesign([][2]int{{20, 28}, {16, 20}, {0, 0}}, []int{100, 50, 40}, false), false, 190); got != want || got.DF != 1 {
		t.Errorf("county I1 %+v, want %+v", got, want)
	}
	// The dimension pools I1 and I2 (I3 is retired) per respondent: 35 of
	// 58 answers favorable; v = (1 − 30/100)·30/29·Σ_j (f_j − p·a_j)²/58²,
	// the respondents' sums from the profiles.
	p := 35.0 / 58
	sq := 0.0
	for _, r := range []struct{ a, f, n float64 }{{1, 1, 2}, {2, 2, 3}, {2, 2, 7}, {2, 2, 3}, {2, 1, 7}, {2, 0, 3}, {2, 0, 1}, {2, 0, 4}} {
		sq += r.n * (r.f - p*r.a) * (r.f - p*r.a)
	}
	if d := o.Dimensions["D1"].Rate; math.Abs(d.P-p) > 1e-15 || math.Abs(d.Var-0.7*30/29*sq/(58*58)) > 1e-15 || d.DF != 29 || d.Respondents != 30 {
		t.Errorf("东关 D1 %+v, want p %v, v %v", d, p, 0.7*30/29*sq/(58*58))
	}
	// The municipal unit answered in full: a census, no interval; its
	// minimum is its roster of 20.
	if r := m.Overall.Rate; !r.Census || r.HasInterval() || m.Minimum != 20 || !m.MinimumMet() {
		t.Errorf("municipal %+v, minimum %d", r, m.Minimum)
	}
	// 邗江区 has no data: an area all the same, empty.
	if hj.Responses != 0 || hj.Overall.Shown() || hj.HasDiff || hj.Rank.Best != 0 {
		t.Errorf("empty county %+v", hj)
	}
	// The city: the townships weigh M/m = 10/3 each, the municipal unit 1:
	// p = (10/3·133.333… + 20·18/20)/(10/3·190 + 20).
	if p := (10.0/3*(133.33333333333334) + 18) / (10.0/3*190 + 20); math.Abs(city.Overall.Rate.P-p) > 1e-12 {
		t.Errorf("city p %v, want %v", city.Overall.Rate.P, p)
	}
	if want := analysis.DesignRate(handDesign([][2]int{{20, 30}, {16, 20}, {2, 3}, {18, 20}}, []int{100, 50, 40, 20}, true), false, 210); city.Overall.Rate != want || want.DF != 2+19 {
		t.Errorf("city %+v, want %+v", city.Overall.Rate, want)
	}
	// The county's figure is withheld, but the city's is its townships'
	// and the municipal unit's together: with the municipal unit shown,
	// the city's figure less its share would pin the townships as the
	// county's figure did. So S5 publishes the city's figure coarser
	// (whole percent, no interval), and as that is not enough in a city so
	// small, withholds the municipal unit too: neither has a difference
	// from the city or a rank.
	if !city.Overall.Coarse || city.Overall.IntervalText() != "—" || !strings.HasSuffix(city.Overall.RateText(), "%") || strings.Contains(city.Overall.RateText(), ".") {
		t.Errorf("the city's figure %v is not coarser", city.Overall.Published())
	}
	if m.Overall.Shown() || !m.Objects[0].Overall.Hidden || gl.HasDiff || m.HasDiff {
		t.Errorf("municipal unit shown %v, differences %v %v", m.Overall.Shown(), gl.HasDiff, m.HasDiff)
	}
	if m.Rank.String() != "—" || gl.Rank.String() != "—" {
		t.Errorf("ranks: county %s, municipal %s", gl.Rank, m.Rank)
	}
	// Checklist of 广陵区: itself and its three townships, 2 items each.
	if len(gl.Checklist) != 4 || gl.Gradable != 8 || gl.Graded != 2 {
		t.Errorf("checklist %d units, %d of %d graded", len(gl.Checklist), gl.Graded, gl.Gradable)
	}
}

// TestCodesBeyondTheSample: 40 codes handed out for a sample of 20 make
// the response rate's denominator 40, never a rate above 100 %.
func TestCodesBeyondTheSample(t *testing.T) {
	in := testInput()
	in.Codes = map[int64]int{6: 40, 3: 10}
	city := Compute(in)
	if m := city.Area(6); m.Sample != 40 || m.Responses != 20 {
		t.Errorf("municipal sample %d, responses %d", m.Sample, m.Responses)
	}
	if gl := city.Area(2); gl.Objects[0].Sample != 30 {
		t.Errorf("fewer codes than drawn: sample %d, want the 30 drawn", gl.Objects[0].Sample)
	}
}
