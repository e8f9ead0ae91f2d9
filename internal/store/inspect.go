package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
)

// Contents is what a database holds, as Inspect reads it.
type Contents struct {
	// Blank: no tables at all, or pinggu's tables without a unit, an
	// account or a campaign.
	Blank bool
	// Pinggu: the database has pinggu's tables.
	Pinggu bool
	// Settings are pinggu's stored settings (none when not Pinggu).
	Settings map[string]string
}

// Inspect reads what the database at dsn holds without creating,
// migrating or writing anything: a SQLite file that does not exist stays
// absent, and an existing one is opened read-only. Open, by contrast,
// migrates and writes; a caller that must leave foreign databases
// untouched asks Inspect first.
func Inspect(ctx context.Context, dsn string) (Contents, error) {
	var (
		conn   *sql.DB
		tables string
		err    error
	)
	if IsPostgres(dsn) {
		conn, err = sql.Open("pgx", dsn)
		tables = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	} else {
		path := strings.TrimPrefix(dsn, "file:")
		st, serr := os.Stat(path)
		if errors.Is(serr, fs.ErrNotExist) || (serr == nil && st.Size() == 0) {
			return Contents{Blank: true}, nil
		}
		if serr != nil {
			return Contents{}, serr
		}
		q := url.Values{}
		q.Set("mode", "ro")
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "query_only(1)")
		conn, err = sql.Open("sqlite", "file:"+path+"?"+q.Encode())
		tables = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	}
	if err != nil {
		return Contents{}, err
	}
	defer conn.Close()
	names, err := column(ctx, conn, tables)
	if err != nil {
		return Contents{}, fmt.Errorf("inspect %s: %w", redactDSN(dsn), err)
	}
	if len(names) == 0 {
		return Contents{Blank: true}, nil
	}
	have := map[string]bool{}
	for _, n := range names {
		have[n] = true
	}
	if !have["units"] || !have["users"] || !have["campaigns"] || !have["settings"] {
		return Contents{}, nil // somebody else's tables
	}
	c := Contents{Pinggu: true, Settings: map[string]string{}}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM units) + (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM campaigns)`).Scan(&n); err != nil {
		return Contents{}, err
	}
	c.Blank = n == 0
	rows, err := conn.QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return Contents{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return Contents{}, err
		}
		c.Settings[k] = v
	}
	return c, rows.Err()
}

func column(ctx context.Context, conn *sql.DB, query string) ([]string, error) {
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// redactDSN drops a password from a postgres:// DSN for messages.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && IsPostgres(dsn) {
		return u.Redacted()
	}
	return dsn
}
