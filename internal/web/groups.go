package web

import (
	"net/http"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/store"
)

type unitChoice struct {
	pinggu.Unit
	Checked bool
	Taken   string // the other group that has it
}

type userChoice struct {
	pinggu.User
	Checked bool
}

type groupFormView struct {
	*Page
	Campaign   *pinggu.Campaign
	Group      pinggu.Group
	New        bool
	Evaluators []userChoice
	Units      []unitChoice
	Errors     map[string]string
	Summary    string
}

func (s *Server) groupForm(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign, g pinggu.Group, isNew bool) (groupFormView, error) {
	v := groupFormView{Page: s.page(w, r, c), Campaign: cp, Group: g, New: isNew}
	ctx := r.Context()
	err := s.db.View(ctx, func(tx *store.Tx) error {
		users, err := tx.Users(ctx)
		if err != nil {
			return err
		}
		member := map[int64]bool{}
		for _, id := range g.Members {
			member[id] = true
		}
		for _, u := range users {
			if u.Role == pinggu.RoleEvaluator && !u.Disabled {
				v.Evaluators = append(v.Evaluators, userChoice{User: u, Checked: member[u.ID]})
			}
		}
		groups, err := tx.Groups(ctx, cp.ID)
		if err != nil {
			return err
		}
		taken := map[int64]string{}
		for _, o := range groups {
			if o.ID != g.ID {
				for _, id := range o.Units {
					taken[id] = o.Name
				}
			}
		}
		mine := map[int64]bool{}
		for _, id := range g.Units {
			mine[id] = true
		}
		units, err := tx.Units(ctx)
		for _, u := range units {
			if u.Kind == pinggu.KindCounty || u.Kind == pinggu.KindMunicipalUnit {
				v.Units = append(v.Units, unitChoice{Unit: u, Checked: mine[u.ID], Taken: taken[u.ID]})
			}
		}
		return err
	})
	return v, err
}

func (s *Server) groupNewPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	v, err := s.groupForm(w, r, c, cp, pinggu.Group{CampaignID: cp.ID}, true)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "group_edit", v)
}

// groupOf loads {gid}, which must belong to the campaign {cid}.
func (s *Server) groupOf(r *http.Request, cp *pinggu.Campaign) (*pinggu.Group, error) {
	id, err := strconv.ParseInt(r.PathValue("gid"), 10, 64)
	if err != nil {
		return nil, pinggu.Errorf(pinggu.ENotFound, "group.not_found")
	}
	var g *pinggu.Group
	err = s.db.View(r.Context(), func(tx *store.Tx) (err error) { g, err = tx.GroupOf(r.Context(), cp.ID, id); return })
	return g, err
}

func (s *Server) groupPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	g, err := s.groupOf(r, cp)
	if err != nil {
		return err
	}
	v, err := s.groupForm(w, r, c, cp, *g, false)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "group_edit", v)
}

func readGroupForm(r *http.Request, g *pinggu.Group) {
	r.ParseForm()
	g.Name = strings.TrimSpace(r.PostFormValue("name"))
	g.LeaderID, _ = strconv.ParseInt(r.PostFormValue("leader"), 10, 64)
	g.Members, g.Units = nil, nil
	for _, v := range r.PostForm["members"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id != g.LeaderID {
			g.Members = append(g.Members, id)
		}
	}
	for _, v := range r.PostForm["units"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			g.Units = append(g.Units, id)
		}
	}
}

func (s *Server) groupCreate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	g := &pinggu.Group{CampaignID: cp.ID}
	readGroupForm(r, g)
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error { return tx.CreateGroup(r.Context(), g) })
	return s.groupSaved(w, r, c, cp, g, true, err)
}

func (s *Server) groupUpdate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	g, err := s.groupOf(r, cp)
	if err != nil {
		return err
	}
	readGroupForm(r, g)
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error { return tx.UpdateGroup(r.Context(), g) })
	return s.groupSaved(w, r, c, cp, g, false, err)
}

func (s *Server) groupSaved(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign, g *pinggu.Group, isNew bool, err error) error {
	if e := pinggu.AsError(err); err != nil && (e.Code == pinggu.EInvalid || e.Code == pinggu.EConflict) {
		v, verr := s.groupForm(w, r, c, cp, *g, isNew)
		if verr != nil {
			return verr
		}
		v.Errors, v.Summary = fieldErrors(c, e), c.L.Error(e)
		if len(e.Problems) == 0 {
			v.Errors["name"] = c.L.Error(e)
		}
		return s.render(w, http.StatusUnprocessableEntity, "group_edit", v)
	}
	if err != nil {
		return err
	}
	s.setFlash(r, "ok", c.L.T("group.saved", "Name", g.Name))
	return redirect(w, r, "/campaigns/"+itoa(cp.ID))
}
