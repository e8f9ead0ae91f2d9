package web

import (
	"fmt"
	"net/http"
	"time"

	"pinggu"
	"pinggu/internal/report"
	"pinggu/internal/results"
)

// loadSet reads the route's campaign and its results, reports and groups.
func (s *Server) loadSet(r *http.Request, c *reqCtx) (*pinggu.Campaign, *report.Set, error) {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return nil, nil, err
	}
	rs, err := results.LoadSet(r.Context(), s.db, cp)
	if err != nil {
		return nil, nil, err
	}
	return cp, report.NewSet(rs, "", time.Now()), nil
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
// false the request is answered (redirected) or err says why not. The
// whole city is computed, not the area alone: what an area may publish
// depends on the city's figures beside it (S5).
func (s *Server) areaPage(w http.ResponseWriter, r *http.Request, c *reqCtx, suffix string) (*pinggu.Campaign, *report.Set, *results.Area, bool, error) {
	// The campaign scope first: a unit outside the account's assignment
	// is refused before the city's results are loaded.
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return nil, nil, nil, false, err
	}
	if c.User.Role == pinggu.RoleLiaison || !pinggu.InCampaignScope(c.User, cp.ID, *c.Unit) {
		return nil, nil, nil, false, pinggu.Errorf(pinggu.EForbidden, "error.forbidden")
	}
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
