package poll

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// DispatcherConfig configures NewDispatcher. Only Outbox and Sinks are
// required.
type DispatcherConfig struct {
	// Outbox holds the deliveries; it may be shared by several engines.
	Outbox Outbox
	// Sinks are the receivers, each with a distinct, non-empty name.
	Sinks []Sink
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// Logger receives one Warn per failed try. Defaults to slog.Default().
	Logger *slog.Logger
	// BatchSize is how many deliveries one Outbox.Due call takes.
	// Defaults to 50.
	BatchSize int
	// MaxPerTick bounds the deliveries tried in one Tick, so that a long
	// backlog does not hold up the engine's other work. Defaults to 500.
	MaxPerTick int
	// DeliverTimeout bounds one Sink.Deliver call. Defaults to 30 seconds.
	DeliverTimeout time.Duration
	// Lease is how long a taken delivery stays hidden from other engines
	// sharing the outbox; a delivery whose engine stopped mid-try becomes
	// due again after it. It must exceed DeliverTimeout. Defaults to
	// DeliverTimeout plus one minute.
	Lease time.Duration
	// BaseDelay is the wait before the first retry; each further failure
	// doubles it, up to MaxDelay. The wait actually used is drawn between
	// half the computed delay and all of it (jitter). Defaults to 10
	// seconds.
	BaseDelay time.Duration
	// MaxDelay bounds the wait between retries. Defaults to 30 minutes.
	MaxDelay time.Duration
	// AlertAfter is the number of failed tries after which each further
	// failure is logged at Error instead of Warn, since it then needs a
	// person. Defaults to 10.
	AlertAfter int
	// Rand returns a number in [0, 1) for the jitter. Defaults to
	// math/rand/v2's Float64.
	Rand func() float64
	// Metrics receives MetricSinkDeliveries and MetricSinkDeliveryDuration
	// per try. Defaults to NopMetrics(); the engine passes its own.
	Metrics Metrics
}

// Dispatcher is the Job that delivers the outbox's due deliveries to their
// sinks: Ack on success, Retry with exponential backoff and jitter on
// failure. It never touches the records' statuses, which were changed
// before the deliveries were tried.
type Dispatcher struct {
	cfg   DispatcherConfig
	sinks map[string]Sink
}

// NewDispatcher checks cfg, fills its defaults and returns the dispatcher.
// It fails when Outbox is nil, a sink is nil or unnamed, two sinks share a
// name, or Lease does not exceed DeliverTimeout.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	if cfg.Outbox == nil {
		return nil, errors.New("poll: dispatcher needs an outbox")
	}
	sinks := make(map[string]Sink, len(cfg.Sinks))
	for i, s := range cfg.Sinks {
		if s == nil || s.Name() == "" {
			return nil, fmt.Errorf("poll: dispatcher sink %d is nil or has no name", i)
		}
		if _, dup := sinks[s.Name()]; dup {
			return nil, fmt.Errorf("poll: dispatcher has two sinks named %q", s.Name())
		}
		sinks[s.Name()] = s
	}

	fillDispatcherDefaults(&cfg)
	if cfg.Lease <= cfg.DeliverTimeout {
		return nil, fmt.Errorf("poll: dispatcher lease %s must exceed deliver timeout %s",
			cfg.Lease, cfg.DeliverTimeout)
	}
	return &Dispatcher{cfg: cfg, sinks: sinks}, nil
}

func fillDispatcherDefaults(cfg *DispatcherConfig) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 50
	}
	if cfg.MaxPerTick <= 0 {
		cfg.MaxPerTick = 500
	}
	if cfg.DeliverTimeout <= 0 {
		cfg.DeliverTimeout = 30 * time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = cfg.DeliverTimeout + time.Minute
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = 10 * time.Second
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 30 * time.Minute
	}
	if cfg.MaxDelay < cfg.BaseDelay {
		cfg.MaxDelay = cfg.BaseDelay
	}
	if cfg.AlertAfter <= 0 {
		cfg.AlertAfter = 10
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NopMetrics()
	}
}

// Name returns "sinks".
func (d *Dispatcher) Name() string { return "sinks" }

// Tick tries the deliveries that are due, at most MaxPerTick of them. A
// failed delivery is rescheduled and does not fail the tick; Tick fails
// only when the outbox fails or ctx ends, and then the deliveries it took
// but did not try become due again once their lease ends.
func (d *Dispatcher) Tick(ctx context.Context) error {
	var errs []error
	failed := 0
	for tried := 0; tried < d.cfg.MaxPerTick; {
		limit := min(d.cfg.BatchSize, d.cfg.MaxPerTick-tried)
		batch, err := d.cfg.Outbox.Due(ctx, d.cfg.Now(), d.cfg.Lease, limit)
		if err != nil {
			errs = append(errs, fmt.Errorf("poll: take due deliveries: %w", err))
			break
		}

		for _, dl := range batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := d.try(ctx, dl); err != nil {
				if failed < maxJobErrors {
					errs = append(errs, err)
				}
				failed++
			}
		}

		tried += len(batch)
		if len(batch) < limit {
			break
		}
	}
	if failed > maxJobErrors {
		errs = append(errs, fmt.Errorf("poll: and %d more outbox writes failed",
			failed-maxJobErrors))
	}
	return errors.Join(errs...)
}

// try delivers dl once and records the result. It returns an error only
// when the outbox could not record it.
func (d *Dispatcher) try(ctx context.Context, dl Delivery) error {
	s, ok := d.sinks[dl.Sink]
	if !ok {
		// The sink was removed from the configuration; keep the delivery
		// for an operator rather than drop it.
		return d.retry(ctx, dl, fmt.Errorf("no sink named %q is configured", dl.Sink))
	}

	dctx, cancel := context.WithTimeout(ctx, d.cfg.DeliverTimeout)
	start := d.cfg.Now()
	err := s.Deliver(dctx, dl)
	cancel()
	if err != nil && ctx.Err() != nil {
		// The engine is stopping; the lease brings the delivery back.
		return nil
	}
	sink := Attr{"sink", dl.Sink}
	d.cfg.Metrics.Observe(MetricSinkDeliveryDuration, d.cfg.Now().Sub(start), sink)
	if err != nil {
		d.cfg.Metrics.Add(MetricSinkDeliveries, 1, sink, Attr{"result", "failed"})
		return d.retry(ctx, dl, err)
	}
	d.cfg.Metrics.Add(MetricSinkDeliveries, 1, sink, Attr{"result", "delivered"})

	if err := d.cfg.Outbox.Ack(ctx, dl.ID); err != nil {
		// The receiver has it; it may get it again after the lease and
		// dedupes by the delivery id.
		return fmt.Errorf("poll: acknowledge delivery %s to sink %s: %w", dl.ID, dl.Sink, err)
	}
	d.cfg.Logger.Debug("poll: Delivered to sink.",
		slog.String("sink", dl.Sink), slog.String("delivery_id", dl.ID),
		slog.Int("attempt", dl.Attempts+1))
	return nil
}

func (d *Dispatcher) retry(ctx context.Context, dl Delivery, cause error) error {
	attempt := dl.Attempts + 1
	wait := d.backoff(attempt)
	next := d.cfg.Now().Add(wait)

	level := slog.LevelWarn
	if attempt >= d.cfg.AlertAfter {
		level = slog.LevelError
	}
	d.cfg.Logger.Log(ctx, level, "poll: Sink delivery failed; will retry.",
		slog.String("sink", dl.Sink), slog.String("delivery_id", dl.ID),
		slog.Int("attempt", attempt), slog.Duration("retry_in", wait),
		slog.String("error", cause.Error()))

	if err := d.cfg.Outbox.Retry(ctx, dl.ID, next, cause.Error()); err != nil {
		return fmt.Errorf("poll: reschedule delivery %s to sink %s: %w", dl.ID, dl.Sink, err)
	}
	return nil
}

// backoff is the wait after the attempt-th failed try: BaseDelay doubled
// per earlier failure, capped at MaxDelay, then drawn between half of it
// and all of it.
func (d *Dispatcher) backoff(attempt int) time.Duration {
	delay := d.cfg.BaseDelay
	for i := 1; i < attempt && delay < d.cfg.MaxDelay; i++ {
		delay *= 2
	}
	delay = min(delay, d.cfg.MaxDelay)
	half := delay / 2
	return half + time.Duration(d.cfg.Rand()*float64(delay-half))
}
