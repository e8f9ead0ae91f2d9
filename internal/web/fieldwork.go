package web

import (
	"fmt"
	"net/http"

	"pinggu"
	"pinggu/internal/store"
)

// fieldworkArea loads the route's campaign and checks that the route's
// unit is a report area (a county or a municipal unit) within the
// account's scope for the campaign. For a unit inside an area it answers
// with a redirect to the same page of that area (ok false, err nil).
func (s *Server) fieldworkArea(w http.ResponseWriter, r *http.Request, c *reqCtx, suffix string) (cp *pinggu.Campaign, ok bool, err error) {
	cp, err = s.campaignOf(r, c)
	if err != nil {
		return nil, false, err
	}
	if !c.Unit.Unit.Kind.Area() {
		var area int64
		err := s.db.View(r.Context(), func(tx *store.Tx) error {
			for _, id := range c.Unit.Ancestors {
				u, err := tx.Unit(r.Context(), id)
				if err != nil {
					return err
				}
				if u.Kind.Area() {
					area = u.ID
					return nil
				}
			}
			return nil
		})
		if err != nil {
			return nil, false, err
		}
		if area == 0 {
			return nil, false, pinggu.Errorf(pinggu.ENotFound, "selfcheck.not_area")
		}
		return nil, false, redirect(w, r, fmt.Sprintf("/campaigns/%d/units/%d/%s", cp.ID, area, suffix))
	}
	if !pinggu.InCampaignScope(c.User, cp.ID, *c.Unit) {
		return nil, false, pinggu.Errorf(pinggu.EForbidden, "error.forbidden")
	}
	return cp, true, nil
}

// areaFramework is the framework that judges area u in the campaign.
func areaFramework(r *http.Request, tx *store.Tx, cp *pinggu.Campaign, u pinggu.Unit) (*pinggu.Framework, error) {
	id := cp.Settings.Frameworks[u.Kind]
	if id == 0 {
		return nil, pinggu.Errorf(pinggu.ENotFound, "framework.not_found")
	}
	return tx.CampaignFramework(r.Context(), cp, id)
}
