package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"pinggu"
	"pinggu/internal/registry"
	"pinggu/internal/store"
)

// Size is a synthetic city's size: counties of 9 evaluated units each,
// and municipal units.
type Size struct{ Counties, Municipal int }

// City is the benchmarks' city: 10 counties and 90 municipal units, 100
// report areas.
var City = Size{Counties: 10, Municipal: 90}

// SynthCity fills an empty scratch database with a synthetic city of
// counties counties (each with 4 townships, 2 county departments and 3
// branches evaluated) and municipal municipal units, a published campaign
// on the built-in frameworks, and n responses spread over the evaluated
// units, loaded without codes (store.LoadResponses).
func SynthCity(ctx context.Context, db *store.DB, counties, municipal, n int) (*pinggu.Campaign, error) {
	// A scratch database named with --db that holds the synthetic city
	// already is used as it is, to measure again without loading again.
	var existing *pinggu.Campaign
	if err := db.View(ctx, func(tx *store.Tx) (err error) { existing, err = tx.CampaignByCode(ctx, "bench"); return }); err == nil {
		return existing, nil
	}
	var b strings.Builder
	b.WriteString("code,name,kind,parent_code,headcount\n3299,合成市,city,,0\n")
	var objects []string
	for i := range counties {
		cc := fmt.Sprintf("3299%02d", i+1)
		fmt.Fprintf(&b, "%s,合成%d区,county,3299,900\n", cc, i+1)
		for j := range 4 {
			code := fmt.Sprintf("%s%03d", cc, j+1)
			fmt.Fprintf(&b, "%s,合成%d区第%d街道,township,%s,120\n", code, i+1, j+1, cc)
			objects = append(objects, code)
		}
		for j := range 2 {
			code := fmt.Sprintf("%sD%02d", cc, j+1)
			fmt.Fprintf(&b, "%s,合成%d区第%d局,county_dept,%s,60\n", code, i+1, j+1, cc)
			objects = append(objects, code)
		}
		for j := range 3 {
			code := fmt.Sprintf("%sB%02d", cc, j+1)
			fmt.Fprintf(&b, "%s,合成%d区第%d党支部,branch,%s,30\n", code, i+1, j+1, cc)
			objects = append(objects, code)
		}
	}
	for i := range municipal {
		code := fmt.Sprintf("S%03d", i+1)
		fmt.Fprintf(&b, "%s,合成市直第%d单位,municipal_unit,3299,80\n", code, i+1)
		objects = append(objects, code)
	}
	actor := store.Actor{Login: "cli:bench"}
	if _, err := registry.Import(ctx, db, actor, "synthetic.csv", []byte(b.String())); err != nil {
		return nil, err
	}
	var c *pinggu.Campaign
	var units []pinggu.Unit
	var forms map[pinggu.UnitKind]pinggu.Form
	err := db.Update(ctx, actor, func(tx *store.Tx) error {
		var err error
		c, err = tx.NewCampaign(ctx, "bench", "合成评估", func(c *pinggu.Campaign) error {
			c.Settings.Deadlines = map[pinggu.Stage]pinggu.Date{pinggu.StageSelfReport: "2026-12-05", pinggu.StageUnitDraw: "2026-12-08",
				pinggu.StageRosters: "2026-12-12", pinggu.StageFieldwork: "2026-12-25", pinggu.StageReports: "2026-12-31"}
			return nil
		})
		if err != nil {
			return err
		}
		if c, err = tx.AdvanceCampaign(ctx, c.ID, pinggu.StatePublished); err != nil {
			return err
		}
		forms = map[pinggu.UnitKind]pinggu.Form{}
		for _, k := range pinggu.EvaluatedKinds {
			if forms[k], err = tx.Form(ctx, c, k); err != nil {
				return err
			}
		}
		for _, code := range objects {
			u, err := tx.UnitByCode(ctx, code)
			if err != nil {
				return err
			}
			units = append(units, *u)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const batch = 5000
	for done := 0; done < n; {
		rs := make([]pinggu.Response, 0, min(batch, n-done))
		for range min(batch, n-done) {
			u := units[rng.IntN(len(units))]
			f := forms[u.Kind]
			r := pinggu.Response{CampaignID: c.ID, UnitID: u.ID, Category: "党员", Channel: pinggu.ChannelOnline, Day: "2026-12-10", Answers: make(map[string]int, len(f.Questions))}
			lean := int(u.ID % 4)
			for _, q := range f.Questions {
				r.Answers[q.Code] = min(3, max(0, rng.IntN(4)-lean/2))
			}
			r.Overall = min(3, rng.IntN(3)+lean/3)
			rs = append(rs, r)
		}
		if err := db.Update(ctx, actor, func(tx *store.Tx) error { return tx.LoadResponses(ctx, rs) }); err != nil {
			return nil, err
		}
		done += len(rs)
	}
	return c, nil
}
