package web

import (
	"net/http"
	"time"

	"pinggu"
	"pinggu/internal/store"
)

type kindCount struct {
	Kind      pinggu.UnitKind
	Units     int
	Headcount int
}

type homeView struct {
	*Page
	Counts    []kindCount
	Total     int
	Headcount int
	Users     int
	Roots     []pinggu.Unit // the account's scope roots, for scoped roles
	Campaigns []activeCampaign
}

// activeCampaign is a campaign under way with where its stages stand,
// and for a liaison of a county or municipal unit, its self-assessment.
type activeCampaign struct {
	pinggu.Campaign
	Stages    []pinggu.Deadline
	SelfCheck *liaisonTask
}

// liaisonTask is what a unit's liaison must hand in, by when, and where
// it stands.
type liaisonTask struct {
	Unit  pinggu.Unit
	State pinggu.SelfCheckState
	Due   pinggu.Date
	Note  string // the group's reason, when it was sent back
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	v := homeView{Page: s.page(w, r, c)}
	err := s.db.View(r.Context(), func(tx *store.Tx) error {
		all, err := tx.Units(r.Context())
		if err != nil {
			return err
		}
		seen := scopeFilter(c.User, all)
		by := map[pinggu.UnitKind]*kindCount{}
		for _, k := range pinggu.UnitKinds {
			v.Counts = append(v.Counts, kindCount{Kind: k})
		}
		for i := range v.Counts {
			by[v.Counts[i].Kind] = &v.Counts[i]
		}
		for _, u := range seen {
			by[u.Kind].Units++
			by[u.Kind].Headcount += u.Headcount
			v.Total++
			if u.Kind == pinggu.KindBranch {
				v.Headcount += u.Headcount
			}
		}
		if c.User.Role.Scoped() {
			for _, id := range c.User.Scope {
				if u, err := tx.Unit(r.Context(), id); err == nil {
					v.Roots = append(v.Roots, *u)
				}
			}
		}
		if c.User.Role == pinggu.RoleAdmin {
			v.Users, _, err = tx.CountUsers(r.Context())
		}
		return err
	})
	if err != nil {
		return err
	}
	campaigns, err := s.visibleCampaigns(r, c)
	if err != nil {
		return err
	}
	for _, cp := range campaigns {
		if !cp.State.Closed() {
			ac := activeCampaign{Campaign: cp, Stages: campaignDeadlines(&cp, s.loc)}
			if c.User.Role == pinggu.RoleLiaison && len(v.Roots) == 1 && v.Roots[0].Kind.Area() && cp.State != pinggu.StateDraft {
				if ac.SelfCheck, err = s.liaisonTask(r, &cp, v.Roots[0]); err != nil {
					return err
				}
			}
			v.Campaigns = append(v.Campaigns, ac)
		}
	}
	return s.render(w, http.StatusOK, "home", v)
}

// liaisonTask is the self-assessment the liaison of area u owes cp.
func (s *Server) liaisonTask(r *http.Request, cp *pinggu.Campaign, u pinggu.Unit) (*liaisonTask, error) {
	var versions []pinggu.SelfCheck
	if err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { versions, err = tx.SelfChecks(r.Context(), cp.ID, u.ID); return }); err != nil {
		return nil, err
	}
	t := &liaisonTask{Unit: u, Due: cp.Settings.Due(pinggu.StageSelfReport)}
	latest := pinggu.LatestSelfChecks(versions)[u.ID]
	if latest != nil {
		t.Note = latest.Reason
	}
	t.State = pinggu.SelfCheckStateAt(latest, cp.Settings, time.Now())
	return t, nil
}
