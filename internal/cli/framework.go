package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"pinggu"
	"pinggu/internal/framework"
	"pinggu/internal/store"
)

const frameworkHelp = `Usage:
  pinggu framework list
  pinggu framework export --code C [--format json|xlsx] [--out FILE]
  pinggu framework import FILE

A framework file is the JSON document or the XLSX workbook that export
writes. Importing a framework whose code exists saves it as that
framework's next version (published campaigns keep the version they froze);
otherwise it is a new framework. A file with any problem changes nothing.`

func runFramework(e *env, args []string) error {
	fs := newFlags(e, "framework", frameworkHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	code := fs.String("code", "", "framework code")
	format := fs.String("format", "json", "json or xlsx")
	out := fs.String("out", "", "output file (default stdout)")
	db, err := e.begin(fs, dsn, args, "list", "export", "import")
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := e.ctx
	switch args[0] {
	case "list":
		var list []pinggu.Framework
		if err := db.View(ctx, func(tx *store.Tx) (err error) { list, err = tx.Frameworks(ctx); return }); err != nil {
			return err
		}
		rows := [][]string{{"CODE", "VERSION", "ITEMS", "NAME"}}
		for _, f := range list {
			rows = append(rows, []string{f.Code, "v" + strconv.Itoa(f.Version), strconv.Itoa(len(f.ActiveItems())), f.Name})
		}
		writeTable(e.stdout, "", rows)
	case "export":
		var f *pinggu.Framework
		if err := db.View(ctx, func(tx *store.Tx) (err error) { f, err = tx.FrameworkByCode(ctx, *code); return }); err != nil {
			return err
		}
		var w io.Writer = e.stdout
		if *out != "" {
			file, err := os.Create(*out)
			if err != nil {
				return pinggu.Internal(err)
			}
			defer file.Close()
			w = file
		}
		switch *format {
		case "json":
			return framework.WriteJSON(w, f)
		case "xlsx":
			return framework.WriteXLSX(w, f)
		}
		return pinggu.Errorf(pinggu.EInvalid, "export.format_unknown", "Format", *format)
	case "import":
		if fs.NArg() != 1 {
			fs.Usage()
			return ExitError{2}
		}
		data, err := os.ReadFile(fs.Arg(0))
		if err != nil {
			return pinggu.Errorf(pinggu.EInvalid, "file.cannot_read", "Name", fs.Arg(0))
		}
		f, err := framework.Read(filepath.Base(fs.Arg(0)), data)
		if err != nil {
			return err
		}
		err = db.Update(ctx, e.actor(), func(tx *store.Tx) error {
			existing, err := tx.FrameworkByCode(ctx, f.Code)
			switch {
			case err == nil:
				f.ID = existing.ID
			case pinggu.ErrorCodeOf(err) != pinggu.ENotFound:
				return err
			}
			return tx.SaveFramework(ctx, f)
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, e.l.T("framework.saved", "Name", f.Name, "Version", f.Version))
	}
	return nil
}
