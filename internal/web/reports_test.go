package web

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"pinggu"
	"pinggu/internal/results"
	"pinggu/internal/store"
)

// TestReportWorkflowOverHTTP: the group grades its county's checklist,
// opens the report (draft bullets), saves hostile text, cannot submit
// below the minimum without a justification, submits, cannot edit or
// submit again; the office returns it; the group resubmits; the office
// accepts; the Word file downloads and opens as a zip with the text
// escaped. An evaluator of another group, and a liaison, are refused.
func TestReportWorkflowOverHTTP(t *testing.T) {
	f := newFixture(t)
	cp := f.campaigns["published"]
	gl := f.units["321002"]
	base := fmt.Sprintf("/campaigns/%d/units/%d", cp.ID, gl.ID)

	// Checklist: a grade without a level is refused and nothing is stored.
	res, body := f.do("evaluator", "POST", base+"/checklist", url.Values{"object": {fmt.Sprint(gl.ID)}, "note.L1.1": {"只有证据"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择一个等次") {
		t.Fatalf("a note without a grade: %d", res.StatusCode)
	}
	res, _ = f.do("evaluator", "POST", base+"/checklist", url.Values{"object": {fmt.Sprint(gl.ID)}, "level.L1.1": {"0"}, "note.L1.1": {"学习记录 12 本 <b>"}, "level.L1.2": {"2"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("grading: %d", res.StatusCode)
	}
	_, body = f.do("evaluator", "GET", base+"/checklist", nil)
	if !strings.Contains(body, "学习记录 12 本 &lt;b&gt;") || !strings.Contains(body, ">2/") {
		t.Error("the checklist does not show the grades and completeness")
	}

	// The report page offers the draft bullets from the checklist note.
	_, body = f.do("evaluator", "GET", base+"/report", nil)
	if !strings.Contains(body, "学习记录 12 本") || !strings.Contains(body, `name="justification"`) {
		t.Fatalf("the report page lacks the draft or the justification field")
	}
	text := url.Values{"achievements": {"- 学习 <扎实> & 深入\n- 🙂"}, "problems": {"1. 问题\x01一"}, "causes": {strings.Repeat("长", 10000)}, "suggestions": {""}}
	res, body = f.do("evaluator", "POST", base+"/report", text)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "控制字符") {
		t.Fatalf("control characters: %d", res.StatusCode)
	}
	text.Set("problems", "1. 问题一")
	text.Set("action", "submit")
	res, body = f.do("evaluator", "POST", base+"/report", text)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "情况说明") {
		t.Fatalf("submit below the minimum without a justification: %d", res.StatusCode)
	}
	text.Set("justification", "广陵区尚未完成测评。")
	if res, _ = f.do("evaluator", "POST", base+"/report", text); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	if res, _ = f.do("evaluator", "POST", base+"/report", text); res.StatusCode != http.StatusConflict {
		t.Errorf("submitting twice: %d", res.StatusCode)
	}
	text.Set("action", "save")
	if res, _ = f.do("evaluator", "POST", base+"/report", text); res.StatusCode != http.StatusConflict {
		t.Errorf("editing a submitted report: %d", res.StatusCode)
	}
	if res, _ = f.do("evaluator", "POST", base+"/report/review", url.Values{"action": {"accept"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("the group accepting its own report: %d", res.StatusCode)
	}
	if res, body = f.do("admin", "POST", base+"/report/review", url.Values{"action": {"return"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "原因") {
		t.Errorf("returning without a reason: %d, the page does not ask for one", res.StatusCode)
	}
	if res, _ = f.do("admin", "POST", base+"/report/review", url.Values{"action": {"return"}, "reason": {"原因分析不够具体"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d", res.StatusCode)
	}
	text.Set("action", "submit")
	text.Set("causes", "认识不到位")
	if res, _ = f.do("evaluator", "POST", base+"/report", text); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("resubmit: %d", res.StatusCode)
	}
	if res, _ = f.do("admin", "POST", base+"/report/review", url.Values{"action": {"accept"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", res.StatusCode)
	}
	var rep *pinggu.Report
	f.db.View(ctx, func(tx *store.Tx) (err error) { rep, err = tx.Report(ctx, cp.ID, gl.ID); return })
	if rep.State != pinggu.ReportAccepted || rep.Version != 2 {
		t.Errorf("report %s v%d", rep.State, rep.Version)
	}

	// Downloads: Word (a zip with the text escaped), the print view.
	res, body = f.do("evaluator", "GET", base+"/report/docx", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("docx: %d", res.StatusCode)
	}
	z, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range z.File {
		if zf.Name == "word/document.xml" {
			r, _ := zf.Open()
			var b bytes.Buffer
			b.ReadFrom(r)
			if !strings.Contains(b.String(), "学习 &lt;扎实&gt; &amp; 深入") || !strings.Contains(b.String(), "尚无回收的测评表") || !strings.Contains(b.String(), "广陵区尚未完成测评。") {
				t.Error("the document lacks the group's text, the no-data statement or the justification")
			}
		}
	}
	res, body = f.do("viewer", "GET", base+"/report/html", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "@page") || strings.Contains(body, "<script") || !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'self'") {
		t.Errorf("print view: %d", res.StatusCode)
	}

	// Another group's evaluator, and a liaison, by web and API.
	other := &pinggu.User{Login: "other", Name: "第二组", Role: pinggu.RoleEvaluator, PasswordHash: hashed}
	err = f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, other); err != nil {
			return err
		}
		return tx.CreateGroup(ctx, &pinggu.Group{CampaignID: cp.ID, Name: "第二评估组", LeaderID: other.ID, Units: []int64{f.units["321003"].ID}})
	})
	if err != nil {
		t.Fatal(err)
	}
	f.users["other"] = other
	for _, p := range []string{"/report", "/report/docx", "/checklist"} {
		if res, _ := f.do("other", "GET", base+p, nil); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
			t.Errorf("another group's evaluator GET %s: %d", p, res.StatusCode)
		}
	}
	if res, _ := f.do("other", "POST", base+"/report", text); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
		t.Errorf("another group's evaluator POST: %d", res.StatusCode)
	}
	_, body = f.do("other", "GET", fmt.Sprintf("/api/v1/campaigns/%d/results", cp.ID), nil)
	if strings.Contains(body, "广陵区") || !strings.Contains(body, "邗江区") {
		t.Errorf("another group's evaluator sees %s", body)
	}
	for _, p := range []string{fmt.Sprintf("/campaigns/%d/results", cp.ID), fmt.Sprintf("/api/v1/campaigns/%d/results", cp.ID), base + "/report", base + "/report/xlsx", fmt.Sprintf("/campaigns/%d/summary/docx", cp.ID)} {
		if res, _ := f.do("liaison", "GET", p, nil); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
			t.Errorf("liaison GET %s: %d", p, res.StatusCode)
		}
	}
	if res, _ := f.do("evaluator", "GET", fmt.Sprintf("/campaigns/%d/summary/docx", cp.ID), nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("an evaluator downloading the city summary: %d", res.StatusCode)
	}
	if res, _ := f.do("viewer", "GET", fmt.Sprintf("/campaigns/%d/summary/xlsx", cp.ID), nil); res.StatusCode != http.StatusOK {
		t.Errorf("the viewer's data book: %d", res.StatusCode)
	}
}

// TestCommentsOnTheReportPage: the group reads the comments of objects
// whose results are shown, and none of an object whose results are hidden
// (S5): not of the one with 3 responses, nor of the siblings that would
// give it away beside the county's figure.
func TestCommentsOnTheReportPage(t *testing.T) {
	f := newFixture(t)
	cp := f.campaigns["published"]
	var rs []pinggu.Response
	// The township's 3 responses hide it and a sibling (the county's own
	// 10); the branch, alone in its framework, stays shown.
	counts := map[string]int{"321002": 10, "321002001": 3, "branch-321002001": 30}
	for code, n := range counts {
		for i := range n {
			rs = append(rs, pinggu.Response{CampaignID: cp.ID, UnitID: f.units[code].ID, Channel: "online", Day: "2026-12-10",
				Answers: map[string]int{"L1.1": i % 4}, Overall: (i * 7) % 4, Comment: fmt.Sprintf("来自%s的意见 %d <b>", code, i)})
		}
	}
	if err := f.db.Update(ctx, store.Actor{Login: "t"}, func(tx *store.Tx) error { return tx.LoadResponses(ctx, rs) }); err != nil {
		t.Fatal(err)
	}
	var city *results.City
	f.db.View(ctx, func(tx *store.Tx) error {
		in, err := results.Load(ctx, tx, cp)
		city = results.Compute(in)
		return err
	})
	_, body := f.do("evaluator", "GET", fmt.Sprintf("/campaigns/%d/units/%d/report", cp.ID, f.units["321002"].ID), nil)
	shown := 0
	for _, o := range city.Area(f.units["321002"].ID).Objects {
		code := o.Unit.Code
		if code == "" {
			code = "branch-321002001"
		}
		got := strings.Count(body, "来自"+code+"的意见")
		if o.Overall.Shown() {
			shown++
			if got != counts[code] || !strings.Contains(body, "&lt;b&gt;") {
				t.Errorf("%s is shown: %d of its %d comments on the page, escaped: %v", code, got, counts[code], strings.Contains(body, "&lt;b&gt;"))
			}
		} else if got != 0 {
			t.Errorf("%d comments of %s, whose results are hidden, are shown", got, code)
		}
	}
	t.Logf("%d of 3 objects shown", shown)
	if small := city.Area(f.units["321002"].ID).Objects; len(small) != 3 || shown == 0 || shown == 3 {
		t.Errorf("%d objects, %d shown: the one with 3 responses must be hidden, another shown", len(small), shown)
	}
}
