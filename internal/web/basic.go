package web

import (
	"io/fs"
	"net/http"
	"time"

	"pinggu/internal/i18n"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	if err := s.db.Ping(r.Context()); err != nil {
		s.log.Error("healthz", "err", err)
		return writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "db": string(s.db.Dialect())})
}

func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	s.metrics.handler().ServeHTTP(w, r)
	return nil
}

func (s *Server) static(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	sub, _ := fs.Sub(assets, "static")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.StripPrefix("/static/", http.FileServerFS(sub)).ServeHTTP(w, r)
	return nil
}

// setLang stores the chosen language in a cookie and goes back.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	lang := i18n.Normalize(r.URL.Query().Get("to"))
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
	return redirect(w, r, safeNext(r.URL.Query().Get("next")))
}
