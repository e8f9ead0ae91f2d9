package auth

import (
	"context"
	"sync"
	"time"
)

// Backoff slows a source down after its failures instead of locking it
// out: past Free failures in the window, each request from the source
// waits, Base after the first extra failure and twice as long every Step
// failures more, never more than Max, and the source's requests are served
// one at a time. Nothing is ever refused: a valid survey code typed behind
// an office's one address, next to a colleague's typos, gets its form,
// at worst a few seconds later; a guesser gets one try per Max. Under
// Pressure (many failures overall) a failing source's free failures shrink
// to Tight; a source without failures is never delayed.
type Backoff struct {
	Free, Tight, Step int
	Base, Max, Window time.Duration
	// Sleep waits d or until ctx ends; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error

	mu   sync.Mutex
	keys map[string]*backoffKey
	now  func() time.Time
}

type backoffKey struct {
	fails []time.Time
	turn  chan struct{} // one request at a time while in backoff
}

// NewBackoff is the survey's: 30 free failures in 10 minutes per source
// (5 under pressure), then 1 s, doubling every 5 failures, at most 30 s.
func NewBackoff() *Backoff {
	return &Backoff{Free: 30, Tight: 5, Step: 5, Base: time.Second, Max: 30 * time.Second, Window: 10 * time.Minute,
		Sleep: sleep, keys: map[string]*backoffKey{}, now: time.Now}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Wait holds the request of key as long as its failures ask: it returns
// at once for a source in good standing; otherwise it takes the source's
// turn, waits the delay, and returns the release of the turn and the
// delay waited. It fails only when ctx ends.
func (b *Backoff) Wait(ctx context.Context, key string, pressure bool) (release func(), waited time.Duration, err error) {
	b.mu.Lock()
	k := b.keys[key]
	n := 0
	if k != nil {
		n = len(b.prune(k, b.now()))
	}
	free := b.Free
	if pressure {
		free = min(free, b.Tight)
	}
	if n <= free {
		b.mu.Unlock()
		return func() {}, 0, nil
	}
	d := b.Base << min((n-free-1)/max(b.Step, 1), 20)
	d = min(d, b.Max)
	turn := k.turn
	b.mu.Unlock()
	select {
	case turn <- struct{}{}:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	release = func() { <-turn }
	if err := b.Sleep(ctx, d); err != nil {
		release()
		return nil, 0, err
	}
	return release, d, nil
}

// Fail records a failure of key.
func (b *Backoff) Fail(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := b.keys[key]
	if k == nil {
		if len(b.keys) >= 100_000 { // bound memory under a spray from many addresses
			for key, old := range b.keys {
				if len(old.turn) == 0 {
					delete(b.keys, key)
					break
				}
			}
		}
		k = &backoffKey{turn: make(chan struct{}, 1)}
		b.keys[key] = k
	}
	now := b.now()
	k.fails = append(b.prune(k, now), now)
}

// prune drops the failures older than the window.
func (b *Backoff) prune(k *backoffKey, now time.Time) []time.Time {
	i := 0
	for i < len(k.fails) && now.Sub(k.fails[i]) > b.Window {
		i++
	}
	k.fails = k.fails[i:]
	return k.fails
}
