package web

import (
	"context"
	"net/http"

	"pinggu"
	"pinggu/internal/store"
)

type progressRow struct {
	Unit      pinggu.Unit
	County    string
	Issued    int
	Done      int
	Target    int
	Shortfall int
	Rate      string // responses / codes issued, one decimal, half up
	// Call is the unit's call list in its respondent draw, where the next
	// reserves are released when it falls short (S3a).
	Call string
}

type progressView struct {
	*Page
	Campaign *pinggu.Campaign
	Counties []progressRow
	Units    []progressRow
}

// surveyProgress shows, for each unit and county in scope, the codes
// issued, the forms completed against the target, the shortfall and the
// response rate. Liaisons never see it.
func (s *Server) surveyProgress(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	v := progressView{Page: s.page(w, r, c), Campaign: cp}
	ctx := r.Context()
	err = s.db.View(ctx, func(tx *store.Tx) error {
		prog, err := tx.SurveyProgress(ctx, cp.ID)
		if err != nil {
			return err
		}
		all, err := tx.Units(ctx)
		if err != nil {
			return err
		}
		byID := map[int64]pinggu.Unit{}
		for _, u := range all {
			byID[u.ID] = u
		}
		targets, err := respondentTargets(ctx, tx, cp)
		if err != nil {
			return err
		}
		counties := map[int64]*progressRow{}
		for _, u := range all {
			p := prog[u.ID]
			if p == nil || !pinggu.InCampaignScope(c.User, cp.ID, *pathOf(all, u)) {
				continue
			}
			row := progressRow{Unit: u, Issued: p.Issued, Done: p.Responses}
			county := pinggu.Unit{}
			for a, n := u.ParentID, 0; a != 0 && n < 64; a, n = byID[a].ParentID, n+1 {
				if byID[a].Kind == pinggu.KindCounty {
					county = byID[a]
				}
			}
			if t, ok := targets[u.ElementID()]; ok {
				row.Target = t.target
				if t.target > row.Done {
					row.Call = "/campaigns/" + itoa(cp.ID) + "/draws/" + itoa(t.draw) + "/units/" + itoa(u.ID) + "/call"
				}
			}
			if county.ID != 0 {
				row.County = county.Name
				cr := counties[county.ID]
				if cr == nil {
					cr = &progressRow{Unit: county, Target: cp.Settings.MinCounty}
					counties[county.ID] = cr
				}
				cr.Issued += row.Issued
				cr.Done += row.Done
			}
			v.Units = append(v.Units, finish(row))
		}
		for _, u := range all {
			if cr := counties[u.ID]; cr != nil {
				v.Counties = append(v.Counties, finish(*cr))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "progress", v)
}

func finish(r progressRow) progressRow {
	r.Shortfall = max(0, r.Target-r.Done)
	if r.Issued > 0 {
		permille := (r.Done*1000 + r.Issued/2) / r.Issued
		r.Rate = itoa(int64(permille/10)) + "." + itoa(int64(permille%10)) + "%"
	}
	return r
}

// target is a unit's completes target in its respondent draw.
type target struct {
	draw   int64
	target int
}

// respondentTargets reads each drawn unit's target of completes from the
// standing respondent draws: its allocation's in a county, min(30, N) for a
// municipal unit (which a draw before alloc-v2 drew exactly: its k).
func respondentTargets(ctx context.Context, tx *store.Tx, cp *pinggu.Campaign) (map[string]target, error) {
	draws, err := tx.Draws(ctx, cp.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]target{}
	for _, d := range draws {
		if d.Kind != pinggu.DrawRespondents || d.Voided() {
			continue
		}
		_, rec, err := tx.DrawPlan(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		for _, st := range rec.Strata {
			out[st.Stratum] = target{d.ID, min(cp.Settings.MinMunicipal, st.N, st.K)}
		}
		for _, a := range rec.Allocations {
			for stratum, n := range a.Completes() {
				out[stratum] = target{d.ID, n}
			}
		}
	}
	return out, nil
}
