package web

import (
	"net/http"
	"slices"
	"time"

	"pinggu"
	"pinggu/internal/store"
)

// campaignDeadlines is the campaign-wide standing of each stage. A closed
// campaign has finished every stage.
func campaignDeadlines(cp *pinggu.Campaign, loc *time.Location) []pinggu.Deadline {
	now := time.Now()
	out := make([]pinggu.Deadline, 0, len(pinggu.Stages))
	for _, st := range pinggu.Stages {
		out = append(out, pinggu.DeadlineOf(st, cp.Settings.Deadlines[st], cp.State.Closed(), now, loc))
	}
	return out
}

type boardRow struct {
	Unit  pinggu.Unit
	Group string
	Cells []pinggu.Deadline
}

type boardView struct {
	*Page
	Campaign *pinggu.Campaign
	Stages   []pinggu.Deadline
	Rows     []boardRow
	Overdue  int
}

// deadlineBoard lists, for each evaluated county and municipal unit in the
// account's scope (a liaison: their own unit), each stage's due date, days
// left and whether it is overdue.
func (s *Server) deadlineBoard(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	v, err := s.board(r, c, cp)
	if err != nil {
		return err
	}
	v.Page = s.page(w, r, c)
	return s.render(w, http.StatusOK, "deadlines", v)
}

func (s *Server) board(r *http.Request, c *reqCtx, cp *pinggu.Campaign) (boardView, error) {
	v := boardView{Campaign: cp, Stages: campaignDeadlines(cp, s.loc)}
	ctx := r.Context()
	err := s.db.View(ctx, func(tx *store.Tx) error {
		groups, err := tx.Groups(ctx, cp.ID)
		if err != nil {
			return err
		}
		groupOf := map[int64]string{}
		for _, g := range groups {
			for _, id := range g.Units {
				groupOf[id] = g.Name
			}
		}
		all, err := tx.Units(ctx)
		if err != nil {
			return err
		}
		parent := map[int64]int64{}
		for _, u := range all {
			parent[u.ID] = u.ParentID
		}
		// The self-assessment stage is each area's own: done once its
		// latest version is submitted or accepted (a returned one is not).
		checks, err := tx.SelfChecks(ctx, cp.ID, 0)
		if err != nil {
			return err
		}
		latest := pinggu.LatestSelfChecks(checks)
		for _, u := range all {
			evaluated := u.Kind == pinggu.KindCounty || u.Kind == pinggu.KindMunicipalUnit
			if c.User.Role == pinggu.RoleLiaison {
				evaluated = len(c.User.Scope) == 1 && u.ID == c.User.Scope[0]
			}
			if !evaluated {
				continue
			}
			path := pinggu.UnitPath{Unit: u}
			for p, n := u.ParentID, 0; p != 0 && n < 64; p, n = parent[p], n+1 {
				path.Ancestors = append(path.Ancestors, p)
			}
			if !pinggu.InCampaignScope(c.User, cp.ID, path) {
				continue
			}
			row := boardRow{Unit: u, Group: groupOf[u.ID], Cells: slices.Clone(v.Stages)}
			for i, d := range row.Cells {
				if d.Stage == pinggu.StageSelfReport {
					row.Cells[i] = pinggu.DeadlineOf(d.Stage, d.Due, cp.State.Closed() || pinggu.SelfCheckStateOf(latest[u.ID], false).HandedIn(), time.Now(), s.loc)
				}
			}
			for _, d := range row.Cells {
				if d.Overdue {
					v.Overdue++
				}
			}
			v.Rows = append(v.Rows, row)
		}
		return nil
	})
	return v, err
}
