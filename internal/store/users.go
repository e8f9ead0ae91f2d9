package store

import (
	"context"
	"database/sql"
	"time"

	"pinggu"
)

const userColumns = `id, login, name, role, disabled, password_hash, session_version, failed_logins,
	locked_until, created_at, updated_at`

func scanUser(s interface{ Scan(...any) error }, u *pinggu.User) error {
	var role string
	var locked sql.NullTime
	err := s.Scan(&u.ID, &u.Login, &u.Name, &role, &u.Disabled, &u.PasswordHash, &u.SessionVersion,
		&u.FailedLogins, &locked, &u.CreatedAt, &u.UpdatedAt)
	u.Role = pinggu.Role(role)
	if locked.Valid {
		u.LockedUntil = locked.Time.UTC()
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return err
}

// User returns the account with id, with its scope.
func (tx *Tx) User(ctx context.Context, id int64) (*pinggu.User, error) {
	return tx.userWhere(ctx, "id = $1", id)
}

// UserByLogin returns the account with login, with its scope.
func (tx *Tx) UserByLogin(ctx context.Context, login string) (*pinggu.User, error) {
	return tx.userWhere(ctx, "login = $1", login)
}

func (tx *Tx) userWhere(ctx context.Context, where string, arg any) (*pinggu.User, error) {
	var u pinggu.User
	err := scanUser(tx.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE "+where, arg), &u)
	if err := scanOne(err, "user.not_found"); err != nil {
		return nil, err
	}
	return &u, tx.loadScope(ctx, &u)
}

// loadScope fills u's scope: a liaison's unit from the account, an
// evaluator's from the groups they lead or belong to.
func (tx *Tx) loadScope(ctx context.Context, u *pinggu.User) error {
	var err error
	switch u.Role {
	case pinggu.RoleLiaison:
		u.Scope, err = tx.userScope(ctx, u.ID)
	case pinggu.RoleEvaluator:
		if u.CampaignScope, err = tx.campaignScope(ctx, u.ID); err != nil {
			return err
		}
		seen := map[int64]bool{}
		u.Scope = nil
		for _, units := range u.CampaignScope {
			for _, id := range units {
				if !seen[id] {
					seen[id] = true
					u.Scope = append(u.Scope, id)
				}
			}
		}
	}
	return err
}

func (tx *Tx) userScope(ctx context.Context, id int64) ([]int64, error) {
	rows, err := tx.query(ctx, "SELECT unit_id FROM user_scopes WHERE user_id = $1 ORDER BY unit_id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var scope []int64
	for rows.Next() {
		var uid int64
		if err := rows.Scan(&uid); err != nil {
			return nil, pinggu.Internal(err)
		}
		scope = append(scope, uid)
	}
	return scope, rows.Err()
}

// Users returns every account with its scope, by login.
func (tx *Tx) Users(ctx context.Context) ([]pinggu.User, error) {
	rows, err := tx.query(ctx, "SELECT "+userColumns+" FROM users ORDER BY login")
	if err != nil {
		return nil, err
	}
	var users []pinggu.User
	for rows.Next() {
		var u pinggu.User
		if err := scanUser(rows, &u); err != nil {
			rows.Close()
			return nil, pinggu.Internal(err)
		}
		users = append(users, u)
	}
	rows.Close()
	for i := range users {
		if err := tx.loadScope(ctx, &users[i]); err != nil {
			return nil, err
		}
	}
	return users, nil
}

// CountUsers returns the number of accounts, and of those admins.
func (tx *Tx) CountUsers(ctx context.Context) (all, admins int, err error) {
	err = tx.queryRow(ctx, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN role = 'admin' THEN 1 ELSE 0 END), 0) FROM users").Scan(&all, &admins)
	if err != nil {
		err = pinggu.Internal(err)
	}
	return
}

// scopeKinds returns the stored kinds of the units in ids.
func (tx *Tx) scopeKinds(ctx context.Context, ids []int64) (map[int64]pinggu.UnitKind, error) {
	kinds := map[int64]pinggu.UnitKind{}
	for _, id := range ids {
		u, err := tx.Unit(ctx, id)
		if pinggu.ErrorCodeOf(err) == pinggu.ENotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		kinds[id] = u.Kind
	}
	return kinds, nil
}

// ValidateUser checks u's fields and scope against the stored units.
func (tx *Tx) ValidateUser(ctx context.Context, u *pinggu.User) error {
	kinds, err := tx.scopeKinds(ctx, u.Scope)
	if err != nil {
		return err
	}
	if ps := u.Validate(kinds); len(ps) > 0 {
		return pinggu.Invalid("user.invalid", ps)
	}
	return nil
}

// CreateUser inserts a validated account whose PasswordHash is set.
func (tx *Tx) CreateUser(ctx context.Context, u *pinggu.User) error {
	if err := tx.ValidateUser(ctx, u); err != nil {
		return err
	}
	u.CreatedAt, u.UpdatedAt, u.SessionVersion = tx.Now, tx.Now, 1
	err := tx.queryRow(ctx, `INSERT INTO users (login, name, role, disabled, password_hash, session_version,
		failed_logins, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 1, 0, $6, $6) RETURNING id`,
		u.Login, u.Name, string(u.Role), u.Disabled, u.PasswordHash, tx.Now).Scan(&u.ID)
	if err != nil {
		return tx.uniqueOr(err, "user.login_taken", "Login", u.Login)
	}
	if err := tx.setScope(ctx, u.ID, u.Role, u.Scope); err != nil {
		return err
	}
	return tx.Audit(ctx, pinggu.ActionUserCreate, "user", u.ID, nil, auditUser(u))
}

// UpdateUser stores name, role, disabled and scope. Disabling an account, or
// changing its role or scope, ends its sessions.
func (tx *Tx) UpdateUser(ctx context.Context, u *pinggu.User) error {
	before, err := tx.User(ctx, u.ID)
	if err != nil {
		return err
	}
	if err := tx.ValidateUser(ctx, u); err != nil {
		return err
	}
	version := before.SessionVersion
	if u.Disabled != before.Disabled || u.Role != before.Role || (u.Role == pinggu.RoleLiaison && !sameIDs(u.Scope, before.Scope)) {
		version++
	}
	if _, err := tx.exec(ctx, `UPDATE users SET name = $1, role = $2, disabled = $3, session_version = $4,
		updated_at = $5 WHERE id = $6`, u.Name, string(u.Role), u.Disabled, version, tx.Now, u.ID); err != nil {
		return err
	}
	if err := tx.setScope(ctx, u.ID, u.Role, u.Scope); err != nil {
		return err
	}
	u.SessionVersion = version
	return tx.Audit(ctx, pinggu.ActionUserUpdate, "user", u.ID, auditUser(before), auditUser(u))
}

// SetPasswordHash replaces the password and ends every session of the
// account, since a password change is how a user evicts a thief.
func (tx *Tx) SetPasswordHash(ctx context.Context, id int64, hash string) error {
	if _, err := tx.exec(ctx, `UPDATE users SET password_hash = $1, session_version = session_version + 1,
		failed_logins = 0, locked_until = NULL, updated_at = $2 WHERE id = $3`, hash, tx.Now, id); err != nil {
		return err
	}
	return tx.Audit(ctx, pinggu.ActionUserPassword, "user", id, nil, nil)
}

// RecordLogin stores the outcome of a password check: a success clears the
// failure count, a failure raises it and may lock the account until lockUntil.
func (tx *Tx) RecordLogin(ctx context.Context, id int64, ok bool, lockUntil time.Time) error {
	if ok {
		_, err := tx.exec(ctx, "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1", id)
		return err
	}
	_, err := tx.exec(ctx, "UPDATE users SET failed_logins = failed_logins + 1, locked_until = $1 WHERE id = $2",
		nullTime(lockUntil), id)
	return err
}

// setScope stores a liaison's unit; other roles keep no scope on the account.
func (tx *Tx) setScope(ctx context.Context, id int64, role pinggu.Role, scope []int64) error {
	if role != pinggu.RoleLiaison {
		scope = nil
	}
	if _, err := tx.exec(ctx, "DELETE FROM user_scopes WHERE user_id = $1", id); err != nil {
		return err
	}
	for _, uid := range scope {
		if _, err := tx.exec(ctx, "INSERT INTO user_scopes (user_id, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", id, uid); err != nil {
			return err
		}
	}
	return nil
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[int64]bool{}
	for _, x := range a {
		seen[x] = true
	}
	for _, x := range b {
		if !seen[x] {
			return false
		}
	}
	return true
}

func auditUser(u *pinggu.User) any {
	return struct {
		Login    string  `json:"login"`
		Name     string  `json:"name"`
		Role     string  `json:"role"`
		Disabled bool    `json:"disabled"`
		Scope    []int64 `json:"scope,omitempty"`
	}{u.Login, u.Name, string(u.Role), u.Disabled, u.Scope}
}
