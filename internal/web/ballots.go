package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/survey"
)

type keyingView struct {
	*Page
	Campaign   *pinggu.Campaign
	Code       string
	Unit       string
	Form       *pinggu.Form
	Values     map[string]string
	Problems   map[string]string
	Message    string
	Ok         bool
	Mismatches []mismatch
}

type mismatch struct {
	Hash    string
	Unit    string
	Entries []store.Ballot
	Form    pinggu.Form
	Diff    []string // the questions the two keyings disagree on
}

// Differs reports whether the two keyings disagree on question code.
func (m mismatch) Differs(code string) bool { return slices.Contains(m.Diff, code) }

// First is the first keying's answer to question code, or -2 where the
// keyings disagree, so that the third person picks it from the paper
// rather than confirming a preselected value.
func (m mismatch) First(code string) int {
	if m.Differs(code) {
		return -2
	}
	if code == pinggu.OverallCode {
		return m.Entries[0].Overall
	}
	return m.Entries[0].Answers[code]
}

// Keyed shows what each clerk keyed for question code.
func (m mismatch) Keyed(code string) string {
	label := func(v int) string {
		if v == -1 {
			return m.Form.UnknownLabel
		}
		if v >= 0 && v < len(m.Form.Levels) {
			return m.Form.Levels[v].Label
		}
		return "?"
	}
	var out []string
	for _, e := range m.Entries {
		v := e.Answers[code]
		if code == pinggu.OverallCode {
			v = e.Overall
		}
		out = append(out, label(v))
	}
	return strings.Join(out, " / ")
}

func (s *Server) ballotsPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "ballots", keyingView{Page: s.page(w, r, c), Campaign: cp})
}

// ballotOpen finds the form of a typed code, for a clerk allowed to key
// ballots of its unit. The code travels in the form body only, never in a
// URL, so no access log holds it.
func (s *Server) ballotOpen(r *http.Request, c *reqCtx, cp *pinggu.Campaign) (*survey.Ballot, string, error) {
	code, ok := pinggu.NormalizeCode(r.PostFormValue("code"))
	if !ok {
		return nil, "", pinggu.Errorf(pinggu.EInvalid, "survey.code_mistyped")
	}
	b, err := survey.OpenPaper(r.Context(), s.db, c.User, cp, code)
	return b, code, err
}

// ballotKey shows the form of a typed code, or records a clerk's keying.
func (s *Server) ballotKey(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	v := keyingView{Page: s.page(w, r, c), Campaign: cp, Values: map[string]string{}, Problems: map[string]string{}}
	b, code, err := s.ballotOpen(r, c, cp)
	if e := pinggu.AsError(err); err != nil && (e.Code == pinggu.EInvalid || e.Code == pinggu.EConflict || e.Code == pinggu.ENotFound) {
		v.Message = c.L.Error(e)
		return s.render(w, http.StatusUnprocessableEntity, "ballots", v)
	}
	if err != nil {
		return err
	}
	v.Code, v.Unit, v.Form = pinggu.FormatCode(code), b.Unit.Name, &b.Form
	if r.PostFormValue("keyed") == "" {
		return s.render(w, http.StatusOK, "ballots", v)
	}
	outcome, problems, err := survey.KeyPaper(r.Context(), s.db, c.User, b, code, r.PostFormValue, time.Now())
	if len(problems) > 0 {
		for _, p := range problems {
			v.Problems[p.Column] = c.L.T(p.Key, argsOf(p.Args)...)
		}
		for k := range r.PostForm {
			v.Values[k] = r.PostFormValue(k)
		}
		v.Message = c.L.T("survey.fix", "N", len(problems))
		return s.render(w, http.StatusUnprocessableEntity, "ballots", v)
	}
	if e := pinggu.AsError(err); err != nil && e.Code == pinggu.EConflict {
		return s.render(w, http.StatusConflict, "ballots", keyingView{Page: v.Page, Campaign: cp, Message: c.L.Error(e)})
	}
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "ballots", keyingView{Page: v.Page, Campaign: cp, Ok: outcome != pinggu.BallotMismatch,
		Message: c.L.T("ballot." + outcome)})
}

// reconcilePage lists the ballots whose two keyings disagree, within the
// account's scope, for a third person to settle from the paper.
func (s *Server) reconcilePage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	v := keyingView{Page: s.page(w, r, c), Campaign: cp}
	ctx := r.Context()
	err = s.db.View(ctx, func(tx *store.Tx) error {
		ms, err := tx.Mismatches(ctx, cp.ID)
		if err != nil {
			return err
		}
		for hash, entries := range ms {
			path, err := tx.UnitPath(ctx, entries[0].Unit)
			if err != nil {
				return err
			}
			if pinggu.Authorize(c.User, pinggu.PermCodesIssue, path) != nil {
				continue
			}
			m := mismatch{Hash: hash, Unit: path.Unit.Name, Entries: entries}
			if m.Form, err = tx.Form(ctx, cp, path.Unit.Kind); err != nil {
				return err
			}
			for _, q := range m.Form.Questions {
				if entries[0].Answers[q.Code] != entries[1].Answers[q.Code] {
					m.Diff = append(m.Diff, q.Code)
				}
			}
			if entries[0].Overall != entries[1].Overall {
				m.Diff = append(m.Diff, pinggu.OverallCode)
			}
			if entries[0].Comment != entries[1].Comment {
				m.Diff = append(m.Diff, "comment")
			}
			v.Mismatches = append(v.Mismatches, m)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "reconcile", v)
}

// reconcile settles one mismatch with the values read from the paper.
func (s *Server) reconcile(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	hash := strings.TrimSpace(r.PostFormValue("hash"))
	err = survey.Reconcile(r.Context(), s.db, c.User, cp, hash, r.PostFormValue, time.Now())
	if e := pinggu.AsError(err); err != nil && (e.Code == pinggu.EConflict || e.Code == pinggu.EInvalid) {
		s.setFlash(r, "error", c.L.Error(e))
	} else if err != nil {
		return err
	} else {
		s.setFlash(r, "ok", c.L.T("ballot.reconciled"))
	}
	return redirect(w, r, "/campaigns/"+itoa(cp.ID)+"/ballots/reconcile")
}
