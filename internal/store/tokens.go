package store

import (
	"context"
	"database/sql"
	"time"

	"pinggu"
)

// APIToken is a bearer token of an account, for the JSON API. Only the
// SHA-256 of the secret is stored; the secret is shown once at creation.
type APIToken struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"user_id"`
	Name       string    `json:"name"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	RevokedAt  time.Time `json:"revoked_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// Token lifetimes: 90 days unless chosen, a year at most.
const (
	DefaultTokenLife = 90 * 24 * time.Hour
	MaxTokenLife     = 365 * 24 * time.Hour
)

// Expired reports whether the token has expired at now.
func (t *APIToken) Expired(now time.Time) bool { return !now.Before(t.ExpiresAt) }

// CreateToken stores a token with the given hash for user, valid for life
// (DefaultTokenLife when 0; never more than MaxTokenLife).
func (tx *Tx) CreateToken(ctx context.Context, userID int64, name, hash string, life time.Duration) (*APIToken, error) {
	if life <= 0 {
		life = DefaultTokenLife
	}
	if life > MaxTokenLife {
		return nil, pinggu.Invalid("token.invalid", []pinggu.Problem{pinggu.NewProblem(0, "days", "token.life_range", "Max", int(MaxTokenLife/(24*time.Hour)))})
	}
	t := &APIToken{UserID: userID, Name: name, CreatedAt: tx.Now, ExpiresAt: tx.Now.Add(life)}
	err := tx.queryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, userID, name, hash, tx.Now, t.ExpiresAt).Scan(&t.ID)
	if err != nil {
		return nil, pinggu.Internal(err)
	}
	return t, tx.Audit(ctx, pinggu.ActionTokenCreate, "user", userID, nil, map[string]any{"token_id": t.ID, "name": name, "expires_at": t.ExpiresAt})
}

// Tokens lists a user's tokens, newest first.
func (tx *Tx) Tokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := tx.query(ctx, `SELECT id, user_id, name, created_at, last_used_at, revoked_at, expires_at
		FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

func scanToken(s interface{ Scan(...any) error }) (*APIToken, error) {
	var t APIToken
	var used, revoked, expires sql.NullTime
	if err := s.Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &used, &revoked, &expires); err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.ExpiresAt = t.CreatedAt.Add(DefaultTokenLife) // made before tokens expired
	if expires.Valid {
		t.ExpiresAt = expires.Time.UTC()
	}
	if used.Valid {
		t.LastUsedAt = used.Time.UTC()
	}
	if revoked.Valid {
		t.RevokedAt = revoked.Time.UTC()
	}
	return &t, nil
}

// TokenUser returns the account owning the unrevoked, unexpired token
// with hash.
func (tx *Tx) TokenUser(ctx context.Context, hash string) (*pinggu.User, *APIToken, error) {
	t, err := scanToken(tx.queryRow(ctx, `SELECT id, user_id, name, created_at, last_used_at, revoked_at, expires_at
		FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, hash))
	if err != nil || t.Expired(tx.Now) {
		return nil, nil, pinggu.Errorf(pinggu.EUnauthorized, "error.unauthorized")
	}
	u, err := tx.User(ctx, t.UserID)
	return u, t, err
}

// TouchToken records that token id was used now; it is called at most once
// a minute per token, so API reads do not each take the write lock.
func (tx *Tx) TouchToken(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", tx.Now, id)
	return err
}

// RevokeToken revokes token id of user; revoking twice is harmless.
func (tx *Tx) RevokeToken(ctx context.Context, userID, id int64) error {
	res, err := tx.exec(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
		tx.Now, id, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return tx.Audit(ctx, pinggu.ActionTokenRevoke, "user", userID, nil, map[string]any{"token_id": id})
}
