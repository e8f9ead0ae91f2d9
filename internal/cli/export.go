package cli

import (
	"fmt"
	"io"
	"os"

	"pinggu"
	"pinggu/internal/registry"
	"pinggu/internal/results"
	"pinggu/internal/store"
)

const exportHelp = `Usage:
  pinggu export units --format csv|xlsx [--out FILE] [--english]
  pinggu export responses --campaign C --format csv|xlsx [--out FILE]

units writes the whole registry with the import's columns, parents before
children, so that the file imports back to the same registry.

responses streams a campaign's survey responses, one anonymous row each in
random order: unit, respondent category, channel, each item's answer and the
overall rating. No id, day or comment; units with fewer than 5 responses are
left out, and so is a category fewer than 5 of a unit's responses carry.
Responses still in the inbox (fewer than 20, moved at the next batch or at
close) are not in it yet.

CSV is UTF-8 with a BOM (Excel shows Chinese correctly). Without --out the
file goes to stdout.`

func runExport(e *env, args []string) error {
	fs := newFlags(e, "export", exportHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	format := fs.String("format", "xlsx", "csv or xlsx")
	out := fs.String("out", "", "output file (default stdout)")
	english := fs.Bool("english", false, "English column names and kinds")
	code := fs.String("campaign", "", "campaign code (responses)")
	if err := verb(fs, args, "units", "responses"); err != nil {
		return err
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	f := registry.Format(*format)
	if f != registry.CSV && f != registry.XLSX {
		return pinggu.Errorf(pinggu.EInvalid, "export.format_unknown", "Format", *format)
	}
	db, err := e.open(*dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var w io.Writer = e.stdout
	if *out != "" {
		file, err := os.Create(*out)
		if err != nil {
			return pinggu.Internal(err)
		}
		defer file.Close()
		w = file
	}
	if args[0] == "responses" {
		c, err := campaignByCode(e, db, *code)
		if err != nil {
			return err
		}
		st, err := results.ExportResponses(e.ctx, db, c, w, *format)
		if err != nil {
			return err
		}
		err = db.Update(e.ctx, e.actor(), func(tx *store.Tx) error {
			return tx.Audit(e.ctx, pinggu.ActionResponsesExport, "campaign", c.ID, nil, map[string]any{"format": *format, "rows": st.Rows, "hidden_units": st.HiddenUnits})
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stderr, e.l.T("export.responses_written", "N", st.Rows, "Hidden", st.HiddenUnits))
		e.anchorNow(db, *dsn)
		return nil
	}
	if err := registry.ExportAll(e.ctx, db, e.actor(), w, f, !*english); err != nil {
		return err
	}
	e.anchorNow(db, *dsn)
	return nil
}
