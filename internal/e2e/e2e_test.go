// Package e2e drives pinggu end to end: the real command line starts the
// real server, and headless Chromium uses it as a person would. Set
// PINGGU_SCREENSHOTS=DIR to keep the screenshots.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"pinggu/internal/cli"
)

const password = "Yangzhou-2026-pinggu"

// chromium finds the browser, or skips (fails under CI).
func chromium(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed: under CI the browser test must run")
	}
	t.Skip("chromium not installed")
	return ""
}

func run(t *testing.T, ctx context.Context, stdin string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "USER" {
			return "e2e"
		}
		return ""
	}
	if err := cli.Run(ctx, args, getenv, strings.NewReader(stdin), &out, &errb); err != nil {
		t.Fatalf("pinggu %v: %v\n%s%s", args, err, out.String(), errb.String())
	}
	return out.String()
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer runs 'pinggu serve' in-process until the test ends.
func startServer(t *testing.T, db string) string {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		var out, errb bytes.Buffer
		done <- cli.Run(ctx, []string{"serve", "--db", db, "--addr", addr}, func(string) string { return "" }, nil, &out, &errb)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve ended with %v", err)
		}
	})
	base := "http://" + addr
	for i := 0; i < 100; i++ {
		if res, err := http.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			return base
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server did not start")
	return ""
}

func browser(t *testing.T) context.Context {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	return ctx
}

type shooter struct {
	t   *testing.T
	ctx context.Context
	dir string
	// viewport: capture what the screen shows, not the whole page (the
	// printable draw records run to tens of thousands of pixels).
	viewport bool
}

func (s shooter) shot(name string) {
	if s.dir == "" {
		return
	}
	capture := chromedp.FullScreenshot(100)
	if s.viewport {
		capture = chromedp.CaptureScreenshot()
	}
	png, err := chromedp.Run(s.ctx, capture)
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	os.WriteFile(filepath.Join(s.dir, name+".png"), png, 0o644)
}

// TestLoginImportFind is the spine's story: the first admin signs in,
// imports a registry file, and finds a unit in the tree and by search.
func TestLoginImportFind(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pinggu.db")
	run(t, context.Background(), password+"\n", "user", "add", "--db", db, "--role", "admin", "--login", "office", "--name", "市委主题教育办", "--password-stdin")
	base := startServer(t, db)
	ctx := browser(t)
	s := shooter{t, ctx, screenshots(), false}

	csv := filepath.Join(dir, "扬州名录.csv")
	os.WriteFile(csv, []byte("编码,名称,类型,上级编码,党员人数\n321002,广陵区,县市区,3210,1200\n3210,扬州市,市,,0\n321002001,东关街道,乡镇街道,321002,300\n,东关街道机关党支部,党支部,321002001,25\n"), 0o644)

	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`input[name=login]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	s.shot("01-login")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`input[name=login]`, "office"),
		chromedp.SendKeys(`input[name=password]`, password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`.stats`),
	)
	if err != nil {
		t.Fatal(err)
	}
	s.shot("02-home-empty")
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/import"),
		chromedp.WaitVisible(`input[type=file]`),
		chromedp.SetUploadFiles(`input[type=file]`, []string{csv}),
		chromedp.Submit(`input[type=file]`),
		chromedp.WaitReady(`input[name=upload]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	s.shot("03-import-preview")
	err = chromedp.Do(ctx,
		chromedp.Click(`form[action="/import/confirm"] button`),
		chromedp.WaitVisible(`.tree`),
	)
	if err != nil {
		t.Fatal(err)
	}
	s.shot("04-tree")
	tree, err := chromedp.Run(ctx, chromedp.Text(`.tree`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"扬州市", "广陵区"} {
		if !strings.Contains(tree, want) {
			t.Errorf("tree lacks %s: %q", want, tree)
		}
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`input[name=q]`, "东关"),
		chromedp.Submit(`input[name=q]`),
		chromedp.WaitVisible(`table.grid`),
	)
	if err != nil {
		t.Fatal(err)
	}
	hits, _ := chromedp.Run(ctx, chromedp.Text(`table.grid`))
	if !strings.Contains(hits, "东关街道机关党支部") || !strings.Contains(hits, "扬州市 › 广陵区 › 东关街道") {
		t.Errorf("search hits = %q", hits)
	}
	s.shot("05-search")
	err = chromedp.Do(ctx, chromedp.Click(`table.grid a`), chromedp.WaitVisible(`dl.facts`))
	if err != nil {
		t.Fatal(err)
	}
	s.shot("06-unit")

	// The same pages on a 360 px phone.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740), chromedp.Navigate(base+"/units"), chromedp.WaitVisible(`.tree`)); err != nil {
		t.Fatal(err)
	}
	s.shot("07-phone-tree")
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if width > 360 {
		t.Errorf("the tree scrolls sideways on a 360 px phone: %d px wide", width)
	}
	fmt.Fprintln(os.Stderr, "e2e: screenshots in", s.dir)
}

func screenshots() string { return os.Getenv("PINGGU_SCREENSHOTS") }
