package poll

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"
)

// ErrConfig is the class of every error New returns for a bad Config.
var ErrConfig = errors.New("poll: invalid engine config")

// Defaults of Config.
const (
	DefaultInterval = 30 * time.Second
	DefaultJitter   = 0.1
	DefaultLeaseTTL = 4 * time.Minute
	DefaultPageSize = 100
	DefaultPollMin  = 30 * time.Second
	DefaultPollMax  = 10 * time.Minute
	DefaultMaxPause = 5 * time.Minute
)

// Config sets up an Engine. Store and at least one flow or job are required;
// every other field has a default.
type Config struct {
	// Store remembers each push; engines that share it never push one
	// revision twice (as far as the adapter's claims are atomic).
	Store IdempotencyStore

	// Flows are the push flows driven on every tick, in this order. Build
	// them with IntentionFlow, SingleSourceFlow and PlanFlow. Names must be
	// distinct.
	Flows []Flow

	// Jobs run once per tick after the flows, in this order. A GatedJob is
	// handed the engine's Gate.
	Jobs []Job

	// Sinks receive every successful publication (intentions and
	// single-source notices) through the durable Outbox: the deliveries are
	// enqueued before Source.Apply, and a Dispatcher job with its defaults
	// delivers them unless Jobs already holds a job named "sinks". Empty by
	// default.
	Sinks []Sink

	// Outbox keeps the sink deliveries. Defaults to Store when it
	// implements Outbox; required when Sinks is set and Store does not.
	Outbox Outbox

	// BeforeApply, when set, is called with every platform outcome
	// (published, failed, filed, rejected) before Source.Apply. An error
	// leaves the outcome unapplied; it is read and offered again on the next
	// tick, so BeforeApply must be idempotent too. Sinks enqueue their
	// durable deliveries here.
	BeforeApply func(ctx context.Context, o Outcome) error

	// Owner names this engine in leases. Engines sharing a store need
	// distinct owners. Defaults to "host-pid-random".
	Owner string

	// Interval is the time between the starts of two ticks of Run. Defaults
	// to 30s.
	Interval time.Duration

	// Jitter spreads each wait of Run by up to this fraction of Interval
	// either way, so engines started together drift apart. Defaults to 0.1
	// (10%); a negative value turns jitter off.
	Jitter float64

	// LeaseTTL is how long a claim on one push lasts; a lease left by a
	// crashed engine is taken over after it. One send, the client's own
	// retries included, may use nine tenths of it: a send still running
	// then is cut off and left in doubt, so that it cannot go on while
	// another engine takes the push over. It should therefore exceed the
	// client's timeout times its attempts, plus the waits between them:
	// the client's defaults take up to 3m30s. Defaults to 4m.
	LeaseTTL time.Duration

	// PageSize is how many records one Source.Pending call asks for.
	// Defaults to 100.
	PageSize int

	// PollMin and PollMax bound the wait between two result reads of one
	// accepted push while the platform says PUBLISHING or FILING: it starts
	// at PollMin and doubles up to PollMax, and the engine never gives up.
	// Reads happen on ticks, so the effective wait is rounded up to the next
	// tick. Default to 30s and 10m.
	PollMin, PollMax time.Duration

	// MaxPause bounds how long a 4290 (rate limited) or 5030 (maintenance)
	// answer, after the client's own retries, pauses every platform call of
	// the engine: the pause lasts Retry-After, or one Interval when the
	// answer has none, at most MaxPause. Defaults to 5m.
	MaxPause time.Duration

	// Clock gives the engine its time. Defaults to SystemClock().
	Clock Clock

	// Logger receives the engine's logs. Defaults to slog.Default().
	Logger *slog.Logger

	// Metrics receives counters and timings. Defaults to NopMetrics().
	Metrics Metrics
}

// withDefaults returns c with every unset field defaulted, or an error
// wrapping ErrConfig.
func (c Config) withDefaults() (Config, error) {
	if c.Store == nil {
		return c, fmt.Errorf("%w: Store is required", ErrConfig)
	}
	if len(c.Flows) == 0 && len(c.Jobs) == 0 {
		return c, fmt.Errorf("%w: no flows and no jobs", ErrConfig)
	}

	names := make(map[string]bool, len(c.Flows))
	for i, f := range c.Flows {
		if f == nil || f.Name() == "" || f.Source() == nil || isIncomplete(f) {
			return c, fmt.Errorf("%w: flow %d is incomplete", ErrConfig, i)
		}
		if names[string(f.Name())] {
			return c, fmt.Errorf("%w: flow %q given twice", ErrConfig, f.Name())
		}
		names[string(f.Name())] = true
	}
	for i, j := range c.Jobs {
		if j == nil {
			return c, fmt.Errorf("%w: job %d is nil", ErrConfig, i)
		}
	}

	durations := []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"Interval", &c.Interval, DefaultInterval},
		{"LeaseTTL", &c.LeaseTTL, DefaultLeaseTTL},
		{"PollMin", &c.PollMin, DefaultPollMin},
		{"PollMax", &c.PollMax, DefaultPollMax},
		{"MaxPause", &c.MaxPause, DefaultMaxPause},
	}
	for _, d := range durations {
		if *d.v < 0 {
			return c, fmt.Errorf("%w: %s is negative", ErrConfig, d.name)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if c.PollMin > c.PollMax {
		return c, fmt.Errorf("%w: PollMin %s exceeds PollMax %s", ErrConfig, c.PollMin, c.PollMax)
	}

	switch {
	case c.Jitter == 0:
		c.Jitter = DefaultJitter
	case c.Jitter < 0:
		c.Jitter = 0
	case c.Jitter >= 1:
		return c, fmt.Errorf("%w: Jitter %g is not below 1", ErrConfig, c.Jitter)
	}
	if c.PageSize < 0 {
		return c, fmt.Errorf("%w: PageSize is negative", ErrConfig)
	}
	if c.PageSize == 0 {
		c.PageSize = DefaultPageSize
	}

	if c.Owner == "" {
		c.Owner = defaultOwner()
	}
	if c.Clock == nil {
		c.Clock = SystemClock()
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Metrics == nil {
		c.Metrics = NopMetrics()
	}
	if err := c.sinkDefaults(); err != nil {
		return c, err
	}
	return c, nil
}

// isIncomplete reports a flow of this package built without a service.
func isIncomplete(f Flow) bool {
	c, ok := f.(interface{ incomplete() bool })
	return ok && c.incomplete()
}

// sinkDefaults picks the outbox and adds the dispatcher job for Sinks. It
// runs after Clock and Logger are set.
func (c *Config) sinkDefaults() error {
	if len(c.Sinks) == 0 {
		return nil
	}
	if c.Outbox == nil {
		ob, ok := c.Store.(Outbox)
		if !ok {
			return fmt.Errorf("%w: Sinks need an Outbox and Store is not one", ErrConfig)
		}
		c.Outbox = ob
	}
	for _, j := range c.Jobs {
		if j.Name() == "sinks" {
			return nil
		}
	}

	d, err := NewDispatcher(DispatcherConfig{
		Outbox:  c.Outbox,
		Sinks:   c.Sinks,
		Now:     c.Clock.Now,
		Logger:  c.Logger,
		Metrics: c.Metrics,
	})
	if err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	c.Jobs = append(slices.Clip(c.Jobs), d)
	return nil
}

// defaultOwner returns "host-pid-random", unique per process.
func defaultOwner() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "engine"
	}
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported systems
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
