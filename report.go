package pinggu

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Grade is one line of the checklist assessment (清单式评估): an
// evaluator's grade of an evaluated unit on one indicator item, a level
// of the campaign's scale (0 best), with the evidence it rests on.
type Grade struct {
	CampaignID int64     `json:"campaign_id"`
	UnitID     int64     `json:"unit_id"`
	Item       string    `json:"item"`
	Level      int       `json:"level"`
	Note       string    `json:"note"`
	EnteredBy  string    `json:"entered_by"` // the account's login
	EnteredAt  time.Time `json:"entered_at"`
}

// MaxGradeNote is the longest evidence note, in characters.
const MaxGradeNote = 2000

// Validate checks a grade against the scale's number of levels.
func (g *Grade) Validate(levels int) []Problem {
	var ps []Problem
	if g.Level < 0 || g.Level >= levels {
		ps = append(ps, NewProblem(0, "level", "grade.level"))
	}
	if k := checkLongText(g.Note, MaxGradeNote); k != "" {
		ps = append(ps, NewProblem(0, "note", k, "Max", MaxGradeNote))
	}
	return ps
}

// ReportState is where an evaluation report stands.
type ReportState string

const (
	ReportDraft     ReportState = "draft"     // the group writes
	ReportSubmitted ReportState = "submitted" // locked, a version kept; the office reviews
	ReportReturned  ReportState = "returned"  // sent back with a reason; the group edits again
	ReportAccepted  ReportState = "accepted"  // final
)

// Editable reports whether the group may change the report's text.
func (s ReportState) Editable() bool { return s == ReportDraft || s == ReportReturned }

// Report sections the group writes, in the order of the report. 一、基本情况
// is drawn from the data and carries no text of the group's, except the
// justification of an unmet respondent minimum.
var ReportSections = []string{"achievements", "problems", "causes", "suggestions"}

// MaxSectionText bounds one section's text, in characters.
const MaxSectionText = 20000

// Report is the evaluation report (评估报告) of one county or municipal
// unit: the group's text per section, in plain text with simple lists
// (lines starting "- " or "1. "), its state and submitted versions.
type Report struct {
	CampaignID    int64             `json:"campaign_id"`
	UnitID        int64             `json:"unit_id"`
	State         ReportState       `json:"state"`
	Version       int               `json:"version"` // how many versions were submitted
	Sections      map[string]string `json:"sections"`
	Justification string            `json:"justification,omitempty"`
	ReturnReason  string            `json:"return_reason,omitempty"`
	UpdatedBy     string            `json:"updated_by"`
	UpdatedAt     time.Time         `json:"updated_at"`
	SubmittedAt   time.Time         `json:"submitted_at,omitzero"`
}

// ValidateText checks the sections and the justification: known sections,
// valid text within bounds. Control characters other than line breaks and
// tabs are refused, so that what is stored is what a document can carry.
func (r *Report) ValidateText() []Problem {
	var ps []Problem
	known := map[string]bool{}
	for _, s := range ReportSections {
		known[s] = true
	}
	for k, v := range r.Sections {
		if !known[k] {
			ps = append(ps, NewProblem(0, k, "report.section_unknown"))
			continue
		}
		if p := checkLongText(v, MaxSectionText); p != "" {
			ps = append(ps, NewProblem(0, k, p, "Max", MaxSectionText))
		}
	}
	if p := checkLongText(r.Justification, 2000); p != "" {
		ps = append(ps, NewProblem(0, "justification", p, "Max", 2000))
	}
	return ps
}

// checkLongText checks multi-line text: valid UTF-8, at most max
// characters, no control characters but tab and line breaks.
func checkLongText(s string, max int) string {
	if !utf8.ValidString(s) {
		return "field.bad_utf8"
	}
	if utf8.RuneCountInString(s) > max {
		return "field.too_long"
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f }) {
		return "field.control_char"
	}
	return ""
}
