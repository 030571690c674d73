package poll

import "time"

// Clock is the engine's source of time. The engine reads Now for leases,
// backoff and pauses, and waits on After between ticks of Run, so a test can
// drive time without sleeping.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives once d has elapsed.
	After(d time.Duration) <-chan time.Time
}

// SystemClock returns the Clock of the machine's real time.
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
