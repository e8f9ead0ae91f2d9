package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// fieldworkInBrowser is Fieldwork I as its three roles meet it.
//   - 市委组织部's liaison, on a 360 px phone: the home page says the
//     self-assessment was sent back and why; they write it again per
//     dimension and submit it.
//   - The first group's leader, on a desktop: accepts it with a note;
//     then, on the phone, records a phone survey of 广陵区 with a finding
//     and a photo taken there.
//   - The office, on a desktop: the overviews show the new states and
//     counts, and 广陵区's report says how the group heard opinions.
func fieldworkInBrowser(t *testing.T, base string, pw map[string]string) {
	liaison := login(t, base, "lianluo2", pw["lianluo2"])
	s := shooter{t, liaison, screenshots(), true}
	err := chromedp.Do(liaison, chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`#task-selfcheck`))
	if err != nil {
		t.Fatal(err)
	}
	task, _ := chromedp.Run(liaison, chromedp.Text(`#task-selfcheck`))
	if !strings.Contains(task, "退回重写") || !strings.Contains(task, "与去年自查报告内容高度雷同") {
		t.Errorf("the liaison's task: %q", task)
	}
	s.shot("fieldwork-liaison-home-phone")
	err = chromedp.Do(liaison,
		chromedp.Click(`#task-selfcheck a.button`),
		chromedp.WaitVisible(`#submit-form`),
		chromedp.Click(`#submit-form details summary`),
		chromedp.SetValue(`textarea[name="section.L3"]`, "对照年度目标逐项查摆，梳理出理论学习不够系统、调研成果转化不足等 5 个方面 12 条问题。"),
		chromedp.Click(`#submit-form button.primary`),
		chromedp.WaitVisible(`.flash.ok`))
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := chromedp.Run(liaison, chromedp.Text(`h1`)); !strings.Contains(h, "已提交待审核") {
		t.Errorf("after resubmitting: %q", h)
	}
	if sw, _ := chromedp.Run(liaison, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 361 {
		t.Errorf("the self-assessment page is %d px wide on a phone", sw)
	}
	s.shot("fieldwork-liaison-submitted-phone")
	page, _ := chromedp.Run(liaison, chromedp.Location())

	leader := login(t, base, "pinggu1", pw["pinggu1"])
	ls := shooter{t, leader, screenshots(), true}
	err = chromedp.Do(leader,
		chromedp.Navigate(page),
		chromedp.WaitVisible(`#review-form`),
		chromedp.SendKeys(`#review-form input[name=quality]`, "问题具体，整改措施明确"),
		chromedp.Click(`#review-form button[value=accepted]`),
		chromedp.WaitVisible(`.flash.ok`))
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := chromedp.Run(leader, chromedp.Text(`h1`)); !strings.Contains(h, "已通过") {
		t.Errorf("after accepting: %q", h)
	}
	ls.shot("fieldwork-leader-accepted-desktop")

	photo := filepath.Join(t.TempDir(), "现场.jpg")
	m := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		m.Set(x, x%48, color.RGBA{200, 30, 30, 255})
	}
	var jb bytes.Buffer
	jpeg.Encode(&jb, m, nil)
	os.WriteFile(photo, jb.Bytes(), 0o644)
	err = chromedp.Do(leader, chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(base+"/campaigns/1/units/2/hearings"),
		chromedp.WaitVisible(`#hearing-form`),
		chromedp.SetValue(`#hearing-form select[name=kind]`, "phone"),
		chromedp.SendKeys(`#hearing-form input[name=place]`, "电话"),
		chromedp.SendKeys(`#hearing-form input[name=evaluators]`, "周敏"),
		chromedp.SendKeys(`#hearing-form input[name="count.群众"]`, "6"),
		chromedp.SendKeys(`#hearing-form textarea[name=summary]`, "随机电话调查 6 人。"),
		chromedp.Click(`#hearing-form button.primary`),
		chromedp.WaitVisible(`#finding-form`),
		chromedp.SetValue(`#finding-form select[name=item]`, "L4.3"),
		chromedp.Click(`#finding-form input[value=problem]`),
		chromedp.SendKeys(`#finding-form textarea[name=text]`, "两位受访群众反映社区养老服务站开放时间短"),
		chromedp.SetUploadFiles(`#finding-form input[name=evidence]`, []string{photo}),
		chromedp.Click(`#finding-form button.primary`),
		// Not the flash: the record's own flash is still on the page
		// until the finding's answer replaces it.
		chromedp.WaitVisible(`#findings ul.findings li`))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := chromedp.Run(leader, chromedp.Text(`#findings`))
	if !strings.Contains(text, "两位受访群众反映社区养老服务站开放时间短") || !strings.Contains(text, "现场.jpg") {
		t.Errorf("the finding: %q", text)
	}
	if sw, _ := chromedp.Run(leader, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 361 {
		t.Errorf("the hearing page is %d px wide on a phone", sw)
	}
	ls.shot("fieldwork-leader-hearing-phone")

	office := login(t, base, "admin", pw["admin"])
	ofs := shooter{t, office, screenshots(), true}
	if err := visit(office, base+"/campaigns/1/selfchecks"); err != nil {
		t.Fatal(err)
	}
	counts, _ := chromedp.Run(office, chromedp.Text(`p.counts`))
	if !strings.Contains(counts, "已通过 5") || !strings.Contains(counts, "退回重写 1") || !strings.Contains(counts, "逾期未交 30") {
		t.Errorf("self-assessment counts: %q", counts)
	}
	ofs.shot("fieldwork-office-selfchecks-desktop")
	if err := visit(office, base+"/campaigns/1/hearings"); err != nil {
		t.Fatal(err)
	}
	// 广陵区: the demo's 21 people heard and the 6 of the phone survey.
	row, _ := chromedp.Run(office, chromedp.Text(`tbody tr:first-child`))
	if !strings.Contains(row, "广陵区") || !strings.Contains(row, "\t27\t") {
		t.Errorf("hearings overview, first row: %q", row)
	}
	ofs.shot("fieldwork-office-hearings-desktop")
	// The report's print view, as its page's frame shows it.
	if err := visit(office, base+"/campaigns/1/units/2/report"); err != nil {
		t.Fatal(err)
	}
	doc, err := chromedp.Run(office, chromedp.Evaluate[string](`new Promise(done => {
		const f = document.querySelector('iframe.report-preview');
		const read = () => done(f.contentDocument.body.innerText);
		if (f.contentDocument && f.contentDocument.readyState === 'complete' && f.contentDocument.body.innerText) read(); else f.addEventListener('load', read);
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc, "评估组采取座谈会1次、个别访谈1次、实地察看1次、电话调查2次等方式听取意见") || !strings.Contains(doc, "广陵区于") {
		t.Errorf("广陵区's report does not tell the hearings: %.600s", doc)
	}
}
