package mock

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"
)

// Config configures a Platform. The zero value of every field but AppKey and
// AppSecret is a sensible default.
type Config struct {
	// AppKey and AppSecret are the credentials of the school under test.
	// A platform without them refuses every request with 2004.
	AppKey    string
	AppSecret string
	// OtherKeys maps the AppKeys of other schools to their secrets, so that
	// a test can show that one school cannot read another's plan (2005).
	OtherKeys map[string]string

	// BasePath is the path prefix the platform is served under, such as
	// "/openapi": it begins with "/" and does not end with one; Validate
	// refuses any other form. The signed path is always the full path as
	// received. Defaults to "" (routes at /v1/...).
	BasePath string
	// PublicURL is the origin of the links the platform hands out
	// (publish_url, notice_url, announcement urls). Defaults to
	// "https://zcjg.example.gov.cn".
	PublicURL string

	// Seed makes request ids and fault choices repeatable. Defaults to 0.
	Seed int64
	// Clock is the platform's time: timestamps are checked against it,
	// nonces expire by it, and delays are measured on it. Defaults to
	// time.Now.
	Clock func() time.Time
	// RateLimit is the number of requests per second allowed per AppKey;
	// 0 turns the limit off. Defaults to 0.
	RateLimit float64
	// RateBurst is the burst of the per-AppKey limit. Defaults to
	// RateLimit rounded up, at least 1.
	RateBurst int

	// PublishAfterReads is how many result reads of an accepted record
	// answer PUBLISHING (or FILING) before the platform decides it.
	// Defaults to 0.
	PublishAfterReads int
	// PublishAfter is how long after acceptance, on Clock, the platform
	// decides a record. When both this and PublishAfterReads are set,
	// whichever is reached first decides; when both are zero, the first
	// result read decides. Defaults to 0.
	PublishAfter time.Duration

	// StepAfterReads is how many project reads (2.8.1) pass between two
	// execution steps of a filed plan. Defaults to 0: every project read
	// moves the execution one step.
	StepAfterReads int
	// StepAfter moves the execution one step per interval of Clock time,
	// whatever the reads. Defaults to 0 (reads only).
	StepAfter time.Duration

	// Faults injects failures. Defaults to none.
	Faults FaultConfig

	// Logger receives one Debug line per request; never a secret. Defaults
	// to a logger that discards everything.
	Logger *slog.Logger
}

// FaultConfig sets, for each kind of failure, the share of requests (0 to 1)
// that suffer it. The choice for a request is a hash of (Seed, flow,
// source_id, revision, attempt), attempt being how many requests the
// platform has seen for that key, so a run repeats whatever the order of
// requests. Faults other than Latency exclude each other; their rates must
// add up to at most 1.
type FaultConfig struct {
	// Latency delays a request by LatencyDuration before it is handled.
	Latency float64
	// ErrorBeforeStore answers 5000 without storing the push.
	ErrorBeforeStore float64
	// ErrorAfterStore stores the push, then answers 5000.
	ErrorAfterStore float64
	// StallAfterStore stores the push, then holds the answer until the
	// client gives up (the request context ends) or MaxStall passes.
	StallAfterStore float64
	// ResetBeforeStore drops the connection without an answer and without
	// storing the push.
	ResetBeforeStore float64
	// RateLimited answers 4290 with Retry-After, without storing.
	RateLimited float64
	// NotEnvelope stores the push, then answers an HTML gateway page.
	NotEnvelope float64

	// LatencyDuration is the delay of the Latency fault. Defaults to 50ms.
	LatencyDuration time.Duration
	// MaxStall bounds a stall. Defaults to 30s.
	MaxStall time.Duration
	// RetryAfter is the Retry-After of the RateLimited fault, rounded up to
	// whole seconds. Defaults to 1s.
	RetryAfter time.Duration
	// Reads extends the faults to result reads (2.5.2, 2.6.3, 2.7.2, 2.8.x),
	// keyed by path and query; "store" then means nothing. Defaults to
	// false: only pushes suffer faults.
	Reads bool
}

// ErrConfig reports an unusable Config or Script.
var ErrConfig = errors.New("mock: invalid configuration")

// Validate reports a base path of the wrong form, a fault rate outside
// 0..1, exclusive rates that add up to more than 1, or a negative limit or
// delay.
func (c Config) Validate() error {
	if err := checkBasePath(c.BasePath); err != nil {
		return err
	}
	f := c.Faults
	rates := map[string]float64{
		"latency": f.Latency, "error_before_store": f.ErrorBeforeStore,
		"error_after_store": f.ErrorAfterStore, "stall_after_store": f.StallAfterStore,
		"reset_before_store": f.ResetBeforeStore, "rate_limited": f.RateLimited,
		"not_envelope": f.NotEnvelope,
	}
	for name, r := range rates {
		if r < 0 || r > 1 || r != r {
			return fmt.Errorf("%w: fault rate %s = %v, want 0..1", ErrConfig, name, r)
		}
	}
	if sum := f.exclusiveSum(); sum > 1+1e-9 {
		return fmt.Errorf("%w: exclusive fault rates add up to %v, want at most 1",
			ErrConfig, sum)
	}
	if c.RateLimit < 0 || c.RateBurst < 0 {
		return fmt.Errorf("%w: negative rate limit", ErrConfig)
	}
	if c.PublishAfterReads < 0 || c.PublishAfter < 0 || c.StepAfterReads < 0 ||
		c.StepAfter < 0 {
		return fmt.Errorf("%w: negative progress setting", ErrConfig)
	}
	if f.LatencyDuration < 0 || f.MaxStall < 0 || f.RetryAfter < 0 {
		return fmt.Errorf("%w: negative fault duration", ErrConfig)
	}
	return nil
}

func (f FaultConfig) exclusiveSum() float64 {
	return f.ErrorBeforeStore + f.ErrorAfterStore + f.StallAfterStore +
		f.ResetBeforeStore + f.RateLimited + f.NotEnvelope
}

func (c Config) withDefaults() Config {
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.PublicURL == "" {
		c.PublicURL = "https://zcjg.example.gov.cn"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.RateBurst == 0 && c.RateLimit > 0 {
		c.RateBurst = max(1, int(math.Ceil(c.RateLimit)))
	}
	if c.Faults.LatencyDuration == 0 {
		c.Faults.LatencyDuration = 50 * time.Millisecond
	}
	if c.Faults.MaxStall == 0 {
		c.Faults.MaxStall = 30 * time.Second
	}
	if c.Faults.RetryAfter == 0 {
		c.Faults.RetryAfter = time.Second
	}
	return c
}

// checkBasePath refuses a base path that is not "" or "/" followed by
// path segments without a trailing "/", a query or a fragment.
func checkBasePath(bp string) error {
	const form = `begin with "/" and not end with one, such as "/openapi"`
	switch {
	case bp == "":
		return nil
	case !strings.HasPrefix(bp, "/"), strings.HasSuffix(bp, "/"):
		return fmt.Errorf("%w: base path %q must %s", ErrConfig, bp, form)
	case strings.ContainsAny(bp, "?#"):
		return fmt.Errorf("%w: base path %q must be a path only, such as \"/openapi\"",
			ErrConfig, bp)
	}
	return nil
}
