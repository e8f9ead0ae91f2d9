// Package auth checks passwords and API tokens and throttles guessing. It
// owns the argon2id parameters and the lock-out rules; sessions themselves
// live in the web package.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"

	"pinggu"
	"pinggu/internal/store"
)

// params: 19 MiB, 2 passes, 1 lane (OWASP's minimum for argon2id), which
// costs 60–80 ms on our 2-core machines.
var params = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// hashing bounds concurrent hashes: each holds 19 MiB while it runs, and a
// burst of logins must not exhaust memory or starve the survey.
var hashing = make(chan struct{}, 2)

// HashPassword returns the encoded argon2id hash of pw.
func HashPassword(pw string) (string, error) {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	return argon2id.CreateHash(pw, params)
}

func checkHash(pw, hash string) bool {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}

// dummyHash is compared against when the login does not exist, so that an
// unknown login takes as long as a wrong password.
var dummyHash, _ = argon2id.CreateHash("pinggu-dummy-password", params)

// Lock-out rules for one account.
const (
	FreeAttempts = 5                // failures before the account locks
	LockFor      = 15 * time.Minute // length of a lock
)

// Authenticator checks logins against the store and throttles per client.
type Authenticator struct {
	DB      *store.DB
	Clients *Limiter
}

// New returns an authenticator allowing 20 failed attempts per client
// address in 15 minutes.
func New(db *store.DB) *Authenticator {
	return &Authenticator{DB: db, Clients: NewLimiter(20, 15*time.Minute)}
}

// Login checks login and password from client and returns the account.
// Every failure looks the same to the caller: "wrong login or password",
// "locked", or "too many attempts from this address".
func (a *Authenticator) Login(ctx context.Context, login, password, client string) (*pinggu.User, error) {
	if !a.Clients.Allow(client) {
		return nil, pinggu.Errorf(pinggu.EUnauthorized, "login.throttled")
	}
	login = strings.ToLower(strings.TrimSpace(login))
	var u *pinggu.User
	err := a.DB.View(ctx, func(tx *store.Tx) (err error) {
		u, err = tx.UserByLogin(ctx, login)
		return err
	})
	if pinggu.ErrorCodeOf(err) == pinggu.ENotFound {
		checkHash(password, dummyHash)
		a.Clients.Fail(client)
		return nil, pinggu.Errorf(pinggu.EUnauthorized, "login.failed")
	}
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if now.Before(u.LockedUntil) {
		a.Clients.Fail(client)
		return nil, pinggu.Errorf(pinggu.EUnauthorized, "login.locked", "Minutes", int(time.Until(u.LockedUntil).Minutes())+1)
	}
	ok := checkHash(password, u.PasswordHash)
	var lockUntil time.Time
	if !ok && u.FailedLogins+1 >= FreeAttempts {
		lockUntil = now.Add(LockFor)
	}
	if err := a.DB.Update(ctx, store.ActorOf(u), func(tx *store.Tx) error {
		if !ok || u.FailedLogins > 0 {
			if err := tx.RecordLogin(ctx, u.ID, ok, lockUntil); err != nil {
				return err
			}
		}
		if !lockUntil.IsZero() {
			return tx.Audit(ctx, "user.locked", "user", u.ID, nil, map[string]any{"until": lockUntil.UTC()})
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if !ok {
		a.Clients.Fail(client)
		return nil, pinggu.Errorf(pinggu.EUnauthorized, "login.failed")
	}
	if u.Disabled {
		return nil, pinggu.Errorf(pinggu.EUnauthorized, "login.disabled")
	}
	return u, nil
}

// NewToken returns a new API token secret and the hash to store.
func NewToken() (secret, hash string) {
	b := make([]byte, 20)
	rand.Read(b)
	secret = "pgt_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return secret, HashToken(secret)
}

// HashToken returns the stored form of a token secret. Tokens carry 160
// random bits, so a fast hash is enough.
func HashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// RandomPassword returns a password of n characters from an alphabet
// without look-alikes, for demo accounts and resets.
func RandomPassword(n int) string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Limiter counts failures per key in a sliding window. It lives in memory:
// per-account lock-out is in the database and so holds across instances;
// this per-address limit is a per-instance brake on spraying.
type Limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	fails  map[string][]time.Time
}

// NewLimiter allows max failures per key within window.
func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{max: max, window: window, fails: map[string][]time.Time{}}
}

// Allow reports whether key may try again.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.prune(key, time.Now())) < l.max
}

// Fail records a failure for key.
func (l *Limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.fails[key] = append(l.prune(key, now), now)
	if len(l.fails) > 100_000 { // bound memory under a spray from many addresses
		for k := range l.fails {
			delete(l.fails, k)
			break
		}
	}
}

func (l *Limiter) prune(key string, now time.Time) []time.Time {
	fs := l.fails[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) > l.window {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = fs
	return fs
}
