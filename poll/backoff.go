package poll

import (
	"errors"
	"sync"
	"time"

	"github.com/zcbridge/zcbridge/regplatform"
)

// pollBackoff spaces the result reads of accepted pushes: each read that
// finds the push still in progress doubles the wait, from min up to max.
// It lives in memory: after a restart every accepted push is read at once.
type pollBackoff struct {
	min, max time.Duration

	mu sync.Mutex
	m  map[Key]*pollState
}

type pollState struct {
	next  time.Time
	steps int
	seen  bool
	// later is set once a read found a later revision this deployment
	// pushed itself; see laterOnce.
	later bool
}

func newPollBackoff(min, max time.Duration) *pollBackoff {
	return &pollBackoff{min: min, max: max, m: make(map[Key]*pollState)}
}

// due reports whether k may be read at now. A key never seen is due.
func (b *pollBackoff) due(k Key, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()

	s, ok := b.m[k]
	if !ok {
		return true
	}
	s.seen = true
	return !now.Before(s.next)
}

// start schedules the first read of a freshly accepted push.
func (b *pollBackoff) start(k Key, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()

	b.m[k] = &pollState{next: now.Add(b.min), seen: true}
}

// slow schedules the next read after one that found k in progress, and
// returns the wait.
func (b *pollBackoff) slow(k Key, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()

	s := b.touchLocked(k)
	wait := b.min
	for i := 0; i < s.steps && wait < b.max; i++ {
		wait *= 2
	}
	wait = min(wait, b.max)
	s.steps++
	s.next = now.Add(wait)
	return wait
}

// laterOnce records that a read of k found a later revision pushed through
// this deployment's store, and reports whether it is the first such read
// since the Source last stopped listing k.
func (b *pollBackoff) laterOnce(k Key) bool {
	b.mu.Lock()
	defer b.mu.Unlock()

	s := b.touchLocked(k)
	first := !s.later
	s.later = true
	return first
}

// touchLocked returns the state of k, made when k has none, and marks it
// seen. The caller holds b.mu.
func (b *pollBackoff) touchLocked(k Key) *pollState {
	s, ok := b.m[k]
	if !ok {
		s = &pollState{}
		b.m[k] = s
	}
	s.seen = true
	return s
}

// forget drops k, so it is due at once.
func (b *pollBackoff) forget(k Key) {
	b.mu.Lock()
	defer b.mu.Unlock()

	delete(b.m, k)
}

// sweep drops the keys of flow that no pass touched since the last sweep:
// records the Source no longer lists.
func (b *pollBackoff) sweep(flow string) {
	b.mu.Lock()
	defer b.mu.Unlock()

	for k, s := range b.m {
		if k.Flow != flow {
			continue
		}
		if !s.seen {
			delete(b.m, k)
			continue
		}
		s.seen = false
	}
}

// Gate holds the engine's pause of every platform call after the platform
// answered 4290 (rate limited) or 5030 (平台维护中, maintenance) past the
// client's own retries: both ask every caller to wait. Flows and jobs check
// Allow before each call and hand every call error to Observe.
type Gate struct {
	clock    Clock
	fallback time.Duration
	max      time.Duration

	mu    sync.Mutex
	until time.Time
}

func newGate(clock Clock, fallback, max time.Duration) *Gate {
	return &Gate{clock: clock, fallback: fallback, max: max}
}

// Allow reports whether platform calls may be made now.
func (g *Gate) Allow() bool {
	g.mu.Lock()
	defer g.mu.Unlock()

	return !g.clock.Now().Before(g.until)
}

// Until returns the end of the current pause, or the zero time when calls
// are not paused.
func (g *Gate) Until() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()

	if !g.clock.Now().Before(g.until) {
		return time.Time{}
	}
	return g.until
}

// Observe pauses every platform call when err says the platform rate
// limited or is under maintenance: for its Retry-After, or the engine's
// Interval when it has none, bounded by the engine's MaxPause. It returns
// the pause, or 0 for any other error (5000 included: one failing request
// says nothing of the others).
func (g *Gate) Observe(err error) time.Duration {
	if !pauses(err) {
		return 0
	}

	d, ok := regplatform.RetryAfter(err)
	if !ok || d <= 0 {
		d = g.fallback
	}
	d = min(d, g.max)

	g.mu.Lock()
	defer g.mu.Unlock()

	if until := g.clock.Now().Add(d); until.After(g.until) {
		g.until = until
	}
	return d
}

// pauses reports whether err asks every caller to wait: 4290, or 5030.
func pauses(err error) bool {
	if err == nil {
		return false
	}
	var apiErr *regplatform.APIError
	return errors.Is(err, regplatform.ErrRateLimited) ||
		(errors.As(err, &apiErr) && apiErr.Code == regplatform.CodeMaintenance)
}

// pauseReason names why err paused the engine, for logs and metrics.
func pauseReason(err error) string {
	if errors.Is(err, regplatform.ErrRateLimited) {
		return "rate_limited"
	}
	return "maintenance"
}
