package pinggu

import (
	"regexp"
	"time"
)

// Role is what an account may do (角色).
type Role string

const (
	RoleAdmin     Role = "admin"     // 领导小组办公室
	RoleEvaluator Role = "evaluator" // 评估组组长 / 组员
	RoleLiaison   Role = "liaison"   // 单位联络员
	RoleViewer    Role = "viewer"    // 领导 (只读)
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleEvaluator, RoleLiaison, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Scoped reports whether accounts of this role see only part of the
// registry.
func (r Role) Scoped() bool { return r == RoleEvaluator || r == RoleLiaison }

// User is an account. Respondents never have one.
type User struct {
	ID       int64  `json:"id"`
	Login    string `json:"login"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Disabled bool   `json:"disabled"`
	// Scope holds the unit IDs an evaluator or liaison may see: for a
	// liaison exactly one unit, set on the account; for an evaluator the
	// union of their groups' assignments in campaigns not yet archived.
	Scope []int64 `json:"scope,omitempty"`
	// CampaignScope holds an evaluator's assignments per campaign.
	CampaignScope map[int64][]int64 `json:"campaign_scope,omitempty"`

	PasswordHash   string    `json:"-"`
	SessionVersion int       `json:"-"`
	FailedLogins   int       `json:"-"`
	LockedUntil    time.Time `json:"-"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

var loginPattern = regexp.MustCompile(`^[a-z][a-z0-9_.-]{2,31}$`)

// Validate checks the account's fields and the shape of its scope against
// the stored kinds of the scope units (kinds maps unit ID to kind).
func (u *User) Validate(kinds map[int64]UnitKind) []Problem {
	var ps []Problem
	add := func(field, key string, kv ...any) { ps = append(ps, NewProblem(0, field, key, kv...)) }
	if !loginPattern.MatchString(u.Login) {
		add("login", "user.login_format")
	}
	if key := checkText(u.Name, MaxPersonName, true); key != "" {
		add("name", key, "Max", MaxPersonName)
	}
	if !u.Role.Valid() {
		add("role", "user.role_unknown", "Value", string(u.Role))
		return ps
	}
	switch u.Role {
	case RoleLiaison:
		if len(u.Scope) != 1 {
			add("scope", "user.liaison_one_unit")
		} else if k := kinds[u.Scope[0]]; k == "" || k == KindCity {
			add("scope", "user.liaison_unit_kind")
		}
	case RoleEvaluator:
		// An evaluator's scope comes from their groups, not from the account.
	default:
		if len(u.Scope) > 0 {
			add("scope", "user.scope_not_allowed")
		}
	}
	return ps
}

// ScopeInputProblem reports a scope typed for an account whose role takes
// none: admins and viewers see everything, evaluators get theirs from their
// groups.
func ScopeInputProblem(role Role, given bool) *Problem {
	if !given || role == RoleLiaison {
		return nil
	}
	key := "user.scope_not_allowed"
	if role == RoleEvaluator {
		key = "user.evaluator_scope_groups"
	}
	p := NewProblem(0, "scope", key)
	return &p
}

// Permission names an action guarded by Authorize. The web route table and
// the API name one per route.
type Permission string

const (
	PermPublic        Permission = "public"          // anyone, signed in or not
	PermSelf          Permission = "self"            // any signed-in account, on itself
	PermRegistryView  Permission = "registry.view"   // read units within scope
	PermRegistryEdit  Permission = "registry.edit"   // change one unit
	PermRegistryAdmin Permission = "registry.import" // bulk import, export, create
	PermUsersManage   Permission = "users.manage"    // accounts and their scopes
	PermAuditView     Permission = "audit.view"      // read and verify the audit chain
	PermCampaignView  Permission = "campaign.view"   // campaigns, frameworks and deadlines, within scope
	PermCampaignSetup Permission = "campaign.setup"  // create and change campaigns, frameworks, groups
	PermRosterView    Permission = "roster.view"     // a unit's roster, phones masked: the office, the unit's group, its liaison
	PermRosterUpload  Permission = "roster.upload"   // supply a unit's roster: its liaison, or the office
	PermRosterFreeze  Permission = "roster.freeze"   // check and freeze a roster: the unit's evaluation group, or the office
	PermProgressView  Permission = "progress.view"   // survey progress: the office, viewers, groups in scope; never liaisons
	PermCodesIssue    Permission = "codes.issue"     // issue and void a unit's survey codes: its group, or the office
	PermResultsView   Permission = "results.view"    // statistics and reports: the office, viewers, groups in scope; never liaisons
	PermReportWrite   Permission = "report.write"    // grade the checklist, write and submit a report: the unit's group, or the office
	PermReportReview  Permission = "report.review"   // accept or return a submitted report: the office
	PermSummaryView   Permission = "summary.view"    // the city summary and every area's results: the office and viewers
	PermDrawsView     Permission = "draws.view"      // the frames, the draws and their records: everyone but liaisons

	PermSelfCheckView   Permission = "selfcheck.view"   // a unit's self-assessment: the office, the unit's group, its liaison
	PermSelfCheckSubmit Permission = "selfcheck.submit" // submit it: the unit's liaison, or the office
	PermSelfCheckReview Permission = "selfcheck.review" // return or accept it: the unit's group, or the office
	PermHearingView     Permission = "hearing.view"     // hearing records and findings: the office, viewers, groups in scope; never liaisons
	PermHearingWrite    Permission = "hearing.write"    // record hearings and findings: the area's group, or the office
)

// Authorize decides whether u may do p. For unit-bound permissions, target
// is the stored unit with its ancestry; nil means the action is not about
// one unit (listing, dashboards), in which case scoped roles pass and must
// filter what they show with InScope.
func Authorize(u *User, p Permission, target *UnitPath) error {
	if p == PermPublic {
		return nil
	}
	if u == nil {
		return Errorf(EUnauthorized, "error.unauthorized")
	}
	if u.Disabled {
		return Errorf(EUnauthorized, "error.unauthorized")
	}
	switch p {
	case PermSelf:
		return nil
	case PermRegistryView, PermCampaignView:
		if target == nil || InScope(u, *target) {
			return nil
		}
	case PermRegistryEdit, PermRegistryAdmin, PermUsersManage, PermAuditView, PermCampaignSetup, PermReportReview:
		if u.Role == RoleAdmin {
			return nil
		}
	case PermSummaryView:
		if u.Role == RoleAdmin || u.Role == RoleViewer {
			return nil
		}
	case PermProgressView, PermResultsView, PermDrawsView, PermHearingView:
		if u.Role != RoleLiaison && (target == nil || InScope(u, *target)) {
			return nil
		}
	case PermRosterView, PermRosterUpload, PermRosterFreeze, PermCodesIssue, PermReportWrite,
		PermSelfCheckView, PermSelfCheckSubmit, PermSelfCheckReview, PermHearingWrite:
		allowed := map[Permission][]Role{
			PermRosterView:      {RoleAdmin, RoleEvaluator, RoleLiaison},
			PermRosterUpload:    {RoleAdmin, RoleLiaison},
			PermRosterFreeze:    {RoleAdmin, RoleEvaluator},
			PermCodesIssue:      {RoleAdmin, RoleEvaluator},
			PermReportWrite:     {RoleAdmin, RoleEvaluator},
			PermSelfCheckView:   {RoleAdmin, RoleEvaluator, RoleLiaison},
			PermSelfCheckSubmit: {RoleAdmin, RoleLiaison},
			PermSelfCheckReview: {RoleAdmin, RoleEvaluator},
			PermHearingWrite:    {RoleAdmin, RoleEvaluator},
		}[p]
		for _, r := range allowed {
			if u.Role == r && (target == nil || InScope(u, *target)) {
				return nil
			}
		}
	}
	return Errorf(EForbidden, "error.forbidden")
}

// InScope reports whether the unit at path is visible to u.
func InScope(u *User, path UnitPath) bool {
	if !u.Role.Scoped() {
		return true
	}
	for _, id := range u.Scope {
		if path.Contains(id) {
			return true
		}
	}
	return false
}

// InCampaignScope reports whether the unit at path is within u's scope for
// campaign: an evaluator's assignments in that campaign, a liaison's unit.
func InCampaignScope(u *User, campaign int64, path UnitPath) bool {
	if u.Role != RoleEvaluator {
		return InScope(u, path)
	}
	for _, id := range u.CampaignScope[campaign] {
		if path.Contains(id) {
			return true
		}
	}
	return false
}
