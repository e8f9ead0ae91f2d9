package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"pinggu"
	"pinggu/internal/auth"
	"pinggu/internal/store"
)

type accountView struct {
	*Page
	Tokens     []store.APIToken
	ScopeNames []string
	Errors     map[string]string
	MinLength  int
	now        time.Time
}

// Expired reports whether a listed token has expired.
func (v accountView) Expired(t store.APIToken) bool { return t.Expired(v.now) }

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return s.renderAccount(w, r, c, http.StatusOK, nil)
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, errs map[string]string) error {
	v := accountView{Page: s.page(w, r, c), Errors: errs, MinLength: s.cfg.PasswordPolicy.MinLength, now: time.Now()}
	err := s.db.View(r.Context(), func(tx *store.Tx) (err error) {
		v.ScopeNames = scopeNames(tx, r, c.User.Scope)
		v.Tokens, err = tx.Tokens(r.Context(), c.User.ID)
		return err
	})
	if err != nil {
		return err
	}
	return s.render(w, status, "account", v)
}

func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	next := r.PostFormValue("new")
	if next != r.PostFormValue("confirm") {
		return s.renderAccount(w, r, c, http.StatusUnprocessableEntity, map[string]string{"confirm": c.L.T("password.mismatch")})
	}
	err := auth.ChangeOwnPassword(r.Context(), s.db, c.User, r.PostFormValue("current"), next, s.cfg.PasswordPolicy)
	if e := pinggu.AsError(err); err != nil && e.Code == pinggu.EInvalid {
		errs := map[string]string{}
		for _, p := range e.Problems {
			field := p.Column
			if field == "password" {
				field = "new"
			}
			errs[field] = c.L.T(p.Key, argsOf(p.Args)...)
		}
		return s.renderAccount(w, r, c, http.StatusUnprocessableEntity, errs)
	}
	if err != nil {
		return err
	}
	// The change ended every session; start a fresh one for this browser.
	var u *pinggu.User
	if err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { u, err = tx.User(r.Context(), c.User.ID); return }); err != nil {
		return err
	}
	s.sessions.RenewToken(r.Context())
	s.sessions.Put(r.Context(), sessVersion, u.SessionVersion)
	s.setFlash(r, "ok", c.L.T("password.changed"))
	return redirect(w, r, "/account")
}

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	name := strings.TrimSpace(r.PostFormValue("name"))
	if name == "" || len([]rune(name)) > 50 {
		return s.renderAccount(w, r, c, http.StatusUnprocessableEntity, map[string]string{"token_name": c.L.T("field.required")})
	}
	secret, hash := auth.NewToken()
	err := s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		_, err := tx.CreateToken(r.Context(), c.User.ID, name, hash, store.DefaultTokenLife)
		return err
	})
	if err != nil {
		return err
	}
	s.setSecret(r, c.L.T("token.created", "Name", name), secret)
	return redirect(w, r, "/account")
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	id, err := strconv.ParseInt(r.PathValue("tid"), 10, 64)
	if err != nil {
		return pinggu.Errorf(pinggu.ENotFound, "token.not_found")
	}
	// The token is looked up by ID and owner together: another account's
	// token ID simply matches nothing.
	err = s.db.Update(r.Context(), store.ActorOf(c.User), func(tx *store.Tx) error {
		return tx.RevokeToken(r.Context(), c.User.ID, id)
	})
	if err != nil {
		return err
	}
	s.setFlash(r, "ok", c.L.T("token.revoked"))
	return redirect(w, r, "/account")
}
