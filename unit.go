package pinggu

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// UnitKind is the kind of a unit (单位类型) in the registry tree.
type UnitKind string

const (
	KindCity          UnitKind = "city"           // 市
	KindCounty        UnitKind = "county"         // 县市区
	KindTownship      UnitKind = "township"       // 乡镇街道
	KindCountyDept    UnitKind = "county_dept"    // 县直单位
	KindMunicipalUnit UnitKind = "municipal_unit" // 市直单位
	KindReferenceUnit UnitKind = "reference_unit" // 参照单位, e.g. 高校院系
	KindBranch        UnitKind = "branch"         // 党支部
)

// UnitKinds lists every kind in display order.
var UnitKinds = []UnitKind{KindCity, KindCounty, KindTownship, KindCountyDept,
	KindMunicipalUnit, KindReferenceUnit, KindBranch}

var kindChinese = map[UnitKind]string{
	KindCity:          "市",
	KindCounty:        "县市区",
	KindTownship:      "乡镇街道",
	KindCountyDept:    "县直单位",
	KindMunicipalUnit: "市直单位",
	KindReferenceUnit: "参照单位",
	KindBranch:        "党支部",
}

// Chinese is the kind's term as it appears in import files and reports.
func (k UnitKind) Chinese() string { return kindChinese[k] }

// Area reports whether units of kind k are report areas: a county (一县一报告)
// or a municipal unit (一单位一报告), each with its own evaluation group,
// self-assessment and hearings.
func (k UnitKind) Area() bool { return k == KindCounty || k == KindMunicipalUnit }

// Valid reports whether k is one of the known kinds.
func (k UnitKind) Valid() bool { _, ok := kindChinese[k]; return ok }

// ParseUnitKind accepts the English word or the Chinese term of a kind.
func ParseUnitKind(s string) (UnitKind, bool) {
	s = strings.TrimSpace(s)
	if k := UnitKind(strings.ToLower(s)); k.Valid() {
		return k, true
	}
	for k, zh := range kindChinese {
		if s == zh {
			return k, true
		}
	}
	return "", false
}

// parentKinds says under which kinds a unit of each kind may sit. A nil
// entry means "no parent": the city is the root.
var parentKinds = map[UnitKind][]UnitKind{
	KindCity:          nil,
	KindCounty:        {KindCity},
	KindTownship:      {KindCounty},
	KindCountyDept:    {KindCounty},
	KindMunicipalUnit: {KindCity},
	KindReferenceUnit: {KindCity, KindCounty, KindMunicipalUnit, KindReferenceUnit},
	KindBranch:        {KindCity, KindCounty, KindTownship, KindCountyDept, KindMunicipalUnit, KindReferenceUnit},
}

// ParentKinds returns the kinds a unit of kind k may have as its parent;
// empty for a root kind.
func ParentKinds(k UnitKind) []UnitKind { return parentKinds[k] }

// AllowedParent reports whether a unit of kind child may sit under a unit of
// kind parent; parent "" asks whether child may be a root.
func AllowedParent(child, parent UnitKind) bool {
	allowed := parentKinds[child]
	if parent == "" {
		return len(allowed) == 0
	}
	for _, p := range allowed {
		if p == parent {
			return true
		}
	}
	return false
}

// CodeOptional reports whether units of kind k may go without a code.
func CodeOptional(k UnitKind) bool { return k == KindBranch }

// Unit is one node of the registry (评估对象名录): the city, a county, a
// township, a department, a municipal unit, a reference unit or a Party
// branch. Names repeat across the tree, so a unit is identified by its ID
// inside pinggu and by its Code in files.
type Unit struct {
	ID           int64     `json:"id"`
	Code         string    `json:"code"`
	Name         string    `json:"name"`
	Kind         UnitKind  `json:"kind"`
	ParentID     int64     `json:"parent_id,omitempty"`
	ParentCode   string    `json:"parent_code,omitempty"`
	Headcount    int       `json:"headcount"`
	LiaisonName  string    `json:"liaison_name,omitempty"`
	LiaisonPhone string    `json:"liaison_phone,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// ElementID is the unit's id in a sampling frame and a draw record: its
// code, or for a branch without one, "<parent code>/<name>".
func (u Unit) ElementID() string {
	if u.Code != "" {
		return u.Code
	}
	return u.ParentCode + "/" + u.Name
}

const (
	MaxUnitName   = 100
	MaxUnitCode   = 32
	MaxPersonName = 50
)

var (
	codePattern  = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z_.-]*$`)
	digitsOnly   = regexp.MustCompile(`^[0-9]+$`)
	phonePattern = regexp.MustCompile(`^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$`)
)

// Field names used in problems about units; the import maps them to the
// header the user wrote.
const (
	FieldCode         = "code"
	FieldName         = "name"
	FieldKind         = "kind"
	FieldParentCode   = "parent_code"
	FieldHeadcount    = "headcount"
	FieldLiaisonName  = "liaison_name"
	FieldLiaisonPhone = "liaison_phone"
)

// Validate checks the unit's own fields (not its place in the tree) and
// returns every problem found, located by field.
func (u *Unit) Validate() []Problem {
	var ps []Problem
	add := func(field, key string, kv ...any) { ps = append(ps, NewProblem(0, field, key, kv...)) }
	if !u.Kind.Valid() {
		add(FieldKind, "unit.kind_unknown", "Value", string(u.Kind))
	}
	switch {
	case u.Code == "" && !CodeOptional(u.Kind) && u.Kind.Valid():
		add(FieldCode, "unit.code_required")
	case u.Code != "" && (len(u.Code) > MaxUnitCode || !codePattern.MatchString(u.Code)):
		add(FieldCode, "unit.code_format", "Value", u.Code)
	case u.Kind == KindCounty && digitsOnly.MatchString(u.Code) && len(u.Code) != 6:
		add(FieldCode, "unit.code_county_digits", "Value", u.Code)
	case u.Kind == KindTownship && digitsOnly.MatchString(u.Code) && len(u.Code) != 9:
		add(FieldCode, "unit.code_township_digits", "Value", u.Code)
	}
	if key := checkText(u.Name, MaxUnitName, true); key != "" {
		add(FieldName, key, "Max", MaxUnitName)
	}
	if u.Headcount < 0 {
		add(FieldHeadcount, "unit.headcount_negative", "Value", u.Headcount)
	}
	if key := checkText(u.LiaisonName, MaxPersonName, false); key != "" {
		add(FieldLiaisonName, key, "Max", MaxPersonName)
	}
	if u.LiaisonPhone != "" && !phonePattern.MatchString(u.LiaisonPhone) {
		add(FieldLiaisonPhone, "unit.phone_format", "Value", u.LiaisonPhone)
	}
	return ps
}

// checkText returns a message key when s is unusable as a one-line name.
func checkText(s string, max int, required bool) string {
	switch {
	case strings.TrimSpace(s) == "":
		if required {
			return "field.required"
		}
		return ""
	case !utf8.ValidString(s):
		return "field.bad_utf8"
	case utf8.RuneCountInString(s) > max:
		return "field.too_long"
	case s != strings.TrimSpace(s):
		return "field.spaces"
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "field.control_char"
		}
	}
	return ""
}

// ValidPhone reports whether s is a mainland mobile or landline number.
func ValidPhone(s string) bool { return phonePattern.MatchString(s) }

// MaskPhone hides the middle of a phone number: 138****5678.
func MaskPhone(s string) string {
	r := []rune(s)
	if len(r) < 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// UnitPath is a stored unit with the IDs of its ancestors, nearest first.
// Permission checks take it from the store, never from a request.
type UnitPath struct {
	Unit      Unit
	Ancestors []int64
}

// Contains reports whether the unit or one of its ancestors has id.
func (p UnitPath) Contains(id int64) bool {
	if p.Unit.ID == id {
		return true
	}
	for _, a := range p.Ancestors {
		if a == id {
			return true
		}
	}
	return false
}
