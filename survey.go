package pinggu

import (
	"strings"
	"unicode/utf8"
)

// Question is one thing a respondent rates: an item's respondent question.
type Question struct {
	Code string
	Text string
}

// Form is a rating form (测评表) for one kind of evaluated object, built
// from the campaign's frozen framework: one question per active item, an
// overall rating, and an optional comment.
type Form struct {
	Questions    []Question
	Levels       []Level
	AllowUnknown bool
	UnknownLabel string
}

// OverallCode is the form field of the overall rating.
const OverallCode = "overall"

// MaxComment is the longest comment a respondent may leave, in characters.
const MaxComment = 500

// Unknown is the stored answer for "don't know" (不了解).
const Unknown = -1

// BuildForm makes the form of a framework under a scale.
func BuildForm(f *Framework, s Scale) Form {
	form := Form{Levels: s.Levels, AllowUnknown: s.AllowUnknown, UnknownLabel: s.UnknownLabel}
	for _, d := range f.Dimensions {
		if d.Retired {
			continue
		}
		for _, it := range d.Items {
			if !it.Retired {
				form.Questions = append(form.Questions, Question{Code: it.Code, Text: it.Question})
			}
		}
	}
	return form
}

// Read checks a submitted form: every question and the overall rating
// answered with a level (or 不了解 where allowed), a comment of at most
// MaxComment characters. Answers are level indexes, 0 best, or Unknown.
// Fields the form does not have are ignored, never trusted.
func (f Form) Read(get func(string) string) (answers map[string]int, overall int, comment string, problems []Problem) {
	answers = map[string]int{}
	level := func(code string, allowUnknown bool) (int, bool) {
		v := strings.TrimSpace(get(code))
		if v == "u" && allowUnknown {
			return Unknown, true
		}
		for i := range f.Levels {
			if v == itoa(i) {
				return i, true
			}
		}
		return 0, false
	}
	for _, q := range f.Questions {
		v, ok := level(q.Code, f.AllowUnknown)
		if !ok {
			key := "survey.missing"
			if get(q.Code) != "" {
				key = "survey.bad_value"
			}
			problems = append(problems, NewProblem(0, q.Code, key))
			continue
		}
		answers[q.Code] = v
	}
	overall, ok := level(OverallCode, false)
	if !ok {
		problems = append(problems, NewProblem(0, OverallCode, "survey.missing"))
	}
	comment = strings.TrimSpace(get("comment"))
	if n := utf8.RuneCountInString(comment); n > MaxComment {
		problems = append(problems, NewProblem(0, "comment", "survey.comment_long", "Max", MaxComment, "N", n))
	} else if !utf8.ValidString(comment) {
		problems = append(problems, NewProblem(0, "comment", "field.bad_utf8"))
	}
	return answers, overall, comment, problems
}

// Response is one stored rating form. By construction it cannot be linked
// to a code or a person: a random id, the unit, the category the code
// carried, the channel, the day, and the answers — no code, no address, no
// time of day.
type Response struct {
	ID         string         `json:"id"`
	CampaignID int64          `json:"campaign_id"`
	UnitID     int64          `json:"unit_id"`
	Category   string         `json:"category,omitempty"`
	Channel    string         `json:"channel"`
	Day        string         `json:"day"` // 2006-01-02, Beijing time
	Answers    map[string]int `json:"answers"`
	Overall    int            `json:"overall"`
	Comment    string         `json:"comment,omitempty"`
}

// Outcomes of keying a paper ballot (纸质测评表录入).
const (
	BallotFirst    = "first"    // the first keying: waiting for a second clerk
	BallotMatched  = "matched"  // two clerks agree: counted
	BallotMismatch = "mismatch" // two clerks disagree: for a third person
	BallotSpent    = "spent"    // the code was already used, online or on paper
)
