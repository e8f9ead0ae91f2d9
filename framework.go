package pinggu

import (
	"regexp"
	"strconv"
	"unicode/utf8"
)

// Audience says whose work a framework judges: leadership teams and leading
// cadres (领导班子和领导干部, also applied to townships, county departments and
// reference units, 参照执行), or grassroots Party branches (基层党支部).
type Audience string

const (
	AudienceLeadership Audience = "leadership"
	AudienceBranch     Audience = "branch"
)

// Valid reports whether a is a known audience.
func (a Audience) Valid() bool { return a == AudienceLeadership || a == AudienceBranch }

// AudienceOf returns the audience whose framework applies to an evaluated
// unit of kind k: a branch is judged as a branch, every other evaluated kind
// as a leadership team.
func AudienceOf(k UnitKind) Audience {
	if k == KindBranch {
		return AudienceBranch
	}
	return AudienceLeadership
}

// EvaluatedKinds are the kinds of unit whose leadership or branch is
// evaluated, in display order.
var EvaluatedKinds = []UnitKind{KindCounty, KindMunicipalUnit, KindTownship, KindCountyDept, KindReferenceUnit, KindBranch}

// Framework is an indicator framework (评估指标体系): dimensions of items,
// each item with the evaluator's wording and a respondent question. It is
// data: edited as a template, versioned on every save, and frozen into a
// campaign when the campaign is published.
type Framework struct {
	ID         int64       `json:"id,omitempty"`
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	Audience   Audience    `json:"audience"`
	Version    int         `json:"version"`
	Dimensions []Dimension `json:"dimensions"`
}

// Dimension is one heading of a framework (评估方面), such as 学习教育.
// Effect marks the dimension of the five effects (五个成效) that the seed
// makes the measure of results; respondents are asked about each.
type Dimension struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Effect  bool   `json:"effect,omitempty"`
	Retired bool   `json:"retired,omitempty"`
	Items   []Item `json:"items"`
}

// Item is one indicator (评估要点). Text is the evaluator's wording, taken
// from the work plan; Question is what a respondent reads and rates.
type Item struct {
	Code     string `json:"code"`
	Text     string `json:"text"`
	Question string `json:"question"`
	Retired  bool   `json:"retired,omitempty"`
}

var questionTail = regexp.MustCompile(`(的情况|得)?(怎么样|如何|好不好)?[？?]$`)

// ShortName is the item's name in tables and exports: its respondent
// question without the asking tail, or its evaluator wording cut to 40
// characters.
func (it Item) ShortName() string {
	if q := questionTail.ReplaceAllString(it.Question, ""); q != "" {
		return q
	}
	if utf8.RuneCountInString(it.Text) > 40 {
		return string([]rune(it.Text)[:40]) + "…"
	}
	return it.Text
}

// Limits on framework text.
const (
	MaxItemText      = 400
	MaxItemQuestion  = 80 // it must fit a phone screen in two or three lines
	MaxDimensionName = 30
)

var frameworkCode = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,31}$`)

// ActiveItems returns the items of active dimensions that are not retired.
func (f *Framework) ActiveItems() []Item {
	var out []Item
	for _, d := range f.Dimensions {
		if d.Retired {
			continue
		}
		for _, it := range d.Items {
			if !it.Retired {
				out = append(out, it)
			}
		}
	}
	return out
}

// Validate checks the framework and returns every problem, located by a
// field path such as "dimensions[2].items[0].question".
func (f *Framework) Validate() []Problem {
	var ps []Problem
	add := func(field, key string, kv ...any) { ps = append(ps, NewProblem(0, field, key, kv...)) }
	if !frameworkCode.MatchString(f.Code) {
		add("code", "framework.code_format", "Value", f.Code)
	}
	if k := checkText(f.Name, MaxUnitName, true); k != "" {
		add("name", k, "Max", MaxUnitName)
	}
	if !f.Audience.Valid() {
		add("audience", "framework.audience_unknown", "Value", string(f.Audience))
	}
	if len(f.Dimensions) == 0 {
		add("dimensions", "framework.no_dimensions")
	}
	seenDim, seenItem := map[string]bool{}, map[string]string{}
	for i, d := range f.Dimensions {
		at := func(s string) string { return fieldPath("dimensions", i, s) }
		if !frameworkCode.MatchString(d.Code) {
			add(at("code"), "framework.code_format", "Value", d.Code)
		} else if seenDim[d.Code] {
			add(at("code"), "framework.dimension_duplicate", "Code", d.Code)
		}
		seenDim[d.Code] = true
		if k := checkText(d.Name, MaxDimensionName, true); k != "" {
			add(at("name"), k, "Max", MaxDimensionName)
		}
		active := 0
		for j, it := range d.Items {
			iat := func(s string) string { return fieldPath("dimensions", i, fieldPath("items", j, s)) }
			if !frameworkCode.MatchString(it.Code) {
				add(iat("code"), "framework.code_format", "Value", it.Code)
			} else if other, dup := seenItem[it.Code]; dup {
				add(iat("code"), "framework.item_duplicate", "Code", it.Code, "Dimension", other)
			}
			seenItem[it.Code] = d.Name
			if k := checkText(it.Text, MaxItemText, true); k != "" {
				add(iat("text"), k, "Max", MaxItemText)
			}
			if k := checkText(it.Question, MaxItemQuestion, true); k != "" {
				add(iat("question"), k, "Max", MaxItemQuestion)
			}
			if !it.Retired {
				active++
			}
		}
		if active == 0 && !d.Retired {
			add(at("items"), "framework.dimension_empty", "Name", d.Name)
		}
	}
	if len(f.ActiveItems()) == 0 && len(f.Dimensions) > 0 {
		add("dimensions", "framework.no_items")
	}
	return ps
}

func fieldPath(list string, i int, rest string) string {
	return list + "[" + itoa(i) + "]." + rest
}

func itoa(i int) string { return strconv.Itoa(i) }
