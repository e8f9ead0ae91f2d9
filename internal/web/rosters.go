package web

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/draw"
	"pinggu/internal/roster"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
)

type rosterRow struct {
	Unit     pinggu.Unit
	ID       string // element id in the draw
	Roster   *pinggu.Roster
	Complete bool
}

type rosterListView struct {
	*Page
	Campaign *pinggu.Campaign
	Rows     []rosterRow
	Short    int
}

// rosterList shows the drawn units within the account's scope for this
// campaign and where their rosters stand.
func (s *Server) rosterList(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	v := rosterListView{Page: s.page(w, r, c), Campaign: cp}
	ctx := r.Context()
	err = s.db.View(ctx, func(tx *store.Tx) error {
		sampled, err := tx.SampledUnits(ctx, cp.ID)
		if err != nil {
			return err
		}
		rosters, err := tx.Rosters(ctx, cp.ID)
		if err != nil {
			return err
		}
		byUnit := map[int64]*pinggu.Roster{}
		for i := range rosters {
			byUnit[rosters[i].UnitID] = &rosters[i]
		}
		all, err := tx.Units(ctx)
		if err != nil {
			return err
		}
		for _, u := range scopeFilter(c.User, all) {
			id := u.ElementID()
			if !sampled[id] || pinggu.Authorize(c.User, pinggu.PermRosterView, pathOf(all, u)) != nil {
				continue
			}
			row := rosterRow{Unit: u, ID: id, Roster: byUnit[u.ID], Complete: true}
			if row.Roster != nil {
				row.Complete = pinggu.Complete(row.Roster.Members, u.Headcount, cp.Settings.MinShare())
			}
			if !row.Complete {
				v.Short++
			}
			v.Rows = append(v.Rows, row)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "rosters", v)
}

// pathOf builds a unit's path from the full list.
func pathOf(all []pinggu.Unit, u pinggu.Unit) *pinggu.UnitPath {
	parent := map[int64]int64{}
	for _, x := range all {
		parent[x.ID] = x.ParentID
	}
	p := &pinggu.UnitPath{Unit: u}
	for id, n := u.ParentID, 0; id != 0 && n < 64; id, n = parent[id], n+1 {
		p.Ancestors = append(p.Ancestors, id)
	}
	return p
}

type rosterView struct {
	*Page
	Campaign  *pinggu.Campaign
	Unit      pinggu.Unit
	Roster    *pinggu.Roster
	Complete  bool
	MinShare  int
	Preview   []pinggu.Person // an upload waiting for confirmation
	UploadID  string
	Filename  string
	Message   string
	Problems  []string
	CanUpload bool
	CanFreeze bool
}

// Categories feeds the symposium form.
func (v rosterView) Categories() []string { return pinggu.RosterCategories }

func (s *Server) rosterPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	return s.renderRoster(w, r, c, cp, http.StatusOK, rosterView{})
}

func (s *Server) renderRoster(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign, status int, v rosterView) error {
	v.Page, v.Campaign, v.Unit, v.MinShare = s.page(w, r, c), cp, c.Unit.Unit, cp.Settings.MinShare()
	v.CanUpload = pinggu.Authorize(c.User, pinggu.PermRosterUpload, c.Unit) == nil
	v.CanFreeze = pinggu.Authorize(c.User, pinggu.PermRosterFreeze, c.Unit) == nil
	err := s.db.View(r.Context(), func(tx *store.Tx) error {
		rs, err := tx.Roster(r.Context(), cp.ID, v.Unit.ID, true)
		if pinggu.ErrorCodeOf(err) == pinggu.ENotFound {
			return nil
		}
		v.Roster = rs
		return err
	})
	if err != nil {
		return err
	}
	v.Complete = v.Roster == nil || pinggu.Complete(v.Roster.Members, v.Unit.Headcount, v.MinShare)
	return s.render(w, status, "roster", v)
}

func (s *Server) rosterFailed(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign, v rosterView, err error) error {
	var ok bool
	if v.Message, v.Problems, ok = c.problems(err); !ok {
		return err
	}
	return s.renderRoster(w, r, c, cp, http.StatusUnprocessableEntity, v)
}

// rosterUpload checks an uploaded file and shows it (phones masked) for
// confirmation; nothing is stored in the roster yet.
func (s *Server) rosterUpload(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, tabular.MaxFileBytes+1<<20)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return s.rosterFailed(w, r, c, cp, rosterView{}, pinggu.Errorf(pinggu.EInvalid, "import.no_file"))
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return s.rosterFailed(w, r, c, cp, rosterView{}, pinggu.Errorf(pinggu.EInvalid, "file.too_large", "MaxMB", tabular.MaxFileBytes>>20))
	}
	unit := c.Unit.Unit
	people, err := roster.Upload(r.Context(), s.db, store.ActorOf(c.User), cp, &unit, hdr.Filename, data, true)
	if err != nil {
		return s.rosterFailed(w, r, c, cp, rosterView{Filename: hdr.Filename}, err)
	}
	b := make([]byte, 16)
	rand.Read(b)
	v := rosterView{Preview: people, UploadID: hex.EncodeToString(b), Filename: hdr.Filename}
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		return tx.SaveUpload(r.Context(), &store.Upload{ID: v.UploadID, UserID: c.User.ID, Filename: hdr.Filename, Data: data})
	})
	if err != nil {
		return err
	}
	return s.renderRoster(w, r, c, cp, http.StatusOK, v)
}

func (s *Server) rosterConfirm(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	var up *store.Upload
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) (err error) {
		up, err = tx.TakeUpload(r.Context(), c.User.ID, r.PostFormValue("upload"))
		return err
	})
	if err != nil {
		return s.rosterFailed(w, r, c, cp, rosterView{}, err)
	}
	unit := c.Unit.Unit
	people, err := roster.Upload(r.Context(), s.db, store.ActorOf(c.User), cp, &unit, up.Filename, up.Data, false)
	if err != nil {
		return s.rosterFailed(w, r, c, cp, rosterView{}, err)
	}
	s.setFlash(r, "ok", c.L.T("roster.saved", "N", len(people)))
	return redirect(w, r, "/campaigns/"+itoa(cp.ID)+"/units/"+itoa(unit.ID)+"/roster")
}

func (s *Server) rosterFreeze(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	unit := c.Unit.Unit
	rs, err := roster.Freeze(r.Context(), s.db, store.ActorOf(c.User), cp, &unit, r.PostFormValue("reason"), cp.Settings.MinShare())
	if err != nil {
		return s.rosterFailed(w, r, c, cp, rosterView{}, err)
	}
	s.setFlash(r, "ok", c.L.T("roster.frozen_ok", "Unit", unit.Name, "Size", rs.Size, "Hash", rs.SHA256))
	return redirect(w, r, "/campaigns/"+itoa(cp.ID)+"/units/"+itoa(unit.ID)+"/roster")
}

// intervieweeDraw is a symposium's draw, run by the unit's group from its
// frozen roster with a fresh seed: a quota per category.
func (s *Server) intervieweeDraw(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	unit := c.Unit.Unit
	r.ParseForm()
	quotas := map[string]int{}
	var ps []pinggu.Problem
	for _, cat := range pinggu.RosterCategories {
		v := strings.TrimSpace(r.PostFormValue("quota." + cat))
		if v == "" || v == "0" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			ps = append(ps, pinggu.NewProblem(0, cat, "field.not_integer", "Value", v))
			continue
		}
		quotas[cat] = n
	}
	seed := strings.Join(strings.Fields(r.PostFormValue("seed")), "")
	label := strings.TrimSpace(r.PostFormValue("label"))
	if len(ps) > 0 {
		err = pinggu.Invalid("draw.invalid", ps)
	} else {
		_, err = draw.Interviewees(r.Context(), s.db, store.ActorOf(c.User), cp, &unit, seed, label, r.PostFormValue("occasion"), quotas)
	}
	if err != nil {
		return s.rosterFailed(w, r, c, cp, rosterView{}, err)
	}
	var draws []store.DrawInfo
	s.db.View(r.Context(), func(tx *store.Tx) (err error) { draws, err = tx.Draws(r.Context(), cp.ID); return })
	s.setFlash(r, "ok", c.L.T("draw.saved", "Label", label))
	return redirect(w, r, "/campaigns/"+itoa(cp.ID)+"/draws/"+itoa(draws[len(draws)-1].ID))
}
