package regplatform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// RetryPolicy says how often and how patiently a call is retried. Only the
// failures §3 calls safe are retried: 2003 (re-signed), 4290 (not before
// Retry-After), 5000, 5030 and transport failures. Every attempt has a new
// nonce, timestamp and signature over the same body bytes.
type RetryPolicy struct {
	// MaxAttempts is the most attempts per call, the first included; 1
	// means no retries.
	MaxAttempts int
	// BaseDelay is the backoff cap before the first retry; it doubles for
	// each later retry up to MaxDelay. The wait is drawn uniformly from
	// zero to the cap (full jitter).
	BaseDelay time.Duration
	// MaxDelay caps the backoff.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits out. A
	// longer hint ends the call with the platform's error, so the caller
	// can pause as RetryAfter(err) says.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy returns 4 attempts with backoff from 250 ms up to 5 s,
// waiting out a Retry-After of at most 30 s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts:   4,
		BaseDelay:     250 * time.Millisecond,
		MaxDelay:      5 * time.Second,
		MaxRetryAfter: 30 * time.Second,
	}
}

func (p RetryPolicy) check() error {
	if p.MaxAttempts < 1 {
		return fmt.Errorf("regplatform: retry policy needs at least 1 attempt, not %d",
			p.MaxAttempts)
	}
	if p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxRetryAfter < 0 {
		return errors.New("regplatform: retry policy durations must not be negative")
	}
	return nil
}

// backoff returns the cap of the wait before retry number n (1 for the
// first retry): BaseDelay doubled n-1 times, at most MaxDelay.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	return min(d, p.MaxDelay)
}

// fullJitter draws a wait uniformly from [0, cap].
func fullJitter(cap time.Duration) time.Duration {
	if cap <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(cap) + 1))
}

// sleepCtx waits d or until ctx ends, whichever is first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// call runs req with retries: one attempt at a time, each waited for by the
// rate limiter, re-signed and sent with the same body bytes.
func (c *Client) call(ctx context.Context, req *request, out any) error {
	var (
		lastErr error
		sent    bool
	)
	for attempt := 1; ; attempt++ {
		if err := c.limiter.Wait(ctx); err != nil {
			return finalError(lastErr, sent, fmt.Errorf("regplatform: %s: %w", req.op(), err))
		}

		res := c.attempt(ctx, req, out)
		if res.err == nil {
			return nil
		}
		lastErr = res.err
		sent = sent || MaybeSent(res.err)
		if ctx.Err() != nil {
			return finalError(nil, sent, res.err)
		}

		wait, ok := c.retryWait(res, attempt)
		if !ok {
			return finalError(nil, sent, res.err)
		}
		c.logger.LogAttrs(ctx, slog.LevelWarn, "regplatform: Retrying request.",
			slog.String("method", req.method),
			slog.String("path", req.path),
			slog.Int("attempt", attempt),
			slog.String("reason", res.reason),
			slog.String("request_id", res.requestID),
			slog.Duration("wait", wait),
		)
		if err := c.sleep(ctx, wait); err != nil {
			return finalError(lastErr, sent, fmt.Errorf("regplatform: %s: %w", req.op(), err))
		}
	}
}

// retryWait decides whether the failed attempt number n is retried, and
// after how long.
func (c *Client) retryWait(res attemptResult, n int) (time.Duration, bool) {
	if res.reason == "" || n >= c.retry.MaxAttempts {
		return 0, false
	}
	if d, ok := RetryAfter(res.err); ok {
		if d > c.retry.MaxRetryAfter {
			return 0, false
		}
		// Never earlier than the platform asked; backoff may add to it.
		return max(d, c.jitter(c.retry.backoff(n))), true
	}
	return c.jitter(c.retry.backoff(n)), true
}

// finalError returns err, joined with the last attempt's error when err is
// the context's or the limiter's, and marked when an earlier attempt may
// have reached the platform.
func finalError(last error, sent bool, err error) error {
	if last != nil {
		err = fmt.Errorf("%w; last attempt: %w", err, last)
	}
	if sent && !MaybeSent(err) {
		err = &sentEarlierError{err: err}
	}
	return err
}
