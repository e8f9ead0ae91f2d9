package auth

import (
	"context"

	"pinggu"
	"pinggu/internal/store"
)

// CreateUser checks password against policy, hashes it and stores u.
func CreateUser(ctx context.Context, db *store.DB, actor store.Actor, u *pinggu.User, password string, policy pinggu.PasswordPolicy) error {
	if err := policy.Check(u.Login, password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return pinggu.Internal(err)
	}
	u.PasswordHash = hash
	return db.Update(ctx, actor, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) })
}

// SetPassword checks and stores a new password for the account id, ending
// its sessions.
func SetPassword(ctx context.Context, db *store.DB, actor store.Actor, id int64, password string, policy pinggu.PasswordPolicy) error {
	var u *pinggu.User
	if err := db.View(ctx, func(tx *store.Tx) (err error) { u, err = tx.User(ctx, id); return }); err != nil {
		return err
	}
	if err := policy.Check(u.Login, password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return pinggu.Internal(err)
	}
	return db.Update(ctx, actor, func(tx *store.Tx) error { return tx.SetPasswordHash(ctx, id, hash) })
}

// ChangeOwnPassword is SetPassword after checking the current password.
func ChangeOwnPassword(ctx context.Context, db *store.DB, u *pinggu.User, current, next string, policy pinggu.PasswordPolicy) error {
	if !checkHash(current, u.PasswordHash) {
		return pinggu.Invalid("user.password_rejected", []pinggu.Problem{pinggu.NewProblem(0, "current", "password.current_wrong")})
	}
	return SetPassword(ctx, db, store.ActorOf(u), u.ID, next, policy)
}
