package web

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"pinggu"
	"pinggu/internal/auth"
	"pinggu/internal/i18n"
	"pinggu/internal/store"
)

// reqCtx is what a handler knows about its request beyond *http.Request.
type reqCtx struct {
	User *pinggu.User
	L    *i18n.Localizer
	Unit *pinggu.UnitPath // the stored unit of a unit route, already authorised
	api  bool
}

// Session keys.
const (
	sessUserID  = "uid"
	sessVersion = "ver"
)

// wrap turns a route into an http.Handler: find the account (session or
// API token), authorise, run the handler, and hand any error to fail.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setRoute(r, rt.method+" "+rt.pattern)
		c := &reqCtx{L: s.localizer(r), api: strings.HasPrefix(rt.pattern, "/api/")}
		err := s.serve(w, r, c, rt)
		if err != nil {
			s.fail(w, r, c, err)
		}
	})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, c *reqCtx, rt route) error {
	if rt.perm != pinggu.PermPublic {
		u, err := s.currentUser(r, c.api)
		if err != nil {
			return err
		}
		c.User = u
	}
	var target *pinggu.UnitPath
	if rt.unit {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return pinggu.Errorf(pinggu.ENotFound, "unit.not_found")
		}
		err = s.db.View(r.Context(), func(tx *store.Tx) (err error) {
			target, err = tx.UnitPath(r.Context(), id)
			return err
		})
		if err != nil {
			return err
		}
		// A unit outside the account's scope is reported as not found, so
		// that its existence is not confirmed either.
		if err := pinggu.Authorize(c.User, rt.perm, target); err != nil {
			if pinggu.ErrorCodeOf(err) == pinggu.EForbidden && pinggu.Authorize(c.User, pinggu.PermRegistryView, target) != nil {
				return pinggu.Errorf(pinggu.ENotFound, "unit.not_found")
			}
			return err
		}
		c.Unit = target
	} else if err := pinggu.Authorize(c.User, rt.perm, nil); err != nil {
		return err
	}
	return rt.h(w, r, c)
}

// currentUser returns the signed-in account: from a bearer token on API
// routes, else from the session. A session whose account was disabled, or
// whose password, role or scope changed since sign-in, is ended.
func (s *Server) currentUser(r *http.Request, api bool) (*pinggu.User, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); api && strings.HasPrefix(h, "Bearer ") {
		var u *pinggu.User
		var t *store.APIToken
		err := s.db.View(ctx, func(tx *store.Tx) (err error) {
			u, t, err = tx.TokenUser(ctx, auth.HashToken(strings.TrimPrefix(h, "Bearer ")))
			return err
		})
		if err != nil || u.Disabled {
			return nil, pinggu.Errorf(pinggu.EUnauthorized, "error.unauthorized")
		}
		if time.Since(t.LastUsedAt) > time.Minute {
			err := s.db.Update(ctx, store.ActorOf(u), func(tx *store.Tx) error { return tx.TouchToken(ctx, t.ID) })
			if err != nil {
				return nil, err
			}
		}
		return u, nil
	}
	id := s.sessions.GetInt64(ctx, sessUserID)
	if id == 0 {
		return nil, pinggu.Errorf(pinggu.EUnauthorized, "error.unauthorized")
	}
	var u *pinggu.User
	err := s.db.View(ctx, func(tx *store.Tx) (err error) { u, err = tx.User(ctx, id); return })
	if err != nil || u.Disabled || u.SessionVersion != s.sessions.GetInt(ctx, sessVersion) {
		s.sessions.Destroy(ctx)
		return nil, pinggu.Errorf(pinggu.EUnauthorized, "error.unauthorized")
	}
	return u, nil
}

// localizer picks the language: ?lang= on this request, else the lang
// cookie, else Simplified Chinese.
func (s *Server) localizer(r *http.Request) *i18n.Localizer {
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		if ck, err := r.Cookie("lang"); err == nil {
			lang = ck.Value
		}
	}
	return s.cat.For(lang)
}

// clientIP is the address used for throttling. X-Forwarded-For is not
// trusted: a client could send any value.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// safeNext accepts only local paths as a post-login destination.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// scopeFilter keeps the units u may see. paths maps unit ID to its
// ancestors, computed once from the full list.
func scopeFilter(u *pinggu.User, units []pinggu.Unit) []pinggu.Unit {
	if !u.Role.Scoped() {
		return units
	}
	parent := map[int64]int64{}
	for _, x := range units {
		parent[x.ID] = x.ParentID
	}
	var out []pinggu.Unit
	for _, x := range units {
		path := pinggu.UnitPath{Unit: x}
		for p, n := x.ParentID, 0; p != 0 && n < 64; p, n = parent[p], n+1 {
			path.Ancestors = append(path.Ancestors, p)
		}
		if pinggu.InScope(u, path) {
			out = append(out, x)
		}
	}
	return out
}
