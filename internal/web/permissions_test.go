package web

import (
	"fmt"

	"net/http"
	"net/url"
	"strings"
	"testing"

	"pinggu/internal/store"

	"pinggu"
)

// access says who may use a route: every signed-in role, or some roles,
// with "scoped" roles limited to objects in their scope.
type access struct {
	public bool
	roles  []pinggu.Role // allowed roles; nil with !public means every role
	scoped bool          // evaluator and liaison only on objects in scope
	// drafts: a campaign route; its "out of scope" object is a draft
	// campaign, which only the office may see.
	drafts bool
}

var (
	everyone  = access{}
	public    = access{public: true}
	adminOnly = access{roles: []pinggu.Role{pinggu.RoleAdmin}}
	inScope   = access{scoped: true}
	campaign  = access{drafts: true}
	setup     = access{roles: []pinggu.Role{pinggu.RoleAdmin}, drafts: true}
	// Rosters: the office, and the unit's liaison or evaluation group.
	rosterRead   = access{roles: []pinggu.Role{pinggu.RoleAdmin, pinggu.RoleEvaluator, pinggu.RoleLiaison}, scoped: true, drafts: true}
	rosterUpload = access{roles: []pinggu.Role{pinggu.RoleAdmin, pinggu.RoleLiaison}, scoped: true, drafts: true}
	// Survey progress: everyone but liaisons; drafts for the office only.
	progress     = access{roles: []pinggu.Role{pinggu.RoleAdmin, pinggu.RoleViewer, pinggu.RoleEvaluator}, drafts: true}
	rosterFreeze = access{roles: []pinggu.Role{pinggu.RoleAdmin, pinggu.RoleEvaluator}, scoped: true, drafts: true}
	// Paper ballots: those who issue codes; each ballot's unit is checked
	// in the handler, once its code names it.
	ballots = access{roles: []pinggu.Role{pinggu.RoleAdmin, pinggu.RoleEvaluator}, drafts: true}
	// Results and reports of a unit: everyone but liaisons, evaluators in scope.
	resultsRead = access{roles: []pinggu.Role{pinggu.RoleAdmin, pinggu.RoleViewer, pinggu.RoleEvaluator}, scoped: true, drafts: true}
	// Self-assessments: read by the office, the area's group and liaison;
	// submitted by the liaison or the office; reviewed by the group or the
	// office. Hearings: read by all but liaisons, written by the group or
	// the office.
	selfRead   = rosterRead
	selfSubmit = rosterUpload
	selfReview = rosterFreeze
	hearRead   = resultsRead
	hearWrite  = rosterFreeze
	// The city summary: the office and viewers.
	summary = access{roles: []pinggu.Role{pinggu.RoleAdmin, pinggu.RoleViewer}, drafts: true}
)

// permissionRows lists every route with who may use it. A route added to
// routes.go without a row here fails TestEveryRouteHasARow.
var permissionRows = map[string]access{
	"GET /healthz":                      public,
	"GET /metrics":                      public,
	"GET /static/":                      public,
	"GET /lang":                         public,
	"GET /login":                        public,
	"POST /login":                       public,
	"POST /logout":                      public,
	"GET /s":                            public,
	"POST /s":                           public,
	"GET /s/{code}":                     public,
	"POST /s/{code}":                    public,
	"GET /{$}":                          everyone,
	"GET /units":                        everyone,
	"GET /units/export":                 everyone,
	"GET /units/new":                    adminOnly,
	"POST /units":                       adminOnly,
	"GET /units/{id}":                   inScope,
	"GET /units/{id}/edit":              adminOnly,
	"POST /units/{id}":                  adminOnly,
	"GET /import":                       adminOnly,
	"POST /import":                      adminOnly,
	"POST /import/confirm":              adminOnly,
	"GET /users":                        adminOnly,
	"GET /users/new":                    adminOnly,
	"POST /users":                       adminOnly,
	"GET /users/{uid}":                  adminOnly,
	"POST /users/{uid}":                 adminOnly,
	"POST /users/{uid}/password":        adminOnly,
	"GET /account":                      everyone,
	"POST /account/password":            everyone,
	"POST /account/tokens":              everyone,
	"POST /account/tokens/{tid}/revoke": everyone,
	"GET /audit":                        adminOnly,
	"GET /api/v1/me":                    everyone,
	"GET /api/v1/units":                 everyone,
	"GET /api/v1/units/tree":            everyone,
	"GET /api/v1/units/{id}":            inScope,

	"GET /campaigns":                                                        everyone,
	"GET /campaigns/new":                                                    adminOnly,
	"POST /campaigns":                                                       adminOnly,
	"GET /campaigns/{cid}":                                                  campaign,
	"GET /campaigns/{cid}/edit":                                             setup,
	"POST /campaigns/{cid}":                                                 setup,
	"POST /campaigns/{cid}/advance":                                         setup,
	"GET /campaigns/{cid}/deadlines":                                        campaign,
	"GET /campaigns/{cid}/frameworks/{fid}":                                 campaign,
	"GET /campaigns/{cid}/groups/new":                                       setup,
	"POST /campaigns/{cid}/groups":                                          setup,
	"GET /campaigns/{cid}/groups/{gid}":                                     setup,
	"POST /campaigns/{cid}/groups/{gid}":                                    setup,
	"GET /campaigns/{cid}/draws":                                            progress,
	"POST /campaigns/{cid}/frames/freeze":                                   setup,
	"GET /campaigns/{cid}/frames.zip":                                       progress,
	"POST /campaigns/{cid}/draws":                                           setup,
	"GET /campaigns/{cid}/draws/{did}":                                      progress,
	"POST /campaigns/{cid}/draws/{did}/void":                                setup,
	"GET /campaigns/{cid}/draws/{did}/units/{id}/call":                      rosterFreeze,
	"POST /campaigns/{cid}/draws/{did}/units/{id}/replace":                  rosterFreeze,
	"POST /campaigns/{cid}/draws/{did}/units/{id}/reveal":                   rosterFreeze,
	"POST /campaigns/{cid}/draws/{did}/units/{id}/attempt":                  rosterFreeze,
	"GET /campaigns/{cid}/rosters":                                          campaign,
	"GET /campaigns/{cid}/progress":                                         progress,
	"GET /campaigns/{cid}/ballots":                                          ballots,
	"POST /campaigns/{cid}/ballots":                                         ballots,
	"GET /campaigns/{cid}/ballots/reconcile":                                ballots,
	"POST /campaigns/{cid}/ballots/reconcile":                               ballots,
	"GET /campaigns/{cid}/results":                                          progress,
	"GET /campaigns/{cid}/summary/{format}":                                 summary,
	"GET /campaigns/{cid}/units/{id}/report":                                resultsRead,
	"POST /campaigns/{cid}/units/{id}/report":                               rosterFreeze,
	"POST /campaigns/{cid}/units/{id}/report/review":                        setup,
	"GET /campaigns/{cid}/units/{id}/report/{format}":                       resultsRead,
	"GET /campaigns/{cid}/units/{id}/checklist":                             resultsRead,
	"POST /campaigns/{cid}/units/{id}/checklist":                            rosterFreeze,
	"GET /campaigns/{cid}/units/{id}/codes":                                 rosterFreeze,
	"POST /campaigns/{cid}/units/{id}/codes":                                rosterFreeze,
	"POST /campaigns/{cid}/units/{id}/codes/void":                           rosterFreeze,
	"GET /campaigns/{cid}/units/{id}/roster":                                rosterRead,
	"POST /campaigns/{cid}/units/{id}/roster":                               rosterUpload,
	"POST /campaigns/{cid}/units/{id}/roster/confirm":                       rosterUpload,
	"POST /campaigns/{cid}/units/{id}/roster/freeze":                        rosterFreeze,
	"POST /campaigns/{cid}/units/{id}/interviewees":                         rosterFreeze,
	"GET /campaigns/{cid}/selfchecks":                                       rosterRead,
	"GET /campaigns/{cid}/units/{id}/selfcheck":                             selfRead,
	"POST /campaigns/{cid}/units/{id}/selfcheck":                            selfSubmit,
	"POST /campaigns/{cid}/units/{id}/selfcheck/review":                     selfReview,
	"GET /campaigns/{cid}/units/{id}/selfcheck/files/{file}":                selfRead,
	"GET /campaigns/{cid}/hearings":                                         progress,
	"GET /campaigns/{cid}/units/{id}/hearings":                              hearRead,
	"POST /campaigns/{cid}/units/{id}/hearings":                             hearWrite,
	"GET /campaigns/{cid}/units/{id}/hearings/{hid}":                        hearRead,
	"POST /campaigns/{cid}/units/{id}/hearings/{hid}":                       hearWrite,
	"POST /campaigns/{cid}/units/{id}/hearings/{hid}/findings":              hearWrite,
	"POST /campaigns/{cid}/units/{id}/hearings/{hid}/findings/{fnd}/delete": hearWrite,
	"GET /campaigns/{cid}/units/{id}/hearings/{hid}/files/{file}":           hearRead,
	"GET /frameworks":                                                       everyone,
	"POST /frameworks/import":                                               adminOnly,
	"GET /frameworks/{fid}":                                                 everyone,
	"GET /frameworks/{fid}/export":                                          everyone,
	"POST /frameworks/{fid}/edit":                                           adminOnly,
	"GET /frameworks/{fid}/items/{code}":                                    adminOnly,
	"GET /api/v1/campaigns":                                                 everyone,
	"POST /api/v1/campaigns":                                                adminOnly,
	"GET /api/v1/campaigns/{cid}":                                           campaign,
	"POST /api/v1/campaigns/{cid}":                                          setup,
	"POST /api/v1/campaigns/{cid}/advance":                                  setup,
	"GET /api/v1/campaigns/{cid}/deadlines":                                 campaign,
	"GET /api/v1/campaigns/{cid}/results":                                   progress,
	"GET /api/v1/campaigns/{cid}/draws":                                     progress,
	"POST /api/v1/campaigns/{cid}/draws":                                    setup,
	"POST /api/v1/campaigns/{cid}/draws/{did}/void":                         setup,
	"POST /api/v1/campaigns/{cid}/groups":                                   setup,
	"POST /api/v1/campaigns/{cid}/groups/{gid}":                             setup,
	"GET /api/v1/frameworks":                                                everyone,
	"POST /api/v1/frameworks":                                               adminOnly,
	"GET /api/v1/frameworks/{fid}":                                          everyone,
}

func TestEveryRouteHasARow(t *testing.T) {
	f := newFixture(t)
	seen := map[string]bool{}
	for _, rt := range f.s.routes() {
		key := rt.method + " " + rt.pattern
		seen[key] = true
		if _, ok := permissionRows[key]; !ok {
			t.Errorf("route %s has no row in permissionRows", key)
		}
	}
	for key := range permissionRows {
		if !seen[key] {
			t.Errorf("permissionRows has %s, which is not a route", key)
		}
	}
}

// TestRouteTableNamesThePermission: the permission a route names in
// routes.go lets in exactly the roles its row here expects — the table
// says what is enforced, not a weaker check a handler tightens later.
func TestRouteTableNamesThePermission(t *testing.T) {
	f := newFixture(t)
	for _, rt := range f.s.routes() {
		a := permissionRows[rt.method+" "+rt.pattern]
		if a.public || rt.perm == pinggu.PermPublic {
			if a.public != (rt.perm == pinggu.PermPublic) {
				t.Errorf("%s %s: public %v, but the table names %s", rt.method, rt.pattern, a.public, rt.perm)
			}
			continue
		}
		for _, role := range []pinggu.Role{pinggu.RoleAdmin, pinggu.RoleViewer, pinggu.RoleEvaluator, pinggu.RoleLiaison} {
			u := &pinggu.User{ID: 1, Role: role}
			table := pinggu.Authorize(u, rt.perm, nil) == nil
			if want := a.allows(role, true); table != want {
				t.Errorf("%s %s: the table's %s lets %s in: %v; the matrix expects %v", rt.method, rt.pattern, rt.perm, role, table, want)
			}
		}
	}
}

func (a access) allows(role pinggu.Role, objectInScope bool) bool {
	if a.public {
		return true
	}
	if a.roles != nil {
		ok := false
		for _, r := range a.roles {
			ok = ok || r == role
		}
		if !ok {
			return false
		}
	}
	if a.scoped && role.Scoped() {
		return objectInScope
	}
	if a.drafts && !objectInScope {
		return role == pinggu.RoleAdmin
	}
	return true
}

// TestPermissionMatrix sends every route as every role (and anonymously),
// about an object inside the scoped accounts' scope and one outside, and
// checks that exactly the allowed combinations get through. Requests carry
// empty forms, so allowed POSTs stop at validation and change nothing that
// matters to the next row.
func TestPermissionMatrix(t *testing.T) {
	f := newFixture(t)
	in, out := f.units["branch-321002001"].ID, f.units["branch-321003001"].ID
	target := f.users["target"].ID
	var lead *pinggu.Framework
	f.db.View(ctx, func(tx *store.Tx) (err error) { lead, err = tx.FrameworkByCode(ctx, "leadership"); return })
	logins := []string{"", "admin", "viewer", "evaluator", "liaison"}
	for _, rt := range f.s.routes() {
		key := rt.method + " " + rt.pattern
		want := permissionRows[key]
		for _, scope := range []string{"in", "out"} {
			id, cid := in, f.campaigns["published"].ID
			if scope == "out" {
				id, cid = out, f.campaigns["draft"].ID
			}
			path := strings.NewReplacer("{id}", fmt.Sprint(id), "{uid}", fmt.Sprint(target), "{tid}", "999999", "{$}", "",
				"{cid}", fmt.Sprint(cid), "{did}", fmt.Sprint(f.draw), "{gid}", fmt.Sprint(f.group.ID), "{fid}", fmt.Sprint(lead.ID), "{code}", "L1.1", "{format}", "docx").Replace(rt.pattern)
			if path == "/static/" {
				path = "/static/app.css"
			}
			for _, login := range logins {
				var form url.Values
				if rt.method == "POST" {
					form = url.Values{}
				}
				res, body := f.do(login, rt.method, path, form)
				loc := res.Header.Get("Location")
				denied := res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden ||
					((rt.unit || want.drafts) && res.StatusCode == http.StatusNotFound) || strings.HasPrefix(loc, "/login?next=")
				if res.StatusCode >= 500 {
					t.Errorf("%s as %q (%s scope): status %d: %.200s", key, login, scope, res.StatusCode, body)
					continue
				}
				var allowed bool
				if login == "" {
					allowed = want.public
				} else {
					allowed = want.allows(f.users[login].Role, scope == "in")
				}
				if want.public {
					continue // anyone may call it; its outcome is tested elsewhere
				}
				if allowed == denied {
					t.Errorf("%s %s as %q (%s scope): status %d location %q; want allowed=%v", rt.method, path, login, scope, res.StatusCode, loc, allowed)
				}
			}
		}
	}
}
