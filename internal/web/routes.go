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
		{"GET", "/s", pinggu.PermPublic, false, s.surveyStart},
		{"POST", "/s", pinggu.PermPublic, false, s.surveyCode},
		{"GET", "/s/{code}", pinggu.PermPublic, false, s.surveyPage},
		{"POST", "/s/{code}", pinggu.PermPublic, false, s.surveySubmit},

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

		{"GET", "/campaigns", pinggu.PermCampaignView, false, s.campaignList},
		{"GET", "/campaigns/new", pinggu.PermCampaignSetup, false, s.campaignNewPage},
		{"POST", "/campaigns", pinggu.PermCampaignSetup, false, s.campaignCreate},
		{"GET", "/campaigns/{cid}", pinggu.PermCampaignView, false, s.campaignPage},
		{"GET", "/campaigns/{cid}/edit", pinggu.PermCampaignSetup, false, s.campaignEditPage},
		{"POST", "/campaigns/{cid}", pinggu.PermCampaignSetup, false, s.campaignUpdate},
		{"POST", "/campaigns/{cid}/advance", pinggu.PermCampaignSetup, false, s.campaignAdvance},
		{"GET", "/campaigns/{cid}/deadlines", pinggu.PermCampaignView, false, s.deadlineBoard},
		{"GET", "/campaigns/{cid}/frameworks/{fid}", pinggu.PermCampaignView, false, s.campaignFramework},
		{"GET", "/campaigns/{cid}/groups/new", pinggu.PermCampaignSetup, false, s.groupNewPage},
		{"POST", "/campaigns/{cid}/groups", pinggu.PermCampaignSetup, false, s.groupCreate},
		{"GET", "/campaigns/{cid}/groups/{gid}", pinggu.PermCampaignSetup, false, s.groupPage},
		{"POST", "/campaigns/{cid}/groups/{gid}", pinggu.PermCampaignSetup, false, s.groupUpdate},

		{"GET", "/campaigns/{cid}/draws", pinggu.PermDrawsView, false, s.drawsPage},
		{"POST", "/campaigns/{cid}/frames/freeze", pinggu.PermCampaignSetup, false, s.framesFreeze},
		{"GET", "/campaigns/{cid}/frames.zip", pinggu.PermDrawsView, false, s.framesZip},
		{"POST", "/campaigns/{cid}/draws", pinggu.PermCampaignSetup, false, s.drawCreate},
		{"GET", "/campaigns/{cid}/draws/{did}", pinggu.PermDrawsView, false, s.drawRecord},
		{"POST", "/campaigns/{cid}/draws/{did}/void", pinggu.PermCampaignSetup, false, s.drawVoid},
		{"GET", "/campaigns/{cid}/draws/{did}/units/{id}/call", pinggu.PermRosterFreeze, true, s.callPage},
		{"POST", "/campaigns/{cid}/draws/{did}/units/{id}/replace", pinggu.PermRosterFreeze, true, s.replacePerson},
		{"POST", "/campaigns/{cid}/draws/{did}/units/{id}/reveal", pinggu.PermRosterFreeze, true, s.phoneReveal},
		{"POST", "/campaigns/{cid}/draws/{did}/units/{id}/attempt", pinggu.PermRosterFreeze, true, s.callAttempt},

		{"GET", "/campaigns/{cid}/rosters", pinggu.PermCampaignView, false, s.rosterList},
		{"GET", "/campaigns/{cid}/progress", pinggu.PermProgressView, false, s.surveyProgress},
		{"GET", "/campaigns/{cid}/ballots", pinggu.PermCodesIssue, false, s.ballotsPage},
		{"POST", "/campaigns/{cid}/ballots", pinggu.PermCodesIssue, false, s.ballotKey},
		{"GET", "/campaigns/{cid}/ballots/reconcile", pinggu.PermCodesIssue, false, s.reconcilePage},
		{"POST", "/campaigns/{cid}/ballots/reconcile", pinggu.PermCodesIssue, false, s.reconcile},
		{"GET", "/campaigns/{cid}/results", pinggu.PermResultsView, false, s.resultsPage},
		{"GET", "/campaigns/{cid}/summary/{format}", pinggu.PermSummaryView, false, s.summaryFile},
		{"GET", "/campaigns/{cid}/units/{id}/report", pinggu.PermResultsView, true, s.reportPage},
		{"POST", "/campaigns/{cid}/units/{id}/report", pinggu.PermReportWrite, true, s.reportSave},
		{"POST", "/campaigns/{cid}/units/{id}/report/review", pinggu.PermReportReview, true, s.reportReview},
		{"GET", "/campaigns/{cid}/units/{id}/report/{format}", pinggu.PermResultsView, true, s.reportFile},
		{"GET", "/campaigns/{cid}/units/{id}/checklist", pinggu.PermResultsView, true, s.checklistPage},
		{"POST", "/campaigns/{cid}/units/{id}/checklist", pinggu.PermReportWrite, true, s.checklistSave},
		{"GET", "/campaigns/{cid}/units/{id}/codes", pinggu.PermCodesIssue, true, s.codesPage},
		{"POST", "/campaigns/{cid}/units/{id}/codes", pinggu.PermCodesIssue, true, s.codesIssue},
		{"POST", "/campaigns/{cid}/units/{id}/codes/void", pinggu.PermCodesIssue, true, s.codesVoid},
		{"GET", "/campaigns/{cid}/units/{id}/roster", pinggu.PermRosterView, true, s.rosterPage},
		{"POST", "/campaigns/{cid}/units/{id}/roster", pinggu.PermRosterUpload, true, s.rosterUpload},
		{"POST", "/campaigns/{cid}/units/{id}/roster/confirm", pinggu.PermRosterUpload, true, s.rosterConfirm},
		{"POST", "/campaigns/{cid}/units/{id}/roster/freeze", pinggu.PermRosterFreeze, true, s.rosterFreeze},
		{"POST", "/campaigns/{cid}/units/{id}/interviewees", pinggu.PermRosterFreeze, true, s.intervieweeDraw},

		{"GET", "/campaigns/{cid}/selfchecks", pinggu.PermSelfCheckView, false, s.selfCheckList},
		{"GET", "/campaigns/{cid}/units/{id}/selfcheck", pinggu.PermSelfCheckView, true, s.selfCheckPage},
		{"POST", "/campaigns/{cid}/units/{id}/selfcheck", pinggu.PermSelfCheckSubmit, true, s.selfCheckSubmit},
		{"POST", "/campaigns/{cid}/units/{id}/selfcheck/review", pinggu.PermSelfCheckReview, true, s.selfCheckReview},
		{"GET", "/campaigns/{cid}/units/{id}/selfcheck/files/{file}", pinggu.PermSelfCheckView, true, s.selfCheckFile},
		{"GET", "/campaigns/{cid}/hearings", pinggu.PermHearingView, false, s.hearingOverview},
		{"GET", "/campaigns/{cid}/units/{id}/hearings", pinggu.PermHearingView, true, s.hearingList},
		{"POST", "/campaigns/{cid}/units/{id}/hearings", pinggu.PermHearingWrite, true, s.hearingCreate},
		{"GET", "/campaigns/{cid}/units/{id}/hearings/{hid}", pinggu.PermHearingView, true, s.hearingPage},
		{"POST", "/campaigns/{cid}/units/{id}/hearings/{hid}", pinggu.PermHearingWrite, true, s.hearingUpdate},
		{"POST", "/campaigns/{cid}/units/{id}/hearings/{hid}/findings", pinggu.PermHearingWrite, true, s.findingAdd},
		{"POST", "/campaigns/{cid}/units/{id}/hearings/{hid}/findings/{fnd}/delete", pinggu.PermHearingWrite, true, s.findingDelete},
		{"GET", "/campaigns/{cid}/units/{id}/hearings/{hid}/files/{file}", pinggu.PermHearingView, true, s.hearingFile},

		{"GET", "/frameworks", pinggu.PermCampaignView, false, s.frameworkList},
		{"POST", "/frameworks/import", pinggu.PermCampaignSetup, false, s.frameworkImport},
		{"GET", "/frameworks/{fid}", pinggu.PermCampaignView, false, s.frameworkPage},
		{"GET", "/frameworks/{fid}/export", pinggu.PermCampaignView, false, s.frameworkExport},
		{"POST", "/frameworks/{fid}/edit", pinggu.PermCampaignSetup, false, s.frameworkEdit},
		{"GET", "/frameworks/{fid}/items/{code}", pinggu.PermCampaignSetup, false, s.itemPage},

		{"GET", "/api/v1/me", pinggu.PermSelf, false, s.apiMe},
		{"GET", "/api/v1/units", pinggu.PermRegistryView, false, s.apiUnits},
		{"GET", "/api/v1/units/tree", pinggu.PermRegistryView, false, s.apiTree},
		{"GET", "/api/v1/units/{id}", pinggu.PermRegistryView, true, s.apiUnit},
		{"GET", "/api/v1/campaigns", pinggu.PermCampaignView, false, s.apiCampaigns},
		{"POST", "/api/v1/campaigns", pinggu.PermCampaignSetup, false, s.apiCampaignCreate},
		{"GET", "/api/v1/campaigns/{cid}", pinggu.PermCampaignView, false, s.apiCampaign},
		{"POST", "/api/v1/campaigns/{cid}", pinggu.PermCampaignSetup, false, s.apiCampaignUpdate},
		{"POST", "/api/v1/campaigns/{cid}/advance", pinggu.PermCampaignSetup, false, s.apiCampaignAdvance},
		{"GET", "/api/v1/campaigns/{cid}/deadlines", pinggu.PermCampaignView, false, s.apiDeadlines},
		{"GET", "/api/v1/campaigns/{cid}/results", pinggu.PermResultsView, false, s.apiResults},
		{"GET", "/api/v1/campaigns/{cid}/draws", pinggu.PermDrawsView, false, s.apiDraws},
		{"POST", "/api/v1/campaigns/{cid}/draws", pinggu.PermCampaignSetup, false, s.apiDrawCreate},
		{"POST", "/api/v1/campaigns/{cid}/draws/{did}/void", pinggu.PermCampaignSetup, false, s.apiDrawVoid},
		{"POST", "/api/v1/campaigns/{cid}/groups", pinggu.PermCampaignSetup, false, s.apiGroupCreate},
		{"POST", "/api/v1/campaigns/{cid}/groups/{gid}", pinggu.PermCampaignSetup, false, s.apiGroupAdd},
		{"GET", "/api/v1/frameworks", pinggu.PermCampaignView, false, s.apiFrameworks},
		{"POST", "/api/v1/frameworks", pinggu.PermCampaignSetup, false, s.apiFrameworkImport},
		{"GET", "/api/v1/frameworks/{fid}", pinggu.PermCampaignView, false, s.apiFramework},
	}
}
