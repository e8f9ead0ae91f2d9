package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"pinggu"
	"pinggu/internal/report"
	"pinggu/internal/results"
	"pinggu/internal/store"
)

// loadSet reads the route's campaign and its results, reports and groups.
func (s *Server) loadSet(r *http.Request, c *reqCtx) (*pinggu.Campaign, *report.Set, error) {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return nil, nil, err
	}
	set, err := report.Load(r.Context(), s.db, cp, "", time.Now())
	return cp, set, err
}

// areaRow is one county or municipal unit on the results page, as the
// account may see it.
type areaRow struct {
	Area    *results.Area
	Rate    string
	CI      string
	Diff    string
	Report  *pinggu.Report
	Overdue bool
}

type resultsView struct {
	*Page
	Campaign *pinggu.Campaign
	City     *results.City
	CityRate string
	CityCI   string
	Rows     []areaRow
	Summary  bool // the account may see the city summary
	Due      pinggu.Date
	Groups   []groupProgress
	// Method is the plain-Chinese method note of the reports.
	Method []string
}

// groupProgress is one evaluation group's checklist and reports.
type groupProgress struct {
	Name              string
	Areas             int
	Graded, Gradable  int
	Submitted, Accept int
}

// resultsPage lists the areas in the account's campaign scope with their
// favorable rates, intervals, difference from the city, rank and report
// state. Liaisons never reach it.
func (s *Server) resultsPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, set, err := s.loadSet(r, c)
	if err != nil {
		return err
	}
	v := resultsView{Page: s.page(w, r, c), Campaign: cp, City: set.City, Method: report.MethodNote(cp.Settings.Scale), CityRate: report.RateText(&set.City.Overall), CityCI: report.IntervalText(&set.City.Overall),
		Summary: pinggu.Authorize(c.User, pinggu.PermSummaryView, nil) == nil, Due: cp.Settings.Due(pinggu.StageReports)}
	for _, a := range s.visibleAreas(c, cp, set) {
		row := areaRow{Area: a, Rate: report.RateText(&a.Overall), CI: report.IntervalText(&a.Overall), Diff: "—", Report: set.Reports[a.Unit.ID]}
		if a.HiddenInCity {
			row.Rate, row.CI = "*", "—"
		} else if a.HasDiff {
			row.Diff = report.Points(a.Diff)
		}
		row.Overdue = overdue(cp, row.Report, s.loc)
		v.Rows = append(v.Rows, row)
	}
	// Completeness per group, in the order the groups were made.
	byName := map[string]*groupProgress{}
	for _, row := range v.Rows {
		name := set.Groups[row.Area.Unit.ID]
		if name == "" {
			continue
		}
		g := byName[name]
		if g == nil {
			g = &groupProgress{Name: name}
			byName[name] = g
			v.Groups = append(v.Groups, groupProgress{Name: name})
		}
		g.Areas++
		g.Graded += row.Area.Graded
		g.Gradable += row.Area.Gradable
		if row.Report != nil && !row.Report.State.Editable() {
			g.Submitted++
			if row.Report.State == pinggu.ReportAccepted {
				g.Accept++
			}
		}
	}
	for i := range v.Groups {
		v.Groups[i] = *byName[v.Groups[i].Name]
	}
	return s.render(w, http.StatusOK, "results", v)
}

// overdue: the reports stage's date has passed and the report is not
// submitted or accepted.
func overdue(cp *pinggu.Campaign, rep *pinggu.Report, loc *time.Location) bool {
	end, ok := cp.Settings.Due(pinggu.StageReports).Time(loc)
	if !ok || time.Now().Before(end) {
		return false
	}
	return rep == nil || rep.State.Editable()
}

// visibleAreas are the areas an account may see in a campaign: all for
// the office and viewers, an evaluator's own group's.
func (s *Server) visibleAreas(c *reqCtx, cp *pinggu.Campaign, set *report.Set) []*results.Area {
	var out []*results.Area
	for _, a := range set.City.Areas {
		if s.mayReadArea(c, cp, a) {
			out = append(out, a)
		}
	}
	return out
}

func (s *Server) mayReadArea(c *reqCtx, cp *pinggu.Campaign, a *results.Area) bool {
	if c.User.Role == pinggu.RoleLiaison {
		return false
	}
	return pinggu.InCampaignScope(c.User, cp.ID, pinggu.UnitPath{Unit: a.Unit})
}

// areaPage loads the campaign, its report set and the area of the
// route's unit, for every page and action about one area. When ok is
// false the request is answered (redirected) or err says why not.
func (s *Server) areaPage(w http.ResponseWriter, r *http.Request, c *reqCtx, suffix string) (*pinggu.Campaign, *report.Set, *results.Area, bool, error) {
	cp, set, err := s.loadSet(r, c)
	if err != nil {
		return nil, nil, nil, false, err
	}
	a, ok, err := s.areaFor(w, r, c, cp, set, suffix)
	return cp, set, a, ok, err
}

// areaFor finds the report area of the route's unit. A unit inside an
// area (a township, a branch) is sent to its area's page.
func (s *Server) areaFor(w http.ResponseWriter, r *http.Request, c *reqCtx, cp *pinggu.Campaign, set *report.Set, suffix string) (*results.Area, bool, error) {
	if a := set.City.Area(c.Unit.Unit.ID); a != nil {
		if !s.mayReadArea(c, cp, a) {
			return nil, false, pinggu.Errorf(pinggu.EForbidden, "error.forbidden")
		}
		return a, true, nil
	}
	for _, id := range c.Unit.Ancestors {
		if a := set.City.Area(id); a != nil {
			return nil, false, redirect(w, r, fmt.Sprintf("/campaigns/%d/units/%d/%s", cp.ID, a.Unit.ID, suffix))
		}
	}
	return nil, false, pinggu.Errorf(pinggu.ENotFound, "report.not_found")
}

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
		text = report.Draft(set.City, a)
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

type gradeRow struct {
	Item  pinggu.Item
	Dim   string
	Grade *pinggu.Grade
	Error string
}

type checklistObject struct {
	Unit  pinggu.Unit
	Rows  []gradeRow
	Done  int
	Total int
}

type checklistView struct {
	*Page
	Campaign *pinggu.Campaign
	Area     *results.Area
	Objects  []checklistObject
	Levels   []pinggu.Level
	CanWrite bool
}

// checklistPage shows the area's checklist: every object × item with its
// grade and evidence, and the completeness per object.
func (s *Server) checklistPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return s.renderChecklist(w, r, c, http.StatusOK, nil)
}

func (s *Server) renderChecklist(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, errs map[string]string) error {
	cp, set, a, ok, err := s.areaPage(w, r, c, "checklist")
	if !ok {
		return err
	}
	v := checklistView{Page: s.page(w, r, c), Campaign: cp, Area: a, Levels: cp.Settings.Scale.Levels,
		CanWrite: pinggu.Authorize(c.User, pinggu.PermReportWrite, c.Unit) == nil}
	grades := map[string]*pinggu.Grade{}
	for i, g := range a.Grades {
		grades[fmt.Sprintf("%d/%s", g.UnitID, g.Item)] = &a.Grades[i]
	}
	for _, u := range a.Checklist {
		f := set.City.Input.Frameworks[u.Kind]
		if f == nil {
			continue
		}
		o := checklistObject{Unit: u}
		for _, d := range f.Dimensions {
			if d.Retired {
				continue
			}
			for _, it := range d.Items {
				if it.Retired {
					continue
				}
				key := fmt.Sprintf("%d/%s", u.ID, it.Code)
				row := gradeRow{Item: it, Dim: d.Name, Grade: grades[key], Error: errs[key]}
				if row.Grade != nil {
					o.Done++
				}
				o.Total++
				o.Rows = append(o.Rows, row)
			}
		}
		v.Objects = append(v.Objects, o)
	}
	return s.render(w, status, "checklist", v)
}

// checklistSave stores the grades of one object of the area: fields
// "level.<item>" (a level index, or empty to leave the item ungraded) and
// "note.<item>". All or nothing.
func (s *Server) checklistSave(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, set, a, ok, err := s.areaPage(w, r, c, "checklist")
	if !ok {
		return err
	}
	objID, _ := strconv.ParseInt(r.PostFormValue("object"), 10, 64)
	var obj *pinggu.Unit
	for i := range a.Checklist {
		if a.Checklist[i].ID == objID {
			obj = &a.Checklist[i]
		}
	}
	if obj == nil {
		return pinggu.Invalid("grade.invalid", []pinggu.Problem{pinggu.NewProblem(0, "object", "grade.not_checklist")})
	}
	f := set.City.Input.Frameworks[obj.Kind]
	if f == nil {
		return pinggu.Invalid("grade.invalid", []pinggu.Problem{pinggu.NewProblem(0, "object", "grade.not_checklist")})
	}
	levels := len(cp.Settings.Scale.Levels)
	var grades []*pinggu.Grade
	errs := map[string]string{}
	for _, it := range f.ActiveItems() {
		lv := strings.TrimSpace(r.PostFormValue("level." + it.Code))
		note := strings.TrimSpace(r.PostFormValue("note." + it.Code))
		if lv == "" {
			if note != "" {
				errs[fmt.Sprintf("%d/%s", obj.ID, it.Code)] = c.L.Problem(pinggu.NewProblem(0, it.Code, "grade.level"))
			}
			continue
		}
		n, err := strconv.Atoi(lv)
		if err != nil {
			n = -1
		}
		g := &pinggu.Grade{CampaignID: cp.ID, UnitID: obj.ID, Item: it.Code, Level: n, Note: note}
		for _, p := range g.Validate(levels) {
			errs[fmt.Sprintf("%d/%s", obj.ID, it.Code)] = c.L.Problem(p)
		}
		grades = append(grades, g)
	}
	if len(errs) > 0 {
		return s.renderChecklist(w, r, c, http.StatusUnprocessableEntity, errs)
	}
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		for _, g := range grades {
			if err := tx.SetGrade(r.Context(), g); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.setFlash(r, "ok", c.L.T("grade.saved", "N", len(grades), "Unit", obj.Name))
	return redirect(w, r, fmt.Sprintf("/campaigns/%d/units/%d/checklist#u%d", cp.ID, a.Unit.ID, obj.ID))
}

// apiResult is one area's result in the API: nothing suppressed is sent.
type apiResult struct {
	Unit      string   `json:"unit"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Sample    int      `json:"sample"`
	Responses int      `json:"responses"`
	Rate      *float64 `json:"favorable_rate,omitempty"`
	Lo        *float64 `json:"lo,omitempty"`
	Hi        *float64 `json:"hi,omitempty"`
	Census    bool     `json:"census,omitempty"`
	Mean      *float64 `json:"mean,omitempty"`
	Rank      string   `json:"rank,omitempty"`
	Report    string   `json:"report_state,omitempty"`
}

// apiResults lists the areas in the account's scope with their results.
func (s *Server) apiResults(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, set, err := s.loadSet(r, c)
	if err != nil {
		return err
	}
	out := []apiResult{}
	for _, a := range s.visibleAreas(c, cp, set) {
		x := apiResult{Unit: a.Unit.Code, Name: a.Unit.Name, Kind: string(a.Unit.Kind), Sample: a.Sample, Responses: a.Responses, Rank: a.Rank.String()}
		if st := a.Overall; st.Shown() && !a.HiddenInCity {
			// At the precision of the pages, never more (S5).
			v := st.Values()
			x.Rate, x.Mean, x.Census, x.Lo, x.Hi = v.Rate, v.Mean, st.Rate.Census, v.Lo, v.Hi
		}
		if rep := set.Reports[a.Unit.ID]; rep != nil {
			x.Report = string(rep.State)
		}
		out = append(out, x)
	}
	return writeJSON(w, http.StatusOK, out)
}
