package pinggu

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
