package regplatform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRetryResignsEveryAttempt checks that each attempt carries a new nonce,
// timestamp and signature over the same body bytes.
func TestRetryResignsEveryAttempt(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "error-5000.http"),
		loadResponse(t, "error-2003.http"), loadResponse(t, "receipt.http")))
	clock := &testClock{t: time.UnixMilli(1735689600000)}
	c, _ := newTestClient(t, fp.srv.URL, WithClock(clock.now))
	body := validIntentionBody(t)

	rc, err := c.Intentions.PublishBody(context.Background(), body)

	require.NoError(t, err)
	assert.Equal(t, "R20261203000017", rc.ReceiptID)
	reqs := fp.requests()
	require.Len(t, reqs, 3)
	nonces, stamps, sigs := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range reqs {
		assert.Equal(t, body, r.Body)
		assert.Equal(t, ContentMD5(body), r.Header.Get(HeaderContentMD5))
		nonces[r.Header.Get(HeaderNonce)] = true
		stamps[r.Header.Get(HeaderTimestamp)] = true
		sigs[r.Header.Get(HeaderSignature)] = true
		assert.Equal(t, r.Header.Get(HeaderSignature), expectedSignature(t, r))
	}
	assert.Len(t, nonces, 3)
	assert.Len(t, stamps, 3)
	assert.Len(t, sigs, 3)
}

// expectedSignature recomputes the signature of a received request as the
// platform would, from what arrived.
func expectedSignature(t *testing.T, r recorded) string {
	t.Helper()
	signed := map[string]string{}
	for _, name := range []string{HeaderKey, HeaderTimestamp, HeaderNonce,
		HeaderSignatureMethod} {
		signed[name] = r.Header.Get(name)
	}
	require.Equal(t, SignedHeaderNames(signed), r.Header.Get(HeaderSignatureHeaders))
	sig, err := Sign(SignatureMethod(r.Header.Get(HeaderSignatureMethod)), testAppSecret,
		StringToSign(SignInput{
			Method:      r.Method,
			Accept:      r.Header.Get("Accept"),
			ContentMD5:  r.Header.Get(HeaderContentMD5),
			ContentType: r.Header.Get("Content-Type"),
			Headers:     signed,
			Path:        r.RawPath,
			Query:       r.Query,
		}))
	require.NoError(t, err)
	return sig
}

func TestRetryClasses(t *testing.T) {
	tests := []struct {
		response string
		attempts int
		class    error
	}{
		{"error-1001.http", 1, ErrValidation},
		{"error-1002.http", 1, ErrValidation},
		{"error-2001.http", 1, ErrAuth},
		{"error-2002.http", 1, ErrAuth},
		{"error-2003.http", 3, ErrReplay},
		{"error-3001.http", 1, ErrConflict},
		{"error-3003.http", 1, ErrNotFound},
		{"error-4290.http", 3, ErrRateLimited},
		{"error-5000.http", 3, ErrUnavailable},
		// Retry-After: 600 is beyond MaxRetryAfter: no early retry.
		{"error-5030.http", 1, ErrUnavailable},
		{"gateway-502.http", 3, ErrMalformedResponse},
		{"empty-200.http", 3, ErrMalformedResponse},
		{"truncated-200.http", 3, ErrMalformedResponse},
	}
	for _, tt := range tests {
		t.Run(tt.response, func(t *testing.T) {
			fp := newFakePlatform(t, sequence(loadResponse(t, tt.response)))
			c, _ := newTestClient(t, fp.srv.URL)

			_, err := c.Intentions.PublishBody(context.Background(), validIntentionBody(t))

			require.Error(t, err)
			assert.ErrorIs(t, err, tt.class)
			assert.Len(t, fp.requests(), tt.attempts)
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "error-4290.http"),
		loadResponse(t, "receipt.http")))
	c, s := newTestClient(t, fp.srv.URL)

	_, err := c.Intentions.PublishBody(context.Background(), validIntentionBody(t))

	require.NoError(t, err)
	require.Len(t, s.waits(), 1)
	assert.GreaterOrEqual(t, s.waits()[0], 2*time.Second, "Retry-After: 2")
}

func TestRetryAfterBeyondBoundGivesUp(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "error-4290.http"),
		loadResponse(t, "receipt.http")))
	c, s := newTestClient(t, fp.srv.URL, WithRetryPolicy(RetryPolicy{
		MaxAttempts: 5, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond,
		MaxRetryAfter: time.Second,
	}))

	_, err := c.Intentions.PublishBody(context.Background(), validIntentionBody(t))

	require.ErrorIs(t, err, ErrRateLimited)
	assert.Len(t, fp.requests(), 1)
	assert.Empty(t, s.waits())
	d, ok := RetryAfter(err)
	assert.True(t, ok)
	assert.Equal(t, 2*time.Second, d)
	assert.False(t, MaybeSent(err), "a 4xx envelope was not taken")
}

func TestNoRetriesWithOneAttempt(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "error-5000.http")))
	c, _ := newTestClient(t, fp.srv.URL, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))

	_, err := c.Intentions.Results(context.Background(), []string{"YX1"})

	require.ErrorIs(t, err, ErrUnavailable)
	assert.Len(t, fp.requests(), 1)
}

func TestBackoffDoublesUpToMax(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, w := range want {
		assert.Equal(t, w*time.Millisecond, p.backoff(i+1), "retry %d", i+1)
	}
	assert.Equal(t, time.Duration(0), RetryPolicy{MaxAttempts: 2}.backoff(3))
}

func TestFullJitterStaysWithinCap(t *testing.T) {
	capd := 50 * time.Millisecond
	seen := map[bool]bool{}
	for range 1000 {
		d := fullJitter(capd)
		require.GreaterOrEqual(t, d, time.Duration(0))
		require.LessOrEqual(t, d, capd)
		seen[d < capd/2] = true
	}
	assert.Len(t, seen, 2, "waits spread over the whole range")
	assert.Equal(t, time.Duration(0), fullJitter(0))
}

func TestBackoffWaitsBetweenRetries(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "error-5000.http")))
	c, s := newTestClient(t, fp.srv.URL, WithRetryPolicy(RetryPolicy{
		MaxAttempts: 4, BaseDelay: 10 * time.Millisecond, MaxDelay: 25 * time.Millisecond,
	}))

	_, err := c.Intentions.PublishBody(context.Background(), validIntentionBody(t))

	require.Error(t, err)
	assert.Equal(t, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond,
		25 * time.Millisecond}, s.waits())
}

// TestContextCancelStopsAtOnce cancels while the client waits out a long
// backoff on the real clock; the call must return without waiting it out.
func TestContextCancelStopsAtOnce(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "error-5000.http")))
	c, _ := newTestClient(t, fp.srv.URL, WithRetryPolicy(RetryPolicy{
		MaxAttempts: 5, BaseDelay: time.Hour, MaxDelay: time.Hour,
	}))
	sleeping := make(chan struct{}, 1)
	c.sleep = func(ctx context.Context, d time.Duration) error {
		sleeping <- struct{}{}
		return sleepCtx(ctx, d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	done := make(chan error, 1)
	go func() {
		_, err := c.Intentions.PublishBody(ctx, validIntentionBody(t))
		done <- err
	}()
	<-sleeping
	cancel()

	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, err, ErrUnavailable, "the last attempt's error is kept")
		assert.True(t, MaybeSent(err), "a 5xx may have stored the push")
	case <-time.After(5 * time.Second):
		t.Fatal("call did not stop when its context ended")
	}
	assert.Len(t, fp.requests(), 1)
}

// TestContextCancelDuringRequest cancels while the platform holds the
// request: the call returns at once, and the push may have been taken.
func TestContextCancelDuringRequest(t *testing.T) {
	arrived := make(chan struct{})
	release := make(chan struct{})
	fp := newFakePlatform(t, func(int, recorded) canned {
		close(arrived)
		<-release
		return loadResponse(t, "receipt.http")
	})
	t.Cleanup(func() { close(release) })
	c, _ := newTestClient(t, fp.srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	done := make(chan error, 1)
	go func() {
		_, err := c.Intentions.PublishBody(ctx, validIntentionBody(t))
		done <- err
	}()
	<-arrived
	cancel()

	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
		assert.True(t, MaybeSent(err))
	case <-time.After(5 * time.Second):
		t.Fatal("call did not stop when its context ended")
	}
	assert.Len(t, fp.requests(), 1)
}

func TestCancelledContextSendsNothing(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "receipt.http")))
	c, _ := newTestClient(t, fp.srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	_, err := c.Intentions.PublishBody(ctx, validIntentionBody(t))

	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, MaybeSent(err))
	assert.Empty(t, fp.requests())
}

func TestRetryIsLogged(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	fp := newFakePlatform(t, sequence(loadResponse(t, "error-5000.http"),
		loadResponse(t, "receipt.http")))
	c, _ := newTestClient(t, fp.srv.URL, WithLogger(logger))

	_, err := c.Intentions.PublishBody(context.Background(), validIntentionBody(t))

	require.NoError(t, err)
	var retry map[string]any
	for line := range bytes.Lines(logs.Bytes()) {
		var m map[string]any
		require.NoError(t, json.Unmarshal(line, &m))
		if m["msg"] == "regplatform: Retrying request." {
			retry = m
		}
	}
	require.NotNil(t, retry, logs.String())
	assert.Equal(t, "WARN", retry["level"])
	assert.Equal(t, http.MethodPost, retry["method"])
	assert.Equal(t, "/v1/intentions", retry["path"])
	assert.EqualValues(t, 1, retry["attempt"])
	assert.Equal(t, "platform unavailable (5000)", retry["reason"])
	assert.Equal(t, "9f1c6a2e-0038", retry["request_id"])
	assert.Contains(t, retry, "wait")
}

func TestRateLimiterPacesAttempts(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "receipt.http")))
	// One token, refilled once per hour: the second call cannot start
	// before its deadline and fails without sending.
	c, _ := newTestClient(t, fp.srv.URL, WithRateLimit(1.0/3600, 1))
	_, err := c.Intentions.PublishBody(context.Background(), validIntentionBody(t))
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Intentions.PublishBody(ctx, validIntentionBody(t))

	require.Error(t, err)
	assert.False(t, MaybeSent(err))
	assert.Len(t, fp.requests(), 1)
	var te *TransportError
	assert.False(t, errors.As(err, &te))
}
