// Package storetest opens real databases for tests: a fresh SQLite file,
// and, when PINGGU_TEST_POSTGRES holds a DSN, a fresh schema in that
// PostgreSQL database. Under CI (CI=true) a missing PostgreSQL DSN fails
// the test instead of skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"pinggu/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL DSN for tests.
const EnvPostgres = "PINGGU_TEST_POSTGRES"

// Engine is a database engine a test can run on.
type Engine struct {
	Name string
	open func(t testing.TB) string // returns a DSN for a fresh, empty database
}

// Engines returns SQLite and, when configured, PostgreSQL.
func Engines(t testing.TB) []Engine {
	engines := []Engine{{Name: "sqlite", open: sqliteDSN}}
	dsn := os.Getenv(EnvPostgres)
	switch {
	case dsn != "":
		engines = append(engines, Engine{Name: "postgres", open: func(t testing.TB) string { return postgresDSN(t, dsn) }})
	case os.Getenv("CI") == "true":
		t.Fatalf("%s is not set: under CI the PostgreSQL tests must run", EnvPostgres)
	}
	return engines
}

// Postgres returns the PostgreSQL engine, for tests of what only it has
// (xmin, VACUUM). Without one it skips the test, or fails it under CI.
func Postgres(t testing.TB) Engine {
	t.Helper()
	for _, e := range Engines(t) {
		if e.Name == "postgres" {
			return e
		}
	}
	t.Skip("PostgreSQL is not configured")
	return Engine{}
}

// HoldVacuumLock opens another session on the PostgreSQL database at dsn
// and takes, in a transaction left open until the test ends, the lock a
// VACUUM of the response inbox needs — as another instance's VACUUM or
// autovacuum would. It returns that session's pool, for looking on.
func HoldVacuumLock(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	other, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	holder, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Rollback(); other.Close() })
	if _, err := holder.Exec("LOCK TABLE response_inbox IN SHARE UPDATE EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	return other
}

// Each runs fn as a subtest on every engine with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) { fn(t, e.Open(t)) })
	}
}

// Open returns a migrated, empty database closed at the end of the test.
func (e Engine) Open(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), e.DSN(t), store.Options{Keys: filepath.Join(t.TempDir(), "pinggu.keys")})
	if err != nil {
		t.Fatalf("open %s: %v", e.Name, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// DSN returns the DSN of a fresh, empty database, removed after the test.
func (e Engine) DSN(t testing.TB) string { return e.open(t) }

// OpenSQLite is the common case: one fresh SQLite database.
func OpenSQLite(t testing.TB) *store.DB { return Engine{Name: "sqlite", open: sqliteDSN}.Open(t) }

func sqliteDSN(t testing.TB) string { return filepath.Join(t.TempDir(), "pinggu.db") }

func postgresDSN(t testing.TB, base string) string {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema on %s: %v", base, err)
	}
	t.Cleanup(func() {
		c, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer c.Close()
		c.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
