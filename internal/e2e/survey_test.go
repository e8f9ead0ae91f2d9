package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"pinggu/internal/demo"
)

const wechatUA = "Mozilla/5.0 (Linux; Android 12; M2012K11AC Build/SKQ1.211006.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) " +
	"Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230202 MMWEBID/1234 MicroMessenger/8.0.33.2320(0x28002151) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"

// publishedCampaign makes, through the command line, a database holding
// the demo registry and a published campaign "C", in a fresh folder.
func publishedCampaign(t *testing.T) (dir, db string) {
	dir = t.TempDir()
	db = filepath.Join(dir, "p.db")
	reg, _ := demo.Registry()
	os.WriteFile(filepath.Join(dir, "u.csv"), reg, 0o644)
	bg := context.Background()
	run(t, bg, "", "import", "units", "--db", db, filepath.Join(dir, "u.csv"))
	run(t, bg, "", "campaign", "create", "--db", db, "--code", "C", "--name", "评估", "--deadline", "self_report=2026-12-05",
		"--deadline", "unit_draw=2026-12-08", "--deadline", "rosters=2026-12-12", "--deadline", "fieldwork=2026-12-25", "--deadline", "reports=2026-12-31")
	run(t, bg, "", "campaign", "publish", "--db", db, "--campaign", "C")
	return dir, db
}

// TestSurveyOnAPhone answers the survey as a Party member would in WeChat:
// a 360×740 screen, a WeChat user agent, JavaScript disabled.
func TestSurveyOnAPhone(t *testing.T) {
	dir, db := publishedCampaign(t)
	ctx0 := context.Background()
	out := filepath.Join(dir, "codes.csv")
	run(t, ctx0, "", "codes", "issue", "--db", db, "--campaign", "C", "--unit", "M001", "--n", "2", "--out", out)
	data, _ := os.ReadFile(out)
	code := strings.Split(strings.Split(string(data), "\n")[1], ",")[0]

	base := startServer(t, db)
	ctx := browser(t)
	s := shooter{t, ctx, screenshots(), false}
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: wechatUA}); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx, chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(base+"/s"), chromedp.WaitVisible(`input[name=code]`),
		chromedp.SendKeys(`input[name=code]`, strings.ToLower(code)), chromedp.Submit(`input[name=code]`),
		chromedp.WaitVisible(`fieldset.q`))
	if err != nil {
		t.Fatal(err)
	}
	s.shot("survey-1-form")
	// Submit with one answer only: every other question is marked.
	err = chromedp.Do(ctx, chromedp.Click(`input[name="L1.1"][value="0"]`), chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`.err`))
	if err != nil {
		t.Fatal(err)
	}
	s.shot("survey-2-missing")
	marked, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('fieldset.bad').length`))
	checked, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="L1.1"][value="0"]').checked`))
	if marked < 20 || !checked {
		t.Errorf("after a partial submit: %d questions marked, first answer kept %v", marked, checked)
	}
	// Answer everything by tapping (no script) and submit.
	names, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(new Set(Array.from(document.querySelectorAll('input[type=radio]')).map(e => e.name)))`))
	for _, n := range names {
		if err := chromedp.Do(ctx, chromedp.Click(`input[name="`+n+`"][value="1"]`)); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`.msg.done`)); err != nil {
		t.Fatal(err)
	}
	s.shot("survey-3-thanks")
	msg, _ := chromedp.Run(ctx, chromedp.Text(`.msg`))
	if !strings.Contains(msg, "提交成功") {
		t.Errorf("after submit: %q", msg)
	}
	width, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if width > 360 {
		t.Errorf("the survey scrolls sideways: %d px", width)
	}
	// Opening the code again: already received.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/s/"+code), chromedp.WaitVisible(`.msg`)); err != nil {
		t.Fatal(err)
	}
	msg, _ = chromedp.Run(ctx, chromedp.Text(`.msg`))
	if !strings.Contains(msg, "已收到") {
		t.Errorf("reopening a spent code: %q", msg)
	}
}
