package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"pinggu"
)

// auditLockKey serialises appends to the chain across PostgreSQL sessions;
// SQLite's single writer does the same by construction.
const auditLockKey = 7_270_001

const auditHeadKey = "audit.head"

// Audit appends a row to the hash chain inside the caller's transaction, so
// that the row exists exactly when the change it records does. before and
// after are marshalled to JSON; nil means "none".
func (tx *Tx) Audit(ctx context.Context, action, objectType string, objectID any, before, after any) error {
	if !tx.writing {
		return pinggu.Internal(errors.New("audit in a read transaction"))
	}
	if !tx.audit.loaded {
		// The first append of a transaction takes the lock and reads the
		// chain's end; later appends in the same transaction continue from
		// memory, since nobody else can append until it commits.
		if tx.db.dialect == Postgres {
			if _, err := tx.exec(ctx, "SELECT pg_advisory_xact_lock($1)", auditLockKey); err != nil {
				return err
			}
		}
		var lastSeq sql.NullInt64
		var lastHash sql.NullString
		err := tx.queryRow(ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&lastSeq, &lastHash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return pinggu.Internal(err)
		}
		tx.audit = auditHead{loaded: true, seq: lastSeq.Int64, hash: pinggu.GenesisHash}
		if lastSeq.Valid {
			tx.audit.hash = lastHash.String
		}
	}
	e := pinggu.AuditEntry{
		Seq: tx.audit.seq + 1, At: tx.Now, ActorID: tx.Actor.ID, Actor: tx.Actor.Login, Action: action,
		ObjectType: objectType, ObjectID: fmt.Sprint(objectID),
		Before: auditJSON(before), After: auditJSON(after), PrevHash: tx.audit.hash,
	}
	e.Hash = e.ComputeHash()
	_, err := tx.exec(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor, action, object_type, object_id,
		before, after, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.Seq, e.At, e.ActorID, e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Before, e.After, e.PrevHash, e.Hash)
	if err != nil {
		return err
	}
	tx.audit.seq, tx.audit.hash, tx.audit.dirty = e.Seq, e.Hash, true
	return nil
}

// auditHead is the end of the chain as a write transaction sees it.
type auditHead struct {
	loaded, dirty bool
	seq           int64
	hash          string
}

// flushAudit records the chain's head once per transaction, just before
// commit, so that deleting rows from the end of the chain is detected too.
func (tx *Tx) flushAudit(ctx context.Context) error {
	if !tx.audit.dirty {
		return nil
	}
	return tx.SetSetting(ctx, auditHeadKey, strconv.FormatInt(tx.audit.seq, 10)+":"+tx.audit.hash)
}

// AuditFilter selects audit rows for display.
type AuditFilter struct {
	ObjectType string
	ObjectID   string
	Limit      int
	BeforeSeq  int64 // 0: from the newest
}

// AuditEntries returns rows newest first.
func (tx *Tx) AuditEntries(ctx context.Context, f AuditFilter) ([]pinggu.AuditEntry, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q := "SELECT " + auditColumns + " FROM audit_log WHERE ($1 = '' OR object_type = $1) AND ($2 = '' OR object_id = $2) AND ($3 = 0 OR seq < $3) ORDER BY seq DESC LIMIT $4"
	return tx.scanAudit(ctx, q, f.ObjectType, f.ObjectID, f.BeforeSeq, f.Limit)
}

const auditColumns = "seq, at, actor_id, actor, action, object_type, object_id, before, after, prev_hash, hash"

func (tx *Tx) scanAudit(ctx context.Context, q string, args ...any) ([]pinggu.AuditEntry, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pinggu.AuditEntry
	for rows.Next() {
		var e pinggu.AuditEntry
		if err := rows.Scan(&e.Seq, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID,
			&e.Before, &e.After, &e.PrevHash, &e.Hash); err != nil {
			return nil, pinggu.Internal(err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditReport is the outcome of walking the whole chain.
type AuditReport struct {
	Rows  int
	Break *pinggu.AuditBreak // nil when intact
}

// VerifyAudit walks the whole chain in seq order, in pages, and checks the
// recorded head.
func (tx *Tx) VerifyAudit(ctx context.Context) (AuditReport, error) {
	var rep AuditReport
	const page = 5000
	prev := pinggu.AuditEntry{Hash: pinggu.GenesisHash}
	for {
		rows, err := tx.scanAudit(ctx, "SELECT "+auditColumns+" FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2", prev.Seq, page)
		if err != nil {
			return rep, err
		}
		if len(rows) == 0 {
			break
		}
		if b := pinggu.VerifyAuditChainFrom(prev.Seq, prev.Hash, rows); b != nil {
			rep.Break = b
			return rep, nil
		}
		rep.Rows += len(rows)
		prev = rows[len(rows)-1]
	}
	head, err := tx.Setting(ctx, auditHeadKey)
	if err != nil {
		return rep, err
	}
	want := ""
	if prev.Seq > 0 {
		want = strconv.FormatInt(prev.Seq, 10) + ":" + prev.Hash
	}
	if head != want {
		seq := prev.Seq + 1
		rep.Break = &pinggu.AuditBreak{Seq: seq, Reason: "deleted"}
	}
	return rep, nil
}

// AuditHead returns the last row's seq and hash (0 and the genesis hash
// for an empty chain).
func (tx *Tx) AuditHead(ctx context.Context) (int64, string, error) {
	var seq sql.NullInt64
	var hash sql.NullString
	err := tx.queryRow(ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, pinggu.GenesisHash, nil
	}
	if err != nil {
		return 0, "", pinggu.Internal(err)
	}
	return seq.Int64, hash.String, nil
}

// AuditHashAt returns the hash of row seq, and false when there is none.
func (tx *Tx) AuditHashAt(ctx context.Context, seq int64) (string, bool, error) {
	var hash string
	err := tx.queryRow(ctx, "SELECT hash FROM audit_log WHERE seq = $1", seq).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, pinggu.Internal(err)
	}
	return hash, true, nil
}
