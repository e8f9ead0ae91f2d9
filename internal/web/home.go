package web

import (
	"net/http"

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

// activeCampaign is a campaign under way with where its stages stand.
type activeCampaign struct {
	pinggu.Campaign
	Stages []pinggu.Deadline
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
			v.Campaigns = append(v.Campaigns, activeCampaign{Campaign: cp, Stages: campaignDeadlines(&cp, s.loc)})
		}
	}
	return s.render(w, http.StatusOK, "home", v)
}
