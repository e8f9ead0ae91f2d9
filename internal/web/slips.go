package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/survey"
)

type slip struct {
	Code string // grouped for reading
	URL  string
	QR   template.HTML
}

type slipsView struct {
	*Page
	Campaign *pinggu.Campaign
	Unit     pinggu.Unit
	Slips    []slip
	Batch    string
	Progress *store.Progress
	Error    string
	Paper    bool         // one A4 paper ballot per code instead of slips
	Form     *pinggu.Form // the unit's form, for paper ballots
}

// Categories feeds the form.
func (v slipsView) Categories() []string { return pinggu.RosterCategories }

// codesPage offers to issue a batch of codes for a unit.
func (s *Server) codesPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	return s.renderSlips(w, r, c, cp, http.StatusOK, slipsView{})
}

func (s *Server) renderSlips(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign, status int, v slipsView) error {
	v.Page, v.Campaign, v.Unit = s.page(w, r, c), cp, c.Unit.Unit
	err := s.db.View(r.Context(), func(tx *store.Tx) error {
		prog, err := tx.SurveyProgress(r.Context(), cp.ID)
		v.Progress = prog[v.Unit.ID]
		return err
	})
	if err != nil {
		return err
	}
	return s.render(w, status, "slips", v)
}

// codesIssue issues a batch and shows it once as A4 sheets of slips, each
// with the QR of /s/<code>, the typed code, the unit and the instructions.
// The codes are kept nowhere: this page is their only copy.
func (s *Server) codesIssue(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("n")))
	if err != nil {
		n = 0
	}
	unit := c.Unit.Unit
	codes, batch, err := survey.Issue(r.Context(), s.db, store.ActorOf(c.User), cp, &unit, r.PostFormValue("category"), n)
	if e := pinggu.AsError(err); err != nil && (e.Code == pinggu.EInvalid || e.Code == pinggu.EConflict) {
		msg := c.L.Error(e)
		for _, p := range e.Problems {
			msg += " " + c.L.Problem(p)
		}
		return s.renderSlips(w, r, c, cp, http.StatusUnprocessableEntity, slipsView{Error: msg})
	}
	if err != nil {
		return err
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	v := slipsView{Batch: batch, Paper: r.PostFormValue("format") == "paper"}
	if v.Paper {
		v.Form = &pinggu.Form{}
		err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { *v.Form, err = tx.Form(r.Context(), cp, unit.Kind); return })
		if err != nil {
			return err
		}
	}
	for _, code := range codes {
		url := scheme + "://" + r.Host + "/s/" + code
		qr, err := survey.QRSVG(url)
		if err != nil {
			return pinggu.Internal(err)
		}
		v.Slips = append(v.Slips, slip{Code: pinggu.FormatCode(code), URL: url, QR: qr})
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderSlips(w, r, c, cp, http.StatusOK, v)
}

// codesVoid voids a batch's unspent codes, or all the unit's.
func (s *Server) codesVoid(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	var n int
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) (err error) {
		n, err = tx.VoidBatch(r.Context(), cp.ID, c.Unit.Unit.ID, strings.TrimSpace(r.PostFormValue("batch")))
		return
	})
	if err != nil {
		return err
	}
	s.setFlash(r, "ok", c.L.T("survey.voided", "N", n, "Unit", c.Unit.Unit.Name))
	return redirect(w, r, r.URL.Path[:strings.LastIndex(r.URL.Path, "/")])
}
