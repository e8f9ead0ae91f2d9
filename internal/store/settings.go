package store

import (
	"context"
	"database/sql"
	"errors"

	"pinggu"
)

// Setting returns the value stored under key, or "" when there is none.
func (tx *Tx) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := tx.queryRow(ctx, "SELECT value FROM settings WHERE key = $1", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", pinggu.Internal(err)
	}
	return v, nil
}

// SetSetting stores value under key.
func (tx *Tx) SetSetting(ctx context.Context, key, value string) error {
	_, err := tx.exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// Empty reports whether the database holds no unit, account or campaign:
// what a freshly migrated database looks like.
func (tx *Tx) Empty(ctx context.Context) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM units) + (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM campaigns)`).Scan(&n)
	if err != nil {
		return false, pinggu.Internal(err)
	}
	return n == 0, nil
}
