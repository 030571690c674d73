package bench

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"runtime/metrics"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/zcbridge/zcbridge/internal/servertest"
	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/memstore"
	"github.com/zcbridge/zcbridge/poll/pgstore"
	"github.com/zcbridge/zcbridge/poll/sqlitestore"
	"github.com/zcbridge/zcbridge/regplatform"
)

const (
	appKey    = "203000001"
	appSecret = "benchAppSecret0123456789abcdefABCD"

	// connectTimeout bounds how long a missing PostgreSQL server is waited
	// for.
	connectTimeout = 5 * time.Second
)

// storeKind opens a fresh, empty store and returns it with its close
// function, which also removes what the store wrote.
type storeKind struct {
	name string
	open func(tb testing.TB) (poll.IdempotencyStore, func())
}

var (
	memoryStore   = storeKind{"memory", openMemory}
	sqliteStore   = storeKind{"sqlite", openSQLite}
	postgresStore = storeKind{"postgres", openPostgres}
)

func openMemory(testing.TB) (poll.IdempotencyStore, func()) {
	return memstore.New(), func() {}
}

func openSQLite(tb testing.TB) (poll.IdempotencyStore, func()) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "zcbridge.db")
	s, err := sqlitestore.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("bench: open SQLite store: %v", err)
	}
	return s, func() { s.Close() }
}

// openPostgres migrates a store into a schema of its own and drops the
// schema on close. An unreachable server skips tb, or fails it under
// CI=true.
func openPostgres(tb testing.TB) (poll.IdempotencyStore, func()) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()

	schema := servertest.Name("zcb_bench_")
	s, err := pgstore.Open(ctx, servertest.PostgresURL(), pgstore.WithSchema(schema))
	if err != nil {
		servertest.Unavailable(tb, "PostgreSQL", err)
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		tb.Fatalf("bench: migrate PostgreSQL store: %v", err)
	}
	return s, func() {
		s.Close()
		servertest.DropPostgresSchema(tb, schema)
	}
}

// rig is one engine over n pending intentions, the mock platform behind an
// HTTP server on 127.0.0.1 and a fresh store.
type rig struct {
	platform  *mock.Platform
	transport *countingTransport
	store     *countingStore
	src       *memSource
	client    *regplatform.Client
	engine    *poll.Engine
	closers   []func()
}

// rigConfig sets up a rig. publishAfterReads is the mock's count of reads
// that answer PUBLISHING; 0 publishes on the first read.
type rigConfig struct {
	records           int
	store             storeKind
	publishAfterReads int
}

// newRig builds a rig. The mock's and the client's rate limits are off and
// nothing is logged; the engine reads a result on the first tick after the
// push (PollMin and PollMax of 1ns), so every tick does all the work due.
func newRig(tb testing.TB, cfg rigConfig) *rig {
	tb.Helper()
	r := &rig{}
	p := mock.New(mock.Config{
		AppKey:            appKey,
		AppSecret:         appSecret,
		Seed:              1,
		PublishAfterReads: cfg.publishAfterReads,
	})
	srv := httptest.NewServer(p)
	r.platform = p
	r.closers = append(r.closers, srv.Close)

	r.transport = newCountingTransport()
	r.closers = append(r.closers, r.transport.next.CloseIdleConnections)
	client, err := regplatform.NewClient(
		regplatform.WithBaseURL(srv.URL),
		regplatform.WithCredentials(appKey, appSecret),
		regplatform.WithTimeout(10*time.Second),
		regplatform.WithRateLimit(rate.Inf, 0),
		regplatform.WithTransport(r.transport),
		regplatform.WithLogger(slog.New(slog.DiscardHandler)),
	)
	if err != nil {
		r.close()
		tb.Fatalf("bench: client: %v", err)
	}

	store, closeStore := cfg.store.open(tb)
	r.closers = append(r.closers, closeStore)
	r.store = &countingStore{IdempotencyStore: store}
	r.src = newMemSource(cfg.records)
	r.client = client
	r.engine = r.newEngine(tb, time.Nanosecond)
	return r
}

// newEngine returns an engine over the rig's store, client and source
// whose result reads of an accepted push are pollWait apart.
func (r *rig) newEngine(tb testing.TB, pollWait time.Duration) *poll.Engine {
	tb.Helper()
	e, err := poll.New(poll.Config{
		Store:   r.store,
		Flows:   []poll.Flow{poll.IntentionFlow(r.client.Intentions, r.src)},
		Owner:   "bench",
		Jitter:  -1,
		PollMin: pollWait,
		PollMax: pollWait,
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		r.close()
		tb.Fatalf("bench: engine: %v", err)
	}
	return e
}

// close stops the server and closes and removes the store, latest first.
func (r *rig) close() {
	for i := len(r.closers) - 1; i >= 0; i-- {
		r.closers[i]()
	}
	r.closers = nil
}

// drain ticks until no record is pending, at most maxTicks times, and
// returns how long each tick took.
func (r *rig) drain(ctx context.Context, maxTicks int) ([]time.Duration, error) {
	var took []time.Duration
	for range maxTicks {
		start := time.Now()
		err := r.engine.Tick(ctx)
		took = append(took, time.Since(start))
		if err != nil {
			return took, err
		}
		if r.src.pendingCount() == 0 {
			return took, nil
		}
	}
	return took, fmt.Errorf("bench: %d records still pending after %d ticks",
		r.src.pendingCount(), maxTicks)
}

// acceptedOnce returns the ids the mock did not accept exactly once.
func (r *rig) acceptedOnce() []string {
	var bad []string
	for _, id := range r.src.ids {
		if r.platform.Accepted(regplatform.FlowIntention, id, 1) != 1 {
			bad = append(bad, id)
		}
	}
	return bad
}

// heapPeak samples the heap in use (runtime/metrics: heap objects plus
// unused heap spans, as MemStats.HeapInuse) every interval until Stop.
type heapPeak struct {
	stop chan struct{}
	done chan uint64
}

var heapMetrics = []string{
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
}

func startHeapPeak(interval time.Duration) *heapPeak {
	h := &heapPeak{stop: make(chan struct{}), done: make(chan uint64, 1)}
	samples := make([]metrics.Sample, len(heapMetrics))
	for i, name := range heapMetrics {
		samples[i].Name = name
	}
	read := func() uint64 {
		metrics.Read(samples)
		var sum uint64
		for _, s := range samples {
			sum += s.Value.Uint64()
		}
		return sum
	}

	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		peak := read()
		for {
			select {
			case <-h.stop:
				h.done <- max(peak, read())
				return
			case <-t.C:
				peak = max(peak, read())
			}
		}
	}()
	return h
}

// Stop ends the sampling and returns the peak in bytes.
func (h *heapPeak) Stop() uint64 {
	close(h.stop)
	return <-h.done
}
