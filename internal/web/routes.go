package web

import (
	"net/http"

	"pinggu"
)

// route is one URL of pinggu. perm is checked for every request before the
// handler runs; with unit set, it is checked against the stored unit named
// by the {id} path value (and its ancestors), which the handler then finds
// in c.Unit. No handler looks up a unit for authorisation by itself.
type route struct {
	method  string
	pattern string
	perm    pinggu.Permission
	unit    bool
	h       handlerFunc
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, c *reqCtx) error

// routes is the whole HTTP surface of pinggu.
func (s *Server) routes() []route {
	return []route{
		{"GET", "/healthz", pinggu.PermPublic, false, s.healthz},
		{"GET", "/metrics", pinggu.PermPublic, false, s.metricsPage},
		{"GET", "/static/", pinggu.PermPublic, false, s.static},
		{"GET", "/lang", pinggu.PermPublic, false, s.setLang},
		{"GET", "/login", pinggu.PermPublic, false, s.loginPage},
		{"POST", "/login", pinggu.PermPublic, false, s.login},
		{"POST", "/logout", pinggu.PermPublic, false, s.logout},

		{"GET", "/{$}", pinggu.PermSelf, false, s.home},
		{"GET", "/units", pinggu.PermRegistryView, false, s.unitTree},
		{"GET", "/units/export", pinggu.PermRegistryView, false, s.unitExport},
		{"GET", "/units/new", pinggu.PermRegistryAdmin, false, s.unitNewPage},
		{"POST", "/units", pinggu.PermRegistryAdmin, false, s.unitCreate},
		{"GET", "/units/{id}", pinggu.PermRegistryView, true, s.unitPage},
		{"GET", "/units/{id}/edit", pinggu.PermRegistryEdit, true, s.unitEditPage},
		{"POST", "/units/{id}", pinggu.PermRegistryEdit, true, s.unitUpdate},
		{"GET", "/import", pinggu.PermRegistryAdmin, false, s.importPage},
		{"POST", "/import", pinggu.PermRegistryAdmin, false, s.importPreview},
		{"POST", "/import/confirm", pinggu.PermRegistryAdmin, false, s.importConfirm},

		{"GET", "/users", pinggu.PermUsersManage, false, s.userList},
		{"GET", "/users/new", pinggu.PermUsersManage, false, s.userNewPage},
		{"POST", "/users", pinggu.PermUsersManage, false, s.userCreate},
		{"GET", "/users/{uid}", pinggu.PermUsersManage, false, s.userPage},
		{"POST", "/users/{uid}", pinggu.PermUsersManage, false, s.userUpdate},
		{"POST", "/users/{uid}/password", pinggu.PermUsersManage, false, s.userResetPassword},

		{"GET", "/account", pinggu.PermSelf, false, s.accountPage},
		{"POST", "/account/password", pinggu.PermSelf, false, s.accountPassword},
		{"POST", "/account/tokens", pinggu.PermSelf, false, s.tokenCreate},
		{"POST", "/account/tokens/{tid}/revoke", pinggu.PermSelf, false, s.tokenRevoke},

		{"GET", "/audit", pinggu.PermAuditView, false, s.auditPage},

		{"GET", "/api/v1/me", pinggu.PermSelf, false, s.apiMe},
		{"GET", "/api/v1/units", pinggu.PermRegistryView, false, s.apiUnits},
		{"GET", "/api/v1/units/tree", pinggu.PermRegistryView, false, s.apiTree},
		{"GET", "/api/v1/units/{id}", pinggu.PermRegistryView, true, s.apiUnit},
	}
}
