package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"pinggu"
	"pinggu/internal/registry"
	"pinggu/internal/tabular"
)

const importHelp = `Usage: pinggu import units [--dry-run] FILE

Imports the unit registry from FILE (.xlsx, or .csv in UTF-8, UTF-8 with BOM
or GB18030). The header row names the columns, in Chinese or English, in any
order: 编码/code, 名称/name, 类型/kind, 上级编码/parent_code, 党员人数/headcount,
and optionally 联络员/liaison_name, 联络电话/liaison_phone. Units are matched by
code (branches without a code by parent and name): a changed file updates them.
A file with any bad row changes nothing; every problem is printed with its
row and column.`

func runImport(e *env, args []string) error {
	fs := newFlags(e, "import", importHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	dry := fs.Bool("dry-run", false, "check the file and show what would change, without changing anything")
	if err := verb(fs, args, "units"); err != nil {
		return err
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return ExitError{2}
	}
	path := fs.Arg(0)
	info, err := os.Stat(path)
	if err != nil {
		return pinggu.Errorf(pinggu.EInvalid, "file.cannot_read", "Name", path)
	}
	if info.Size() > tabular.MaxFileBytes {
		return pinggu.Errorf(pinggu.EInvalid, "file.too_large", "MaxMB", tabular.MaxFileBytes>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return pinggu.Errorf(pinggu.EInvalid, "file.cannot_read", "Name", path)
	}
	db, err := e.open(*dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var plan *registry.Plan
	if *dry {
		plan, err = registry.Preview(e.ctx, db, filepath.Base(path), data)
	} else {
		plan, err = registry.Import(e.ctx, db, e.actor(), filepath.Base(path), data)
	}
	if err != nil {
		return err
	}
	key := "cli.import_done"
	if *dry {
		key = "cli.import_dry"
	}
	fmt.Fprintln(e.stdout, e.l.T(key, "Rows", plan.Rows, "Created", len(plan.Creates), "Updated", len(plan.Updates),
		"Unchanged", plan.Unchanged, "Enc", plan.Encoding))
	return nil
}
