package pinggu

import (
	"regexp"
	"strings"
	"time"
)

// Roster categories (名单类别), as units write them.
var RosterCategories = []string{"党员", "群众", "两代表一委员", "服务对象", "工作对象", "其他"}

// CategoryMember is the category counted against a unit's headcount.
const CategoryMember = "党员"

var mobilePattern = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// Person is one row of a roster (名单) a unit supplies. ID is assigned by
// pinggu when the roster is frozen, "<unit code>-<4-digit row>", never by
// the unit.
type Person struct {
	ID       string `json:"id,omitempty"`
	Row      int    `json:"row"`
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Category string `json:"category"`
	Note     string `json:"note,omitempty"`
}

// Validate checks one person's fields; problems are located by field.
func (p *Person) Validate() []Problem {
	var ps []Problem
	add := func(field, key string, kv ...any) { ps = append(ps, NewProblem(p.Row, field, key, kv...)) }
	if k := checkText(p.Name, MaxPersonName, true); k != "" {
		add("name", k, "Max", MaxPersonName)
	}
	switch {
	case strings.TrimSpace(p.Phone) == "":
		add("phone", "field.required")
	case !mobilePattern.MatchString(p.Phone):
		add("phone", "roster.phone_format", "Value", p.Phone)
	}
	switch {
	case strings.TrimSpace(p.Category) == "":
		add("category", "field.required")
	case !validCategory(p.Category):
		add("category", "roster.category_unknown", "Value", p.Category, "Known", strings.Join(RosterCategories, "、"))
	}
	if k := checkText(p.Note, 200, false); k != "" {
		add("note", k, "Max", 200)
	}
	return ps
}

func validCategory(c string) bool {
	for _, x := range RosterCategories {
		if c == x {
			return true
		}
	}
	return false
}

// Roster states.
const (
	RosterDraft  = "draft"  // uploaded, may be replaced
	RosterFrozen = "frozen" // ids assigned, hashed; the respondent draw uses it
	RosterPurged = "purged" // personal data deleted after the campaign; ids and hash kept
)

// Roster is a unit's list of people for one campaign.
type Roster struct {
	CampaignID int64     `json:"campaign_id"`
	UnitID     int64     `json:"unit_id"`
	State      string    `json:"state"`
	People     []Person  `json:"people,omitempty"`
	Size       int       `json:"size"`
	Members    int       `json:"members"` // people in the Party-member category
	SHA256     string    `json:"sha256,omitempty"`
	Reason     string    `json:"reason,omitempty"` // why an incomplete roster was frozen anyway
	UploadedAt time.Time `json:"uploaded_at"`
	FrozenAt   time.Time `json:"frozen_at,omitzero"`
}

// DefaultMinShare is the share (in percent) of a unit's headcount that the
// Party members on its roster must reach, below which the roster is flagged
// and freezing it needs a recorded reason.
const DefaultMinShare = 80

// Complete reports whether members reach minShare percent of headcount,
// in integers: members·100 ≥ minShare·headcount. A unit without a known
// headcount cannot be checked and counts as complete.
func Complete(members, headcount, minShare int) bool {
	return headcount <= 0 || members*100 >= minShare*headcount
}
