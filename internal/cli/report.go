package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"pinggu"
	"pinggu/internal/report"
	"pinggu/internal/results"
	"pinggu/internal/store"
)

const reportHelp = `Usage:
  pinggu report build --campaign C (--unit U | --all) --format docx|xlsx|html --out DIR
  pinggu report check --campaign C

build writes the evaluation report of a county or municipal unit (--unit,
by its code), or of every one and the city summary (--all), into DIR, one
file each: "<code>-<name>-评估报告.docx" and "000-全市总体情况.docx". The
reports carry the results as they stand and each group's text in its
current state. With --format xlsx, --all writes one data book of the whole
city. A progress bar shows on a terminal.

check recomputes the campaign's tallies from the raw answers and compares
them with the stored ones that every page and report reads.`

func runReport(e *env, args []string) error {
	fs := newFlags(e, "report", reportHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	code := fs.String("campaign", "", "campaign code")
	unitCode := fs.String("unit", "", "the county or municipal unit, by code")
	all := fs.Bool("all", false, "every county and municipal unit, and the city summary")
	format := fs.String("format", "docx", "docx, xlsx or html")
	out := fs.String("out", ".", "output directory")
	db, err := e.begin(fs, dsn, args, "build", "check")
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := campaignByCode(e, db, *code)
	if err != nil {
		return err
	}
	if args[0] == "check" {
		return checkTallies(e, db, c)
	}
	return buildReports(e, db, *dsn, c, *unitCode, *all, *format, *out)
}

// buildReports writes the report of the county or municipal unit
// unitCode, or with all of every one and the city summary, into out.
func buildReports(e *env, db *store.DB, dsn string, c *pinggu.Campaign, unitCode string, all bool, format, out string) error {
	if !slices.Contains(report.Formats, format) {
		return pinggu.Invalid("report.invalid", []pinggu.Problem{pinggu.NewProblem(0, "format", "report.format_unknown", "Value", format)})
	}
	if all == (unitCode != "") {
		return pinggu.Invalid("report.invalid", []pinggu.Problem{pinggu.NewProblem(0, "unit", "report.unit_or_all")})
	}
	rs, err := results.LoadSet(e.ctx, db, c)
	if err != nil {
		return err
	}
	set := report.NewSet(rs, "", time.Now())
	var areas []*results.Area
	if all {
		areas = append(areas, nil) // the city summary
		if format != "xlsx" {
			areas = append(areas, set.City.Areas...)
		}
	} else {
		u, err := unitByElementID(e, db, unitCode)
		if err != nil {
			return err
		}
		a := set.City.Area(u.ID)
		if a == nil {
			return pinggu.Invalid("report.invalid", []pinggu.Problem{pinggu.NewProblem(0, "unit", "report.not_area", "Unit", u.Name)})
		}
		areas = append(areas, a)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return pinggu.Internal(err)
	}
	bar := progressbar.NewOptions(len(areas), progressbar.OptionSetWriter(e.stderr), progressbar.OptionSetDescription("报告"),
		progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionSetVisibility(isTerminal(e.stderr)))
	for _, a := range areas {
		name := report.FileName(a, format)
		if a == nil && format == "xlsx" {
			name = "000-全市数据册.xlsx"
		}
		b, err := set.Bytes(format, a)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, name), b, 0o644); err != nil {
			return pinggu.Internal(err)
		}
		bar.Add(1)
	}
	bar.Finish()
	err = db.Update(e.ctx, e.actor(), func(tx *store.Tx) error {
		return tx.Audit(e.ctx, pinggu.ActionReportBuild, "campaign", c.ID, nil, map[string]any{"format": format, "files": len(areas), "unit": unitCode})
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.l.T("report.built", "N", len(areas), "Dir", out))
	e.anchorNow(db, dsn)
	return nil
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

func checkTallies(e *env, db *store.DB, c *pinggu.Campaign) error {
	var stored, raw []store.TallyRow
	var storedProfiles, rawProfiles []store.ProfileRow
	err := db.View(e.ctx, func(tx *store.Tx) (err error) {
		if stored, err = tx.Tallies(e.ctx, c.ID); err != nil {
			return err
		}
		if storedProfiles, err = tx.Profiles(e.ctx, c.ID); err != nil {
			return err
		}
		if rawProfiles, err = tx.RecomputeProfiles(e.ctx, c.ID); err != nil {
			return err
		}
		raw, err = tx.RecomputeTallies(e.ctx, c.ID)
		return err
	})
	if err != nil {
		return err
	}
	if !slices.Equal(stored, raw) || !slices.Equal(storedProfiles, rawProfiles) {
		fmt.Fprintln(e.stdout, e.l.T("report.tallies_differ", "Stored", len(stored), "Raw", len(raw)))
		return ExitError{1}
	}
	n := 0
	for _, r := range raw {
		n += r.N
	}
	fmt.Fprintln(e.stdout, e.l.T("report.tallies_equal", "Cells", len(raw), "N", n))
	return nil
}
