package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pinggu"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestGoldenDocuments renders a county's report and the city summary of a
// fixed city as HTML and as DOCX (its document part) and compares them
// byte for byte with the files under testdata/golden: any change to what
// a report says or how it is laid out shows in review as a diff of those
// files. `go test ./internal/report -run Golden -update` rewrites them
// after a change that is meant.
func TestGoldenDocuments(t *testing.T) {
	city := fakeCity(t, 2, 1)
	meta := Meta{City: "扬州市", Group: "第一评估组", Date: "2026年12月31日", UnitDraw: "单位抽样“2026-units”，种子12345678901234567890",
		Hearings:       goldenHearings,
		SelfCheck:      &pinggu.SelfCheck{Version: 2, SubmittedAt: time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC), Decision: pinggu.SelfCheckAccept, Quality: "问题查摆具体"},
		SelfCheckState: pinggu.SelfCheckAccepted}
	docs := map[string]*Document{
		"county": Area(city, city.Areas[0], &pinggu.Report{Sections: map[string]string{"causes": "认识不到位。", "suggestions": "一、加强学习。\n二、狠抓落实。"}}, meta),
		"city":   CitySummary(city, meta),
	}
	for name, d := range docs {
		var html, docx bytes.Buffer
		if err := WriteHTML(&html, d); err != nil {
			t.Fatal(err)
		}
		if err := WriteDOCX(&docx, d); err != nil {
			t.Fatal(err)
		}
		golden(t, name+".html", html.Bytes())
		// A paragraph a line, so that a change reads as a diff.
		xml := strings.ReplaceAll(wellFormed(t, docx.Bytes())["word/document.xml"], "</w:p>", "</w:p>\n")
		golden(t, name+".document.xml", []byte(xml))
	}
}

// goldenHearings: a symposium of drawn people and a field inspection.
var goldenHearings = []pinggu.Hearing{
	{Kind: pinggu.HearingInspection, HeldOn: "2026-12-08", Inspected: "老旧小区改造项目\n便民服务中心公开承诺事项"},
	{Kind: pinggu.HearingSymposium, HeldOn: "2026-12-05", DrawID: 3, Participants: map[string]int{"党员": 6, "群众": 4, "两代表一委员": 2}},
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from its golden file (%d bytes, want %d); run with -update if the change is meant", name, len(got), len(want))
	}
}
