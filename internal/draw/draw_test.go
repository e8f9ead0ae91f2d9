package draw_test

import (
	"strings"
	"testing"

	"pinggu"
	"pinggu/internal/draw"
	"pinggu/internal/sampling"
)

func TestBuildFrames(t *testing.T) {
	u := func(id, parent int64, code, name string, kind pinggu.UnitKind, parentCode string) pinggu.Unit {
		return pinggu.Unit{ID: id, ParentID: parent, Code: code, Name: name, Kind: kind, ParentCode: parentCode}
	}
	units := []pinggu.Unit{
		u(1, 0, "3210", "扬州市", pinggu.KindCity, ""),
		u(2, 1, "321002", "广陵区", pinggu.KindCounty, "3210"),
		u(3, 2, "321002001", "东关街道", pinggu.KindTownship, "321002"),
		u(4, 2, "321002D01", "区委办", pinggu.KindCountyDept, "321002"),
		u(5, 3, "", "机关党支部", pinggu.KindBranch, "321002001"),
		u(6, 4, "", "机关党支部", pinggu.KindBranch, "321002D01"),
		u(7, 2, "", "区直属党支部", pinggu.KindBranch, "321002"),
		u(8, 1, "M001", "市委办公室", pinggu.KindMunicipalUnit, "3210"),
		u(9, 8, "", "机关党支部", pinggu.KindBranch, "M001"), // a municipal unit's branch belongs to no county
	}
	frames := draw.BuildFrames(units)
	got := map[string]string{}
	for _, f := range frames {
		rows, err := sampling.ParseFrame(f.CSV)
		if err != nil || sampling.Hash(f.CSV) != f.SHA256 || f.N != len(rows) {
			t.Fatalf("%s: %v", f.Stratum, err)
		}
		var ids []string
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
		got[f.Stratum] = strings.Join(ids, " ")
	}
	want := map[string]string{
		"321002/township":     "321002001",
		"321002/county_dept":  "321002D01",
		"321002/branch":       "321002/区直属党支部 321002001/机关党支部 321002D01/机关党支部",
		"3210/municipal_unit": "M001",
	}
	if len(got) != len(want) {
		t.Errorf("strata = %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if !strings.HasPrefix(string(frames[0].CSV), "id,name\n") {
		t.Error("frames are not canonical CSV")
	}
}
