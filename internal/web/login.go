package web

import (
	"net/http"

	"pinggu"
)

type loginView struct {
	*Page
	Login string
	Next  string
	Error string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return s.render(w, http.StatusOK, "login", loginView{Page: s.page(w, r, c), Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	login, next := r.PostFormValue("login"), safeNext(r.PostFormValue("next"))
	u, err := s.auth.Login(r.Context(), login, r.PostFormValue("password"), clientIP(r))
	if err != nil {
		if pinggu.ErrorCodeOf(err) != pinggu.EUnauthorized {
			return err
		}
		return s.render(w, http.StatusUnauthorized, "login", loginView{Page: s.page(w, r, c), Login: login, Next: next, Error: c.L.Error(err)})
	}
	// A new token on sign-in defeats session fixation.
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return pinggu.Internal(err)
	}
	s.sessions.Put(r.Context(), sessUserID, u.ID)
	s.sessions.Put(r.Context(), sessVersion, u.SessionVersion)
	s.log.Info("login", "user", u.Login)
	return redirect(w, r, next)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return pinggu.Internal(err)
	}
	return redirect(w, r, "/login")
}
