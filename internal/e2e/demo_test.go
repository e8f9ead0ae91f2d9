package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"pinggu/internal/demo"
	"pinggu/internal/store"
)

// TestDemoPages signs in to the demo city as the admin, the evaluator and
// 广陵区's liaison, and opens every page in Chinese and English on a desktop and a
// 360 px phone: each renders, none scrolls sideways, none shows an error.
func TestDemoPages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := demo.Seed(context.Background(), db)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	base := startServer(t, path)
	pw := map[string]string{}
	for _, a := range accounts {
		pw[a.Login] = a.Password
	}
	pages := map[string][]string{
		"admin": {"/", "/units", "/units?q=东关", "/units/2", "/units/2/edit", "/units/new?parent=2&kind=township", "/import", "/users", "/users/2", "/users/new", "/account", "/audit",
			"/campaigns", "/campaigns/new", "/campaigns/1", "/campaigns/1/edit", "/campaigns/1/deadlines", "/campaigns/1/groups/1", "/campaigns/1/frameworks/1", "/campaigns/1/draws", "/campaigns/1/rosters", "/campaigns/1/progress", "/campaigns/1/ballots", "/campaigns/1/ballots/reconcile",
			"/campaigns/1/results", "/campaigns/1/units/9/report", "/campaigns/1/units/2/checklist",
			"/campaigns/1/selfchecks", "/campaigns/1/units/2/selfcheck", "/campaigns/1/hearings", "/campaigns/1/units/2/hearings", "/campaigns/1/units/2/hearings/1",
			"/frameworks", "/frameworks/1", "/frameworks/2/items/B1.1"},
		"pinggu1": {"/", "/units", "/account", "/campaigns", "/campaigns/1", "/campaigns/1/deadlines", "/campaigns/1/rosters", "/campaigns/1/results", "/campaigns/1/units/2/report", "/campaigns/1/units/2/checklist",
			"/campaigns/1/selfchecks", "/campaigns/1/units/2/selfcheck", "/campaigns/1/hearings", "/campaigns/1/units/2/hearings/2"},
	}
	pages["lianluo"] = []string{"/", "/campaigns/1/selfchecks", "/campaigns/1/units/2/selfcheck", "/campaigns/1/rosters", "/campaigns/1/deadlines"}
	for _, login := range []string{"admin", "pinggu1", "lianluo"} {
		ctx := browser(t)
		s := shooter{t, ctx, screenshots(), true}
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/login"),
			chromedp.SendKeys(`input[name=login]`, login),
			chromedp.SendKeys(`input[name=password]`, pw[login]),
			chromedp.Submit(`input[name=password]`),
			chromedp.WaitVisible(`.stats`),
		)
		if err != nil {
			t.Fatalf("%s login: %v", login, err)
		}
		for _, lang := range []string{"zh-CN", "en"} {
			if err := chromedp.Do(ctx, chromedp.Navigate(base+"/lang?to="+lang+"&next=/")); err != nil {
				t.Fatal(err)
			}
			for _, phone := range []bool{false, true} {
				w, h := int64(1280), int64(900)
				if phone {
					w, h = 360, 740
				}
				if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, h)); err != nil {
					t.Fatal(err)
				}
				list := pages[login]
				if login == "admin" && lang == "zh-CN" && !phone {
					// The printable draw records hold every element of every
					// stratum: looked at once, on a desktop.
					list = append(slices.Clone(list), "/campaigns/1/draws/1", "/campaigns/1/draws/2")
				}
				for i, p := range list {
					start := time.Now()
					if err := visit(ctx, base+p); err != nil {
						t.Fatalf("%s %s (%s): %v", login, p, lang, err)
					}
					text, _ := chromedp.Run(ctx, chromedp.Text(`main`))
					if strings.Contains(text, "无法完成操作") || strings.Contains(text, "That did not work") {
						t.Errorf("%s %s (%s): error page: %.200s", login, p, lang, text)
					}
					if lang == "en" && strings.Contains(text, "nav.") {
						t.Errorf("%s %s: untranslated key", login, p)
					}
					sw, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
					if sw > int(w)+1 {
						t.Errorf("%s %s (%s, %dpx): page is %d px wide", login, p, lang, w, sw)
					}
					kind := "desktop"
					if phone {
						kind = "phone"
					}
					if lang == "zh-CN" || i == 0 {
						s.shot(strings.Join([]string{"demo", login, lang, kind, slug(p)}, "-"))
					}
					if d := time.Since(start); d > 2*time.Second || os.Getenv("PINGGU_E2E_TRACE") != "" {
						t.Logf("%s %s (%s, %s) took %v", login, p, lang, kind, d)
					}
				}
			}
		}
	}
	settleDemoBallot(t, base, pw["admin"])
	fieldworkInBrowser(t, base, pw)
	reportInBrowser(t, base, pw)
}

// login opens a browser signed in as login.
func login(t *testing.T, base, login, password string) context.Context {
	ctx := browser(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(`input[name=login]`, login),
		chromedp.SendKeys(`input[name=password]`, password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`.stats`))
	if err != nil {
		t.Fatalf("%s login: %v", login, err)
	}
	return ctx
}

// reportInBrowser: on a phone, pinggu1 grades an item of 广陵区's
// checklist, then submits 广陵区's report with the justification its
// short sample needs; the office returns it with a reason.
func reportInBrowser(t *testing.T, base string, pw map[string]string) {
	ctx := login(t, base, "pinggu1", pw["pinggu1"])
	s := shooter{t, ctx, screenshots(), true}
	err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(base+"/campaigns/1/units/2/checklist"),
		chromedp.WaitVisible(`form#u2 select[name="level.L1.3"]`),
		chromedp.SetValue(`form#u2 select[name="level.L1.3"]`, "1"),
		chromedp.SendKeys(`form#u2 textarea[name="note.L1.3"]`, "抽查 3 名班子成员的学习笔记，内容较完整。"),
		chromedp.Click(`form#u2 button.primary`),
		chromedp.WaitVisible(`.flash.ok`))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := chromedp.Run(ctx, chromedp.Text(`main`))
	if !strings.Contains(text, "已保存广陵区的") || !strings.Contains(text, "6/335") {
		t.Errorf("after grading: %.300s", text)
	}
	s.shot("report-checklist-phone")
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/campaigns/1/units/2/report"),
		chromedp.WaitVisible(`#justification`),
		chromedp.SendKeys(`#justification`, "广陵区部分单位名单人数较少，受访者已全部参评。"),
		chromedp.Click(`#report-form button[value=submit]`),
		chromedp.WaitVisible(`.flash.ok`))
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := chromedp.Run(ctx, chromedp.Text(`h1`)); !strings.Contains(h, "已提交") {
		t.Errorf("after submitting: %q", h)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#report-form').length`)); n != 0 {
		t.Error("a submitted report still offers its form")
	}
	s.shot("report-submitted-phone")
	admin := login(t, base, "admin", pw["admin"])
	err = chromedp.Do(admin,
		chromedp.Navigate(base+"/campaigns/1/units/2/report"),
		chromedp.WaitVisible(`#review-form`),
		chromedp.SendKeys(`#reason`, "原因分析需结合检视问题清单展开。"),
		chromedp.Click(`#review-form button[value=return]`),
		chromedp.WaitVisible(`.flash.ok`))
	if err != nil {
		t.Fatal(err)
	}
	if text, _ := chromedp.Run(admin, chromedp.Text(`main`)); !strings.Contains(text, "退回修改") || !strings.Contains(text, "原因分析需结合检视问题清单展开。") {
		t.Errorf("after returning: %.300s", text)
	}
}

// settleDemoBallot logs in as admin, a third person to the demo's two
// clerks, and settles the paper ballot they keyed differently.
func settleDemoBallot(t *testing.T, base, password string) {
	ctx := browser(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(`input[name=login]`, "admin"),
		chromedp.SendKeys(`input[name=password]`, password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`.stats`),
		chromedp.Navigate(base+"/campaigns/1/ballots/reconcile"),
		chromedp.WaitVisible(`tr.differs`))
	if err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => { const rows = document.querySelectorAll('tr.differs'); rows.forEach(r => r.querySelector('input[type=radio]').checked = true); return rows.length })()`))
	if err != nil || n != 2 {
		t.Fatalf("%d differing items (%v), want 2", n, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`form.ballot button.primary`), chromedp.WaitVisible(`main p.empty`)); err != nil {
		t.Fatal(err)
	}
	text, _ := chromedp.Run(ctx, chromedp.Text(`main`))
	if !strings.Contains(text, "已按纸质表确认并计入结果") || !strings.Contains(text, "没有需要核对的测评表") {
		t.Errorf("after settling: %.300s", text)
	}
}

func slug(p string) string {
	r := strings.NewReplacer("/", "_", "?", "_", "=", "_", "&", "_")
	s := strings.Trim(r.Replace(p), "_")
	if s == "" {
		return "home"
	}
	return s
}

// visit navigates and waits for the page, giving each attempt 40 s and
// trying once more: headless Chromium now and then misses a load event on
// this shared machine, which is not what this test is about.
func visit(ctx context.Context, url string) error {
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		actx, cancel := context.WithTimeout(ctx, 40*time.Second)
		err = chromedp.Do(actx, chromedp.Navigate(url), chromedp.WaitVisible(`body > footer`))
		cancel()
		if err == nil || ctx.Err() != nil {
			return err
		}
	}
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	loc, lerr := chromedp.Run(dctx, chromedp.Location())
	html, herr := chromedp.Run(dctx, chromedp.Evaluate[string](`document.documentElement.outerHTML.slice(0, 3000)`))
	return fmt.Errorf("%w (at %s %v; %v %.3000s)", err, loc, lerr, herr, html)
}
