package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"pinggu"
	"pinggu/internal/report"
	"pinggu/internal/results"
	"pinggu/internal/store"
)

type reportView struct {
	*Page
	Campaign  *pinggu.Campaign
	Area      *results.Area
	Report    *pinggu.Report
	Sections  []sectionField
	Title     string
	CanWrite  bool
	CanReview bool
	Overdue   bool
	Versions  []store.ReportVersion
	Errors    map[string]string
	Rate, CI  string
	Comments  []unitComments
}

// unitComments are the respondents' comments on one evaluated object.
type unitComments struct {
	Unit     pinggu.Unit
	Comments []string
}

type sectionField struct {
	Key, Title, Text string
}

// reportPage shows an area's report: its state, the group's text (a form
// while it is editable), the results as the document will carry them,
// the versions, and the downloads.
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return s.renderReport(w, r, c, http.StatusOK, nil, nil)
}

func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, edited *pinggu.Report, errs map[string]string) error {
	cp, set, a, ok, err := s.areaPage(w, r, c, "report")
	if !ok {
		return err
	}
	v := reportView{Page: s.page(w, r, c), Campaign: cp, Area: a, Report: set.Reports[a.Unit.ID], Errors: errs,
		CanWrite:  pinggu.Authorize(c.User, pinggu.PermReportWrite, c.Unit) == nil,
		CanReview: pinggu.Authorize(c.User, pinggu.PermReportReview, nil) == nil,
		Rate:      report.RateText(&a.Overall), CI: report.IntervalText(&a.Overall)}
	v.Overdue = overdue(cp, v.Report, s.loc)
	var text map[string]string
	if v.Report != nil {
		text = v.Report.Sections
	} else {
		text = report.Draft(set.City, a, set.Hearings[a.Unit.ID])
	}
	if edited != nil {
		text = edited.Sections
	}
	for _, k := range pinggu.ReportSections {
		v.Sections = append(v.Sections, sectionField{k, report.SectionTitles[k], text[k]})
	}
	v.Title = report.AreaTitle(a.Unit)
	// The respondents' comments, for the group writing problems and
	// suggestions: each object's in random order, none of an object whose
	// results are suppressed (S5).
	var shown []int64
	for _, o := range a.Objects {
		if o.Overall.Shown() {
			shown = append(shown, o.Unit.ID)
		}
	}
	var comments map[int64][]string
	if err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { comments, err = tx.Comments(r.Context(), cp.ID, shown); return }); err != nil {
		return err
	}
	for _, o := range a.Objects {
		if cs := comments[o.Unit.ID]; len(cs) > 0 {
			v.Comments = append(v.Comments, unitComments{o.Unit, cs})
		}
	}
	if v.Report != nil {
		err = s.db.View(r.Context(), func(tx *store.Tx) (err error) {
			v.Versions, err = tx.ReportVersions(r.Context(), cp.ID, a.Unit.ID)
			return
		})
		if err != nil {
			return err
		}
	}
	return s.render(w, status, "report", v)
}

// reportForm reads the group's text from a form.
func reportForm(r *http.Request, cp *pinggu.Campaign, a *results.Area) *pinggu.Report {
	rep := &pinggu.Report{CampaignID: cp.ID, UnitID: a.Unit.ID, Sections: map[string]string{}, Justification: r.PostFormValue("justification")}
	for _, k := range pinggu.ReportSections {
		rep.Sections[k] = r.PostFormValue(k)
	}
	return rep
}

// reportSave stores the group's text, creating the report on first save;
// with action=submit it then submits it.
func (s *Server) reportSave(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, set, a, ok, err := s.areaPage(w, r, c, "report")
	if !ok {
		return err
	}
	rep := reportForm(r, cp, a)
	submit := r.PostFormValue("action") == "submit"
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		if set.Reports[a.Unit.ID] == nil {
			if err := tx.CreateReport(r.Context(), rep); err != nil {
				return err
			}
		} else if err := tx.SaveReport(r.Context(), rep); err != nil {
			return err
		}
		if submit {
			_, err := tx.SubmitReport(r.Context(), cp.ID, a.Unit.ID, a.MinimumMet())
			return err
		}
		return nil
	})
	if pe := pinggu.AsError(err); err != nil && pe.Code == pinggu.EInvalid {
		errs := map[string]string{}
		for _, p := range pe.Problems {
			errs[p.Column] = c.L.Problem(p)
		}
		return s.renderReport(w, r, c, http.StatusUnprocessableEntity, rep, errs)
	}
	if err != nil {
		return err
	}
	key := "report.saved"
	if submit {
		key = "report.submitted"
	}
	s.setFlash(r, "ok", c.L.T(key))
	return redirect(w, r, fmt.Sprintf("/campaigns/%d/units/%d/report", cp.ID, a.Unit.ID))
}

// reportReview accepts or returns a submitted report (the office).
func (s *Server) reportReview(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, _, a, ok, err := s.areaPage(w, r, c, "report")
	if !ok {
		return err
	}
	accept := r.PostFormValue("action") == "accept"
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		_, err := tx.ReviewReport(r.Context(), cp.ID, a.Unit.ID, accept, strings.TrimSpace(r.PostFormValue("reason")))
		return err
	})
	if pe := pinggu.AsError(err); err != nil && pe.Code == pinggu.EInvalid {
		return s.renderReport(w, r, c, http.StatusUnprocessableEntity, nil, map[string]string{"reason": c.L.Problem(pe.Problems[0])})
	}
	if err != nil {
		return err
	}
	s.setFlash(r, "ok", c.L.T(map[bool]string{true: "report.accepted", false: "report.returned"}[accept]))
	return redirect(w, r, fmt.Sprintf("/campaigns/%d/units/%d/report", cp.ID, a.Unit.ID))
}

var contentTypes = map[string]string{
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"html": "text/html; charset=utf-8",
}

// reportFile downloads an area's report as DOCX, XLSX or HTML (print view).
func (s *Server) reportFile(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	format := r.PathValue("format")
	if contentTypes[format] == "" {
		return pinggu.Errorf(pinggu.ENotFound, "report.not_found")
	}
	cp, set, a, ok, err := s.areaPage(w, r, c, "report/"+format)
	if !ok {
		return err
	}
	return s.sendReport(w, r, c, cp, set, a, format)
}

func (s *Server) sendReport(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign, set *report.Set, a *results.Area, format string) error {
	b, err := set.Bytes(format, a)
	if err != nil {
		return err
	}
	name := report.FileName(a, format)
	unit := "city"
	if a != nil {
		unit = a.Unit.Code
	}
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		return tx.Audit(r.Context(), pinggu.ActionReportDownload, "campaign", cp.ID, nil, map[string]any{"format": format, "unit": unit})
	})
	if err != nil {
		return err
	}
	s.anchorHead(w, r)
	w.Header().Set("Content-Type", contentTypes[format])
	w.Header().Set("Cache-Control", "no-store")
	if format == "html" {
		// The print view is one self-contained page with its own styles and
		// inline SVG charts, shown in the report page's frame: no script,
		// nothing loaded.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'")
		w.Header().Set("X-Frame-Options", "SAMEORIGIN")
	} else {
		w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	}
	_, err = w.Write(b)
	return err
}

// summaryFile downloads the city summary (DOCX or HTML) or the city's
// data book (XLSX): the office and viewers.
func (s *Server) summaryFile(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	format := r.PathValue("format")
	if contentTypes[format] == "" {
		return pinggu.Errorf(pinggu.ENotFound, "report.not_found")
	}
	cp, set, err := s.loadSet(r, c)
	if err != nil {
		return err
	}
	return s.sendReport(w, r, c, cp, set, nil, format)
}
