package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestSlips issues a batch of codes from the web and prints the A4 sheet
// of slips to PDF (kept in PINGGU_SCREENSHOTS as slips.pdf).
func TestSlips(t *testing.T) {
	_, db := publishedCampaign(t)
	bg := context.Background()
	run(t, bg, password+"\n", "user", "add", "--db", db, "--role", "admin", "--login", "office", "--name", "办公室", "--password-stdin")
	base := startServer(t, db)
	ctx := browser(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"), chromedp.SendKeys(`input[name=login]`, "office"),
		chromedp.SendKeys(`input[name=password]`, password), chromedp.Submit(`input[name=password]`), chromedp.WaitVisible(`.stats`),
		chromedp.Navigate(base+"/units?q=M001"), chromedp.WaitVisible(`table.grid a`), chromedp.Click(`table.grid a`), chromedp.WaitVisible(`dl.facts`))
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	unitID := loc[strings.LastIndex(loc, "/")+1:]
	err = chromedp.Do(ctx, chromedp.Navigate(base+"/campaigns/1/units/"+unitID+"/codes"), chromedp.WaitVisible(`input[name=n]`),
		chromedp.SetValue(`input[name=n]`, "8"), chromedp.Submit(`input[name=n]`), chromedp.WaitVisible(`.slips`))
	if err != nil {
		t.Fatal(err)
	}
	n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.slip svg path').length`))
	text, _ := chromedp.Run(ctx, chromedp.Text(`.slips`))
	if n != 8 || !strings.Contains(text, "扬州市委办公室") {
		t.Fatalf("%d QR codes on the sheet", n)
	}
	yes := true
	pdf, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &yes})
	if err != nil {
		t.Fatal(err)
	}
	if dir := screenshots(); dir != "" {
		os.WriteFile(filepath.Join(dir, "slips.pdf"), pdf.Data, 0o644)
	}

	// Paper ballots: one A4 page per code, every question with a box per
	// level, the code typed and as a QR.
	err = chromedp.Do(ctx, chromedp.Navigate(base+"/campaigns/1/units/"+unitID+"/codes"), chromedp.WaitVisible(`input[name=n]`),
		chromedp.SetValue(`input[name=n]`, "3"), chromedp.Click(`input[value=paper]`), chromedp.Submit(`input[name=n]`), chromedp.WaitVisible(`.paper`))
	if err != nil {
		t.Fatal(err)
	}
	papers, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.paper').length`))
	rows, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.paper:first-of-type tbody tr').length`))
	if papers != 3 || rows < 10 {
		t.Fatalf("%d paper ballots, the first with %d rows", papers, rows)
	}
	pdf, err = chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &yes})
	if err != nil {
		t.Fatal(err)
	}
	if pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf.Data, -1)); pages != 3 {
		t.Errorf("3 paper ballots print on %d pages, want one page each", pages)
	}
	if dir := screenshots(); dir != "" {
		os.WriteFile(filepath.Join(dir, "paper-ballots.pdf"), pdf.Data, 0o644)
	}

	// A clerk keys the first ballot on a phone-sized screen: the code
	// opens the unit's form, and the keying waits for a second clerk.
	code, _ := chromedp.Run(ctx, chromedp.Text(`.paper .paper-code code`))
	s := shooter{t, ctx, screenshots(), true}
	err = chromedp.Do(ctx, chromedp.EmulateViewport(360, 740), chromedp.Navigate(base+"/campaigns/1/ballots"), chromedp.WaitVisible(`input[name=code]`),
		chromedp.SendKeys(`input[name=code]`, code), chromedp.Submit(`input[name=code]`), chromedp.WaitReady(`input[name=keyed]`))
	if err != nil {
		t.Fatalf("open ballot %q: %v", code, err)
	}
	s.shot("ballot-keying-phone")
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => { const rs = document.querySelectorAll('.ballot input[type=radio][value="1"]'); rs.forEach(r => r.checked = true); return rs.length })()`)); err != nil || n < 10 {
		t.Fatalf("ticked %d answers: %v", n, err)
	}
	err = chromedp.Do(ctx, chromedp.Submit(`input[name=keyed]`), chromedp.WaitVisible(`p.ok-line`))
	if err != nil {
		t.Fatal(err)
	}
	if text, _ := chromedp.Run(ctx, chromedp.Text(`main`)); !strings.Contains(text, "等待另一名工作人员") {
		t.Errorf("after the first keying: %.300s", text)
	}
}
