package web

import (
	"net/http"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/store"
)

// unitForm is the edit and create form, kept as typed so that a rejected
// submit shows exactly what the user entered.
type unitForm struct {
	ID           int64
	Code         string
	Name         string
	Kind         pinggu.UnitKind
	ParentCode   string
	Headcount    string
	LiaisonName  string
	LiaisonPhone string
	Errors       map[string]string // field → message
	Summary      string
}

type unitFormView struct {
	*Page
	Form  unitForm
	New   bool
	Kinds []pinggu.UnitKind
}

func formOf(u pinggu.Unit) unitForm {
	return unitForm{ID: u.ID, Code: u.Code, Name: u.Name, Kind: u.Kind, ParentCode: u.ParentCode,
		Headcount: strconv.Itoa(u.Headcount), LiaisonName: u.LiaisonName, LiaisonPhone: u.LiaisonPhone}
}

func readUnitForm(r *http.Request) unitForm {
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return unitForm{Code: f("code"), Name: f("name"), Kind: pinggu.UnitKind(f("kind")), ParentCode: f("parent_code"),
		Headcount: f("headcount"), LiaisonName: f("liaison_name"), LiaisonPhone: f("liaison_phone")}
}

func (s *Server) unitEditPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return s.render(w, http.StatusOK, "unit_edit", unitFormView{Page: s.page(w, r, c), Form: formOf(c.Unit.Unit)})
}

func (s *Server) unitNewPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	f := unitForm{Kind: pinggu.UnitKind(r.URL.Query().Get("kind")), Headcount: "0"}
	if pid, err := strconv.ParseInt(r.URL.Query().Get("parent"), 10, 64); err == nil {
		err := s.db.View(r.Context(), func(tx *store.Tx) error {
			p, err := tx.Unit(r.Context(), pid)
			if err == nil {
				f.ParentCode = p.Code
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	return s.render(w, http.StatusOK, "unit_edit", unitFormView{Page: s.page(w, r, c), Form: f, New: true, Kinds: pinggu.UnitKinds})
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	f := readUnitForm(r)
	f.ID, f.Kind = c.Unit.Unit.ID, c.Unit.Unit.Kind // the kind is fixed once created
	return s.saveUnit(w, r, c, f, false)
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return s.saveUnit(w, r, c, readUnitForm(r), true)
}

// saveUnit validates the form against the stored registry and writes it in
// one transaction, or shows the form again with a message at each field.
func (s *Server) saveUnit(w http.ResponseWriter, r *http.Request, c *reqCtx, f unitForm, isNew bool) error {
	ctx := r.Context()
	u := pinggu.Unit{ID: f.ID, Code: f.Code, Name: f.Name, Kind: f.Kind, ParentCode: f.ParentCode,
		LiaisonName: f.LiaisonName, LiaisonPhone: f.LiaisonPhone}
	var problems []pinggu.Problem
	if f.Headcount != "" {
		n, err := strconv.Atoi(f.Headcount)
		if err != nil {
			problems = append(problems, pinggu.NewProblem(0, pinggu.FieldHeadcount, "unit.headcount_format", "Value", f.Headcount))
		}
		u.Headcount = n
	}
	problems = append(problems, u.Validate()...)
	err := s.db.Update(ctx, store.ActorOf(c.User), func(tx *store.Tx) error {
		if u.ParentCode != "" {
			p, err := tx.UnitByCode(ctx, u.ParentCode)
			if pinggu.ErrorCodeOf(err) == pinggu.ENotFound {
				problems = append(problems, pinggu.NewProblem(0, pinggu.FieldParentCode, "import.parent_missing", "Code", u.ParentCode))
			} else if err != nil {
				return err
			} else {
				u.ParentID = p.ID
			}
		}
		if len(problems) == 0 {
			if err := tx.CheckPlacement(ctx, &u); err != nil {
				return err
			}
		}
		if len(problems) > 0 {
			return pinggu.Invalid("unit.invalid", problems)
		}
		if isNew {
			return tx.CreateUnit(ctx, &u)
		}
		return tx.UpdateUnit(ctx, &u)
	})
	if e := pinggu.AsError(err); err != nil && (e.Code == pinggu.EInvalid || e.Code == pinggu.EConflict) {
		f.Errors = map[string]string{}
		for _, p := range e.Problems {
			f.Errors[p.Column] = c.L.T(p.Key, argsOf(p.Args)...)
		}
		if e.Code == pinggu.EConflict {
			f.Errors[pinggu.FieldCode] = c.L.Error(e)
		}
		f.Summary = c.L.T("form.fix_errors")
		v := unitFormView{Page: s.page(w, r, c), Form: f, New: isNew}
		if isNew {
			v.Kinds = pinggu.UnitKinds
		}
		return s.render(w, http.StatusUnprocessableEntity, "unit_edit", v)
	}
	if err != nil {
		return err
	}
	s.setFlash(r, "ok", c.L.T("unit.saved", "Name", u.Name))
	return redirect(w, r, "/units/"+itoa(u.ID))
}

func argsOf(m map[string]any) []any {
	kv := make([]any, 0, 2*len(m))
	for k, v := range m {
		kv = append(kv, k, v)
	}
	return kv
}
