package cli

import (
	"fmt"

	"pinggu"
	"pinggu/internal/store"
)

const auditHelp = `Usage: pinggu audit verify
       pinggu audit list [--n 50]

verify walks the whole hash chain of the audit log and reports the first row
that was edited, deleted, inserted or reordered; it exits with status 3 when
the chain is broken. list prints the newest rows.`

func runAudit(e *env, args []string) error {
	fs := newFlags(e, "audit", auditHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	n := fs.Int("n", 50, "rows to list")
	db, err := e.begin(fs, dsn, args, "verify", "list")
	if err != nil {
		return err
	}
	defer db.Close()
	if args[0] == "list" {
		var es []pinggu.AuditEntry
		if err := db.View(e.ctx, func(tx *store.Tx) (err error) {
			es, err = tx.AuditEntries(e.ctx, store.AuditFilter{Limit: *n})
			return
		}); err != nil {
			return err
		}
		for _, x := range es {
			fmt.Fprintf(e.stdout, "%6d  %s  %-14s %-18s %s %s  %s\n", x.Seq, x.At.Format("2006-01-02T15:04:05Z"), x.Actor, x.Action, x.ObjectType, x.ObjectID, x.Hash[:12])
		}
		return nil
	}
	var rep store.AuditReport
	if err := db.View(e.ctx, func(tx *store.Tx) (err error) { rep, err = tx.VerifyAudit(e.ctx); return }); err != nil {
		return err
	}
	if rep.Break != nil {
		fmt.Fprintln(e.stdout, e.l.T("audit.broken", "Seq", rep.Break.Seq, "Reason", e.l.T("audit.reason."+rep.Break.Reason)))
		return ExitError{3}
	}
	fmt.Fprintln(e.stdout, e.l.T("audit.intact", "N", rep.Rows))
	return nil
}
