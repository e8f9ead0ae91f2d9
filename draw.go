package pinggu

import "time"

// The kinds of draw (抽样) a campaign records, as the draws table and the
// public records name them.
const (
	DrawUnits        = "units"        // the units to evaluate (单位抽样), once per campaign
	DrawRespondents  = "respondents"  // each drawn unit's respondents (受访者抽样)
	DrawInterviewees = "interviewees" // a symposium's interviewees (座谈对象抽样)
)

// DrawKindName is a draw kind in Chinese, as reports name it.
func DrawKindName(kind string) string {
	switch kind {
	case DrawUnits:
		return "单位抽样"
	case DrawRespondents:
		return "受访者抽样"
	case DrawInterviewees:
		return "座谈对象抽样"
	}
	return kind
}

// NonResponseReasons are the protocol's reasons (SAMPLING.md S3a) for
// which a drawn person may be replaced by the next in ticket order.
var NonResponseReasons = []string{"no_answer_3_attempts", "refused", "ineligible_left", "ineligible_duplicate", "ineligible_deceased", "other"}

// CallOutcome is the result of one attempt to reach a drawn person by
// phone (电话联系).
type CallOutcome string

const (
	CallAnswered    CallOutcome = "answered"     // 接通
	CallNoAnswer    CallOutcome = "no_answer"    // 无人接听
	CallBusy        CallOutcome = "busy"         // 占线或关机
	CallRefused     CallOutcome = "refused"      // 拒访
	CallWrongNumber CallOutcome = "wrong_number" // 号码错误
	CallNotMember   CallOutcome = "not_member"   // 非本单位人员
)

// CallOutcomes lists the outcomes in the order the call list offers them.
var CallOutcomes = []CallOutcome{CallAnswered, CallNoAnswer, CallBusy, CallRefused, CallWrongNumber, CallNotMember}

// Valid reports whether o is a known outcome.
func (o CallOutcome) Valid() bool {
	for _, x := range CallOutcomes {
		if x == o {
			return true
		}
	}
	return false
}

// CallAttempt is one recorded attempt to reach a drawn person.
type CallAttempt struct {
	DrawID   int64       `json:"draw_id"`
	PersonID string      `json:"person_id"`
	Outcome  CallOutcome `json:"outcome"`
	Day      Date        `json:"day"` // in Beijing
	Note     string      `json:"note,omitempty"`
	By       string      `json:"by"`
	At       time.Time   `json:"at"`
}

// NonResponseAfter applies the replacement protocol (SAMPLING.md S3a.5)
// to a person's attempts, oldest first: a refusal, or someone who turns
// out not to belong to the unit, is a non-response at once; a wrong
// number too (the roster's contact cannot reach them: reason "other");
// three unanswered attempts on at least two days are one. It returns the
// reason (and the text of "other"), or "" while the person may still be
// reached, or once they were.
func NonResponseAfter(attempts []CallAttempt) (reason, text string) {
	missed, days := 0, map[Date]bool{}
	for _, a := range attempts {
		switch a.Outcome {
		case CallAnswered:
			return "", ""
		case CallRefused:
			return "refused", ""
		case CallNotMember:
			return "ineligible_left", ""
		case CallWrongNumber:
			return "other", "号码错误，名单所列电话联系不上本人"
		case CallNoAnswer, CallBusy:
			missed++
			days[a.Day] = true
		}
	}
	if missed >= 3 && len(days) >= 2 {
		return "no_answer_3_attempts", ""
	}
	return "", ""
}
