package pinggu

import (
	"math"
	"slices"
	"time"
)

// Group is an evaluation group (评估组 / 巡回指导组) of one campaign: a
// leader and members, all evaluator accounts, and the counties and
// municipal units it evaluates. An evaluator's scope is the union of the
// assignments of their groups.
type Group struct {
	ID         int64     `json:"id"`
	CampaignID int64     `json:"campaign_id"`
	Name       string    `json:"name"`
	LeaderID   int64     `json:"leader_id,omitempty"`
	Members    []int64   `json:"members"`
	Units      []int64   `json:"units"`
	CreatedAt  time.Time `json:"created_at"`
}

// AssignableKinds are the kinds a group is assigned: counties and
// municipal units (一县一报告、一单位一报告).
var AssignableKinds = []UnitKind{KindCounty, KindMunicipalUnit}

// Validate checks the group against the stored roles of the accounts it
// names and the stored kinds of the units.
func (g *Group) Validate(roles map[int64]Role, kinds map[int64]UnitKind) []Problem {
	var ps []Problem
	add := func(field, key string, kv ...any) { ps = append(ps, NewProblem(0, field, key, kv...)) }
	if k := checkText(g.Name, MaxUnitName, true); k != "" {
		add("name", k, "Max", MaxUnitName)
	}
	if g.LeaderID != 0 && roles[g.LeaderID] != RoleEvaluator {
		add("leader", "group.not_evaluator")
	}
	for _, m := range g.Members {
		if roles[m] != RoleEvaluator {
			add("members", "group.not_evaluator")
			break
		}
	}
	for _, u := range g.Units {
		if k := kinds[u]; k != KindCounty && k != KindMunicipalUnit {
			add("units", "group.unit_kind")
			break
		}
	}
	return ps
}

// People returns the leader and members, without repeats.
func (g *Group) People() []int64 {
	out := []int64{}
	seen := map[int64]bool{}
	for _, id := range append([]int64{g.LeaderID}, g.Members...) {
		if id != 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Deadline is where one stage stands against its due date.
type Deadline struct {
	Stage    Stage `json:"stage"`
	Due      Date  `json:"due"`
	DaysLeft int   `json:"days_left"` // calendar days in Beijing time; negative when past
	Overdue  bool  `json:"overdue"`
	Done     bool  `json:"done"`
}

// DeadlineOf computes a stage's standing at now, counting calendar days in
// loc (Asia/Shanghai). A stage that is done is never overdue.
func DeadlineOf(stage Stage, due Date, done bool, now time.Time, loc *time.Location) Deadline {
	d := Deadline{Stage: stage, Due: due, Done: done}
	end, ok := due.Time(loc)
	if !ok {
		return d
	}
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	day := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, loc)
	d.DaysLeft = int(math.Round(day.Sub(today).Hours() / 24)) // 23 or 25 hours across a DST change elsewhere
	d.Overdue = !done && now.After(end)
	return d
}

// VisibleTo reports whether u may see the group, its evaluators and its
// assignment: the office and viewers see every group, an evaluator the
// groups it leads or belongs to, a liaison none (who evaluates a unit is
// no business of the unit's).
func (g Group) VisibleTo(u *User) bool {
	switch u.Role {
	case RoleAdmin, RoleViewer:
		return true
	case RoleEvaluator:
		return g.LeaderID == u.ID || slices.Contains(g.Members, u.ID)
	}
	return false
}
