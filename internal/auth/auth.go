// Package auth checks passwords and API tokens and slows guessing down. It
// owns the argon2id parameters and the delays that replace lock-outs;
// sessions themselves live in the web package.
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

// dummy is the hash compared against when the login does not exist, so
// that an unknown login takes as long as a wrong password. It is made on
// first use: making it costs 60–80 ms that a process start need not pay.
var dummy = sync.OnceValue(func() string {
	h, _ := argon2id.CreateHash("pinggu-dummy-password", params)
	return h
})

// Authenticator checks logins against the store and slows guessing down.
// Nothing a stranger does can lock an account: failures only delay the
// next attempts (auth.Backoff), per login at one address first (a guesser
// at their own address waits longer and longer), per address over every
// login (spraying), and a little per login over every address (a
// distributed guess). The real user at another address is not delayed by
// the first two, and by the third at most a few seconds. An unknown login
// is answered exactly as a wrong password: same message, same hash work,
// same delays (they key on the login typed, not on an account).
type Authenticator struct {
	DB                       *store.DB
	Pairs, Sources, Accounts *Backoff
}

// New returns an authenticator with the delays above: per login and
// address, 3 free failures in 15 minutes, then 1 s doubling with each
// failure up to 60 s; per address, 20 free, then 1 s doubling every 5 up to
// 30 s; per login, 50 free, then 1 s doubling every 10 up to 5 s.
func New(db *store.DB) *Authenticator {
	b := func(free, step int, max time.Duration) *Backoff {
		x := NewBackoff()
		x.Free, x.Tight, x.Step, x.Max, x.Window = free, free, step, max, 15*time.Minute
		return x
	}
	return &Authenticator{DB: db, Pairs: b(3, 1, time.Minute), Sources: b(20, 5, 30*time.Second), Accounts: b(50, 10, 5*time.Second)}
}

// Login checks login and password from client and returns the account.
// Every failure looks the same to the caller: "wrong login or password".
func (a *Authenticator) Login(ctx context.Context, login, password, client string) (*pinggu.User, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	keys := []struct {
		b   *Backoff
		key string
	}{{a.Pairs, login + "|" + client}, {a.Sources, client}, {a.Accounts, login}}
	for _, k := range keys {
		release, _, err := k.b.Wait(ctx, k.key, false)
		if err != nil {
			return nil, pinggu.Errorf(pinggu.EUnauthorized, "login.throttled")
		}
		defer release()
	}
	fail := func() (*pinggu.User, error) {
		for _, k := range keys {
			k.b.Fail(k.key)
		}
		return nil, pinggu.Errorf(pinggu.EUnauthorized, "login.failed")
	}
	var u *pinggu.User
	err := a.DB.View(ctx, func(tx *store.Tx) (err error) {
		u, err = tx.UserByLogin(ctx, login)
		return err
	})
	if pinggu.ErrorCodeOf(err) == pinggu.ENotFound {
		checkHash(password, dummy())
		return fail()
	}
	if err != nil {
		return nil, err
	}
	if !checkHash(password, u.PasswordHash) {
		return fail()
	}
	if u.Disabled {
		return nil, pinggu.Errorf(pinggu.EUnauthorized, "login.disabled")
	}
	if u.FailedLogins > 0 || !u.LockedUntil.IsZero() {
		// Clear what earlier versions counted and locked in the database.
		if err := a.DB.Update(ctx, store.ActorOf(u), func(tx *store.Tx) error { return tx.RecordLogin(ctx, u.ID, true, time.Time{}) }); err != nil {
			return nil, err
		}
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
