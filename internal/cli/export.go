package cli

import (
	"io"
	"os"

	"pinggu"
	"pinggu/internal/registry"
)

const exportHelp = `Usage: pinggu export units --format csv|xlsx [--out FILE] [--english]

Writes the whole registry with the import's columns, parents before children,
so that the file imports back to the same registry. CSV is UTF-8 with a BOM
(Excel shows Chinese correctly). Without --out the file goes to stdout.`

func runExport(e *env, args []string) error {
	fs := newFlags(e, "export", exportHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	format := fs.String("format", "xlsx", "csv or xlsx")
	out := fs.String("out", "", "output file (default stdout)")
	english := fs.Bool("english", false, "English column names and kinds")
	if err := verb(fs, args, "units"); err != nil {
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
	return registry.ExportAll(e.ctx, db, e.actor(), w, f, !*english)
}
