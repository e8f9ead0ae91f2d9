package web

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pinggu"
	"pinggu/internal/store"
)

// postFiles posts a multipart form with files (field → name → bytes).
func (f *fixture) postFiles(login, target string, fields map[string]string, files map[string]map[string][]byte) (*http.Response, string) {
	f.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for field, byName := range files {
		for name, data := range byName {
			w, _ := mw.CreateFormFile(field, name)
			w.Write(data)
		}
	}
	mw.Close()
	r := httptest.NewRequest("POST", target, &b)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.AddCookie(f.session(login))
	return f.send(r)
}

// selfCheckDocx is a Word file with its author in core.xml.
func selfCheckDocx() []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for name, body := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml":   `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>广陵区主题教育自查报告</w:t></w:r></w:p></w:body></w:document>`,
		"docProps/core.xml":   `<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>起草人王五</dc:creator></cp:coreProperties>`,
	} {
		w, _ := z.Create(name)
		w.Write([]byte(body))
	}
	z.Close()
	return b.Bytes()
}

// TestSelfCheckFlow: the county's liaison submits a file; a renamed text
// file is refused with what it is and changes nothing; the group returns
// it with a reason the liaison then reads; the liaison writes a second
// version; the group accepts it. The file comes back as an attachment
// without its author. Another unit's liaison sees none of it.
func TestSelfCheckFlow(t *testing.T) {
	f := newFixture(t)
	county := f.units["321002"]
	f.db.Update(ctx, store.Actor{Login: "cli:test"}, func(tx *store.Tx) error {
		for _, u := range []*pinggu.User{
			{Login: "guangling", Name: "广陵区联络员", Role: pinggu.RoleLiaison, Scope: []int64{county.ID}, PasswordHash: hashed},
			{Login: "hanjiang", Name: "邗江区联络员", Role: pinggu.RoleLiaison, Scope: []int64{f.units["321003"].ID}, PasswordHash: hashed},
		} {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			f.users[u.Login] = u
		}
		return nil
	})
	cp := f.campaigns["published"]
	page := fmt.Sprintf("/campaigns/%d/units/%d/selfcheck", cp.ID, county.ID)

	res, body := f.do("guangling", "GET", "/", nil)
	if res.StatusCode != 200 || !strings.Contains(body, `href="`+page+`"`) || !strings.Contains(body, "广陵区的自查报告") {
		t.Fatalf("the liaison's home page has no task: %d %.3000s", res.StatusCode, body)
	}
	res, body = f.do("guangling", "GET", page, nil)
	if res.StatusCode != 200 || !strings.Contains(body, "提交自查报告") {
		t.Fatalf("liaison's page: %d %.300s", res.StatusCode, body)
	}
	res, body = f.postFiles("guangling", page, nil, map[string]map[string][]byte{"file": {"自查报告.docx": []byte("其实是文本")}})
	if res.StatusCode != 422 || !strings.Contains(body, "无法识别文件类型") || !strings.Contains(body, "自查报告.docx") {
		t.Fatalf("renamed text: %d %s", res.StatusCode, regexp.MustCompile(`(?s)role="alert".*?</section>`).FindString(body))
	}
	res, _ = f.postFiles("guangling", page, nil, map[string]map[string][]byte{"file": {"广陵区自查报告.docx": selfCheckDocx()}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	// The deadline board counts 广陵区's self-assessment as handed in, and
	// only 广陵区's.
	_, board := f.do("admin", "GET", fmt.Sprintf("/campaigns/%d/deadlines", cp.ID), nil)
	rows := regexp.MustCompile(`(?s)<tr><td>([^<]*) <span class="tag">.*?</tr>`).FindAllStringSubmatch(board, -1)
	done := map[string]bool{}
	for _, row := range rows {
		done[row[1]] = strings.Contains(strings.SplitN(row[0], "</td>", 4)[2], "due done")
	}
	if !done["广陵区"] || done["邗江区"] {
		t.Errorf("deadline board, self-assessment done: %v", done)
	}
	var versions []pinggu.SelfCheck
	f.db.View(ctx, func(tx *store.Tx) (err error) { versions, err = tx.SelfChecks(ctx, cp.ID, county.ID); return })
	if len(versions) != 1 || versions[0].File == nil {
		t.Fatalf("versions %+v", versions)
	}
	file := fmt.Sprintf("%s/files/%s", page, versions[0].File.ID)
	res, body = f.do("guangling", "GET", file, nil)
	if res.StatusCode != 200 || res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("download: %d %v", res.StatusCode, res.Header)
	}
	z, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range z.File {
		r, _ := zf.Open()
		var b bytes.Buffer
		b.ReadFrom(r)
		if strings.Contains(b.String(), "王五") {
			t.Errorf("%s still names the author", zf.Name)
		}
	}
	// Out of bounds: the other county's liaison, the township liaison
	// (its county is not its scope), and the file under another unit.
	for _, try := range []struct{ login, path string }{{"hanjiang", page}, {"hanjiang", file}, {"liaison", page},
		{"guangling", fmt.Sprintf("/campaigns/%d/units/%d/selfcheck/files/%s", cp.ID, f.units["321003"].ID, versions[0].File.ID)}} {
		if res, _ := f.do(try.login, "GET", try.path, nil); res.StatusCode != 403 && res.StatusCode != 404 {
			t.Errorf("%s %s: %d", try.login, try.path, res.StatusCode)
		}
	}
	// The group returns it; the liaison sees why and writes version 2.
	if res, _ := f.do("guangling", "POST", page+"/review", url.Values{"version": {"1"}, "decision": {"accepted"}}); res.StatusCode != 403 {
		t.Errorf("a liaison reviews: %d", res.StatusCode)
	}
	res, body = f.do("evaluator", "POST", page+"/review", url.Values{"version": {"1"}, "decision": {"returned"}})
	if res.StatusCode != 422 || !strings.Contains(body, "退回重写时必须写明理由") {
		t.Errorf("return without reason: %d", res.StatusCode)
	}
	f.do("evaluator", "POST", page+"/review", url.Values{"version": {"1"}, "decision": {"returned"}, "reason": {"问题查摆不深，请补充整改措施"}, "quality": {"走过场"}})
	_, body = f.do("guangling", "GET", page, nil)
	if !strings.Contains(body, "退回重写") || !strings.Contains(body, "问题查摆不深，请补充整改措施") || !strings.Contains(body, "提交新版本") {
		t.Errorf("the liaison does not see the return: %.500s", body)
	}
	res, _ = f.postFiles("guangling", page, map[string]string{"section.L1": "一、学习教育：……"}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second version: %d", res.StatusCode)
	}
	if res, _ := f.do("evaluator", "POST", page+"/review", url.Values{"version": {"2"}, "decision": {"accepted"}, "quality": {"问题具体"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", res.StatusCode)
	}
	res, body = f.do("admin", "GET", fmt.Sprintf("/campaigns/%d/selfchecks", cp.ID), nil)
	if res.StatusCode != 200 || !regexp.MustCompile(`广陵区</a>[^<]*<span class="tag">[^<]*</span></td>\s*<td><span class="state s-accepted">`).MatchString(body) {
		t.Errorf("overview: %d %.2000s", res.StatusCode, body)
	}
	// Search reads the Word file's text and what was written.
	for q, want := range map[string]bool{"学习教育": true, "主题教育自查报告": false, "不存在的词": false} {
		_, body = f.do("admin", "GET", fmt.Sprintf("/campaigns/%d/selfchecks?q=%s", cp.ID, url.QueryEscape(q)), nil)
		if got := strings.Contains(body, "<mark>"+q+"</mark>"); got != want {
			t.Errorf("search %q: found %v", q, got)
		}
	}
	if _, body = f.do("hanjiang", "GET", fmt.Sprintf("/campaigns/%d/selfchecks", cp.ID), nil); strings.Contains(body, "广陵区") {
		t.Error("another county's liaison sees 广陵区 in the overview")
	}
}

// TestHearingFlow: the group records a symposium, a finding with a
// photo whose EXIF goes, and deletes a finding; a liaison is refused;
// bad input says where and stores nothing.
func TestHearingFlow(t *testing.T) {
	f := newFixture(t)
	county, town := f.units["321002"], f.units["321002001"]
	cp := f.campaigns["published"]
	list := fmt.Sprintf("/campaigns/%d/units/%d/hearings", cp.ID, county.ID)
	res, body := f.do("evaluator", "POST", list, url.Values{"kind": {"symposium"}, "held_on": {"2026-12-05"}, "place": {""}, "evaluators": {"张三"}, "count.党员": {"x"}})
	if res.StatusCode != 422 || !strings.Contains(body, "党员") {
		t.Fatalf("bad record: %d %.500s", res.StatusCode, body)
	}
	res, _ = f.do("evaluator", "POST", list, url.Values{"kind": {"symposium"}, "held_on": {"2026-12-05"}, "place": {"区委第一会议室"},
		"evaluators": {"张三、李四"}, "count.党员": {"6"}, "count.群众": {"4"}, "summary": {"与会同志普遍反映……"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	hearingPage := res.Header.Get("Location")
	var m image.Image = image.NewGray(image.Rect(0, 0, 8, 8))
	var jb bytes.Buffer
	jpeg.Encode(&jb, m, nil)
	exif := append([]byte{0xFF, 0xE1, 0, 20}, []byte("Exif\x00\x00GPS32.39N......")[:18]...)
	photo := append(append(append([]byte{}, jb.Bytes()[:2]...), exif...), jb.Bytes()[2:]...)
	res, body = f.postFiles("evaluator", hearingPage+"/findings", map[string]string{"object": fmt.Sprint(town.ID), "item": "L1.1", "nature": "problem", "text": "台账不细"},
		map[string]map[string][]byte{"evidence": {"现场.jpg": photo}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("finding: %d %s", res.StatusCode, regexp.MustCompile(`(?s)role="alert".*?</section>`).FindString(body))
	}
	res, body = f.postFiles("evaluator", hearingPage+"/findings", map[string]string{"object": fmt.Sprint(f.units["321003"].ID), "item": "ZZ", "nature": "good", "text": ""}, nil)
	if res.StatusCode != 422 || !strings.Contains(body, "所选评估对象不属于本单位") || !strings.Contains(body, "没有编号为 ZZ 的测评要点") {
		t.Errorf("bad finding: %d", res.StatusCode)
	}
	var h []pinggu.Hearing
	f.db.View(ctx, func(tx *store.Tx) (err error) { h, err = tx.Hearings(ctx, cp.ID, county.ID); return })
	if len(h) != 1 || h[0].People() != 10 || len(h[0].Findings) != 1 || len(h[0].Findings[0].Evidence) != 1 {
		t.Fatalf("stored %+v", h)
	}
	ev := h[0].Findings[0].Evidence[0]
	res, body = f.do("viewer", "GET", hearingPage+"/files/"+ev.ID, nil)
	if res.StatusCode != 200 || strings.Contains(body, "GPS") || res.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("evidence download: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, login := range []string{"liaison"} {
		if res, _ := f.do(login, "GET", hearingPage, nil); res.StatusCode != 403 && res.StatusCode != 404 {
			t.Errorf("%s reads a hearing: %d", login, res.StatusCode)
		}
	}
	// The group sees only its assignment: 邗江区 is another group's.
	other := fmt.Sprintf("/campaigns/%d/units/%d/hearings", cp.ID, f.units["321003"].ID)
	for _, try := range []struct{ method, path string }{{"GET", other}, {"POST", other}} {
		var form url.Values
		if try.method == "POST" {
			form = url.Values{"kind": {"symposium"}, "held_on": {"2026-12-05"}, "place": {"x"}, "evaluators": {"x"}, "count.党员": {"1"}}
		}
		if res, _ := f.do("evaluator", try.method, try.path, form); res.StatusCode != 403 && res.StatusCode != 404 {
			t.Errorf("evaluator %s %s: %d", try.method, try.path, res.StatusCode)
		}
	}
	if _, body := f.do("evaluator", "GET", fmt.Sprintf("/campaigns/%d/hearings", cp.ID), nil); strings.Contains(body, "邗江区") {
		t.Error("the evaluator's overview lists 邗江区")
	}
	res, body = f.do("admin", "GET", fmt.Sprintf("/campaigns/%d/hearings", cp.ID), nil)
	if res.StatusCode != 200 || !strings.Contains(body, "2026-12-05") {
		t.Errorf("overview: %d", res.StatusCode)
	}
	res, _ = f.do("evaluator", "POST", fmt.Sprintf("%s/findings/%d/delete", hearingPage, h[0].Findings[0].ID), url.Values{})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("delete: %d", res.StatusCode)
	}
}
