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
	"pinggu/internal/tabular"
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
	switch args[0] {
	case "list":
		return listFrameworks(e, db)
	case "export":
		return exportFramework(e, db, *code, *format, *out)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return ExitError{2}
	}
	return importFramework(e, db, fs.Arg(0))
}

// listFrameworks prints every framework's code, version, items and name.
func listFrameworks(e *env, db *store.DB) error {
	var list []pinggu.Framework
	if err := db.View(e.ctx, func(tx *store.Tx) (err error) { list, err = tx.Frameworks(e.ctx); return }); err != nil {
		return err
	}
	rows := [][]string{{"CODE", "VERSION", "ITEMS", "NAME"}}
	for _, f := range list {
		rows = append(rows, []string{f.Code, "v" + strconv.Itoa(f.Version), strconv.Itoa(len(f.ActiveItems())), f.Name})
	}
	tabular.WriteColumns(e.stdout, "", rows)
	return nil
}

// exportFramework writes the framework code as JSON or XLSX to out ("":
// standard output).
func exportFramework(e *env, db *store.DB, code, format, out string) error {
	if format != "json" && format != "xlsx" {
		return pinggu.Errorf(pinggu.EInvalid, "export.format_unknown", "Format", format)
	}
	var f *pinggu.Framework
	if err := db.View(e.ctx, func(tx *store.Tx) (err error) { f, err = tx.FrameworkByCode(e.ctx, code); return }); err != nil {
		return err
	}
	var w io.Writer = e.stdout
	if out != "" {
		file, err := os.Create(out)
		if err != nil {
			return pinggu.Internal(err)
		}
		defer file.Close()
		w = file
	}
	if format == "xlsx" {
		return framework.WriteXLSX(w, f)
	}
	return framework.WriteJSON(w, f)
}

// importFramework reads a framework file and saves it, as the next
// version of the framework with its code if there is one.
func importFramework(e *env, db *store.DB, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return pinggu.Errorf(pinggu.EInvalid, "file.cannot_read", "Name", file)
	}
	f, err := framework.Read(filepath.Base(file), data)
	if err != nil {
		return err
	}
	err = db.Update(e.ctx, e.actor(), func(tx *store.Tx) error {
		existing, err := tx.FrameworkByCode(e.ctx, f.Code)
		switch {
		case err == nil:
			f.ID = existing.ID
		case pinggu.ErrorCodeOf(err) != pinggu.ENotFound:
			return err
		}
		return tx.SaveFramework(e.ctx, f)
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.l.T("framework.saved", "Name", f.Name, "Version", f.Version))
	return nil
}
