// Package web serves pinggu's pages and JSON API: server-rendered HTML
// with embedded templates and assets, sessions in the database, one route
// table (routes.go) that names the permission of every URL, and one adapter
// that turns handler errors into statuses and messages in the user's
// language.
package web

import (
	"context"
	"encoding/gob"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"pinggu/internal/anchor"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"

	"pinggu"
	"pinggu/internal/auth"
	"pinggu/internal/i18n"
	"pinggu/internal/store"
)

// Config holds what the operator chooses at start-up.
type Config struct {
	SecureCookies  bool // set the Secure flag: served over TLS or behind a TLS proxy
	PasswordPolicy pinggu.PasswordPolicy
	TrustedOrigins []string // extra origins allowed to POST (reverse proxies that rewrite Host)
	IdleTimeout    time.Duration
	Lifetime       time.Duration
	// MetricsToken, when set, opens /metrics to "Authorization: Bearer
	// <token>"; unset, /metrics is not served here (MetricsHandler serves
	// it on a separate, internal address).
	MetricsToken string
	// Notary, when set, signs the audit chain's head whenever a draw, a
	// draw record, a report or an export leaves the system, and the
	// download carries the signed head in X-Pinggu-Audit-Anchor.
	Notary *anchor.Notary
}

// Server is the HTTP side of pinggu.
type Server struct {
	db       *store.DB
	log      *slog.Logger
	cfg      Config
	cat      *i18n.Catalog
	auth     *auth.Authenticator
	sessions *scs.SessionManager
	pages    map[string]*template.Template
	metrics  *metrics
	loc      *time.Location
	handler  http.Handler
	// Failed survey codes slow their source down (never lock it out, and
	// never refuse a valid code); codeGlobal counts failures overall, and
	// past its limit failing sources slow down sooner. Both key on the
	// address only, never on a code.
	codeBackoff *auth.Backoff
	codeGlobal  *auth.Limiter
	fields      sync.Map // pre-rendered survey questions, by form and language
}

func init() { gob.Register(flash{}) }

// New builds the server. It parses every template now, so that a broken
// template stops start-up instead of a page.
func New(db *store.DB, log *slog.Logger, cfg Config) (*Server, error) {
	if cfg.PasswordPolicy.MinLength == 0 {
		cfg.PasswordPolicy = pinggu.DefaultPasswordPolicy
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.Lifetime == 0 {
		cfg.Lifetime = 12 * time.Hour
	}
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	s := &Server{db: db, log: log, cfg: cfg, cat: cat, auth: auth.New(db), loc: pinggu.Beijing(), metrics: newMetrics(),
		codeBackoff: auth.NewBackoff(), codeGlobal: auth.NewLimiter(2000, time.Minute)}
	if s.pages, err = parseTemplates(); err != nil {
		return nil, err
	}
	s.sessions = scs.New()
	if db.Dialect() == store.Postgres {
		s.sessions.Store = postgresstore.NewWithCleanupInterval(db.SQL(), 10*time.Minute)
	} else {
		s.sessions.Store = sqlite3store.NewWithCleanupInterval(db.SQL(), 10*time.Minute)
	}
	s.sessions.IdleTimeout = cfg.IdleTimeout
	s.sessions.Lifetime = cfg.Lifetime
	s.sessions.Cookie.Name = "pinggu_session"
	s.sessions.Cookie.HttpOnly = true
	s.sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.sessions.Cookie.Secure = cfg.SecureCookies
	s.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.log.Error("session store", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}

	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.method+" "+rt.pattern, s.wrap(rt))
	}
	cop := http.NewCrossOriginProtection()
	for _, o := range cfg.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, err
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, &reqCtx{L: s.localizer(r)}, pinggu.Errorf(pinggu.EForbidden, "error.cross_origin"))
	}))
	s.handler = s.recoverer(s.observe(securityHeaders(cop.Handler(s.sessions.LoadAndSave(mux)))))
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Close stops background work (the session store's clean-up).
func (s *Server) Close() {
	type stopper interface{ StopCleanup() }
	if st, ok := s.sessions.Store.(stopper); ok {
		st.StopCleanup()
	}
}

// securityHeaders sets the headers every response carries: a CSP that
// allows no inline script and no framing, nosniff, and a strict referrer
// policy (so that no URL leaks to another site).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "path", r.URL.Path, "panic", v)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// Shutdown is a helper for graceful stops of an http.Server running s.
func Shutdown(srv *http.Server, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return srv.Shutdown(ctx)
}

// anchorHead signs the audit chain's head as it is now (after what the
// request wrote has committed) and names it in the response's header. A
// failure is logged, never shown: the artifact is still valid, it is only
// not anchored.
func (s *Server) anchorHead(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Notary == nil {
		return
	}
	var seq int64
	var hash string
	err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { seq, hash, err = tx.AuditHead(r.Context()); return })
	if err == nil {
		var a anchor.Anchor
		if a, err = s.cfg.Notary.Sign(seq, hash); err == nil {
			w.Header().Set("X-Pinggu-Audit-Anchor", a.Header())
			return
		}
	}
	s.log.Error("audit anchor", "err", err)
}
