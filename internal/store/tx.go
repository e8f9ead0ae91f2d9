package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"pinggu"
)

// Actor is who makes a change, as recorded in the audit log. The command
// line acts as ID 0 with a login like "cli:root".
type Actor struct {
	ID    int64
	Login string
}

// ActorOf returns the actor for a signed-in user.
func ActorOf(u *pinggu.User) Actor { return Actor{ID: u.ID, Login: u.Login} }

// Tx is one transaction with a fixed Now, so that every row a change writes
// carries the same time, and the Actor that the audit rows name.
type Tx struct {
	tx      *sql.Tx
	db      *DB
	Now     time.Time
	Actor   Actor
	writing bool
	audit   auditHead
	// after runs once the transaction has committed: what must not happen
	// unless it did (destroying a closed campaign's keys).
	after []func()
}

// afterCommit runs fn once the transaction has committed, never if it
// rolls back.
func (tx *Tx) afterCommit(fn func()) { tx.after = append(tx.after, fn) }

// Update runs fn in a write transaction and commits it when fn returns nil.
func (db *DB) Update(ctx context.Context, actor Actor, fn func(tx *Tx) error) error {
	return db.run(ctx, db.write, actor, true, fn)
}

// View runs fn in a read-only transaction.
func (db *DB) View(ctx context.Context, fn func(tx *Tx) error) error {
	return db.run(ctx, db.read, Actor{}, false, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, actor Actor, writing bool, fn func(tx *Tx) error) error {
	sqlTx, err := pool.BeginTx(ctx, &sql.TxOptions{ReadOnly: !writing && db.dialect == Postgres})
	if err != nil {
		return pinggu.Internal(fmt.Errorf("begin: %w", err))
	}
	tx := &Tx{tx: sqlTx, db: db, Now: db.now().UTC().Truncate(time.Microsecond), Actor: actor, writing: writing}
	if err = runCall(ctx, tx, fn); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return pinggu.Internal(fmt.Errorf("commit: %w", err))
	}
	for _, fn := range tx.after {
		fn()
	}
	return nil
}

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := tx.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return nil, tx.wrap(err, query)
	}
	return res, nil
}

func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := tx.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, tx.wrap(err, query)
	}
	return rows, nil
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, query, args...)
}

func (tx *Tx) wrap(err error, query string) error {
	var pe *pinggu.Error
	if errors.As(err, &pe) {
		return err
	}
	return pinggu.Internal(fmt.Errorf("%w [%s]", err, firstLine(query)))
}

// scanOne runs fn on a single-row result and turns "no rows" into a
// not-found error with the given key.
func scanOne(err error, notFoundKey string, kv ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return pinggu.Errorf(pinggu.ENotFound, notFoundKey, kv...)
	}
	if err != nil {
		return pinggu.Internal(err)
	}
	return nil
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// nullString maps "" to NULL.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullID maps 0 to NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
