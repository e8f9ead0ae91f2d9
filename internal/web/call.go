package web

import (
	"net/http"
	"strings"

	"pinggu"
	"pinggu/internal/draw"
	"pinggu/internal/sampling"
	"pinggu/internal/store"
)

type callEntry struct {
	sampling.OrderEntry
	Stratum  string
	Person   pinggu.Person
	Attempts []pinggu.CallAttempt
	Reached  bool
	Shown    bool // the phone number is shown in full on this response
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
	Outcomes  []pinggu.CallOutcome
	Error     string
	CanChange bool
	Reached   int
}

// callPage is the one page with phone numbers in full: the people of one
// unit drawn in a respondent or interviewee draw, for the evaluator who
// calls them. Every view is audited.
func (s *Server) callPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return s.renderCall(w, r, c, http.StatusOK, "", "")
}

// renderCall shows the call list with phones masked, but the number of
// the person reveal names (revealed by phoneReveal, audited there).
func (s *Server) renderCall(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, msg, reveal string) error {
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
		CanChange: cp.State.Collecting(), Outcomes: pinggu.CallOutcomes}
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		rs, err := tx.Roster(r.Context(), cp.ID, unit.ID, true)
		if err != nil {
			return err
		}
		people := map[string]pinggu.Person{}
		for _, p := range rs.People {
			people[p.ID] = p
		}
		attempts, err := tx.CallAttempts(r.Context(), info.ID)
		if err != nil {
			return err
		}
		for _, st := range rec.Strata {
			if st.Stratum != id && !strings.HasPrefix(st.Stratum, id+"/") {
				continue
			}
			for _, e := range st.Order {
				if e.Status == sampling.StatusQueued {
					continue
				}
				ce := callEntry{OrderEntry: e, Stratum: st.Stratum, Person: people[e.ID], Attempts: attempts[e.ID], Shown: e.ID == reveal}
				for _, a := range ce.Attempts {
					ce.Reached = ce.Reached || a.Outcome == pinggu.CallAnswered
				}
				if ce.Reached {
					v.Reached++
				}
				v.Entries = append(v.Entries, ce)
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
	cp, info, stratum, err := s.callUnit(r, c)
	if err != nil {
		return err
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
		return s.renderCall(w, r, c, http.StatusUnprocessableEntity, msg, "")
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

// callUnit checks that the posted stratum is the route unit's and returns
// the campaign and draw.
func (s *Server) callUnit(r *http.Request, c *reqCtx) (*pinggu.Campaign, *store.DrawInfo, string, error) {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return nil, nil, "", err
	}
	info, _, _, err := s.drawOf(r, cp)
	if err != nil {
		return nil, nil, "", err
	}
	stratum := r.PostFormValue("stratum")
	id := c.Unit.Unit.ElementID()
	if stratum != id && !strings.HasPrefix(stratum, id+"/") {
		// Only this unit's strata: the unit was authorised, not the stratum.
		return nil, nil, "", pinggu.Errorf(pinggu.EInvalid, "draw.stratum_other_unit")
	}
	return cp, info, stratum, nil
}

// phoneReveal shows one drawn person's phone number in full, once, and
// audits that it was shown and to whom.
func (s *Server) phoneReveal(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	_, info, stratum, err := s.callUnit(r, c)
	if err != nil {
		return err
	}
	person := r.PostFormValue("id")
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		return tx.Audit(r.Context(), pinggu.ActionPhoneReveal, "draw", info.ID, nil, map[string]any{"stratum": stratum, "person": person})
	})
	if err != nil {
		return err
	}
	return s.renderCall(w, r, c, http.StatusOK, "", person)
}

// callAttempt records an attempt to reach a drawn person; the protocol
// may make them a non-response and release the next (draw.RecordCall).
func (s *Server) callAttempt(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, info, stratum, err := s.callUnit(r, c)
	if err != nil {
		return err
	}
	if !cp.State.Collecting() {
		return pinggu.Errorf(pinggu.EConflict, "draw.campaign_state", "State", string(cp.State))
	}
	person := r.PostFormValue("id")
	res, err := draw.RecordCall(r.Context(), s.db, store.ActorOf(c.User), info.ID, stratum, person,
		pinggu.CallOutcome(r.PostFormValue("outcome")), r.PostFormValue("note"))
	if msg, ps, ok := c.problems(err); ok {
		return s.renderCall(w, r, c, http.StatusUnprocessableEntity, strings.Join(append([]string{msg}, ps...), " "), "")
	} else if err != nil {
		return err
	}
	switch {
	case res.Reason != "" && res.Next != "":
		s.setFlash(r, "ok", c.L.T("call.replaced", "ID", person, "Reason", c.L.T("reason."+res.Reason), "Next", res.Next))
	case res.Reason != "":
		s.setFlash(r, "ok", c.L.T("call.replaced_none", "ID", person, "Reason", c.L.T("reason."+res.Reason)))
	default:
		s.setFlash(r, "ok", c.L.T("call.recorded", "ID", person))
	}
	return redirect(w, r, r.URL.Path[:strings.LastIndex(r.URL.Path, "/")]+"/call#p-"+person)
}
