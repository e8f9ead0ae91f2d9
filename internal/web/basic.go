package web

import (
	"crypto/subtle"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"pinggu"

	"pinggu/internal/i18n"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	if err := s.db.Ping(r.Context()); err != nil {
		s.log.Error("healthz", "err", err)
		return writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "db": string(s.db.Dialect())})
}

// metricsPage serves the Prometheus metrics to the holder of the metrics
// token only: they tell request volumes per route (the survey's pace, say),
// which is nobody's business but the operator's.
func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	if s.cfg.MetricsToken == "" {
		return pinggu.Errorf(pinggu.ENotFound, "metrics.not_here")
	}
	got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.MetricsToken)) != 1 {
		// A scraper, not a person: a plain 401, no login page.
		w.Header().Set("WWW-Authenticate", `Bearer realm="pinggu metrics"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return nil
	}
	s.metrics.handler().ServeHTTP(w, r)
	return nil
}

// MetricsHandler serves the metrics without a token, for a listener on an
// internal address (pinggu serve --metrics-addr).
func (s *Server) MetricsHandler() http.Handler { return s.metrics.handler() }

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
