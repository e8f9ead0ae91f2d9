package pinggu

import (
	"regexp"
	"time"
)

// CampaignState is where a campaign is in its life (评估阶段).
type CampaignState string

const (
	StateDraft     CampaignState = "draft"     // 草稿: everything editable
	StatePublished CampaignState = "published" // 已发布: framework, scale and rates frozen
	StateFieldwork CampaignState = "fieldwork" // 实地评估
	StateClosed    CampaignState = "closed"    // 已结束: nothing editable
	StateArchived  CampaignState = "archived"  // 已归档
)

// CampaignStates lists the states in order; a campaign moves one step at a
// time, forward only.
var CampaignStates = []CampaignState{StateDraft, StatePublished, StateFieldwork, StateClosed, StateArchived}

func (s CampaignState) rank() int {
	for i, x := range CampaignStates {
		if x == s {
			return i
		}
	}
	return -1
}

// Next returns the state after s, or "" at the end.
func (s CampaignState) Next() CampaignState {
	if r := s.rank(); r >= 0 && r+1 < len(CampaignStates) {
		return CampaignStates[r+1]
	}
	return ""
}

// Frozen reports whether what the campaign promised (framework, scale,
// rates, minimums) can no longer change.
func (s CampaignState) Frozen() bool { return s.rank() >= StatePublished.rank() }

// Closed reports whether the campaign accepts no more changes at all.
func (s CampaignState) Closed() bool { return s.rank() >= StateClosed.rank() }

// Collecting reports whether the campaign takes rosters, draws and answers:
// published and in fieldwork (发布、实施), not before and not once closed.
func (s CampaignState) Collecting() bool { return s == StatePublished || s == StateFieldwork }

// Level is one step of the rating scale.
type Level struct {
	Label string `json:"label"`
	Score int    `json:"score"`
}

// Scale is the rating scale: four levels, best first, and optionally a
// "don't know" answer that is counted but left out of every denominator.
type Scale struct {
	Levels       []Level `json:"levels"`
	AllowUnknown bool    `json:"allow_unknown"`
	UnknownLabel string  `json:"unknown_label,omitempty"`
}

// DefaultScale is 好 100 / 较好 80 / 一般 60 / 差 40, with 不了解.
func DefaultScale() Scale {
	return Scale{Levels: []Level{{"好", 100}, {"较好", 80}, {"一般", 60}, {"差", 40}}, AllowUnknown: true, UnknownLabel: "不了解"}
}

// Rounding says how a sampling rate turns into a number of units.
type Rounding string

const (
	RoundAbout   Rounding = "about"    // 左右: round half up
	RoundAtLeast Rounding = "at_least" // 以上: ceiling
)

// Rate is a sampling rate for one stratum.
type Rate struct {
	Pct  int      `json:"pct"`
	Rule Rounding `json:"rule"`
}

// SampleSize returns k for a stratum of n elements, in integers only (see
// SAMPLING.md S3): at least p% is (p·n+99)/100, about p% is (p·n+50)/100,
// then k = min(n, max(kmin, that)).
func (r Rate) SampleSize(n, kmin int) int {
	var k int
	switch r.Rule {
	case RoundAtLeast:
		k = (r.Pct*n + 99) / 100
	default:
		k = (r.Pct*n + 50) / 100
	}
	k = max(k, kmin)
	return min(k, n)
}

// Strata sampled within each county; municipal units are all taken.
var SampledKinds = []UnitKind{KindCountyDept, KindTownship, KindBranch}

// Stage is a step with a deadline, in the order the work plan runs them.
type Stage string

const (
	StageSelfReport Stage = "self_report" // 自查报告
	StageUnitDraw   Stage = "unit_draw"   // 抽取单位
	StageRosters    Stage = "rosters"     // 报送名单
	StageFieldwork  Stage = "fieldwork"   // 实地评估
	StageReports    Stage = "reports"     // 评估报告
)

// Stages lists the stages in order; each deadline may not fall before the
// previous stage's.
var Stages = []Stage{StageSelfReport, StageUnitDraw, StageRosters, StageFieldwork, StageReports}

// Beijing is the time zone of every date and time pinggu shows or keeps
// (Asia/Shanghai; a fixed UTC+8 where the zone database is missing, though
// the binary embeds it).
func Beijing() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// Date is a calendar day in Asia/Shanghai, written 2006-01-02. A deadline
// on a date ends when that day ends in Beijing time.
type Date string

// Time returns the end of the day in loc, or false for an empty or bad date.
func (d Date) Time(loc *time.Location) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02", string(d), loc)
	if err != nil {
		return time.Time{}, false
	}
	return t.AddDate(0, 0, 1).Add(-time.Nanosecond), true
}

// Settings are a campaign's rules. What changes what was promised (scale,
// frameworks, rates, kmin, minimums) is frozen on publish; deadlines may be
// moved until the campaign closes.
type Settings struct {
	Scale Scale `json:"scale"`
	// Frameworks maps each evaluated kind to the framework that judges it.
	Frameworks map[UnitKind]int64 `json:"frameworks"`
	Rates      map[UnitKind]Rate  `json:"rates"`
	Kmin       int                `json:"kmin"`
	// MinCounty is the least number of respondents per county (≥ 100 in the
	// plan); MinMunicipal per municipal unit (≥ 30, everyone if fewer).
	MinCounty    int `json:"min_county"`
	MinMunicipal int `json:"min_municipal"`
	// RosterMinShare is the percentage of a unit's headcount that the Party
	// members on its roster must reach before it is frozen without a reason.
	RosterMinShare int `json:"roster_min_share,omitempty"`
	// ResponseRate is the expected response rate in percent (S3): each
	// unit's draw is its target of completes divided by it, so that the
	// minimums count completes, not invitations. 0 means the default.
	ResponseRate int `json:"response_rate,omitempty"`
	// Anonymity is k of the survey's anonymity (docs/anonymity.md): a
	// response leaves the inbox with at least k-1 others of its unit,
	// category and channel, or with all of them at the close. 0 means
	// MinAnonymity; it is never less.
	Anonymity int            `json:"anonymity,omitempty"`
	Deadlines map[Stage]Date `json:"deadlines"`
}

// MinAnonymity is the least k of the survey's anonymity, and its default.
const MinAnonymity = 20

// MixSize is k: how many responses of a kind leave the inbox together.
func (s Settings) MixSize() int { return max(MinAnonymity, s.Anonymity) }

// DefaultResponseRate is S3's default expected response rate, in percent.
const DefaultResponseRate = 85

// ExpectedResponse is the response rate a draw plans for, in percent.
func (s Settings) ExpectedResponse() int {
	if s.ResponseRate == 0 {
		return DefaultResponseRate
	}
	return s.ResponseRate
}

// Inflate is the number to draw for target completes at the expected
// response rate, ceil(target·100/rate) in integers, at most n.
func (s Settings) Inflate(target, n int) int {
	r := s.ExpectedResponse()
	return min(n, (target*100+r-1)/r)
}

// DefaultSettings are the plan's figures where it gives them; the rates it
// leaves as ×× start at values a city would plausibly pick.
func DefaultSettings() Settings {
	return Settings{
		Scale:      DefaultScale(),
		Frameworks: map[UnitKind]int64{},
		Rates: map[UnitKind]Rate{
			KindCountyDept: {Pct: 20, Rule: RoundAbout},
			KindTownship:   {Pct: 30, Rule: RoundAtLeast},
			KindBranch:     {Pct: 10, Rule: RoundAbout},
		},
		Kmin: 1, MinCounty: 100, MinMunicipal: 30, RosterMinShare: DefaultMinShare, ResponseRate: DefaultResponseRate,
		Deadlines: map[Stage]Date{},
	}
}

// Campaign is one evaluation (评估工作), such as the city's 2026 evaluation.
type Campaign struct {
	ID          int64         `json:"id"`
	Code        string        `json:"code"`
	Name        string        `json:"name"`
	State       CampaignState `json:"state"`
	Settings    Settings      `json:"settings"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	PublishedAt time.Time     `json:"published_at,omitzero"`
}

var campaignCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$`)

// Validate checks the campaign's own fields and settings. frameworks gives
// the audience of each framework ID that exists. With complete, the
// settings must be ready to publish: every deadline and framework set.
func (c *Campaign) Validate(frameworks map[int64]Audience, complete bool) []Problem {
	var ps []Problem
	add := func(field, key string, kv ...any) { ps = append(ps, NewProblem(0, field, key, kv...)) }
	if !campaignCode.MatchString(c.Code) {
		add("code", "campaign.code_format", "Value", c.Code)
	}
	if k := checkText(c.Name, MaxUnitName, true); k != "" {
		add("name", k, "Max", MaxUnitName)
	}
	s := &c.Settings
	ps = append(ps, s.Scale.validate()...)
	for _, k := range SampledKinds {
		r, ok := s.Rates[k]
		field := "rates." + string(k)
		switch {
		case !ok:
			add(field, "campaign.rate_missing")
		case r.Pct < 1 || r.Pct > 100:
			add(field, "campaign.rate_range", "Value", r.Pct)
		case r.Rule != RoundAbout && r.Rule != RoundAtLeast:
			add(field, "campaign.rule_unknown", "Value", string(r.Rule))
		}
	}
	if s.Kmin < 1 || s.Kmin > 10 {
		add("kmin", "campaign.kmin_range", "Value", s.Kmin)
	}
	if s.MinCounty < 1 || s.MinCounty > 100000 {
		add("min_county", "campaign.min_range", "Value", s.MinCounty)
	}
	if s.MinMunicipal < 1 || s.MinMunicipal > 100000 {
		add("min_municipal", "campaign.min_range", "Value", s.MinMunicipal)
	}
	if s.RosterMinShare < 0 || s.RosterMinShare > 100 {
		add("roster_min_share", "campaign.share_range", "Value", s.RosterMinShare)
	}
	if s.ResponseRate != 0 && (s.ResponseRate < 30 || s.ResponseRate > 100) {
		add("response_rate", "campaign.response_rate_range", "Value", s.ResponseRate)
	}
	if s.Anonymity != 0 && (s.Anonymity < MinAnonymity || s.Anonymity > 1000) {
		add("anonymity", "campaign.anonymity_range", "Value", s.Anonymity, "Min", MinAnonymity)
	}
	for _, k := range EvaluatedKinds {
		id, ok := s.Frameworks[k]
		field := "frameworks." + string(k)
		switch {
		case !ok || id == 0:
			if complete {
				add(field, "campaign.framework_missing")
			}
		case frameworks[id] == "":
			add(field, "campaign.framework_unknown")
		case frameworks[id] != AudienceOf(k):
			add(field, "campaign.framework_audience", "Audience", string(AudienceOf(k)))
		}
	}
	var prev Date
	var prevStage Stage
	for _, st := range Stages {
		d := s.Deadlines[st]
		field := "deadlines." + string(st)
		if d == "" {
			if complete {
				add(field, "campaign.deadline_missing")
			}
			continue
		}
		if _, ok := d.Time(time.UTC); !ok {
			add(field, "campaign.date_format", "Value", string(d))
			continue
		}
		if prev != "" && d < prev {
			add(field, "campaign.deadline_order", "Prev", string(prevStage), "PrevDate", string(prev))
		}
		prev, prevStage = d, st
	}
	return ps
}

// UnknownText is the answer of someone who cannot judge: the scale's own
// wording, or 不了解.
func (s Scale) UnknownText() string {
	if s.UnknownLabel != "" {
		return s.UnknownLabel
	}
	return "不了解"
}

func (s *Scale) validate() []Problem {
	var ps []Problem
	if len(s.Levels) != 4 {
		return []Problem{NewProblem(0, "scale", "campaign.scale_levels")}
	}
	seen := map[string]bool{}
	for i, l := range s.Levels {
		field := "scale.levels[" + itoa(i) + "]"
		if k := checkText(l.Label, 10, true); k != "" {
			ps = append(ps, NewProblem(0, field+".label", k, "Max", 10))
		} else if seen[l.Label] {
			ps = append(ps, NewProblem(0, field+".label", "campaign.scale_duplicate", "Label", l.Label))
		}
		seen[l.Label] = true
		if l.Score < 0 || l.Score > 100 {
			ps = append(ps, NewProblem(0, field+".score", "campaign.score_range", "Value", l.Score))
		} else if i > 0 && l.Score >= s.Levels[i-1].Score {
			ps = append(ps, NewProblem(0, field+".score", "campaign.score_order"))
		}
	}
	if s.AllowUnknown {
		if k := checkText(s.UnknownLabel, 10, true); k != "" {
			ps = append(ps, NewProblem(0, "scale.unknown_label", k, "Max", 10))
		} else if seen[s.UnknownLabel] {
			ps = append(ps, NewProblem(0, "scale.unknown_label", "campaign.scale_duplicate", "Label", s.UnknownLabel))
		}
	}
	return ps
}

// CheckTransition returns an error when c may not move to the state to.
func (c *Campaign) CheckTransition(to CampaignState) error {
	if to.rank() < 0 {
		return Errorf(EInvalid, "campaign.state_unknown", "State", string(to))
	}
	if c.State.Next() != to {
		return Errorf(EConflict, "campaign.transition_illegal", "From", string(c.State), "To", string(to))
	}
	return nil
}

// Due returns the deadline of stage, "" when unset.
func (s Settings) Due(stage Stage) Date { return s.Deadlines[stage] }

// MinShare is RosterMinShare, or DefaultMinShare when unset.
func (s Settings) MinShare() int {
	if s.RosterMinShare == 0 {
		return DefaultMinShare
	}
	return s.RosterMinShare
}
