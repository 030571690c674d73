package crashtest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/time/rate"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/pgstore"
	"github.com/zcbridge/zcbridge/regplatform"
)

// EnvEngine is the environment variable that carries an engine process's
// EngineConfig, as JSON.
const EnvEngine = "ZCBRIDGE_CRASHTEST_ENGINE"

// HeaderEngine is the request header that names the engine sending a
// request, so that the test can tell the engines' requests apart. It is not
// signed and the platform ignores it.
const HeaderEngine = "X-Crashtest-Engine"

// EngineConfig is what one engine process of the crash test runs with.
type EngineConfig struct {
	// PostgresURL and Schema locate the shared store and the host's tables.
	PostgresURL string `json:"postgres_url"`
	Schema      string `json:"schema"`
	// PlatformURL is the mock platform's base URL.
	PlatformURL string `json:"platform_url"`
	AppKey      string `json:"app_key"`
	AppSecret   string `json:"app_secret"`
	// SendLog is the file the engine's pushes are logged to (see
	// ReadSendLogs); empty for none.
	SendLog string `json:"send_log"`
	// Owner names the engine in leases and in the effects it applies.
	Owner string `json:"owner"`
	// ClientTimeout bounds one attempt of a platform call.
	ClientTimeout time.Duration `json:"client_timeout"`
	// Attempts is the client's attempts per call; 1 leaves every failure
	// to the engine's reconciliation.
	Attempts int `json:"attempts"`
	// LeaseTTL, Interval, PollMin and PollMax are the engine's settings.
	LeaseTTL time.Duration `json:"lease_ttl"`
	Interval time.Duration `json:"interval"`
	PollMin  time.Duration `json:"poll_min"`
	PollMax  time.Duration `json:"poll_max"`
}

// Encode returns c as the value of EnvEngine.
func (c EngineConfig) Encode() (string, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("crashtest: encode engine config: %w", err)
	}
	return string(b), nil
}

// DecodeEngineConfig reads the value of EnvEngine.
func DecodeEngineConfig(s string) (EngineConfig, error) {
	var c EngineConfig
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return c, fmt.Errorf("crashtest: decode engine config: %w", err)
	}
	return c, nil
}

// RetryPolicy is the client's policy for attempts calls: short backoff, and
// a Retry-After of up to a second waited out, so that one send stays well
// inside the lease.
func RetryPolicy(attempts int) regplatform.RetryPolicy {
	return regplatform.RetryPolicy{
		MaxAttempts:   max(1, attempts),
		BaseDelay:     20 * time.Millisecond,
		MaxDelay:      100 * time.Millisecond,
		MaxRetryAfter: time.Second,
	}
}

// RunEngine runs one engine over the three push flows until ctx ends: the
// store and the host share one pool on cfg's schema, and the client talks
// to the mock platform with cfg's timeout and attempts. It returns nil when
// ctx ends, or the error that kept the engine from starting.
func RunEngine(ctx context.Context, cfg EngineConfig, log *slog.Logger) error {
	pool, err := pgxpool.New(ctx, cfg.PostgresURL)
	if err != nil {
		return fmt.Errorf("crashtest: connect: %w", err)
	}
	defer pool.Close()

	transport, err := newSendLog(cfg.SendLog, cfg.Owner,
		http.DefaultTransport.(*http.Transport).Clone())
	if err != nil {
		return err
	}
	defer transport.Close()

	client, err := regplatform.NewClient(
		regplatform.WithBaseURL(cfg.PlatformURL),
		regplatform.WithCredentials(cfg.AppKey, cfg.AppSecret),
		regplatform.WithTimeout(cfg.ClientTimeout),
		regplatform.WithRetryPolicy(RetryPolicy(cfg.Attempts)),
		// The mock's rate limit is off; the client's own would only slow
		// the run down.
		regplatform.WithRateLimit(rate.Inf, 0),
		regplatform.WithLogger(log),
		regplatform.WithTransport(transport),
	)
	if err != nil {
		return fmt.Errorf("crashtest: client: %w", err)
	}

	host := NewHost(pool, cfg.Schema, cfg.Owner)
	engine, err := poll.New(poll.Config{
		Store: pgstore.New(pool, pgstore.WithSchema(cfg.Schema)),
		Flows: []poll.Flow{
			poll.IntentionFlow(client.Intentions, host.Source(regplatform.FlowIntention)),
			poll.SingleSourceFlow(client.SingleSource,
				host.Source(regplatform.FlowSingleSource)),
			poll.PlanFlow(client.Plans, host.Source(regplatform.FlowPlan)),
		},
		Owner:    cfg.Owner,
		Interval: cfg.Interval,
		LeaseTTL: cfg.LeaseTTL,
		PollMin:  cfg.PollMin,
		PollMax:  cfg.PollMax,
		MaxPause: 2 * time.Second,
		Logger:   log,
	})
	if err != nil {
		return fmt.Errorf("crashtest: engine: %w", err)
	}
	return engine.Run(ctx)
}
