package main

import (
	"fmt"
	"time"

	"golang.org/x/time/rate"

	"github.com/zcbridge/zcbridge/regplatform"
)

// settings is what every engine of a deployment is configured with. All
// engines sharing a store should run with the same settings.
type settings struct {
	// engines is how many engines share the store and the AppKey.
	engines int
	// interval is the time between two ticks of one engine. Each tick
	// lists the waiting records and reads results, so N engines read N
	// times as often; the default jitter keeps them from ticking in step.
	interval time.Duration
	// timeout bounds one attempt of a platform call.
	timeout time.Duration
	// retry is the client's retry policy.
	retry regplatform.RetryPolicy
	// platformRate is the platform's limit per AppKey, in requests a
	// second; the engines share it.
	platformRate float64
}

// deployment are the settings of this example. A production deployment
// keeps the client and lease settings and ticks every 30s (the default).
var deployment = settings{
	engines:  3,
	interval: 500 * time.Millisecond,
	timeout:  2 * time.Second,
	retry: regplatform.RetryPolicy{
		MaxAttempts:   3,
		BaseDelay:     200 * time.Millisecond,
		MaxDelay:      time.Second,
		MaxRetryAfter: 2 * time.Second,
	},
	platformRate: 20,
}

// send returns the longest one send can take with its retries: every
// attempt's timeout and, between attempts, the longest wait the client
// makes (backoff or Retry-After).
func (s settings) send() time.Duration {
	n := time.Duration(s.retry.MaxAttempts)
	return n*s.timeout + (n-1)*max(s.retry.MaxDelay, s.retry.MaxRetryAfter)
}

// leaseTTL is how long a claim lasts: twice the longest send, so that a
// slow but live engine is never overtaken by another, and short enough that
// a record whose engine crashed waits no longer than this.
func (s settings) leaseTTL() time.Duration { return 2 * s.send() }

// clientRate is each engine's share of the platform's limit per AppKey, so
// that together they stay under it.
func (s settings) clientRate() (rate.Limit, int) {
	r := s.platformRate / float64(s.engines)
	return rate.Limit(r), max(1, int(r))
}

// describe returns the settings as the example prints them.
func (s settings) describe(owners []string, schema string) []string {
	r, _ := s.clientRate()
	n := s.retry.MaxAttempts
	return []string{
		fmt.Sprintf("%d engines sharing the store in schema %s", s.engines, schema),
		fmt.Sprintf("owners      %v (distinct on every engine)", owners),
		fmt.Sprintf("interval    %s here, 30s in production; jitter ±10%%", s.interval),
		fmt.Sprintf("client      timeout %s × %d attempts, backoff ≤ %s, Retry-After ≤ %s",
			s.timeout, n, s.retry.MaxDelay, s.retry.MaxRetryAfter),
		fmt.Sprintf("lease TTL   %s = 2 × (%d × %s + %d × %s), twice the longest send",
			s.leaseTTL(), n, s.timeout, n-1, max(s.retry.MaxDelay, s.retry.MaxRetryAfter)),
		fmt.Sprintf("rate limit  %.2f/s per engine = %g/s per AppKey ÷ %d engines",
			float64(r), s.platformRate, s.engines),
	}
}
