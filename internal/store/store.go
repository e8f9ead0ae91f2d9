// Package store keeps pinggu's data in SQLite (embedded, the default) or
// PostgreSQL (when the DSN starts with postgres://). The SQL is written once
// with $N placeholders, which both drivers bind; only the migrations differ
// per dialect, and they keep the same version numbers.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers "sqlite"
)

//go:embed migrations
var migrations embed.FS

// Dialect names the database engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open pinggu database. With SQLite, writes go through one
// connection (SQLite has one writer anyway, and IMMEDIATE transactions on a
// single connection never fail with SQLITE_BUSY mid-way) and reads through
// a pool; with PostgreSQL both are the same pool.
type DB struct {
	dialect   Dialect
	write     *sql.DB
	read      *sql.DB
	now       func() time.Time
	log       *slog.Logger
	batch     *batcher // group commit, SQLite only
	frozen    sync.Map // parsed frozen frameworks, by their stored document
	keys      *keyring // the campaigns' survey keys, kept outside the database
	mixSizes  sync.Map // campaign ID → its k, once frozen
	submitted sync.Map // Kind → *atomic.Int64: its submits in this process, Mix's hint
	// moving: one move of waiting responses at a time in this process;
	// vacuuming: one VACUUM of the inbox.
	moving, vacuuming atomic.Bool
}

// IsPostgres reports whether dsn selects PostgreSQL.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Options are how Open finds what is kept beside the database.
type Options struct {
	Log *slog.Logger // nil: nothing is logged
	// Keys is the survey key file (docs/anonymity.md); KeysPath(dsn) when
	// empty.
	Keys string
}

// Open opens (creating if needed) and migrates the database at dsn: a file
// path for SQLite, or a postgres:// URL.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	db := &DB{now: time.Now, log: log}
	var err error
	keys := opts.Keys
	if keys == "" {
		keys = KeysPath(dsn)
	}
	if db.keys, err = openKeyring(keys); err != nil {
		return nil, fmt.Errorf("survey keys: %w", err)
	}
	if IsPostgres(dsn) {
		db.dialect = Postgres
		db.write, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		db.write.SetMaxOpenConns(20)
		db.read = db.write
	} else {
		db.dialect = SQLite
		if db.write, err = sql.Open("sqlite", sqliteDSN(dsn, "immediate")); err != nil {
			return nil, err
		}
		db.write.SetMaxOpenConns(1)
		if db.read, err = sql.Open("sqlite", sqliteDSN(dsn, "deferred")); err != nil {
			db.write.Close()
			return nil, err
		}
		db.read.SetMaxOpenConns(8)
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w", db.dialect, err)
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if err := db.Update(ctx, Actor{Login: "system"}, func(tx *Tx) error {
		if err := tx.EnsureBuiltinFrameworks(ctx); err != nil {
			return err
		}
		return tx.backfillProfiles(ctx)
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("built-in frameworks: %w", err)
	}
	if err := db.upgradeSurveyKeys(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("survey keys: %w", err)
	}
	if db.dialect == SQLite {
		db.startBatcher()
	}
	return db, nil
}

// sqliteDSN adds pinggu's pragmas in PocketBase's order: busy timeout first so
// that the others wait rather than fail, then WAL, synchronous, foreign keys.
func sqliteDSN(path, txlock string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	// FULL: a commit returns only once the WAL is on the disk, so an
	// acknowledged survey response survives a power cut. Batch shares
	// that fsync among concurrent submits.
	q.Add("_pragma", "synchronous(FULL)")
	// Deleted rows are overwritten with zeros, in the file and its WAL,
	// not left in free pages: nothing deleted (a response's inbox row, a
	// paper ballot's keyings) outlives its deletion in the live files.
	q.Add("_pragma", "secure_delete(ON)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", txlock)
	q.Set("_time_format", "sqlite")
	path = strings.TrimPrefix(path, "file:")
	return "file:" + path + "?" + q.Encode()
}

func (db *DB) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	dialect := goose.DialectSQLite3
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		// Several app instances may start together on one PostgreSQL.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db.write, sub, opts...)
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// Close closes both pools.
func (db *DB) Close() error {
	db.stopBatcher()
	var errs []error
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	if db.read != nil && db.read != db.write {
		errs = append(errs, db.read.Close())
	}
	return errors.Join(errs...)
}

// Dialect returns the engine in use.
func (db *DB) Dialect() Dialect { return db.dialect }

// SQL returns the pool that writes; the session store uses it.
func (db *DB) SQL() *sql.DB { return db.write }

// SetNow replaces the clock, for tests.
func (db *DB) SetNow(now func() time.Time) { db.now = now }

// Ping checks that the database answers, for /healthz.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }
