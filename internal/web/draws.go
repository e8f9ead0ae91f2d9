package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"pinggu"
	"pinggu/internal/draw"
	"pinggu/internal/sampling"
	"pinggu/internal/store"
)

type drawsView struct {
	*Page
	Campaign  *pinggu.Campaign
	Frames    []store.Frame
	Draws     []store.DrawInfo
	Seed      string
	Label     string
	RespSeed  string
	RespLabel string
	Units     bool // the unit draw has happened (and stands)
	Error     string
	Problems  []string
}

func (s *Server) drawsPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	return s.renderDraws(w, r, c, cp, http.StatusOK, drawsView{Label: cp.Code + "-units", RespLabel: cp.Code + "-respondents"})
}

func (s *Server) renderDraws(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign, status int, v drawsView) error {
	v.Page, v.Campaign = s.page(w, r, c), cp
	err := s.db.View(r.Context(), func(tx *store.Tx) (err error) {
		if v.Frames, err = tx.Frames(r.Context(), cp.ID); err != nil {
			return err
		}
		v.Draws, err = tx.Draws(r.Context(), cp.ID)
		for _, d := range v.Draws {
			v.Units = v.Units || (d.Kind == pinggu.DrawUnits && !d.Voided())
		}
		return err
	})
	if err != nil {
		return err
	}
	return s.render(w, status, "draws", v)
}

// drawFail shows the ceremony page again with the error and what was typed.
func (s *Server) drawFail(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign, v drawsView, err error) error {
	e := pinggu.AsError(err)
	if e.Code != pinggu.EInvalid && e.Code != pinggu.EConflict {
		return err
	}
	v.Error = c.L.Error(e)
	for _, p := range e.Problems {
		v.Problems = append(v.Problems, c.L.Problem(localizeField(c, p)))
	}
	return s.renderDraws(w, r, c, cp, http.StatusUnprocessableEntity, v)
}

func (s *Server) framesFreeze(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	frames, err := draw.Freeze(r.Context(), s.db, store.ActorOf(c.User), cp)
	if err != nil {
		return s.drawFail(w, r, c, cp, drawsView{}, err)
	}
	s.setFlash(r, "ok", c.L.T("draw.frozen", "N", len(frames)))
	return redirect(w, r, "/campaigns/"+itoa(cp.ID)+"/draws")
}

func (s *Server) framesZip(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	var frames []store.Frame
	if err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { frames, err = tx.Frames(r.Context(), cp.ID); return }); err != nil {
		return err
	}
	if len(frames) == 0 {
		return pinggu.Errorf(pinggu.EConflict, "draw.not_frozen")
	}
	visible, _, err := s.strataOf(r, c.User, cp)
	if err != nil {
		return err
	}
	frames = scopeFrames(frames, visible)
	var buf bytes.Buffer
	if err := draw.WriteFramesZip(&buf, frames); err != nil {
		return pinggu.Internal(err)
	}
	s.anchorHead(w, r)
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="frames-`+cp.Code+`.zip"`)
	_, err = w.Write(buf.Bytes())
	return err
}

// drawCreate is the ceremony: the dice digits entered in front of the
// witnesses, one attempt per label.
func (s *Server) drawCreate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	seed := strings.Join(strings.Fields(r.PostFormValue("seed")), "") // spaces between dice groups are fine
	label := strings.TrimSpace(r.PostFormValue("label"))
	if r.PostFormValue("kind") == pinggu.DrawRespondents {
		_, missing, err := draw.Respondents(r.Context(), s.db, store.ActorOf(c.User), cp, seed, label)
		if err != nil {
			return s.drawFail(w, r, c, cp, drawsView{RespSeed: seed, RespLabel: label}, err)
		}
		if len(missing) > 0 {
			var names []string
			for _, u := range missing {
				names = append(names, u.Name)
			}
			s.setFlash(r, "error", c.L.T("draw.missing_rosters", "N", len(missing), "Units", strings.Join(names, "、")))
		}
	} else if _, err := draw.Units(r.Context(), s.db, store.ActorOf(c.User), cp, seed, label); err != nil {
		return s.drawFail(w, r, c, cp, drawsView{Seed: seed, Label: label}, err)
	}
	var draws []store.DrawInfo
	s.db.View(r.Context(), func(tx *store.Tx) (err error) { draws, err = tx.Draws(r.Context(), cp.ID); return })
	if _, ok := s.sessions.Get(r.Context(), "flash").(flash); !ok {
		s.setFlash(r, "ok", c.L.T("draw.saved", "Label", label))
	}
	s.anchorHead(w, r)
	return redirect(w, r, "/campaigns/"+itoa(cp.ID)+"/draws/"+itoa(draws[len(draws)-1].ID))
}

type stratumView struct {
	sampling.StratumRecord
	Names map[string]string
}

type recordView struct {
	*Page
	Campaign *pinggu.Campaign
	Info     *store.DrawInfo
	Record   *sampling.Record
	Strata   []stratumView
	Selected int
	Units    map[string]pinggu.Unit // element id → unit, for a respondent draw's strata
	Scoped   bool                   // only the strata of the account's assignment are shown
}

// drawOf loads {did} and checks that it belongs to the campaign.
func (s *Server) drawOf(r *http.Request, cp *pinggu.Campaign) (*store.DrawInfo, *sampling.Record, []store.Frame, error) {
	id, err := drawID(r)
	if err != nil {
		return nil, nil, nil, err
	}
	var info *store.DrawInfo
	var rec *sampling.Record
	var frames []store.Frame
	err = s.db.View(r.Context(), func(tx *store.Tx) (err error) {
		if info, rec, err = tx.DrawRecord(r.Context(), id); err != nil {
			return err
		}
		frames, err = tx.Frames(r.Context(), cp.ID)
		return err
	})
	if err == nil && info.Campaign != cp.ID {
		err = pinggu.Errorf(pinggu.EInvalid, "draw.other_campaign")
	}
	return info, rec, frames, err
}

func (s *Server) drawRecord(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	info, rec, frames, err := s.drawOf(r, cp)
	if err != nil {
		return err
	}
	if rec, frames, err = s.scopeRecord(r, c.User, cp, rec, frames); err != nil {
		return err
	}
	s.anchorHead(w, r)
	switch r.URL.Query().Get("format") {
	case "json":
		w.Header().Set("Content-Disposition", `attachment; filename="record-`+rec.Draw+`.json"`)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(rec)
	case "xlsx":
		var buf bytes.Buffer
		if err := draw.WriteRecordXLSX(&buf, rec, draw.Names(frames)); err != nil {
			return pinggu.Internal(err)
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="record-`+rec.Draw+`.xlsx"`)
		_, err := w.Write(buf.Bytes())
		return err
	}
	names := draw.Names(frames)
	v := recordView{Page: s.page(w, r, c), Campaign: cp, Info: info, Record: rec, Units: map[string]pinggu.Unit{}, Scoped: c.User.Role.Scoped()}
	if info.Kind != pinggu.DrawUnits {
		// People are not named in the public record: strata link to the
		// call page, which only the unit's group may open.
		names = map[string]map[string]string{}
		var all []pinggu.Unit
		s.db.View(r.Context(), func(tx *store.Tx) (err error) { all, err = tx.Units(r.Context()); return })
		for _, u := range all {
			if pinggu.Authorize(c.User, pinggu.PermRosterFreeze, pathOf(all, u)) == nil {
				v.Units[u.ElementID()] = u
			}
		}
	}
	for _, st := range rec.Strata {
		v.Strata = append(v.Strata, stratumView{StratumRecord: st, Names: names[st.Stratum]})
		v.Selected += st.K
	}
	return s.render(w, http.StatusOK, "record", v)
}

// strataOf returns which strata of the campaign's frames and draw records
// the account may see: every one for the office and viewers; for an
// evaluator, those of its assignment in the campaign — its counties' unit
// strata ("<county>/<kind>"), the municipal units' stratum when it
// evaluates one, and its units' respondent strata ("<element id>" and
// "<element id>/<category>"). A stratum is shown whole or not at all, so
// what is shown still verifies against its frame's hash.
func (s *Server) strataOf(r *http.Request, u *pinggu.User, cp *pinggu.Campaign) (visible func(stratum string) bool, counties map[string]bool, err error) {
	if !u.Role.Scoped() {
		return func(string) bool { return true }, nil, nil
	}
	var all []pinggu.Unit
	if err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { all, err = tx.Units(r.Context()); return }); err != nil {
		return nil, nil, err
	}
	byID := map[int64]pinggu.Unit{}
	for _, x := range all {
		byID[x.ID] = x
	}
	vis, counties := map[string]bool{}, map[string]bool{}
	for _, x := range all {
		if !pinggu.InCampaignScope(u, cp.ID, *pathOf(all, x)) {
			continue
		}
		id := x.ElementID()
		vis[id] = true
		for _, cat := range pinggu.RosterCategories {
			vis[id+"/"+cat] = true
		}
		switch x.Kind {
		case pinggu.KindCounty:
			counties[x.Code] = true
			for _, k := range []pinggu.UnitKind{pinggu.KindCountyDept, pinggu.KindTownship, pinggu.KindBranch} {
				vis[x.Code+"/"+string(k)] = true
			}
		case pinggu.KindMunicipalUnit:
			vis[byID[x.ParentID].Code+"/"+string(pinggu.KindMunicipalUnit)] = true
		}
	}
	return func(stratum string) bool { return vis[stratum] }, counties, nil
}

// scopeRecord keeps of a draw record what the account may see (strataOf).
func (s *Server) scopeRecord(r *http.Request, u *pinggu.User, cp *pinggu.Campaign, rec *sampling.Record, frames []store.Frame) (*sampling.Record, []store.Frame, error) {
	visible, counties, err := s.strataOf(r, u, cp)
	if err != nil || counties == nil {
		return rec, frames, err
	}
	out := *rec
	out.Strata, out.Allocations = nil, nil
	for _, st := range rec.Strata {
		if visible(st.Stratum) {
			out.Strata = append(out.Strata, st)
		}
	}
	for _, a := range rec.Allocations {
		if counties[a.Group] {
			out.Allocations = append(out.Allocations, a)
		}
	}
	return &out, scopeFrames(frames, visible), nil
}

func scopeFrames(frames []store.Frame, visible func(string) bool) []store.Frame {
	var out []store.Frame
	for _, f := range frames {
		if visible(f.Stratum) {
			out = append(out, f)
		}
	}
	return out
}
