package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"pinggu"
)

// Group commit. With synchronous=FULL every SQLite commit waits for an
// fsync of the WAL, so one transaction per survey submit would cap intake
// at the disk's fsync rate. Batch instead queues the call; one goroutine
// takes every call waiting, runs each inside its own savepoint of one
// transaction, commits once, and only then answers them all. A call's
// error rolls back its savepoint alone. While a commit is on the disk the
// next calls queue up, so batches grow with the load and a lone call waits
// for no timer.
//
// PostgreSQL groups concurrent commits into one WAL flush by itself, so
// there Batch is Update.

// maxBatch bounds the calls sharing a commit, so a batch's transaction
// stays short.
const maxBatch = 256

type batchCall struct {
	ctx   context.Context
	actor Actor
	fn    func(tx *Tx) error
	done  chan error
}

type batcher struct {
	commits atomic.Int64 // shared transactions committed
	batched atomic.Int64 // calls they held
	calls   chan *batchCall
	quit    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

func (db *DB) startBatcher() {
	db.batch = &batcher{calls: make(chan *batchCall, 4*maxBatch), quit: make(chan struct{}), stopped: make(chan struct{})}
	go db.batchLoop()
}

// stopBatcher runs the calls already queued and stops the loop.
func (db *DB) stopBatcher() {
	if db.batch == nil {
		return
	}
	db.batch.once.Do(func() { close(db.batch.quit) })
	<-db.batch.stopped
}

// Batch runs fn in a write transaction that it may share with other
// concurrent Batch calls, and returns once that transaction is durable.
// fn must touch the database only through tx; if the shared commit fails,
// fn runs again alone.
func (db *DB) Batch(ctx context.Context, actor Actor, fn func(tx *Tx) error) error {
	if db.batch == nil {
		return db.Update(ctx, actor, fn)
	}
	c := &batchCall{ctx: ctx, actor: actor, fn: fn, done: make(chan error, 1)}
	select {
	case db.batch.calls <- c:
	case <-db.batch.quit:
		return pinggu.Internal(fmt.Errorf("database closed"))
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued the call may commit, so its outcome is awaited even if
	// the caller gives up.
	return <-c.done
}

func (db *DB) batchLoop() {
	defer close(db.batch.stopped)
	for {
		select {
		case c := <-db.batch.calls:
			db.runBatch(db.collect(c))
		case <-db.batch.quit:
			for {
				select {
				case c := <-db.batch.calls:
					db.runBatch(db.collect(c))
				default:
					return
				}
			}
		}
	}
}

// collect takes first and every call already waiting, up to maxBatch.
func (db *DB) collect(first *batchCall) []*batchCall {
	calls := []*batchCall{first}
	for len(calls) < maxBatch {
		select {
		case c := <-db.batch.calls:
			calls = append(calls, c)
		default:
			return calls
		}
	}
	return calls
}

func (db *DB) runBatch(calls []*batchCall) {
	ctx := context.Background()
	errs := make([]error, len(calls))
	err := db.shared(ctx, calls, errs)
	if err != nil {
		// The shared transaction failed as a whole: nothing of it was
		// kept, so each call that had succeeded runs again on its own.
		for i, c := range calls {
			if errs[i] == nil {
				errs[i] = db.Update(c.ctx, c.actor, c.fn)
			}
		}
	}
	for i, c := range calls {
		c.done <- errs[i]
	}
}

// shared runs calls in one transaction, each in a savepoint, and commits.
// It records each call's own error in errs and returns the error that
// failed the transaction, if any.
func (db *DB) shared(ctx context.Context, calls []*batchCall, errs []error) (err error) {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			sqlTx.Rollback()
		}
	}()
	now := db.now().UTC().Truncate(time.Microsecond)
	var after []func()
	for i, c := range calls {
		if errs[i] = c.ctx.Err(); errs[i] != nil {
			continue
		}
		if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT call"); err != nil {
			return err
		}
		tx := &Tx{tx: sqlTx, db: db, Now: now, Actor: c.actor, writing: true}
		errs[i] = runCall(ctx, tx, c.fn)
		if errs[i] != nil {
			if _, err := sqlTx.ExecContext(ctx, "ROLLBACK TO call"); err != nil {
				return err
			}
		} else {
			after = append(after, tx.after...)
		}
		if _, err := sqlTx.ExecContext(ctx, "RELEASE call"); err != nil {
			return err
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	db.batch.commits.Add(1)
	db.batch.batched.Add(int64(len(calls)))
	for _, fn := range after {
		fn()
	}
	return nil
}

// BatchStats reports how many shared commits Batch has made and how many
// calls they held: the calls per fsync. Zero on PostgreSQL.
func (db *DB) BatchStats() (commits, calls int64) {
	if db.batch == nil {
		return 0, 0
	}
	return db.batch.commits.Load(), db.batch.batched.Load()
}

// runCall runs one call's fn and flushes its audit entries, turning a
// panic into an error so that one bad call cannot stop the loop.
func runCall(ctx context.Context, tx *Tx, fn func(tx *Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = pinggu.Internal(fmt.Errorf("panic in batched call: %v", p))
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.flushAudit(ctx)
}
