package store_test

import (
	"testing"
	"time"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

func TestUsersScopesAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		city := mkUnit(t, db, "3210", "扬州市", pinggu.KindCity, nil)
		county := mkUnit(t, db, "321002", "广陵区", pinggu.KindCounty, city)
		town := mkUnit(t, db, "321002001", "东关街道", pinggu.KindTownship, county)
		u := &pinggu.User{Login: "pg1", Name: "评估组", Role: pinggu.RoleEvaluator, Scope: []int64{county.ID}, PasswordHash: "x"}
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
			t.Fatal(err)
		}
		dup := &pinggu.User{Login: "pg1", Name: "重复", Role: pinggu.RoleViewer, PasswordHash: "x"}
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.CreateUser(ctx, dup) }); pinggu.ErrorCodeOf(err) != pinggu.EConflict {
			t.Errorf("duplicate login: %v", err)
		}
		bad := &pinggu.User{Login: "ll1", Name: "联络员", Role: pinggu.RoleLiaison, Scope: []int64{city.ID}, PasswordHash: "x"}
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.CreateUser(ctx, bad) }); pinggu.ErrorCodeOf(err) != pinggu.EInvalid {
			t.Errorf("liaison of the city: %v", err)
		}
		// A name change keeps the sessions; a scope change ends them.
		version := func() int {
			var got *pinggu.User
			db.View(ctx, func(tx *store.Tx) (err error) { got, err = tx.User(ctx, u.ID); return })
			return got.SessionVersion
		}
		v0 := version()
		u.Name = "第一评估组"
		db.Update(ctx, cli, func(tx *store.Tx) error { return tx.UpdateUser(ctx, u) })
		if version() != v0 {
			t.Error("a name change ended the sessions")
		}
		u.Role, u.Scope = pinggu.RoleLiaison, []int64{town.ID}
		if err := db.Update(ctx, cli, func(tx *store.Tx) error { return tx.UpdateUser(ctx, u) }); err != nil {
			t.Fatal(err)
		}
		if version() != v0+1 {
			t.Error("a role and scope change kept the sessions")
		}
		db.Update(ctx, cli, func(tx *store.Tx) error { return tx.SetPasswordHash(ctx, u.ID, "y") })
		if version() != v0+2 {
			t.Error("a password change kept the sessions")
		}
		lock := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		db.Update(ctx, cli, func(tx *store.Tx) error { return tx.RecordLogin(ctx, u.ID, false, lock) })
		db.View(ctx, func(tx *store.Tx) error {
			got, _ := tx.UserByLogin(ctx, "pg1")
			if got.FailedLogins != 1 || !got.LockedUntil.Equal(lock) || got.Scope[0] != town.ID {
				t.Errorf("after a failure: %+v", got)
			}
			return nil
		})

		var tok *store.APIToken
		db.Update(ctx, cli, func(tx *store.Tx) (err error) { tok, err = tx.CreateToken(ctx, u.ID, "对接", "hash1", 0); return })
		db.View(ctx, func(tx *store.Tx) error {
			owner, got, err := tx.TokenUser(ctx, "hash1")
			if err != nil || owner.ID != u.ID || got.ID != tok.ID || !got.LastUsedAt.IsZero() {
				t.Errorf("token user: %v %+v", err, got)
			}
			return nil
		})
		db.Update(ctx, cli, func(tx *store.Tx) error { return tx.TouchToken(ctx, tok.ID) })
		db.Update(ctx, cli, func(tx *store.Tx) error { return tx.RevokeToken(ctx, u.ID+1000, tok.ID) })
		db.View(ctx, func(tx *store.Tx) error {
			if _, got, err := tx.TokenUser(ctx, "hash1"); err != nil || got.LastUsedAt.IsZero() {
				t.Errorf("another account's revoke took effect, or touch did not: %v", err)
			}
			return nil
		})
		db.Update(ctx, cli, func(tx *store.Tx) error { return tx.RevokeToken(ctx, u.ID, tok.ID) })
		db.View(ctx, func(tx *store.Tx) error {
			if _, _, err := tx.TokenUser(ctx, "hash1"); pinggu.ErrorCodeOf(err) != pinggu.EUnauthorized {
				t.Errorf("revoked token: %v", err)
			}
			ts, _ := tx.Tokens(ctx, u.ID)
			if len(ts) != 1 || ts[0].RevokedAt.IsZero() {
				t.Errorf("tokens = %+v", ts)
			}
			return nil
		})
		// Tokens expire: one made to live a nanosecond is refused; one
		// made before tokens expired lives 90 days from its creation; no
		// token lives past a year.
		db.Update(ctx, cli, func(tx *store.Tx) (err error) {
			_, err = tx.CreateToken(ctx, u.ID, "短期", "hash2", time.Nanosecond)
			return
		})
		if err := db.Update(ctx, cli, func(tx *store.Tx) (err error) {
			_, err = tx.CreateToken(ctx, u.ID, "太长", "hash3", 400*24*time.Hour)
			return
		}); pinggu.ErrorCodeOf(err) != pinggu.EInvalid {
			t.Errorf("a token for 400 days: %v", err)
		}
		for _, old := range []struct {
			hash string
			age  time.Duration
			ok   bool
		}{{"old-1", 100 * 24 * time.Hour, false}, {"old-2", 10 * 24 * time.Hour, true}} {
			if _, err := db.SQL().Exec("INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)", u.ID, old.hash, old.hash, time.Now().Add(-old.age).UTC()); err != nil {
				t.Fatal(err)
			}
		}
		db.View(ctx, func(tx *store.Tx) error {
			for hash, ok := range map[string]bool{"hash2": false, "old-1": false, "old-2": true} {
				if _, _, err := tx.TokenUser(ctx, hash); (err == nil) != ok {
					t.Errorf("token %s: %v, want accepted %v", hash, err, ok)
				}
			}
			return nil
		})
	})
}
