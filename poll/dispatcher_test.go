package poll_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/memstore"
	"github.com/zcbridge/zcbridge/regplatform"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// flakySink fails its first failures calls, then records what it receives.
type flakySink struct {
	name string

	mu       sync.Mutex
	failures int
	calls    int
	received map[string][]byte
	count    map[string]int
}

func newFlakySink(name string, failures int) *flakySink {
	return &flakySink{name: name, failures: failures,
		received: map[string][]byte{}, count: map[string]int{}}
}

func (s *flakySink) Name() string { return s.name }

func (s *flakySink) Deliver(_ context.Context, d poll.Delivery) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls <= s.failures {
		return errors.New("portal answered 503")
	}
	s.received[d.ID] = d.Payload
	s.count[d.ID]++
	return nil
}

func (s *flakySink) snapshot() (calls int, count map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	count = make(map[string]int, len(s.count))
	for k, v := range s.count {
		count[k] = v
	}
	return s.calls, count
}

// statusSource stands for the host's table: Apply records when each
// record's status changed.
type statusSource struct {
	mu      sync.Mutex
	clock   *fakeClock
	changed map[string]time.Time
}

func (s *statusSource) Apply(_ context.Context, o poll.Outcome) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.changed[o.SourceID]; !ok {
		s.changed[o.SourceID] = s.clock.Now()
	}
	return nil
}

func newDispatcher(t *testing.T, cfg poll.DispatcherConfig) *poll.Dispatcher {
	t.Helper()
	d, err := poll.NewDispatcher(cfg)
	require.NoError(t, err)
	return d
}

func TestDispatcherRetriesUntilEachOutcomeArrivesOnce(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	ob := newTestOutbox(t)
	portal := newFlakySink("portal", 3)
	yct := newFlakySink("yuncaitong", 0)
	sinks := []poll.Sink{portal, yct}
	src := &statusSource{clock: clock, changed: map[string]time.Time{}}

	// What the engine does for each publication: enqueue, then apply.
	outcomes := []poll.Outcome{
		intentionPublished(t, "YX2021080013", 1),
		noticePublished(t, "DY2026000101", 1),
	}
	publishedAt := clock.Now()
	for _, o := range outcomes {
		require.NoError(t, poll.EnqueuePublication(ctx, ob, sinks, o, clock.Now()))
		require.NoError(t, src.Apply(ctx, o))
	}
	calls, _ := portal.snapshot()
	require.Zero(t, calls, "enqueuing does not wait for the sink")

	d := newDispatcher(t, poll.DispatcherConfig{
		Outbox: ob, Sinks: sinks, Now: clock.Now,
		BaseDelay: time.Second, MaxDelay: 8 * time.Second,
		Logger: slog.New(slog.DiscardHandler),
	})
	for range 20 {
		require.NoError(t, d.Tick(ctx))
		clock.Advance(8 * time.Second)
	}

	calls, count := portal.snapshot()
	assert.Equal(t, 5, calls, "three failures, then one success per outcome")
	_, yctCount := yct.snapshot()
	for _, o := range outcomes {
		assert.Equal(t, 1, count[poll.DeliveryID(o.Flow, o.SourceID, o.Revision, "portal")],
			"portal gets %s once", o.SourceID)
		assert.Equal(t, 1, yctCount[poll.DeliveryID(o.Flow, o.SourceID, o.Revision, "yuncaitong")],
			"yuncaitong gets %s once", o.SourceID)
		assert.Equal(t, publishedAt, src.changed[o.SourceID],
			"the status of %s changed when it was published, not after the retries", o.SourceID)
	}

	due, err := ob.Due(ctx, clock.Now().Add(time.Hour), time.Minute, 0)
	require.NoError(t, err)
	assert.Empty(t, due, "every delivery was acknowledged")
}

func TestDispatcherBackoffDoublesWithinJitterAndCap(t *testing.T) {
	tests := []struct {
		name string
		rand float64
		// want is the wait after failures 1..5 with base 1s, cap 4s.
		want []time.Duration
	}{
		{"lowest jitter", 0, []time.Duration{
			500 * time.Millisecond, time.Second,
			2 * time.Second, 2 * time.Second, 2 * time.Second}},
		{"highest jitter", 0.999999, []time.Duration{
			time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			clock := newFakeClock()
			ob := newTestOutbox(t)
			sink := newFlakySink("portal", 100)
			require.NoError(t, poll.EnqueuePublication(ctx, ob, []poll.Sink{sink},
				intentionPublished(t, "YX1", 1), clock.Now()))
			d := newDispatcher(t, poll.DispatcherConfig{
				Outbox: ob, Sinks: []poll.Sink{sink}, Now: clock.Now,
				BaseDelay: time.Second, MaxDelay: 4 * time.Second,
				Rand:   func() float64 { return tt.rand },
				Logger: slog.New(slog.DiscardHandler),
			})

			for i, want := range tt.want {
				require.NoError(t, d.Tick(ctx))
				calls, _ := sink.snapshot()
				require.Equal(t, i+1, calls)

				// Not due a moment before the computed wait; due at it.
				clock.Advance(want - time.Millisecond)
				require.NoError(t, d.Tick(ctx))
				calls, _ = sink.snapshot()
				assert.Equal(t, i+1, calls, "tried early after failure %d", i+1)
				clock.Advance(time.Millisecond)
			}
		})
	}
}

func TestDispatcherLogsFailuresWithoutDroppingThem(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	ob := newTestOutbox(t)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	// A delivery for a sink that is no longer configured stays queued.
	require.NoError(t, poll.EnqueuePublication(ctx, ob, []poll.Sink{namedSink("old")},
		intentionPublished(t, "YX1", 1), clock.Now()))
	d := newDispatcher(t, poll.DispatcherConfig{
		Outbox: ob, Sinks: []poll.Sink{namedSink("portal")}, Now: clock.Now,
		AlertAfter: 2, BaseDelay: time.Second, MaxDelay: time.Second, Logger: logger,
	})

	require.NoError(t, d.Tick(ctx))
	clock.Advance(time.Second)
	require.NoError(t, d.Tick(ctx))

	var levels []string
	for _, line := range bytes.Split(bytes.TrimSpace(logs.Bytes()), []byte("\n")) {
		var rec map[string]any
		require.NoError(t, json.Unmarshal(line, &rec))
		levels = append(levels, rec["level"].(string))
		assert.Equal(t, "old", rec["sink"])
		assert.Contains(t, rec["error"], `no sink named "old"`)
	}
	assert.Equal(t, []string{"WARN", "ERROR"}, levels)

	due, err := ob.Due(ctx, clock.Now().Add(time.Hour), time.Minute, 0)
	require.NoError(t, err)
	require.Len(t, due, 1)
	assert.Equal(t, 2, due[0].Attempts)
	assert.Contains(t, due[0].LastError, `no sink named "old"`)
}

func TestDispatcherStopsWithoutRecordingAFailureWhenCancelled(t *testing.T) {
	clock := newFakeClock()
	ob := newTestOutbox(t)
	ctx, cancel := context.WithCancel(context.Background())
	sink := &blockingSink{started: make(chan struct{})}
	require.NoError(t, poll.EnqueuePublication(ctx, ob, []poll.Sink{sink},
		intentionPublished(t, "YX1", 1), clock.Now()))
	d := newDispatcher(t, poll.DispatcherConfig{
		Outbox: ob, Sinks: []poll.Sink{sink}, Now: clock.Now,
		Lease: time.Minute, DeliverTimeout: time.Second,
		Logger: slog.New(slog.DiscardHandler),
	})

	done := make(chan error, 1)
	go func() { done <- d.Tick(ctx) }()
	<-sink.started
	cancel()
	require.NoError(t, <-done)

	// No retry was recorded: the delivery comes back when its lease ends.
	due, err := ob.Due(context.Background(), clock.Now().Add(time.Minute), time.Minute, 0)
	require.NoError(t, err)
	require.Len(t, due, 1)
	assert.Equal(t, 0, due[0].Attempts)
}

type blockingSink struct{ started chan struct{} }

func (s *blockingSink) Name() string { return "portal" }

func (s *blockingSink) Deliver(ctx context.Context, _ poll.Delivery) error {
	close(s.started)
	<-ctx.Done()
	return ctx.Err()
}

func TestDispatcherReportsAckFailure(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	ob := newTestOutbox(t)
	ob.failAck = errors.New("connection reset")
	sink := newFlakySink("portal", 0)
	require.NoError(t, poll.EnqueuePublication(ctx, ob, []poll.Sink{sink},
		intentionPublished(t, "YX1", 1), clock.Now()))
	d := newDispatcher(t, poll.DispatcherConfig{
		Outbox: ob, Sinks: []poll.Sink{sink}, Now: clock.Now,
		Logger: slog.New(slog.DiscardHandler),
	})

	err := d.Tick(ctx)
	assert.ErrorIs(t, err, ob.failAck)
	calls, _ := sink.snapshot()
	assert.Equal(t, 1, calls)
}

func TestDispatcherBoundsTheErrorsOfOneTick(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	ob := newTestOutbox(t)
	ob.failAck = errors.New("connection reset")
	sink := newFlakySink("portal", 0)
	for i := range 13 {
		require.NoError(t, poll.EnqueuePublication(ctx, ob, []poll.Sink{sink},
			intentionPublished(t, fmt.Sprintf("YX%02d", i), 1), clock.Now()))
	}
	d := newDispatcher(t, poll.DispatcherConfig{
		Outbox: ob, Sinks: []poll.Sink{sink}, Now: clock.Now,
		Logger: slog.New(slog.DiscardHandler),
	})

	err := d.Tick(ctx)
	require.Error(t, err)
	assert.Equal(t, 10, strings.Count(err.Error(), "connection reset"))
	assert.Contains(t, err.Error(), "and 3 more outbox writes failed")
}

func TestDispatcherBoundsOneTick(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	ob := newTestOutbox(t)
	sink := newFlakySink("portal", 0)
	for _, id := range []string{"A1", "A2", "A3", "A4", "A5"} {
		require.NoError(t, poll.EnqueuePublication(ctx, ob, []poll.Sink{sink},
			intentionPublished(t, id, 1), clock.Now()))
	}
	d := newDispatcher(t, poll.DispatcherConfig{
		Outbox: ob, Sinks: []poll.Sink{sink}, Now: clock.Now,
		BatchSize: 2, MaxPerTick: 3, Logger: slog.New(slog.DiscardHandler),
	})

	require.NoError(t, d.Tick(ctx))
	calls, _ := sink.snapshot()
	assert.Equal(t, 3, calls)
	require.NoError(t, d.Tick(ctx))
	calls, count := sink.snapshot()
	assert.Equal(t, 5, calls)
	assert.Len(t, count, 5)
}

func TestNewDispatcherRefusesBadConfig(t *testing.T) {
	ob := newTestOutbox(t)
	tests := []struct {
		name string
		cfg  poll.DispatcherConfig
	}{
		{"no outbox", poll.DispatcherConfig{Sinks: []poll.Sink{namedSink("a")}}},
		{"nil sink", poll.DispatcherConfig{Outbox: ob, Sinks: []poll.Sink{nil}}},
		{"unnamed sink", poll.DispatcherConfig{Outbox: ob, Sinks: []poll.Sink{namedSink("")}}},
		{"duplicate names", poll.DispatcherConfig{Outbox: ob,
			Sinks: []poll.Sink{namedSink("a"), namedSink("a")}}},
		{"lease within timeout", poll.DispatcherConfig{Outbox: ob,
			Lease: time.Second, DeliverTimeout: time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := poll.NewDispatcher(tt.cfg)
			assert.Error(t, err)
		})
	}
}

// faultyOutbox wraps an outbox and fails the calls a test asks it to.
type faultyOutbox struct {
	poll.Outbox
	failEnqueue error
	failAck     error
}

func (o *faultyOutbox) Enqueue(ctx context.Context, d poll.Delivery) error {
	if o.failEnqueue != nil {
		return o.failEnqueue
	}
	return o.Outbox.Enqueue(ctx, d)
}

func (o *faultyOutbox) Ack(ctx context.Context, id string) error {
	if o.failAck != nil {
		return o.failAck
	}
	return o.Outbox.Ack(ctx, id)
}

// newTestOutbox returns the outbox the tests run against, wrapped for fault
// injection.
func newTestOutbox(t *testing.T) *faultyOutbox {
	t.Helper()
	return &faultyOutbox{Outbox: memstore.New()}
}

func TestEngineAppliesPublicationsOnTimeWhileASinkFails(t *testing.T) {
	portal := newFlakySink("portal", 3)
	r := newRig(t, func(c *poll.Config) {
		c.Sinks = []poll.Sink{portal}
		c.Outbox = memstore.New(memstore.WithClock(c.Clock.Now))
	})
	ids := r.add(2)
	r.tick()
	r.clock.Advance(rigPollMin)
	r.platform.setAll(regplatform.StatusPublished)

	r.tick()
	require.Len(t, r.source.outcomes(), 2, "both records were applied in the publishing tick")
	calls, count := portal.snapshot()
	assert.Equal(t, 2, calls, "the dispatcher tried each delivery once in that tick")
	assert.Empty(t, count, "and both tries failed")

	// Default backoff: 10s doubling; 30 minutes covers any wait of the
	// first retries.
	for range 6 {
		r.clock.Advance(30 * time.Minute)
		r.tick()
	}
	calls, count = portal.snapshot()
	assert.Equal(t, 5, calls, "three failures, then one success per record")
	for _, id := range ids {
		assert.Equal(t, 1, count[poll.DeliveryID(regplatform.FlowIntention, id, 1, "portal")], id)
	}
	assert.Len(t, r.source.outcomes(), 2, "the outcomes were applied once, before any delivery")
	assert.Len(t, r.logs.lines("WARN", "poll: Sink delivery failed; will retry."), 3)
}

func TestDispatcherCountsDeliveriesAndFailures(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	ob := newTestOutbox(t)
	portal := newFlakySink("portal", 1)
	m := &recordingMetrics{counts: map[string]int64{}, timed: map[string]int{}}
	require.NoError(t, poll.EnqueuePublication(ctx, ob, []poll.Sink{portal},
		intentionPublished(t, "YX1", 1), clock.Now()))
	d := newDispatcher(t, poll.DispatcherConfig{Outbox: ob, Sinks: []poll.Sink{portal},
		Now: clock.Now, BaseDelay: time.Second, MaxDelay: time.Second, Metrics: m,
		Logger: slog.New(slog.DiscardHandler)})

	require.NoError(t, d.Tick(ctx))
	clock.Advance(time.Second)
	require.NoError(t, d.Tick(ctx))

	assert.Equal(t, map[string]int64{
		"poll.sink_deliveries sink=portal result=failed":    1,
		"poll.sink_deliveries sink=portal result=delivered": 1,
	}, m.counts)
	assert.Equal(t, 2, m.timed[poll.MetricSinkDeliveryDuration])
}

func TestEngineHandsItsMetricsToTheDispatcher(t *testing.T) {
	m := &recordingMetrics{counts: map[string]int64{}, timed: map[string]int{}}
	r := newRig(t, func(c *poll.Config) {
		c.Metrics = m
		c.Sinks = []poll.Sink{newFlakySink("portal", 0)}
	})
	r.add(1)
	r.tick()
	r.platform.setAll(regplatform.StatusPublished)
	r.clock.Advance(rigPollMin)
	r.tick()

	assert.Equal(t, int64(1), m.counts["poll.sink_deliveries sink=portal result=delivered"])
}
