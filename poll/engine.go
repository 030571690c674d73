package poll

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/zcbridge/zcbridge/regplatform"
)

// ErrRequestMismatch is the error of an OutcomeInvalid whose request names
// another source_id or revision than the record it was listed with.
var ErrRequestMismatch = errors.New("poll: request does not match its record")

// GatedJob is a Job that calls the platform. New hands it the engine's
// Gate, so that its calls pause with every other platform call and a rate
// limit it meets pauses the whole engine: it checks Gate.Allow before each
// call and hands call errors to Gate.Observe.
type GatedJob interface {
	Job
	// UseGate is called once, by New, before any Tick.
	UseGate(g *Gate)
}

// Engine pushes each waiting record of its flows once, reads the results
// and hands terminal outcomes to the Source. Build it with New; drive it
// with Run, or with Tick in tests and examples.
type Engine struct {
	cfg     Config
	store   IdempotencyStore
	clock   Clock
	log     *slog.Logger
	metrics Metrics
	gate    *Gate
	// backoff spaces the result reads of accepted pushes; refusals spaces
	// the resends of pushes the platform refused (see notSent).
	backoff  *pollBackoff
	refusals *pollBackoff

	// tickMu serialises ticks: one engine never works a key twice at once.
	tickMu sync.Mutex
}

// New checks cfg, fills in its defaults and returns an Engine. It fails with
// an error wrapping ErrConfig.
func New(cfg Config) (*Engine, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}

	e := &Engine{
		cfg:      cfg,
		store:    cfg.Store,
		clock:    cfg.Clock,
		log:      cfg.Logger,
		metrics:  cfg.Metrics,
		gate:     newGate(cfg.Clock, cfg.Interval, cfg.MaxPause),
		backoff:  newPollBackoff(cfg.PollMin, cfg.PollMax),
		refusals: newPollBackoff(cfg.PollMin, cfg.PollMax),
	}
	for _, j := range cfg.Jobs {
		if g, ok := j.(GatedJob); ok {
			g.UseGate(e.gate)
		}
	}
	return e, nil
}

// Owner returns the name the engine claims leases under.
func (e *Engine) Owner() string { return e.cfg.Owner }

// Gate returns the engine's rate-limit pause of platform calls.
func (e *Engine) Gate() *Gate { return e.gate }

// Run ticks until ctx is done: a tick, then a wait of Interval (spread by
// Jitter, and at least until a rate-limit pause ends), and again. A failed
// tick is logged and the loop goes on. Run returns nil once ctx is done;
// leases of work in progress are left to expire.
func (e *Engine) Run(ctx context.Context) error {
	e.log.Info("poll: Engine started.", "owner", e.cfg.Owner, "interval", e.cfg.Interval)
	for {
		if err := e.Tick(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("poll: Tick failed; trying again next tick.", "error", err)
		}
		if ctx.Err() != nil {
			e.log.Info("poll: Engine stopped.", "owner", e.cfg.Owner)
			return nil
		}

		select {
		case <-ctx.Done():
			e.log.Info("poll: Engine stopped.", "owner", e.cfg.Owner)
			return nil
		case <-e.clock.After(e.wait()):
		}
	}
}

// wait returns the time until the next tick: Interval ± Jitter, stretched to
// the end of a rate-limit pause.
func (e *Engine) wait() time.Duration {
	d := e.cfg.Interval
	if j := e.cfg.Jitter; j > 0 {
		d += time.Duration((rand.Float64()*2 - 1) * j * float64(d))
	}
	if until := e.gate.Until(); !until.IsZero() {
		d = max(d, until.Sub(e.clock.Now()))
	}
	return d
}

// Tick runs one pass over every flow, then every job. It returns the
// failures of the Source and the Store (joined), or ctx's error when ctx
// ends; platform failures are not errors of the tick: they are logged and
// kept on the push's entry, and the push is tried again.
func (e *Engine) Tick(ctx context.Context) error {
	e.tickMu.Lock()
	defer e.tickMu.Unlock()

	var errs []error
	for _, f := range e.cfg.Flows {
		if err := e.runFlow(ctx, f); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			errs = append(errs, fmt.Errorf("poll: flow %s: %w", f.Name(), err))
		}
	}

	for _, j := range e.cfg.Jobs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := e.runJob(ctx, j); err != nil {
			errs = append(errs, fmt.Errorf("poll: job %s: %w", j.Name(), err))
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errors.Join(errs...)
}

func (e *Engine) runJob(ctx context.Context, j Job) error {
	start := e.clock.Now()
	err := j.Tick(ctx)
	e.metrics.Observe(MetricTickDuration, e.clock.Now().Sub(start), Attr{"job", j.Name()})
	return err
}

// pass is one tick's walk over one flow.
type pass struct {
	e    *Engine
	f    Flow
	name string

	// due collects the accepted, in-doubt and finished pushes whose result
	// is read, in one batch, once the Source has been paged through.
	due []dueRecord

	// errs collects failures of the Source and the Store; the pass goes on
	// with the other records.
	errs    []error
	dropped int

	listed, pushed int
}

// maxPassErrors bounds the errors one pass reports; the rest are counted.
const maxPassErrors = 10

func (p *pass) fail(err error) {
	if err == nil {
		return
	}
	if len(p.errs) == maxPassErrors {
		p.dropped++
		return
	}
	p.errs = append(p.errs, err)
}

func (p *pass) err() error {
	if p.dropped > 0 {
		p.errs = append(p.errs, fmt.Errorf("and %d more errors", p.dropped))
	}
	return errors.Join(p.errs...)
}

// dueRecord is a listed record whose result is to be read.
type dueRecord struct {
	rec   Record
	entry Entry
}

func (e *Engine) runFlow(ctx context.Context, f Flow) error {
	start := e.clock.Now()
	p := &pass{e: e, f: f, name: string(f.Name())}

	walkErr := p.walk(ctx)
	p.fail(walkErr)
	if ctx.Err() == nil {
		p.settle(ctx)
	}
	if walkErr == nil && ctx.Err() == nil {
		// Only a complete walk tells which records the Source dropped.
		e.backoff.sweep(p.name)
		e.refusals.sweep(p.name)
	}

	took := e.clock.Now().Sub(start)
	e.metrics.Observe(MetricTickDuration, took, Attr{"flow", p.name})
	e.log.Debug("poll: Flow pass done.", "flow", p.name, "listed", p.listed,
		"pushed", p.pushed, "read", len(p.due), "took", took)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return p.err()
}

// walk pages through the Source by key and handles each record: a push
// never made is made now; one whose result is awaited joins p.due.
func (p *pass) walk(ctx context.Context) error {
	after := ""
	for {
		recs, err := p.f.Source().Pending(ctx, after, p.e.cfg.PageSize)
		if err != nil {
			return fmt.Errorf("list pending after %q: %w", after, err)
		}

		for _, rec := range recs {
			if rec.SourceID <= after {
				return fmt.Errorf("source listed %q after %q: keys must increase",
					rec.SourceID, after)
			}
			after = rec.SourceID
			p.listed++
			p.fail(p.visit(ctx, rec))
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		if len(recs) < p.e.cfg.PageSize {
			return nil
		}
	}
}

func (p *pass) key(rec Record) Key {
	return Key{Flow: p.name, SourceID: rec.SourceID, Revision: rec.Revision}
}

func (p *pass) visit(ctx context.Context, rec Record) error {
	key := p.key(rec)
	entry, ok, err := p.e.store.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("get %s/%d: %w", key.SourceID, key.Revision, err)
	}

	switch {
	case ok && entry.State == StatePending && !p.e.refusals.due(key, p.e.clock.Now()):
		p.e.log.Debug("poll: Refused push waits for its next try.",
			append(p.attrs(rec), "attempts", entry.Attempts)...)
	case !ok || entry.State == StatePending:
		return p.push(ctx, rec, entry)
	case entry.State == StateAccepted, entry.State == StateInDoubt,
		entry.State == StateFinished:
		// An in-doubt or finished push has a read schedule only while the
		// platform disagrees with it (laterRevision, lostAccepted); it is
		// otherwise read on every tick. A finished push still listed means
		// Apply did not stick: the result is read and applied again.
		if p.e.backoff.due(key, p.e.clock.Now()) {
			p.due = append(p.due, dueRecord{rec, entry})
		}
	default:
		return fmt.Errorf("entry %s/%d has unknown state %q", key.SourceID, key.Revision,
			entry.State)
	}
	return nil
}

func (p *pass) pausedLog(d time.Duration, err error) {
	reason := pauseReason(err)
	p.e.metrics.Add(MetricRateLimitPauses, 1, Attr{"flow", p.name}, Attr{"reason", reason})
	msg := "poll: Platform is rate limiting; pausing every call."
	if reason == "maintenance" {
		msg = "poll: Platform is under maintenance; pausing every call."
	}
	p.e.log.Warn(msg, append([]any{"flow", p.name, "pause", d}, errorAttrs(err)...)...)
}

func (p *pass) attrs(rec Record) []any {
	return []any{"flow", p.name, "source_id", rec.SourceID, "revision", rec.Revision}
}

// errorAttrs returns the error text and, for platform answers, the request
// id. Error texts of the client never hold a secret.
func errorAttrs(err error) []any {
	attrs := []any{"error", err.Error()}
	var apiErr *regplatform.APIError
	if errors.As(err, &apiErr) && apiErr.RequestID != "" {
		attrs = append(attrs, "request_id", apiErr.RequestID)
	}
	return attrs
}
