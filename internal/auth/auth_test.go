package auth_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

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
}

// TestGuessingCannotLockAnyoneOut: a stranger's wrong passwords only slow
// the stranger down. The account is never locked: its owner at another
// address logs in without waiting, and even at the stranger's address the
// right password works after the wait. An unknown login is answered as a
// wrong password, with the same delays.
func TestGuessingCannotLockAnyoneOut(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	u := &pinggu.User{Login: "admin", Name: "办公室", Role: pinggu.RoleAdmin}
	if err := auth.CreateUser(ctx, db, store.Actor{Login: "t"}, u, "Yangzhou-2026-ok", pinggu.DefaultPasswordPolicy); err != nil {
		t.Fatal(err)
	}
	a := auth.New(db)
	waits := map[string][]time.Duration{}
	current := ""
	for _, b := range []*auth.Backoff{a.Pairs, a.Sources, a.Accounts} {
		b.Sleep = func(_ context.Context, d time.Duration) error { waits[current] = append(waits[current], d); return nil }
	}
	try := func(tag, login, pw, client string) error {
		current = tag
		_, err := a.Login(ctx, login, pw, client)
		return err
	}
	for range 10 {
		if err := try("known", "admin", "wrong wrong wrong", "198.51.100.9"); pinggu.AsError(err).Key != "login.failed" {
			t.Fatalf("wrong password: %v", err)
		}
		if err := try("unknown", "adminx", "wrong wrong wrong", "198.51.100.10"); pinggu.AsError(err).Key != "login.failed" {
			t.Fatalf("unknown login: %v", err)
		}
	}
	if len(waits["known"]) == 0 || fmt.Sprint(waits["known"]) != fmt.Sprint(waits["unknown"]) {
		t.Errorf("delays: known login %v, unknown %v: they must grow, and be the same", waits["known"], waits["unknown"])
	}
	if err := try("owner", "admin", "Yangzhou-2026-ok", "192.0.2.1"); err != nil || len(waits["owner"]) != 0 {
		t.Errorf("the owner from another address: %v, waited %v", err, waits["owner"])
	}
	if err := try("same", "admin", "Yangzhou-2026-ok", "198.51.100.9"); err != nil || len(waits["same"]) == 0 {
		t.Errorf("the right password at the guesser's address: %v, waited %v (it must wait, then work)", err, waits["same"])
	}
	var stored *pinggu.User
	db.View(ctx, func(tx *store.Tx) (err error) { stored, err = tx.UserByLogin(ctx, "admin"); return })
	if !stored.LockedUntil.IsZero() {
		t.Errorf("the account was locked until %v", stored.LockedUntil)
	}
}

// TestUnknownLoginTakesAsLong: an unknown login costs the same hash work
// as a wrong password (timed over a few tries each, loosely).
func TestUnknownLoginTakesAsLong(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	u := &pinggu.User{Login: "office", Name: "办公室", Role: pinggu.RoleAdmin}
	auth.CreateUser(ctx, db, store.Actor{Login: "t"}, u, "Yangzhou-2026-ok", pinggu.DefaultPasswordPolicy)
	a := auth.New(db)
	timeIt := func(login string) time.Duration {
		start := time.Now()
		for i := range 3 {
			a.Login(ctx, login, "wrong wrong wrong", fmt.Sprintf("203.0.113.%d", i)) // a fresh address each: no delays
		}
		return time.Since(start)
	}
	timeIt("warm-up")
	known, unknown := timeIt("office"), timeIt("nobody")
	if r := float64(unknown) / float64(known); r < 0.5 || r > 2 {
		t.Errorf("unknown login %v, wrong password %v: they must cost the same", unknown, known)
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
