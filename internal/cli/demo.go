package cli

import (
	"flag"
	"fmt"

	"pinggu/internal/demo"
	"pinggu/internal/tabular"
)

const demoHelp = `Usage: pinggu demo [flags]

Creates the demo city in its own SQLite file (pinggu-demo.db) the first time,
reuses it afterwards, gives every demo account a new random password, prints
the logins and serves the demo until interrupted. The demo holds the real
divisions of 扬州市 with invented departments, units, branches and headcounts.

The demo never follows PINGGU_DB: it writes only its own file, or the
database named by its own --db flag, and only when that database is empty or
already a demo. Any other database is refused and left untouched.`

func runDemo(e *env, args []string) error {
	// --db without PINGGU_DB: the variable names the real database.
	f, parse := addServeFlags(e, "demo", demoHelp, func(fs *flag.FlagSet) *string {
		return fs.String("db", "pinggu-demo.db", "the demo's database: a SQLite file path or a postgres:// DSN, empty or a demo (PINGGU_DB is ignored)")
	})
	if err := parse(args); err != nil {
		return err
	}
	if err := demo.Check(e.ctx, *f.db); err != nil {
		return err
	}
	db, err := e.open(*f.db)
	if err != nil {
		return err
	}
	defer db.Close()
	accounts, err := demo.Seed(e.ctx, db)
	if err != nil {
		return err
	}
	return serve(e, db, f, func(url string) {
		fmt.Fprintf(e.stdout, "\n%s\n  %s\n\n", e.l.T("cli.demo_ready"), url)
		rows := [][]string{{e.l.T("user.role"), e.l.T("user.login"), e.l.T("login.password"), e.l.T("user.scope")}}
		for _, a := range accounts {
			rows = append(rows, []string{e.l.Role(a.Role), a.Login, a.Password, a.Scope})
		}
		tabular.WriteColumns(e.stdout, "  ", rows)
		fmt.Fprintf(e.stdout, "\n%s\n\n", e.l.T("cli.demo_stop"))
	})
}
