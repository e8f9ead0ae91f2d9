package web

import (
	"net/http"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/auth"
	"pinggu/internal/store"
)

type userRow struct {
	pinggu.User
	ScopeNames []string
}

type userListView struct {
	*Page
	Users []userRow
}

// scopeNames returns "name (code)" for each scope unit.
func scopeNames(tx *store.Tx, r *http.Request, ids []int64) []string {
	var out []string
	for _, id := range ids {
		if u, err := tx.Unit(r.Context(), id); err == nil {
			out = append(out, u.Name+"（"+u.Code+"）")
		}
	}
	return out
}

func (s *Server) userList(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	v := userListView{Page: s.page(w, r, c)}
	err := s.db.View(r.Context(), func(tx *store.Tx) error {
		users, err := tx.Users(r.Context())
		for _, u := range users {
			v.Users = append(v.Users, userRow{User: u, ScopeNames: scopeNames(tx, r, u.Scope)})
		}
		return err
	})
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "users", v)
}

// userForm is the account form; Scope holds unit codes separated by commas,
// spaces or the Chinese comma.
type userForm struct {
	ID       int64
	Login    string
	Name     string
	Role     pinggu.Role
	Scope    string
	Disabled bool
	Errors   map[string]string
	Summary  string
}

type userFormView struct {
	*Page
	Form  userForm
	New   bool
	Roles []pinggu.Role
}

func (s *Server) userNewPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return s.render(w, http.StatusOK, "user_edit", userFormView{Page: s.page(w, r, c), New: true, Roles: pinggu.Roles,
		Form: userForm{Role: pinggu.RoleEvaluator}})
}

func (s *Server) loadUser(r *http.Request) (*pinggu.User, error) {
	id, err := strconv.ParseInt(r.PathValue("uid"), 10, 64)
	if err != nil {
		return nil, pinggu.Errorf(pinggu.ENotFound, "user.not_found")
	}
	var u *pinggu.User
	err = s.db.View(r.Context(), func(tx *store.Tx) (err error) { u, err = tx.User(r.Context(), id); return })
	return u, err
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	u, err := s.loadUser(r)
	if err != nil {
		return err
	}
	f := userForm{ID: u.ID, Login: u.Login, Name: u.Name, Role: u.Role, Disabled: u.Disabled}
	err = s.db.View(r.Context(), func(tx *store.Tx) error {
		var codes []string
		for _, id := range u.Scope {
			if x, err := tx.Unit(r.Context(), id); err == nil {
				codes = append(codes, x.Code)
			}
		}
		if u.Role == pinggu.RoleLiaison {
			f.Scope = strings.Join(codes, ", ")
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "user_edit", userFormView{Page: s.page(w, r, c), Form: f, Roles: pinggu.Roles})
}

func readUserForm(r *http.Request) userForm {
	return userForm{Login: strings.ToLower(strings.TrimSpace(r.PostFormValue("login"))), Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: pinggu.Role(r.PostFormValue("role")), Scope: strings.TrimSpace(r.PostFormValue("scope")),
		Disabled: r.PostFormValue("disabled") == "on"}
}

// resolveScope turns unit codes into IDs, reporting unknown codes.
func resolveScope(tx *store.Tx, r *http.Request, scope string) ([]int64, []pinggu.Problem) {
	var ids []int64
	var ps []pinggu.Problem
	for _, code := range strings.FieldsFunc(scope, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' || r == ';' }) {
		u, err := tx.UnitByCode(r.Context(), code)
		if err != nil {
			ps = append(ps, pinggu.NewProblem(0, "scope", "unit.code_not_found", "Code", code))
			continue
		}
		ids = append(ids, u.ID)
	}
	return ids, ps
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	f := readUserForm(r)
	u := &pinggu.User{Login: f.Login, Name: f.Name, Role: f.Role}
	var ps []pinggu.Problem
	s.db.View(r.Context(), func(tx *store.Tx) error { u.Scope, ps = resolveScope(tx, r, f.Scope); return nil })
	if p := pinggu.ScopeInputProblem(f.Role, f.Scope != ""); p != nil {
		ps = []pinggu.Problem{*p}
	}
	password := auth.RandomPassword(14)
	err := error(nil)
	if len(ps) > 0 {
		err = pinggu.Invalid("user.invalid", ps)
	} else {
		err = auth.CreateUser(r.Context(), s.db, store.ActorOf(c.User), u, password, s.cfg.PasswordPolicy)
	}
	if err != nil {
		return s.userFormError(w, r, c, f, true, err)
	}
	s.setSecret(r, c.L.T("user.created", "Login", u.Login), password)
	return redirect(w, r, "/users/"+itoa(u.ID))
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	u, err := s.loadUser(r)
	if err != nil {
		return err
	}
	f := readUserForm(r)
	f.ID, f.Login = u.ID, u.Login
	if u.ID == c.User.ID && (f.Disabled || f.Role != pinggu.RoleAdmin) {
		return s.userFormError(w, r, c, f, false, pinggu.Invalid("user.invalid",
			[]pinggu.Problem{pinggu.NewProblem(0, "role", "user.no_self_demote")}))
	}
	u.Name, u.Role, u.Disabled = f.Name, f.Role, f.Disabled
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		ids, ps := resolveScope(tx, r, f.Scope)
		if p := pinggu.ScopeInputProblem(f.Role, f.Scope != ""); p != nil {
			ps = []pinggu.Problem{*p}
		}
		if len(ps) > 0 {
			return pinggu.Invalid("user.invalid", ps)
		}
		u.Scope = ids
		return tx.UpdateUser(r.Context(), u)
	})
	if err != nil {
		return s.userFormError(w, r, c, f, false, err)
	}
	s.setFlash(r, "ok", c.L.T("user.saved", "Login", u.Login))
	return redirect(w, r, "/users/"+itoa(u.ID))
}

func (s *Server) userFormError(w http.ResponseWriter, r *http.Request, c *reqCtx, f userForm, isNew bool, err error) error {
	e := pinggu.AsError(err)
	if e.Code != pinggu.EInvalid && e.Code != pinggu.EConflict {
		return err
	}
	f.Errors = map[string]string{}
	for _, p := range e.Problems {
		f.Errors[p.Column] = c.L.T(p.Key, argsOf(p.Args)...)
	}
	if e.Code == pinggu.EConflict {
		f.Errors["login"] = c.L.Error(e)
	}
	f.Summary = c.L.T("form.fix_errors")
	return s.render(w, http.StatusUnprocessableEntity, "user_edit", userFormView{Page: s.page(w, r, c), Form: f, New: isNew, Roles: pinggu.Roles})
}

// userResetPassword sets a new random password, shown once, and ends the
// account's sessions.
func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	u, err := s.loadUser(r)
	if err != nil {
		return err
	}
	password := auth.RandomPassword(14)
	if err := auth.SetPassword(r.Context(), s.db, store.ActorOf(c.User), u.ID, password, s.cfg.PasswordPolicy); err != nil {
		return err
	}
	s.setSecret(r, c.L.T("user.password_reset", "Login", u.Login), password)
	return redirect(w, r, "/users/"+itoa(u.ID))
}
