package regplatform

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"
	"golang.org/x/time/rate"
)

// Defaults of a Client.
const (
	// DefaultTimeout bounds one attempt, from dialling to the last byte of
	// the answer.
	DefaultTimeout = 30 * time.Second
	// DefaultRateLimit is the platform's limit per AppKey (§3), in
	// requests per second.
	DefaultRateLimit rate.Limit = 20
	// DefaultBurst is the number of requests that may go at once.
	DefaultBurst = 20
)

// Option configures a Client built with NewClient.
type Option func(*config) error

type config struct {
	baseURL   string
	appKey    string
	appSecret string
	method    SignatureMethod
	timeout   time.Duration
	retry     RetryPolicy
	limit     rate.Limit
	burst     int
	logger    *slog.Logger
	transport http.RoundTripper
	now       func() time.Time
	nonce     func() string
}

func defaultConfig() config {
	return config{
		method:  HmacSHA256,
		timeout: DefaultTimeout,
		retry:   DefaultRetryPolicy(),
		limit:   DefaultRateLimit,
		burst:   DefaultBurst,
		logger:  slog.Default(),
		now:     time.Now,
		nonce:   uuid.NewString,
	}
}

// WithBaseURL sets the platform's base URL, such as
// "https://zcjg.example.gov.cn/openapi"; its path is part of every signed
// path. It is required; NewClient fails on a URL without http(s) scheme and
// host.
func WithBaseURL(baseURL string) Option {
	return func(c *config) error {
		c.baseURL = baseURL
		return nil
	}
}

// WithCredentials sets the AppKey and AppSecret the platform issued to the
// school. Both are required. The secret is used only to sign; it never
// appears in a log or an error.
func WithCredentials(appKey, appSecret string) Option {
	return func(c *config) error {
		if appKey == "" || appSecret == "" {
			return errors.New("regplatform: app key and app secret are required")
		}
		c.appKey, c.appSecret = appKey, appSecret
		return nil
	}
}

// WithSignatureMethod sets X-Ca-Signature-Method: HmacSHA256 (the default)
// or HmacSM3 (§2.5). Any other value makes NewClient fail.
func WithSignatureMethod(m SignatureMethod) Option {
	return func(c *config) error {
		if m != HmacSHA256 && m != HmacSM3 {
			return fmt.Errorf("regplatform: unknown signature method %q", m)
		}
		c.method = m
		return nil
	}
}

// WithTimeout bounds each attempt, from dialling to reading the whole
// answer; retries get their own. Defaults to DefaultTimeout (30 s); it must
// be positive. The context bounds the whole call.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("regplatform: timeout %v is not positive", d)
		}
		c.timeout = d
		return nil
	}
}

// WithRetryPolicy sets how failed attempts are retried. Defaults to
// DefaultRetryPolicy(); RetryPolicy{MaxAttempts: 1} turns retries off.
// NewClient fails on a policy with fewer than one attempt or a negative
// duration.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		if err := p.check(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithRateLimit bounds the requests this client sends, attempts and retries
// included, with a token bucket of r per second and the given burst.
// Defaults to DefaultRateLimit (20/s) with DefaultBurst (20), the
// platform's limit per AppKey; rate.Inf turns the limit off. Clients sharing
// one AppKey should share the budget between them.
func WithRateLimit(r rate.Limit, burst int) Option {
	return func(c *config) error {
		if r <= 0 || (r != rate.Inf && burst < 1) {
			return fmt.Errorf("regplatform: rate limit %v/s burst %d is not positive", r, burst)
		}
		c.limit, c.burst = r, burst
		return nil
	}
}

// WithLogger sets the logger for retries (Warn) and requests (Debug).
// Defaults to slog.Default(). Nothing logged holds a secret.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("regplatform: logger is nil")
		}
		c.logger = l
		return nil
	}
}

// WithTransport sets the http.RoundTripper that carries requests. Defaults
// to http.DefaultTransport. A transport that does not report
// net/http/httptrace events makes MaybeSent judge by the error alone.
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) error {
		if rt == nil {
			return errors.New("regplatform: transport is nil")
		}
		c.transport = rt
		return nil
	}
}

// WithClock sets the clock that stamps X-Ca-Timestamp. Defaults to
// time.Now. Backoff and rate limiting wait on the real clock.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("regplatform: clock is nil")
		}
		c.now = now
		return nil
	}
}

// WithNonceFunc sets the generator of X-Ca-Nonce, called once per attempt.
// Defaults to a random UUID v4. It must never repeat within 30 minutes, or
// the platform answers 2003.
func WithNonceFunc(nonce func() string) Option {
	return func(c *config) error {
		if nonce == nil {
			return errors.New("regplatform: nonce func is nil")
		}
		c.nonce = nonce
		return nil
	}
}
