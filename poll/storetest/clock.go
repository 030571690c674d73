package storetest

import (
	"sync"
	"time"
)

// Epoch is the instant every Clock starts at: 2026-03-02 09:00:00 in China
// Standard Time, on a whole second.
var Epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*60*60))

// Clock is a fake clock for stores under test. It stands still until
// Advance moves it, and is safe for concurrent use. The zero value is not
// usable; call NewClock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock standing at Epoch.
func NewClock() *Clock {
	return &Clock{now: Epoch}
}

// Now returns the clock's current instant. Its signature fits the clock
// option of every store (WithClock(c.Now)).
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (a negative d moves it back) and
// returns the new instant.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}
