package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pinggu/internal/demo"
	"pinggu/internal/store"
)

// TestDemoPages signs in to the demo city as the admin and as the
// evaluator, and opens every page in Chinese and English on a desktop and a
// 360 px phone: each renders, none scrolls sideways, none shows an error.
func TestDemoPages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	db, err := store.Open(context.Background(), path, nil)
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
			"/campaigns", "/campaigns/new", "/campaigns/1", "/campaigns/1/edit", "/campaigns/1/deadlines", "/campaigns/1/groups/1", "/campaigns/1/frameworks/1", "/campaigns/1/draws", "/campaigns/1/draws/1",
			"/frameworks", "/frameworks/1", "/frameworks/2/items/B1.1"},
		"pinggu1": {"/", "/units", "/account", "/campaigns", "/campaigns/1", "/campaigns/1/deadlines"},
	}
	for _, login := range []string{"admin", "pinggu1"} {
		ctx := browser(t)
		s := shooter{t, ctx, screenshots()}
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
				for i, p := range pages[login] {
					if err := chromedp.Do(ctx, chromedp.Navigate(base+p), chromedp.WaitVisible(`main`)); err != nil {
						t.Fatalf("%s %s: %v", login, p, err)
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
				}
			}
		}
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
