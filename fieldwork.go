package pinggu

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// SelfCheckState is where a unit's self-assessment report (自查报告)
// stands. It is derived from the versions and the deadline, never stored.
type SelfCheckState string

const (
	SelfCheckMissing   SelfCheckState = "missing"   // 未提交
	SelfCheckOverdue   SelfCheckState = "overdue"   // 逾期: nothing submitted by the deadline
	SelfCheckSubmitted SelfCheckState = "submitted" // 已提交: waits for the group's review
	SelfCheckReturned  SelfCheckState = "returned"  // 退回重写: the unit must write it again
	SelfCheckAccepted  SelfCheckState = "accepted"  // 已通过
)

// SelfCheckStates lists the states in the order an overview shows them.
var SelfCheckStates = []SelfCheckState{SelfCheckOverdue, SelfCheckMissing, SelfCheckReturned, SelfCheckSubmitted, SelfCheckAccepted}

// Review decisions on a submitted self-assessment.
const (
	SelfCheckReturn = "returned" // 退回重写, with a reason
	SelfCheckAccept = "accepted" // 通过
)

// SelfCheckQualities are the notes the work plan suggests on a
// self-assessment's quality; the group may write others.
var SelfCheckQualities = []string{"走过场", "问题查摆不深", "避重就轻", "大而空", "千篇一律", "材料扎实", "问题具体"}

// SelfCheck is one submitted version of a unit's self-assessment: an
// uploaded file (DOCX or PDF), or text written per dimension of the
// framework in the browser, or both; and the group's review of it.
type SelfCheck struct {
	CampaignID  int64             `json:"campaign_id"`
	UnitID      int64             `json:"unit_id"`
	Version     int               `json:"version"` // 1, 2, …
	File        *StoredFile       `json:"file,omitempty"`
	Sections    map[string]string `json:"sections,omitempty"` // by dimension name
	SubmittedBy string            `json:"submitted_by"`
	SubmittedAt time.Time         `json:"submitted_at"`
	Decision    string            `json:"decision,omitempty"` // "", SelfCheckReturn or SelfCheckAccept
	Reason      string            `json:"reason,omitempty"`   // why it was returned
	Quality     string            `json:"quality,omitempty"`  // the group's note on its quality
	DecidedBy   string            `json:"decided_by,omitempty"`
	DecidedAt   time.Time         `json:"decided_at,omitzero"`
}

// Limits on self-assessments and hearings, in characters.
const (
	MaxSelfCheckSection = 20000
	MaxReviewText       = 500
	MaxHearingText      = 20000
	MaxFindingText      = 2000
	MaxPlace            = 100
)

// SelfCheckStateOf is the state of a unit's self-assessment given its
// latest version (nil: none) and whether the deadline has passed.
func SelfCheckStateOf(latest *SelfCheck, pastDeadline bool) SelfCheckState {
	switch {
	case latest == nil && pastDeadline:
		return SelfCheckOverdue
	case latest == nil:
		return SelfCheckMissing
	case latest.Decision == SelfCheckReturn:
		return SelfCheckReturned
	case latest.Decision == SelfCheckAccept:
		return SelfCheckAccepted
	}
	return SelfCheckSubmitted
}

// HandedIn reports whether the unit has done its part: a version is
// submitted or accepted (a returned one must be written again).
func (s SelfCheckState) HandedIn() bool { return s == SelfCheckSubmitted || s == SelfCheckAccepted }

// LatestSelfChecks is each unit's latest version among versions (ordered
// by unit and version, as the store returns them).
func LatestSelfChecks(versions []SelfCheck) map[int64]*SelfCheck {
	latest := map[int64]*SelfCheck{}
	for i := range versions {
		latest[versions[i].UnitID] = &versions[i]
	}
	return latest
}

// SelfCheckStateAt is the state of a unit's self-assessment at now: its
// latest version (nil: none) against the campaign's deadline, which ends
// with its day in Beijing.
func SelfCheckStateAt(latest *SelfCheck, s Settings, now time.Time) SelfCheckState {
	due, ok := s.Due(StageSelfReport).Time(Beijing())
	return SelfCheckStateOf(latest, ok && now.After(due))
}

// Written is the text written in the browser, dimension by dimension in
// the order of their codes.
func (s *SelfCheck) Written() string {
	var b strings.Builder
	for _, code := range slices.Sorted(maps.Keys(s.Sections)) {
		fmt.Fprintf(&b, "%s\n%s\n\n", code, strings.TrimSpace(s.Sections[code]))
	}
	return b.String()
}

// ValidateSections checks text written in the browser: known dimensions,
// valid text within bounds, and something written.
func (s *SelfCheck) ValidateSections(dimensions []string) []Problem {
	var ps []Problem
	known := map[string]bool{}
	for _, d := range dimensions {
		known[d] = true
	}
	for name, text := range s.Sections {
		if !known[name] {
			ps = append(ps, NewProblem(0, name, "selfcheck.dimension_unknown", "Name", name))
			continue
		}
		if k := checkLongText(text, MaxSelfCheckSection); k != "" {
			ps = append(ps, NewProblem(0, name, k, "Max", MaxSelfCheckSection))
		}
	}
	return ps
}

// ValidateReview checks a decision on a self-assessment: a known one, a
// reason for sending it back, texts within bounds.
func ValidateReview(decision, reason, quality string) []Problem {
	var ps []Problem
	if decision != SelfCheckReturn && decision != SelfCheckAccept {
		ps = append(ps, NewProblem(0, "decision", "selfcheck.decision_unknown"))
	}
	if decision == SelfCheckReturn && strings.TrimSpace(reason) == "" {
		ps = append(ps, NewProblem(0, "reason", "selfcheck.reason_missing"))
	}
	if k := checkLongText(reason, MaxReviewText); k != "" {
		ps = append(ps, NewProblem(0, "reason", k, "Max", MaxReviewText))
	}
	if k := checkLongText(quality, MaxReviewText); k != "" {
		ps = append(ps, NewProblem(0, "quality", k, "Max", MaxReviewText))
	}
	return ps
}

// StoredFile is a file kept as evidence: stored under a server-made id,
// checked by its content, with its author metadata removed from the
// bytes served back.
type StoredFile struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"` // the uploader's file name, shown only
	Type     string    `json:"type"` // FileDOCX, FilePDF, FileJPEG, FilePNG
	Size     int       `json:"size"` // of the stored bytes
	SHA256   string    `json:"sha256"`
	Received string    `json:"received_sha256"` // of the bytes as uploaded
	Stripped []string  `json:"stripped,omitempty"`
	HasText  bool      `json:"has_text"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// File types pinggu keeps.
const (
	FileDOCX = "docx"
	FilePDF  = "pdf"
	FileJPEG = "jpeg"
	FilePNG  = "png"
)

// MaxFileSize bounds an uploaded file.
const MaxFileSize = 20 << 20

// HearingKind is a way of hearing opinions (听取意见, work plan 六.1).
type HearingKind string

const (
	HearingSymposium  HearingKind = "symposium"  // 座谈会
	HearingInterview  HearingKind = "interview"  // 个别访谈
	HearingInspection HearingKind = "inspection" // 实地察看
	HearingHomeVisit  HearingKind = "home_visit" // 入户走访
	HearingPhone      HearingKind = "phone"      // 电话调查
)

// HearingKinds lists the kinds in the work plan's order.
var HearingKinds = []HearingKind{HearingSymposium, HearingInterview, HearingInspection, HearingHomeVisit, HearingPhone}

// Chinese is the kind's name in reports.
func (k HearingKind) Chinese() string {
	return map[HearingKind]string{HearingSymposium: "座谈会", HearingInterview: "个别访谈", HearingInspection: "实地察看",
		HearingHomeVisit: "入户走访", HearingPhone: "电话调查"}[k]
}

// Drawn reports whether the kind's participants come from an interviewee
// draw (work plan 六.1: 人员名单由被评估单位提供，评估组进行随机抽取).
func (k HearingKind) Drawn() bool { return k == HearingSymposium || k == HearingInterview }

// Attendance values of a drawn invitee.
const (
	AttendCame    = "came"   // 到会
	AttendAbsent  = "absent" // 未到
	AttendPending = ""       // not recorded yet
)

// Hearing is the record of one hearing held by an evaluation group for a
// county or municipal unit (the area).
type Hearing struct {
	ID           int64             `json:"id"`
	CampaignID   int64             `json:"campaign_id"`
	UnitID       int64             `json:"unit_id"` // the area
	Kind         HearingKind       `json:"kind"`
	HeldOn       Date              `json:"held_on"`
	Place        string            `json:"place"`
	Evaluators   string            `json:"evaluators"`   // names, as the record lists them
	Participants map[string]int    `json:"participants"` // counts per respondent category
	DrawID       int64             `json:"draw_id,omitempty"`
	Attendance   map[string]string `json:"attendance,omitempty"` // invitee id → AttendCame / AttendAbsent
	Inspected    string            `json:"inspected,omitempty"`  // what a 实地察看 looked at
	Summary      string            `json:"summary"`
	Findings     []Finding         `json:"findings,omitempty"`
	UpdatedBy    string            `json:"updated_by"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

// People is how many took part.
func (h *Hearing) People() int {
	n := 0
	for _, c := range h.Participants {
		n += c
	}
	return n
}

// Validate checks a hearing record's fields.
func (h *Hearing) Validate() []Problem {
	var ps []Problem
	add := func(field, key string, kv ...any) { ps = append(ps, NewProblem(0, field, key, kv...)) }
	known := false
	for _, k := range HearingKinds {
		known = known || k == h.Kind
	}
	if !known {
		add("kind", "hearing.kind_unknown", "Value", string(h.Kind))
	}
	if _, ok := h.HeldOn.Time(time.UTC); !ok {
		add("held_on", "campaign.date_format", "Value", string(h.HeldOn))
	}
	if k := checkText(h.Place, MaxPlace, true); k != "" {
		add("place", k, "Max", MaxPlace)
	}
	if k := checkText(h.Evaluators, MaxPlace, true); k != "" {
		add("evaluators", k, "Max", MaxPlace)
	}
	for cat, n := range h.Participants {
		if n < 0 || n > 10000 {
			add("participants."+cat, "hearing.count_range", "Category", cat)
		}
	}
	if h.People() == 0 && h.Kind != HearingInspection {
		add("participants", "hearing.nobody")
	}
	if k := checkLongText(h.Summary, MaxHearingText); k != "" {
		add("summary", k, "Max", MaxHearingText)
	}
	if k := checkLongText(h.Inspected, MaxFindingText); k != "" {
		add("inspected", k, "Max", MaxFindingText)
	}
	for id, a := range h.Attendance {
		if a != AttendCame && a != AttendAbsent && a != AttendPending {
			add("attendance."+id, "hearing.attendance_unknown", "Value", a)
		}
	}
	return ps
}

// FindingNature says whether a finding is an achievement or a problem.
type FindingNature string

const (
	FindingAchievement FindingNature = "achievement" // 成效
	FindingProblem     FindingNature = "problem"     // 问题
)

// Finding is one thing a hearing found about an evaluated object, on an
// indicator item, with evidence files.
type Finding struct {
	ID        int64         `json:"id"`
	HearingID int64         `json:"hearing_id"`
	ObjectID  int64         `json:"object_id"` // the evaluated unit
	Item      string        `json:"item"`      // an indicator item's code
	Nature    FindingNature `json:"nature"`
	Text      string        `json:"text"`
	Evidence  []StoredFile  `json:"evidence,omitempty"`
}

// Validate checks a finding's own fields; the object and the item are
// checked against the campaign by the store.
func (f *Finding) Validate() []Problem {
	var ps []Problem
	if f.Nature != FindingAchievement && f.Nature != FindingProblem {
		ps = append(ps, NewProblem(0, "nature", "finding.nature_unknown", "Value", string(f.Nature)))
	}
	if strings.TrimSpace(f.Text) == "" {
		ps = append(ps, NewProblem(0, "text", "field.required"))
	} else if k := checkLongText(f.Text, MaxFindingText); k != "" {
		ps = append(ps, NewProblem(0, "text", k, "Max", MaxFindingText))
	}
	if f.Item == "" {
		ps = append(ps, NewProblem(0, "item", "finding.item_missing"))
	}
	return ps
}

// CheckNote checks a short note (a call's, a finding's inspected items):
// valid text of at most MaxFindingText characters; "" when it is fine.
func CheckNote(s string) string { return checkLongText(s, MaxFindingText) }
