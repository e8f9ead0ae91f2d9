package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/results"
	"pinggu/internal/store"
)

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
