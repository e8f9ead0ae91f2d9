package web

import (
	"net/http"
	"strings"

	"pinggu"
	"pinggu/internal/sampling"
	"pinggu/internal/store"
)

type callEntry struct {
	sampling.OrderEntry
	Stratum string
	Person  pinggu.Person
}

type callView struct {
	*Page
	Campaign  *pinggu.Campaign
	Info      *store.DrawInfo
	Unit      pinggu.Unit
	Entries   []callEntry
	Drawn     int // selected and released
	NonResp   int
	Released  int
	Rate      string // reached / drawn, one decimal, half up
	Reasons   []string
	Error     string
	CanChange bool
}

// callPage is the one page with phone numbers in full: the people of one
// unit drawn in a respondent or interviewee draw, for the evaluator who
// calls them. Every view is audited.
func (s *Server) callPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return s.renderCall(w, r, c, http.StatusOK, "")
}

func (s *Server) renderCall(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, msg string) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	info, rec, _, err := s.drawOf(r, cp)
	if err != nil {
		return err
	}
	if info.Kind == pinggu.DrawUnits {
		return pinggu.Errorf(pinggu.EInvalid, "draw.not_people")
	}
	if info.Voided() {
		return pinggu.Errorf(pinggu.EConflict, "draw.voided", "Label", info.Label)
	}
	unit := c.Unit.Unit
	id := unit.ElementID()
	v := callView{Page: s.page(w, r, c), Campaign: cp, Info: info, Unit: unit, Reasons: pinggu.NonResponseReasons, Error: msg,
		CanChange: cp.State.Collecting()}
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		rs, err := tx.Roster(r.Context(), cp.ID, unit.ID, true)
		if err != nil {
			return err
		}
		people := map[string]pinggu.Person{}
		for _, p := range rs.People {
			people[p.ID] = p
		}
		for _, st := range rec.Strata {
			if st.Stratum != id && !strings.HasPrefix(st.Stratum, id+"/") {
				continue
			}
			for _, e := range st.Order {
				if e.Status == sampling.StatusQueued {
					continue
				}
				v.Entries = append(v.Entries, callEntry{OrderEntry: e, Stratum: st.Stratum, Person: people[e.ID]})
				switch {
				case strings.HasPrefix(e.Status, sampling.StatusNonResponse):
					v.NonResp++
				case e.Status == sampling.StatusReleased:
					v.Released++
				}
				v.Drawn++
			}
		}
		// Once a call list is open people may be called: the draw is final.
		if len(v.Entries) > 0 {
			if err := tx.MarkContacted(r.Context(), info.ID); err != nil {
				return err
			}
		}
		return tx.Audit(r.Context(), pinggu.ActionPersonalView, "unit", unit.ID, nil, map[string]any{"draw": info.Label, "people": len(v.Entries)})
	})
	if err != nil {
		return err
	}
	if v.Drawn > 0 {
		reached := v.Drawn - v.NonResp
		permille := (reached*1000 + v.Drawn/2) / v.Drawn
		v.Rate = itoa(int64(permille/10)) + "." + itoa(int64(permille%10)) + "%"
	}
	return s.render(w, status, "call", v)
}

// replacePerson records a non-response and releases the next person.
func (s *Server) replacePerson(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	info, _, _, err := s.drawOf(r, cp)
	if err != nil {
		return err
	}
	stratum := r.PostFormValue("stratum")
	id := c.Unit.Unit.ElementID()
	if stratum != id && !strings.HasPrefix(stratum, id+"/") {
		// Only this unit's strata: the unit was authorised, not the stratum.
		return pinggu.Errorf(pinggu.EInvalid, "draw.stratum_other_unit")
	}
	if !cp.State.Collecting() {
		return pinggu.Errorf(pinggu.EConflict, "draw.campaign_state", "State", string(cp.State))
	}
	var next string
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) (err error) {
		next, err = tx.Replace(r.Context(), info.ID, stratum, r.PostFormValue("id"), r.PostFormValue("reason"), r.PostFormValue("text"))
		return err
	})
	if e := pinggu.AsError(err); err != nil && (e.Code == pinggu.EInvalid || e.Code == pinggu.EConflict) {
		msg := c.L.Error(e)
		for _, p := range e.Problems {
			msg += " " + c.L.Problem(p)
		}
		return s.renderCall(w, r, c, http.StatusUnprocessableEntity, msg)
	}
	if err != nil {
		return err
	}
	key := "draw.released"
	if next == "" {
		key = "draw.queue_empty"
	}
	s.setFlash(r, "ok", c.L.T(key, "ID", r.PostFormValue("id"), "Next", next))
	return redirect(w, r, r.URL.Path[:strings.LastIndex(r.URL.Path, "/")]+"/call")
}
