package pinggu_test

import (
	"testing"
	"time"

	"pinggu"
)

// TestSampleSizeIntegersOnly checks SAMPLING.md S3, including the case where
// floating point goes wrong: 7% of 100 is 7, not 8.
func TestSampleSizeIntegersOnly(t *testing.T) {
	cases := []struct {
		rate       pinggu.Rate
		n, kmin, k int
	}{
		{pinggu.Rate{Pct: 7, Rule: pinggu.RoundAtLeast}, 100, 1, 7},
		{pinggu.Rate{Pct: 30, Rule: pinggu.RoundAtLeast}, 12, 1, 4}, // the test vector: 3.6 → 4
		{pinggu.Rate{Pct: 30, Rule: pinggu.RoundAbout}, 12, 1, 4},   // 3.6 → 4
		{pinggu.Rate{Pct: 25, Rule: pinggu.RoundAbout}, 10, 1, 3},   // 2.5 → 3, half up
		{pinggu.Rate{Pct: 24, Rule: pinggu.RoundAbout}, 10, 1, 2},   // 2.4 → 2
		{pinggu.Rate{Pct: 21, Rule: pinggu.RoundAtLeast}, 10, 1, 3}, // 2.1 → 3
		{pinggu.Rate{Pct: 10, Rule: pinggu.RoundAbout}, 3, 1, 1},    // 0.3 → 0, kmin lifts it
		{pinggu.Rate{Pct: 10, Rule: pinggu.RoundAbout}, 3, 2, 2},
		{pinggu.Rate{Pct: 10, Rule: pinggu.RoundAbout}, 1, 2, 1}, // never more than n
		{pinggu.Rate{Pct: 100, Rule: pinggu.RoundAbout}, 9, 1, 9},
	}
	for _, c := range cases {
		if got := c.rate.SampleSize(c.n, c.kmin); got != c.k {
			t.Errorf("%+v of %d (kmin %d) = %d, want %d", c.rate, c.n, c.kmin, got, c.k)
		}
	}
}

func validCampaign() pinggu.Campaign {
	s := pinggu.DefaultSettings()
	for _, k := range pinggu.EvaluatedKinds {
		s.Frameworks[k] = 1
		if k == pinggu.KindBranch {
			s.Frameworks[k] = 2
		}
	}
	s.Deadlines = map[pinggu.Stage]pinggu.Date{
		pinggu.StageSelfReport: "2026-12-05", pinggu.StageUnitDraw: "2026-12-08", pinggu.StageRosters: "2026-12-12",
		pinggu.StageFieldwork: "2026-12-25", pinggu.StageReports: "2026-12-31",
	}
	return pinggu.Campaign{Code: "2026", Name: "2026年主题教育第三方评估", State: pinggu.StateDraft, Settings: s}
}

var fwAudience = map[int64]pinggu.Audience{1: pinggu.AudienceLeadership, 2: pinggu.AudienceBranch}

func TestCampaignValidate(t *testing.T) {
	c := validCampaign()
	if ps := c.Validate(fwAudience, true); len(ps) != 0 {
		t.Fatalf("valid campaign: %+v", ps)
	}
	cases := []struct {
		name   string
		change func(c *pinggu.Campaign)
		field  string
		key    string
	}{
		{"rate 0", func(c *pinggu.Campaign) {
			c.Settings.Rates[pinggu.KindTownship] = pinggu.Rate{Pct: 0, Rule: pinggu.RoundAbout}
		}, "rates.township", "campaign.rate_range"},
		{"rate 101", func(c *pinggu.Campaign) {
			c.Settings.Rates[pinggu.KindBranch] = pinggu.Rate{Pct: 101, Rule: pinggu.RoundAbout}
		}, "rates.branch", "campaign.rate_range"},
		{"rule", func(c *pinggu.Campaign) { c.Settings.Rates[pinggu.KindBranch] = pinggu.Rate{Pct: 10, Rule: "roughly"} }, "rates.branch", "campaign.rule_unknown"},
		{"deadline before the previous", func(c *pinggu.Campaign) { c.Settings.Deadlines[pinggu.StageRosters] = "2026-12-01" }, "deadlines.rosters", "campaign.deadline_order"},
		{"bad date", func(c *pinggu.Campaign) { c.Settings.Deadlines[pinggu.StageReports] = "2026-13-01" }, "deadlines.reports", "campaign.date_format"},
		{"missing deadline", func(c *pinggu.Campaign) { delete(c.Settings.Deadlines, pinggu.StageFieldwork) }, "deadlines.fieldwork", "campaign.deadline_missing"},
		{"branch framework for a county", func(c *pinggu.Campaign) { c.Settings.Frameworks[pinggu.KindCounty] = 2 }, "frameworks.county", "campaign.framework_audience"},
		{"scores not decreasing", func(c *pinggu.Campaign) { c.Settings.Scale.Levels[2].Score = 85 }, "scale.levels[2].score", "campaign.score_order"},
		{"duplicate label", func(c *pinggu.Campaign) { c.Settings.Scale.Levels[3].Label = "好" }, "scale.levels[3].label", "campaign.scale_duplicate"},
		{"kmin 0", func(c *pinggu.Campaign) { c.Settings.Kmin = 0 }, "kmin", "campaign.kmin_range"},
		{"code", func(c *pinggu.Campaign) { c.Code = "2026 年" }, "code", "campaign.code_format"},
	}
	for _, x := range cases {
		c := validCampaign()
		x.change(&c)
		ps := c.Validate(fwAudience, true)
		if len(ps) == 0 || ps[0].Column != x.field || ps[0].Key != x.key {
			t.Errorf("%s: %+v, want %s at %s", x.name, ps, x.key, x.field)
		}
	}
	// A draft may leave deadlines and frameworks for later.
	c = validCampaign()
	c.Settings.Deadlines = map[pinggu.Stage]pinggu.Date{}
	c.Settings.Frameworks = map[pinggu.UnitKind]int64{}
	if ps := c.Validate(fwAudience, false); len(ps) != 0 {
		t.Errorf("incomplete draft: %+v", ps)
	}
}

func TestCampaignTransitions(t *testing.T) {
	c := validCampaign()
	for _, to := range pinggu.CampaignStates[1:] {
		if err := c.CheckTransition(to); err != nil {
			t.Fatalf("%s → %s: %v", c.State, to, err)
		}
		c.State = to
	}
	if c.State.Next() != "" {
		t.Error("archived has a next state")
	}
	c.State = pinggu.StatePublished
	for _, to := range []pinggu.CampaignState{pinggu.StateDraft, pinggu.StateClosed, pinggu.StatePublished, "done"} {
		if err := c.CheckTransition(to); err == nil {
			t.Errorf("published → %s allowed", to)
		}
	}
	if !pinggu.StatePublished.Frozen() || pinggu.StateDraft.Frozen() || !pinggu.StateArchived.Closed() || pinggu.StateFieldwork.Closed() {
		t.Error("Frozen/Closed")
	}
}

func TestDeadlineOf(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	// 2026-12-10 23:30 in Beijing is 15:30 UTC.
	now := time.Date(2026, 12, 10, 15, 30, 0, 0, time.UTC)
	cases := []struct {
		due     pinggu.Date
		done    bool
		left    int
		overdue bool
	}{
		{"2026-12-10", false, 0, false}, // due today, not yet past midnight in Beijing
		{"2026-12-11", false, 1, false},
		{"2026-12-31", false, 21, false},
		{"2026-12-09", false, -1, true},
		{"2026-12-01", true, -9, false},
	}
	for _, c := range cases {
		d := pinggu.DeadlineOf(pinggu.StageRosters, c.due, c.done, now, loc)
		if d.DaysLeft != c.left || d.Overdue != c.overdue {
			t.Errorf("%s: %+v, want %d days, overdue %v", c.due, d, c.left, c.overdue)
		}
	}
	// Ten minutes later it is 11 December in Beijing: the 10th is overdue.
	d := pinggu.DeadlineOf(pinggu.StageRosters, "2026-12-10", false, now.Add(40*time.Minute), loc)
	if !d.Overdue || d.DaysLeft != -1 {
		t.Errorf("after midnight: %+v", d)
	}
}

func TestGroupValidate(t *testing.T) {
	roles := map[int64]pinggu.Role{1: pinggu.RoleEvaluator, 2: pinggu.RoleEvaluator, 3: pinggu.RoleLiaison}
	kinds := map[int64]pinggu.UnitKind{10: pinggu.KindCounty, 11: pinggu.KindMunicipalUnit, 12: pinggu.KindTownship}
	ok := pinggu.Group{Name: "第一评估组", LeaderID: 1, Members: []int64{2}, Units: []int64{10, 11}}
	if ps := ok.Validate(roles, kinds); len(ps) != 0 {
		t.Errorf("valid group: %+v", ps)
	}
	for _, g := range []pinggu.Group{
		{Name: "", LeaderID: 1},
		{Name: "x", LeaderID: 3},
		{Name: "x", Members: []int64{1, 3}},
		{Name: "x", Units: []int64{12}},
	} {
		if ps := g.Validate(roles, kinds); len(ps) == 0 {
			t.Errorf("%+v accepted", g)
		}
	}
	if p := (&pinggu.Group{LeaderID: 1, Members: []int64{1, 2}}).People(); len(p) != 2 || p[0] != 1 || p[1] != 2 {
		t.Errorf("people = %v", p)
	}
}
