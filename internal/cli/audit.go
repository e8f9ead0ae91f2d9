package cli

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"time"

	"pinggu"
	"pinggu/internal/anchor"
	"pinggu/internal/store"
)

const auditHelp = `Usage: pinggu audit verify [--anchor FILE]...
       pinggu audit anchor [--out FILE]
       pinggu audit list [--n 50]

verify walks the whole hash chain of the audit log and reports the first row
that was edited, deleted, inserted or reordered; it exits with status 3 when
the chain is broken. With --anchor (repeatable), each signed head must still
be in the chain as it was signed: rows deleted from the end and a rewritten
head are found too.

anchor signs the chain's head now with the installation's Ed25519 key, kept
outside the database (--key, or PINGGU_ANCHOR_KEY, or beside the SQLite
file as <db>.anchor-key; made on first use, mode 0600), and writes the
signed head: keep it, or send it, somewhere the database's owner cannot
reach. pinggu serve writes one every --anchor-every into <key>.anchors/.
list prints the newest rows.`

// auditCmd is one run of pinggu audit: its flags and database, with a
// method per verb.
type auditCmd struct {
	e       *env
	db      *store.DB
	n       *int
	out     *string
	keyPath string
	anchors multi
}

func runAudit(e *env, args []string) error {
	fs := newFlags(e, "audit", auditHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	a := &auditCmd{e: e,
		n:   fs.Int("n", 50, "rows to list"),
		out: fs.String("out", "", "anchor file to write (default: standard output)"),
	}
	keyFile := fs.String("key", "", "the anchor key file (default: PINGGU_ANCHOR_KEY, or beside the database)")
	fs.Var(&a.anchors, "anchor", "a signed head to check the chain against (repeatable)")
	db, err := e.begin(fs, dsn, args, "verify", "list", "anchor")
	if err != nil {
		return err
	}
	defer db.Close()
	a.db, a.keyPath = db, e.anchorKeyPath(*keyFile, *dsn)
	switch args[0] {
	case "list":
		return a.list()
	case "anchor":
		return a.anchor()
	default:
		return a.verify()
	}
}

// list prints the newest --n rows.
func (a *auditCmd) list() error {
	e := a.e
	var es []pinggu.AuditEntry
	if err := a.db.View(e.ctx, func(tx *store.Tx) (err error) {
		es, err = tx.AuditEntries(e.ctx, store.AuditFilter{Limit: *a.n})
		return
	}); err != nil {
		return err
	}
	for _, x := range es {
		fmt.Fprintf(e.stdout, "%6d  %s  %-14s %-18s %s %s  %s\n", x.Seq, x.At.Format("2006-01-02T15:04:05Z"), x.Actor, x.Action, x.ObjectType, x.ObjectID, x.Hash[:12])
	}
	return nil
}

// anchor signs the chain's head now and prints it or writes it to --out.
func (a *auditCmd) anchor() error {
	e := a.e
	key, err := anchor.LoadOrCreateKey(a.keyPath)
	if err != nil {
		return pinggu.Internal(err)
	}
	var signed anchor.Anchor
	if err := a.db.View(e.ctx, func(tx *store.Tx) error {
		seq, hash, err := tx.AuditHead(e.ctx)
		signed = anchor.Sign(key, seq, hash, time.Now())
		return err
	}); err != nil {
		return err
	}
	if *a.out == "" {
		b, _ := json.MarshalIndent(signed, "", "  ")
		fmt.Fprintln(e.stdout, string(b))
		return nil
	}
	if err := anchor.Write(*a.out, signed); err != nil {
		return pinggu.Internal(err)
	}
	fmt.Fprintln(e.stderr, e.l.T("audit.anchored", "Seq", signed.Seq, "File", *a.out))
	return nil
}

// verify walks the whole chain, then checks each --anchor against it; a
// break exits with status 3.
func (a *auditCmd) verify() error {
	e := a.e
	var rep store.AuditReport
	if err := a.db.View(e.ctx, func(tx *store.Tx) (err error) { rep, err = tx.VerifyAudit(e.ctx); return }); err != nil {
		return err
	}
	if rep.Break != nil {
		fmt.Fprintln(e.stdout, e.l.T("audit.broken", "Seq", rep.Break.Seq, "Reason", e.l.T("audit.reason."+rep.Break.Reason)))
		return ExitError{3}
	}
	// Each anchor: signed by this installation's key (when its file is
	// here), and its row still in the chain with the hash it was signed at.
	var pinned ed25519.PublicKey
	if key, err := anchor.ReadKey(a.keyPath); err == nil {
		pinned = key.Public().(ed25519.PublicKey)
	}
	for _, file := range a.anchors {
		if err := a.checkAnchor(file, pinned); err != nil {
			return err
		}
	}
	fmt.Fprintln(e.stdout, e.l.T("audit.intact", "N", rep.Rows))
	if len(a.anchors) > 0 {
		fmt.Fprintln(e.stdout, e.l.T("audit.anchors_ok", "N", len(a.anchors)))
	}
	return nil
}

// checkAnchor checks one signed head: its signature (against pinned, when
// known) and its row, still in the chain with the hash it was signed at.
func (a *auditCmd) checkAnchor(file string, pinned ed25519.PublicKey) error {
	e := a.e
	signed, err := anchor.Read(file)
	if err != nil {
		return pinggu.Internal(err)
	}
	if err := signed.Verify(pinned); err != nil {
		fmt.Fprintln(e.stdout, e.l.T("audit.anchor_bad", "File", file, "Reason", err.Error()))
		return ExitError{3}
	}
	var hash string
	var ok bool
	if err := a.db.View(e.ctx, func(tx *store.Tx) (err error) { hash, ok, err = tx.AuditHashAt(e.ctx, signed.Seq); return }); err != nil {
		return err
	}
	switch {
	case signed.Seq > 0 && !ok:
		fmt.Fprintln(e.stdout, e.l.T("audit.broken", "Seq", signed.Seq, "Reason", e.l.T("audit.reason.deleted")))
		return ExitError{3}
	case signed.Seq > 0 && hash != signed.Hash:
		fmt.Fprintln(e.stdout, e.l.T("audit.broken", "Seq", signed.Seq, "Reason", e.l.T("audit.reason.edited")))
		return ExitError{3}
	}
	return nil
}

// anchorKeyPath is --key, or PINGGU_ANCHOR_KEY, or beside the database.
func (e *env) anchorKeyPath(flagValue, dsn string) string {
	if flagValue != "" {
		return flagValue
	}
	return anchor.KeyPath(e.getenv("PINGGU_ANCHOR_KEY"), dsn, store.IsPostgres(dsn))
}

// anchorNow signs the audit chain's head into <anchor key>.anchors/ after
// a command has let a draw, a record, a report or an export out, and says
// so on stderr. A failure is reported, not fatal: the output stands.
func (e *env) anchorNow(db *store.DB, dsn string) {
	n, err := anchor.OpenNotary(e.anchorKeyPath("", dsn))
	var a anchor.Anchor
	if err == nil {
		var seq int64
		var hash string
		if err = db.View(e.ctx, func(tx *store.Tx) (err error) { seq, hash, err = tx.AuditHead(e.ctx); return }); err == nil {
			a, err = n.Sign(seq, hash)
		}
	}
	if err != nil {
		fmt.Fprintln(e.stderr, e.l.T("audit.anchor_failed", "Error", err.Error()))
		return
	}
	fmt.Fprintln(e.stderr, e.l.T("audit.anchored_in", "Seq", a.Seq, "Dir", n.Dir()))
}
