package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

// TestExportAndReports runs both document benchmarks on a small synthetic
// city (2 counties, 4 municipal units): the export writes or leaves out
// every response (Export fails otherwise), and the reports are the 6
// areas' and the city summary, kept in --out.
func TestExportAndReports(t *testing.T) {
	small := Size{Counties: 2, Municipal: 4}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var w bytes.Buffer
		if err := Export(ctx, db, &w, small, 600, "", ""); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`: 600 responses`, `read rows only \(baseline\)\s+\d`, `export csv\s+\d`, `export xlsx\s+\d`} {
			if !regexp.MustCompile(want).MatchString(w.String()) {
				t.Errorf("export lacks %q:\n%s", want, w.String())
			}
		}
		out := t.TempDir()
		w.Reset()
		// The same scratch database again: the city is reused, not loaded twice.
		if err := Reports(ctx, db, &w, small, 600, out); err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`6 areas, 600 responses`).MatchString(w.String()) {
			t.Errorf("reports: %s", w.String())
		}
		docx, _ := filepath.Glob(filepath.Join(out, "*.docx"))
		html, _ := filepath.Glob(filepath.Join(out, "*.html"))
		if len(docx) != 7 || len(html) != 7 {
			t.Errorf("%d DOCX and %d HTML files, want 7 each", len(docx), len(html))
		}
		if fi, err := os.Stat(filepath.Join(out, "000-全市总体情况.xlsx")); err != nil || fi.Size() == 0 {
			t.Errorf("no data book: %v", err)
		}
	})
}
