package pinggu_test

import (
	"strings"
	"testing"
	"time"

	"pinggu"
)

func TestParseUnitKind(t *testing.T) {
	for in, want := range map[string]pinggu.UnitKind{
		"city": pinggu.KindCity, "County": pinggu.KindCounty, " 乡镇街道 ": pinggu.KindTownship,
		"县直单位": pinggu.KindCountyDept, "市直单位": pinggu.KindMunicipalUnit, "参照单位": pinggu.KindReferenceUnit,
		"党支部": pinggu.KindBranch, "branch": pinggu.KindBranch,
	} {
		if got, ok := pinggu.ParseUnitKind(in); !ok || got != want {
			t.Errorf("ParseUnitKind(%q) = %q, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "街道", "town", "党委"} {
		if _, ok := pinggu.ParseUnitKind(bad); ok {
			t.Errorf("ParseUnitKind(%q) accepted", bad)
		}
	}
}

func TestKindParentRules(t *testing.T) {
	cases := []struct {
		child, parent pinggu.UnitKind
		ok            bool
	}{
		{pinggu.KindCity, "", true},
		{pinggu.KindCounty, "", false},
		{pinggu.KindCounty, pinggu.KindCity, true},
		{pinggu.KindTownship, pinggu.KindCounty, true},
		{pinggu.KindTownship, pinggu.KindCity, false},
		{pinggu.KindCountyDept, pinggu.KindCounty, true},
		{pinggu.KindMunicipalUnit, pinggu.KindCity, true},
		{pinggu.KindMunicipalUnit, pinggu.KindCounty, false},
		{pinggu.KindReferenceUnit, pinggu.KindReferenceUnit, true},
		{pinggu.KindBranch, pinggu.KindTownship, true},
		{pinggu.KindBranch, pinggu.KindBranch, false},
		{pinggu.KindBranch, "", false},
	}
	for _, c := range cases {
		if got := pinggu.AllowedParent(c.child, c.parent); got != c.ok {
			t.Errorf("AllowedParent(%s, %q) = %v", c.child, c.parent, got)
		}
	}
}

func TestUnitValidate(t *testing.T) {
	keys := func(u pinggu.Unit) string {
		var ks []string
		for _, p := range u.Validate() {
			ks = append(ks, p.Column+":"+p.Key)
		}
		return strings.Join(ks, ",")
	}
	cases := []struct {
		u    pinggu.Unit
		want string
	}{
		{pinggu.Unit{Code: "321002", Name: "广陵区", Kind: pinggu.KindCounty}, ""},
		{pinggu.Unit{Name: "第一党支部", Kind: pinggu.KindBranch}, ""},
		{pinggu.Unit{Name: "某局", Kind: pinggu.KindCountyDept}, "code:unit.code_required"},
		{pinggu.Unit{Code: "32100", Name: "x", Kind: pinggu.KindCounty}, "code:unit.code_county_digits"},
		{pinggu.Unit{Code: "32100200", Name: "x", Kind: pinggu.KindTownship}, "code:unit.code_township_digits"},
		{pinggu.Unit{Code: "a|b", Name: "x", Kind: pinggu.KindCountyDept}, "code:unit.code_format"},
		{pinggu.Unit{Code: "D1", Name: " ", Kind: pinggu.KindCountyDept}, "name:field.required"},
		{pinggu.Unit{Code: "D1", Name: " 前后空格", Kind: pinggu.KindCountyDept}, "name:field.spaces"},
		{pinggu.Unit{Code: "D1", Name: "a\tb", Kind: pinggu.KindCountyDept}, "name:field.control_char"},
		{pinggu.Unit{Code: "D1", Name: strings.Repeat("长", 101), Kind: pinggu.KindCountyDept}, "name:field.too_long"},
		{pinggu.Unit{Code: "D1", Name: "x", Kind: pinggu.KindCountyDept, Headcount: -1}, "headcount:unit.headcount_negative"},
		{pinggu.Unit{Code: "D1", Name: "x", Kind: pinggu.KindCountyDept, LiaisonPhone: "1234"}, "liaison_phone:unit.phone_format"},
		{pinggu.Unit{Code: "D1", Name: "x", Kind: pinggu.KindCountyDept, LiaisonPhone: "0514-87654321"}, ""},
		{pinggu.Unit{Code: "D1", Name: "x", Kind: "bureau"}, "kind:unit.kind_unknown"},
	}
	for _, c := range cases {
		if got := keys(c.u); got != c.want {
			t.Errorf("%+v: %q, want %q", c.u, got, c.want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{"13812345678": "138****5678", "0514-87654321": "051******4321", "123": "***"} {
		if got := pinggu.MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	p := pinggu.DefaultPasswordPolicy
	for pw, want := range map[string]string{
		"short":                 "password.too_short",
		"Password123":           "password.common",
		"woaini1314!":           "password.common",
		"xx-admin-yy-zz":        "password.contains_login",
		"Yangzhou-Slender-West": "",
		"扬州瘦西湖二十四桥明月夜":          "",
	} {
		err := p.Check("admin", pw)
		got := ""
		if err != nil {
			got = err.Problems[0].Key
		}
		if got != want {
			t.Errorf("Check(%q) = %q, want %q", pw, got, want)
		}
	}
}

func TestAuthorize(t *testing.T) {
	city := pinggu.UnitPath{Unit: pinggu.Unit{ID: 1}}
	county := pinggu.UnitPath{Unit: pinggu.Unit{ID: 2}, Ancestors: []int64{1}}
	branch := pinggu.UnitPath{Unit: pinggu.Unit{ID: 5}, Ancestors: []int64{3, 2, 1}}
	other := pinggu.UnitPath{Unit: pinggu.Unit{ID: 9}, Ancestors: []int64{8, 1}}
	admin := &pinggu.User{Role: pinggu.RoleAdmin}
	viewer := &pinggu.User{Role: pinggu.RoleViewer}
	eval := &pinggu.User{Role: pinggu.RoleEvaluator, Scope: []int64{2}}
	liaison := &pinggu.User{Role: pinggu.RoleLiaison, Scope: []int64{3}}
	disabled := &pinggu.User{Role: pinggu.RoleAdmin, Disabled: true}
	cases := []struct {
		u    *pinggu.User
		p    pinggu.Permission
		t    *pinggu.UnitPath
		want pinggu.ErrorCode
	}{
		{nil, pinggu.PermPublic, nil, ""},
		{nil, pinggu.PermSelf, nil, pinggu.EUnauthorized},
		{disabled, pinggu.PermSelf, nil, pinggu.EUnauthorized},
		{admin, pinggu.PermRegistryEdit, &branch, ""},
		{viewer, pinggu.PermRegistryView, &other, ""},
		{viewer, pinggu.PermRegistryEdit, &branch, pinggu.EForbidden},
		{eval, pinggu.PermRegistryView, &county, ""},
		{eval, pinggu.PermRegistryView, &branch, ""},
		{eval, pinggu.PermRegistryView, &city, pinggu.EForbidden},
		{eval, pinggu.PermRegistryView, &other, pinggu.EForbidden},
		{eval, pinggu.PermRegistryEdit, &county, pinggu.EForbidden},
		{liaison, pinggu.PermRegistryView, &branch, ""},
		{liaison, pinggu.PermRegistryView, &county, pinggu.EForbidden},
		{liaison, pinggu.PermUsersManage, nil, pinggu.EForbidden},
		{admin, pinggu.PermAuditView, nil, ""},
	}
	for i, c := range cases {
		if got := pinggu.ErrorCodeOf(pinggu.Authorize(c.u, c.p, c.t)); got != c.want {
			t.Errorf("case %d: %s on %v = %q, want %q", i, c.p, c.t, got, c.want)
		}
	}
}

func TestUserValidateScope(t *testing.T) {
	kinds := map[int64]pinggu.UnitKind{1: pinggu.KindCity, 2: pinggu.KindCounty, 3: pinggu.KindTownship, 4: pinggu.KindMunicipalUnit}
	cases := []struct {
		u    pinggu.User
		want string
	}{
		{pinggu.User{Login: "pg1", Name: "评估组", Role: pinggu.RoleEvaluator}, ""},
		{pinggu.User{Login: "ll", Name: "联络员", Role: pinggu.RoleLiaison, Scope: []int64{3}}, "user.login_format"},
		{pinggu.User{Login: "lianluo", Name: "联络员", Role: pinggu.RoleLiaison, Scope: []int64{3, 4}}, "user.liaison_one_unit"},
		{pinggu.User{Login: "lianluo", Name: "联络员", Role: pinggu.RoleLiaison, Scope: []int64{1}}, "user.liaison_unit_kind"},
		{pinggu.User{Login: "boss", Name: "领导", Role: pinggu.RoleViewer, Scope: []int64{2}}, "user.scope_not_allowed"},
		{pinggu.User{Login: "boss", Name: "领导", Role: "king"}, "user.role_unknown"},
	}
	for _, c := range cases {
		got := ""
		if ps := c.u.Validate(kinds); len(ps) > 0 {
			got = ps[0].Key
		}
		if got != c.want {
			t.Errorf("%s/%s: %q, want %q", c.u.Login, c.u.Role, got, c.want)
		}
	}
}

func TestVerifyAuditChain(t *testing.T) {
	var chain []pinggu.AuditEntry
	prev := pinggu.GenesisHash
	for i := int64(1); i <= 4; i++ {
		e := pinggu.AuditEntry{Seq: i, At: time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC), Actor: "a", Action: "x", PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		chain = append(chain, e)
	}
	if b := pinggu.VerifyAuditChain(chain); b != nil {
		t.Fatalf("intact chain broken at %+v", b)
	}
	edited := append([]pinggu.AuditEntry(nil), chain...)
	edited[2].Actor = "b"
	if b := pinggu.VerifyAuditChain(edited); b == nil || b.Seq != 3 || b.Reason != "edited" {
		t.Errorf("edited: %+v", b)
	}
	dropped := append(append([]pinggu.AuditEntry(nil), chain[:1]...), chain[2:]...)
	if b := pinggu.VerifyAuditChain(dropped); b == nil || b.Seq != 3 || b.Reason != "deleted" {
		t.Errorf("deleted: %+v", b)
	}
}

// TestNonResponseAfter: the S3a.5 rule on call attempts.
func TestNonResponseAfter(t *testing.T) {
	a := func(o pinggu.CallOutcome, day string) pinggu.CallAttempt {
		return pinggu.CallAttempt{Outcome: o, Day: pinggu.Date(day)}
	}
	for _, c := range []struct {
		attempts []pinggu.CallAttempt
		want     string
	}{
		{nil, ""},
		{[]pinggu.CallAttempt{a(pinggu.CallNoAnswer, "2026-12-01"), a(pinggu.CallBusy, "2026-12-01"), a(pinggu.CallNoAnswer, "2026-12-01")}, ""}, // one day only
		{[]pinggu.CallAttempt{a(pinggu.CallNoAnswer, "2026-12-01"), a(pinggu.CallNoAnswer, "2026-12-02")}, ""},                                   // two attempts
		{[]pinggu.CallAttempt{a(pinggu.CallNoAnswer, "2026-12-01"), a(pinggu.CallBusy, "2026-12-01"), a(pinggu.CallNoAnswer, "2026-12-02")}, "no_answer_3_attempts"},
		{[]pinggu.CallAttempt{a(pinggu.CallNoAnswer, "2026-12-01"), a(pinggu.CallAnswered, "2026-12-02"), a(pinggu.CallNoAnswer, "2026-12-03")}, ""}, // reached
		{[]pinggu.CallAttempt{a(pinggu.CallRefused, "2026-12-01")}, "refused"},
		{[]pinggu.CallAttempt{a(pinggu.CallNotMember, "2026-12-01")}, "ineligible_left"},
		{[]pinggu.CallAttempt{a(pinggu.CallWrongNumber, "2026-12-01")}, "other"},
	} {
		if got, _ := pinggu.NonResponseAfter(c.attempts); got != c.want {
			t.Errorf("%v: %q, want %q", c.attempts, got, c.want)
		}
	}
}

// TestSelfCheckStateAt: the deadline ends with its day in Beijing, and a
// returned version is not handed in.
func TestSelfCheckStateAt(t *testing.T) {
	s := pinggu.Settings{Deadlines: map[pinggu.Stage]pinggu.Date{pinggu.StageSelfReport: "2026-12-05"}}
	before := time.Date(2026, 12, 5, 15, 59, 0, 0, time.UTC) // 23:59 in Beijing
	after := time.Date(2026, 12, 5, 16, 1, 0, 0, time.UTC)
	if got := pinggu.SelfCheckStateAt(nil, s, before); got != pinggu.SelfCheckMissing {
		t.Errorf("before: %s", got)
	}
	if got := pinggu.SelfCheckStateAt(nil, s, after); got != pinggu.SelfCheckOverdue {
		t.Errorf("after: %s", got)
	}
	returned := &pinggu.SelfCheck{Decision: pinggu.SelfCheckReturn}
	if st := pinggu.SelfCheckStateAt(returned, s, after); st != pinggu.SelfCheckReturned || st.HandedIn() {
		t.Errorf("returned: %s handed in %v", st, st.HandedIn())
	}
	if w := (&pinggu.SelfCheck{Sections: map[string]string{"L2": " b ", "L1": "a"}}).Written(); w != "L1\na\n\nL2\nb\n\n" {
		t.Errorf("written %q", w)
	}
}
