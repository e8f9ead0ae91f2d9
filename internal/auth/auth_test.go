package auth_test

import (
	"context"
	"strings"
	"testing"

	"pinggu"
	"pinggu/internal/auth"
	"pinggu/internal/store"
	"pinggu/internal/store/storetest"
)

func TestLoginOutcomes(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	actor := store.Actor{Login: "cli:test"}
	u := &pinggu.User{Login: "office", Name: "办公室", Role: pinggu.RoleAdmin}
	if err := auth.CreateUser(ctx, db, actor, u, "Yangzhou-2026-ok", pinggu.DefaultPasswordPolicy); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash = %q", u.PasswordHash)
	}
	a := auth.New(db)
	key := func(err error) string {
		if err == nil {
			return ""
		}
		return pinggu.AsError(err).Key
	}
	if _, err := a.Login(ctx, "nobody", "whatever-whatever", "192.0.2.1"); key(err) != "login.failed" {
		t.Errorf("unknown login: %v", err)
	}
	if got, err := a.Login(ctx, " OFFICE ", "Yangzhou-2026-ok", "192.0.2.1"); err != nil || got.ID != u.ID {
		t.Errorf("login: %v", err)
	}
	u.Disabled = true
	db.Update(ctx, actor, func(tx *store.Tx) error { return tx.UpdateUser(ctx, u) })
	if _, err := a.Login(ctx, "office", "Yangzhou-2026-ok", "192.0.2.1"); key(err) != "login.disabled" {
		t.Errorf("disabled: %v", err)
	}
	// A client that fails too often is refused before any password check.
	a.Clients = auth.NewLimiter(2, 60e9)
	a.Login(ctx, "nobody", "x", "192.0.2.9")
	a.Login(ctx, "nobody", "x", "192.0.2.9")
	if _, err := a.Login(ctx, "office", "Yangzhou-2026-ok", "192.0.2.9"); key(err) != "login.throttled" {
		t.Errorf("throttled client: %v", err)
	}
}

func TestTokens(t *testing.T) {
	s1, h1 := auth.NewToken()
	s2, _ := auth.NewToken()
	if s1 == s2 || !strings.HasPrefix(s1, "pgt_") || len(s1) != 36 {
		t.Errorf("tokens %q %q", s1, s2)
	}
	if auth.HashToken(s1) != h1 || strings.Contains(h1, s1) {
		t.Error("hash does not match or contains the secret")
	}
	for i := 0; i < 100; i++ {
		if p := auth.RandomPassword(14); len(p) != 14 || strings.ContainsAny(p, "0O1lI") {
			t.Fatalf("random password %q: wrong length or a look-alike character", p)
		}
	}
}
