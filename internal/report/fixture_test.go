package report

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"pinggu"
	"pinggu/internal/results"
	"pinggu/internal/store"
)

// fakeCity is a city of counties counties, each with four townships, two
// county departments and three branches drawn, and municipal municipal
// units, answered at random with a favorable share that differs by unit.
// The first county's last branch has 3 responses (suppressed).
func fakeCity(t testing.TB, counties, municipal int) *results.City {
	t.Helper()
	fs, err := pinggu.BuiltinFrameworks()
	if err != nil {
		t.Fatal(err)
	}
	lead, branch := &fs[0], &fs[1]
	c := &pinggu.Campaign{ID: 1, Code: "2026", Name: "2026年", Settings: pinggu.DefaultSettings()}
	in := &Input{Campaign: c, Frameworks: map[pinggu.UnitKind]*pinggu.Framework{}, Rosters: map[int64]int{}, Samples: map[string]int{}}
	for _, k := range pinggu.EvaluatedKinds {
		in.Frameworks[k] = lead
	}
	in.Frameworks[pinggu.KindBranch] = branch
	rng := rand.New(rand.NewPCG(1, 2))
	id := int64(1)
	unit := func(code, name string, kind pinggu.UnitKind, parent int64) pinggu.Unit {
		id++
		u := pinggu.Unit{ID: id, Code: code, Name: name, Kind: kind, ParentID: parent}
		in.Units = append(in.Units, u)
		return u
	}
	in.Units = append(in.Units, pinggu.Unit{ID: 1, Code: "3210", Name: "扬州市", Kind: pinggu.KindCity})
	answer := func(u pinggu.Unit, f *pinggu.Framework, pop, n int) {
		in.Rosters[u.ID] = pop
		in.Samples[u.Code] = n
		good := 0.5 + 0.45*rng.Float64()
		counts := map[store.TallyKey]int{}
		resp := n * (80 + rng.IntN(21)) / 100
		if n < 5 {
			resp = n
		}
		for range resp {
			level := func() int {
				switch x := rng.Float64(); {
				case x < good*0.6:
					return 0
				case x < good:
					return 1
				case x < good+(1-good)*0.6:
					return 2
				case x < 0.97:
					return 3
				}
				return pinggu.Unknown
			}
			cat := "党员"
			if rng.IntN(4) == 0 {
				cat = "群众"
			}
			for _, it := range f.ActiveItems() {
				counts[store.TallyKey{Unit: u.ID, Category: cat, Question: it.Code, Level: level()}]++
			}
			l := level()
			if l < 0 {
				l = 1
			}
			counts[store.TallyKey{Unit: u.ID, Category: cat, Question: pinggu.OverallCode, Level: l}]++
		}
		for k, v := range counts {
			in.Tallies = append(in.Tallies, store.TallyRow{TallyKey: k, N: v})
		}
	}
	for i := range counties {
		cc := unit(fmt.Sprintf("3210%02d", i+2), fmt.Sprintf("第%d区", i+1), pinggu.KindCounty, 1)
		for j := range 4 {
			tw := unit(fmt.Sprintf("%s%03d", cc.Code, j+1), fmt.Sprintf("%s第%d街道", cc.Name, j+1), pinggu.KindTownship, cc.ID)
			answer(tw, lead, 40+rng.IntN(200), 15)
		}
		for j := range 2 {
			d := unit(fmt.Sprintf("%sD%02d", cc.Code, j+1), fmt.Sprintf("%s第%d局", cc.Name, j+1), pinggu.KindCountyDept, cc.ID)
			answer(d, lead, 20+rng.IntN(60), 12)
		}
		for j := range 3 {
			b := unit(fmt.Sprintf("%sB%02d", cc.Code, j+1), fmt.Sprintf("%s第%d党支部", cc.Name, j+1), pinggu.KindBranch, cc.ID)
			n := 10
			if i == 0 && j == 2 {
				n = 3
			}
			answer(b, branch, 15+rng.IntN(30), n)
		}
	}
	for i := range municipal {
		m := unit(fmt.Sprintf("M%03d", i+1), fmt.Sprintf("市直第%d单位", i+1), pinggu.KindMunicipalUnit, 1)
		answer(m, lead, 25+rng.IntN(80), 30)
	}
	in.Grades = []pinggu.Grade{
		{UnitID: 2, Item: lead.ActiveItems()[0].Code, Level: 0, Note: "区委理论学习中心组专题学习 12 次，记录完整。"},
		{UnitID: 3, Item: lead.ActiveItems()[1].Code, Level: 2, Note: "调研报告 3 篇，问题分析不深。"},
	}
	return results.Compute(in)
}

// Input is results.Input, named here for the fixture.
type Input = results.Input
