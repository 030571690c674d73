package poll_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/memstore"
	"github.com/zcbridge/zcbridge/regplatform"
)

func TestTickPushesOnceThenAppliesPublished(t *testing.T) {
	r := newRig(t, nil)
	ids := r.add(3)

	r.tick()
	require.Equal(t, 3, r.platform.pushCount())
	for _, id := range ids {
		e := r.entry(id, 1)
		assert.Equal(t, poll.StateAccepted, e.State, id)
		assert.Equal(t, "R-"+id, e.ReceiptID, id)
		assert.Equal(t, 1, e.Attempts, id)
	}
	assert.Empty(t, r.platform.readCalls(), "results are read only once PollMin has passed")
	assert.Len(t, r.logs.lines("INFO", "poll: Pushed record."), 3)

	r.clock.Advance(rigPollMin)
	r.platform.setAll(regplatform.StatusPublished)
	r.tick()

	require.Len(t, r.platform.readCalls(), 1)
	assert.ElementsMatch(t, ids, r.platform.readCalls()[0])
	outcomes := r.source.outcomes()
	require.Len(t, outcomes, 3)
	for _, o := range outcomes {
		assert.Equal(t, poll.OutcomePublished, o.Kind)
		assert.Equal(t, regplatform.FlowIntention, o.Flow)
		assert.Equal(t, 1, o.Revision)
		require.NotNil(t, o.Intention)
		assert.Equal(t, "ZCYX-"+o.SourceID, o.Intention.PlatformID)
		assert.Equal(t, string(regplatform.StatusPublished), r.entry(o.SourceID, 1).Outcome)
		assert.Equal(t, poll.StateFinished, r.entry(o.SourceID, 1).State)
	}

	r.clock.Advance(rigPollMax)
	r.tick()
	assert.Equal(t, 3, r.platform.pushCount(), "nothing is pushed twice")
	assert.Len(t, r.platform.readCalls(), 1, "records no longer listed are not read")
}

func TestTickHandsOverEveryTerminalStatus(t *testing.T) {
	r := newRig(t, nil)
	r.add(2)
	r.tick()

	r.platform.set("YX-000", 1, regplatform.StatusFailed, "数据格式有误")
	r.platform.set("YX-001", 1, regplatform.StatusPublished, "")
	r.clock.Advance(rigPollMin)
	r.tick()

	byID := map[string]poll.Outcome{}
	for _, o := range r.source.outcomes() {
		byID[o.SourceID] = o
	}
	require.Len(t, byID, 2)
	assert.Equal(t, poll.OutcomeFailed, byID["YX-000"].Kind)
	assert.Equal(t, "数据格式有误", byID["YX-000"].Reason)
	assert.Equal(t, poll.OutcomePublished, byID["YX-001"].Kind)
	assert.Empty(t, byID["YX-001"].Reason)
}

func TestResultsOf120RecordsAreReadInOneBatch(t *testing.T) {
	r := newRig(t, func(c *poll.Config) { c.PageSize = 50 })
	ids := r.add(120)

	r.tick()
	require.Equal(t, 120, r.platform.pushCount())
	r.clock.Advance(rigPollMin)
	r.tick()

	// The engine makes one Results call per flow and tick; the client
	// splits it into ceil(120/50) = 3 requests, as the integration test
	// counts at the mock.
	reads := r.platform.readCalls()
	require.Len(t, reads, 1)
	assert.ElementsMatch(t, ids, reads[0])
}

func TestKeysetPagingSurvivesStatusChangesMidTick(t *testing.T) {
	r := newRig(t, func(c *poll.Config) { c.PageSize = 3 })
	ids := r.add(10) // YX-000 .. YX-009

	// On the second page request the host changes the status of a record
	// already seen (YX-001) and of one not yet seen (YX-005), and a new
	// record appears behind the cursor (YX-0015) and one ahead (YX-008a).
	r.source.onPending = func(call int, after string) {
		if call != 2 {
			return
		}
		r.source.remove("YX-001")
		r.source.remove("YX-005")
		r.source.put("YX-0015", 1, intention(t, "YX-0015", 1))
		r.source.put("YX-008a", 1, intention(t, "YX-008a", 1))
	}
	r.tick()

	want := []string{"YX-000", "YX-001", "YX-002", "YX-003", "YX-004", "YX-006", "YX-007",
		"YX-008", "YX-008a", "YX-009"}
	var got []string
	for _, c := range r.platform.pushes {
		got = append(got, c.sourceID)
	}
	assert.Equal(t, want, got, "each record listed once, none skipped, in key order")
	assert.NotContains(t, got, ids[5])

	r.source.onPending = nil
	r.tick()
	assert.Len(t, r.platform.pushesOf("YX-0015"), 1, "a record behind the cursor waits a tick")
}

func TestInvalidRequestIsReportedAndNeverSent(t *testing.T) {
	r := newRig(t, nil)
	bad := intention(t, "YX-BAD", 1)
	bad.Title = ""
	bad.Items[0].BudgetAmount = regplatform.Money{}
	r.source.put("YX-BAD", 1, bad)
	r.source.put("YX-ODD", 1, intention(t, "YX-OTHER", 1))
	r.source.put("YX-NIL", 1, nil)

	r.tick()
	r.tick()

	assert.Zero(t, r.platform.pushCount(), "nothing invalid leaves the machine")
	for _, id := range []string{"YX-BAD", "YX-ODD", "YX-NIL"} {
		_, ok, err := r.store.Get(t.Context(), poll.Key{Flow: "intention", SourceID: id,
			Revision: 1})
		require.NoError(t, err)
		assert.False(t, ok, "nothing is stored for %s", id)
	}
	assert.Equal(t, 3, r.source.pendingCount(), "the records stay pending")

	byID := map[string]poll.Outcome{}
	for _, o := range r.source.outcomes() {
		assert.Equal(t, poll.OutcomeInvalid, o.Kind)
		byID[o.SourceID] = o
	}
	require.Len(t, byID, 3)
	var ve *regplatform.ValidationError
	require.ErrorAs(t, byID["YX-BAD"].Err, &ve)
	fields := map[string]bool{}
	for _, f := range ve.Fields {
		fields[f.Field] = true
	}
	assert.True(t, fields["title"], "names title: %v", ve.Fields)
	assert.True(t, fields["items[0].budget_amount"], "names the amount: %v", ve.Fields)
	assert.ErrorIs(t, byID["YX-ODD"].Err, poll.ErrRequestMismatch)
	assert.ErrorIs(t, byID["YX-NIL"].Err, poll.ErrRequestMismatch)
	assert.Len(t, r.logs.lines("ERROR", "poll: Request is invalid; not sent."), 6)
}

func TestPushNotSentKeepsBodyAndRetriesIt(t *testing.T) {
	r := newRig(t, nil)
	r.add(1)
	r.platform.fault("YX-000", pushFault{err: errRefused})

	r.tick()
	e := r.entry("YX-000", 1)
	assert.Equal(t, poll.StatePending, e.State)
	assert.Contains(t, e.LastError, "connection refused")
	assert.True(t, e.LeaseUntil.IsZero(), "the lease is released")
	first := r.platform.pushesOf("YX-000")[0].body
	assert.Equal(t, first, e.Body)
	assert.Len(t, r.logs.lines("WARN", "poll: Push not sent; trying again next tick."), 1)

	// The clerk edits the record meanwhile: the kept bytes are sent anyway.
	edited := intention(t, "YX-000", 1)
	edited.Title = "改过的标题"
	r.source.put("YX-000", 1, edited)
	r.tick()

	calls := r.platform.pushesOf("YX-000")
	require.Len(t, calls, 2)
	assert.Equal(t, first, calls[1].body)
	e = r.entry("YX-000", 1)
	assert.Equal(t, poll.StateAccepted, e.State)
	assert.Equal(t, 2, e.Attempts)
	assert.Equal(t, 1, r.platform.acceptedOf("YX-000", 1))
}

func TestPlatformRefusalNeedsAPerson(t *testing.T) {
	r := newRig(t, nil)
	r.add(1)
	r.platform.fault("YX-000", pushFault{err: errInvalidBody})

	r.tick()

	e := r.entry("YX-000", 1)
	assert.Equal(t, poll.StatePending, e.State, "never a new revision to get past an error")
	assert.Contains(t, e.LastError, "1001")
	lines := r.logs.lines("ERROR", "poll: Platform refused the push; it needs a person.")
	require.Len(t, lines, 1)
	assert.Contains(t, lines[0], "request_id=req-1001")
	outcomes := r.source.outcomes()
	require.Len(t, outcomes, 1)
	assert.Equal(t, poll.OutcomeInvalid, outcomes[0].Kind)
	assert.ErrorIs(t, outcomes[0].Err, regplatform.ErrValidation)
}

func TestRecordClaimedElsewhereIsSkipped(t *testing.T) {
	r := newRig(t, nil)
	r.add(1)
	_, _, err := r.store.Claim(t.Context(), poll.Key{Flow: "intention", SourceID: "YX-000",
		Revision: 1}, "engine-b", time.Minute)
	require.NoError(t, err)

	r.tick()
	assert.Zero(t, r.platform.pushCount())

	r.clock.Advance(time.Minute)
	r.tick()
	assert.Equal(t, 1, r.platform.pushCount(), "an expired lease is taken over")
}

func TestTwoEnginesSharingAStorePushEachRecordOnce(t *testing.T) {
	clock := newTestClock()
	store := memstore.New(memstore.WithClock(clock.Now))
	platform := newFakePlatform()
	source := newHostSource()
	for i := range 40 {
		id := fmt.Sprintf("YX-%03d", i)
		source.put(id, 1, intention(t, id, 1))
	}

	engines := make([]*poll.Engine, 2)
	for i := range engines {
		e, err := poll.New(poll.Config{
			Store:  store,
			Flows:  []poll.Flow{poll.IntentionFlow(platform, source)},
			Owner:  fmt.Sprintf("engine-%d", i),
			Clock:  clock,
			Logger: slog.New(slog.DiscardHandler),
		})
		require.NoError(t, err)
		engines[i] = e
	}

	var wg sync.WaitGroup
	for _, e := range engines {
		wg.Go(func() {
			for range 3 {
				assert.NoError(t, e.Tick(t.Context()))
			}
		})
	}
	wg.Wait()

	for i := range 40 {
		id := fmt.Sprintf("YX-%03d", i)
		assert.Len(t, platform.pushesOf(id), 1, id)
	}
}

func TestPushStopsOnCancelAndLeavesTheEntryInDoubt(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	r := newRig(t, nil)
	r.add(3)
	r.platform.block = func(c context.Context, id string) error {
		if id != "YX-001" {
			return nil
		}
		cancel()
		<-c.Done()
		return &regplatform.TransportError{Op: "push", MaybeSent: true, Err: c.Err()}
	}

	err := r.engine.Tick(ctx)
	require.ErrorIs(t, err, context.Canceled)

	assert.Equal(t, 1, r.platform.pushCount(), "the push cancelled and none after it")
	e := r.entry("YX-001", 1)
	assert.Equal(t, poll.StateInDoubt, e.State)
	assert.False(t, e.LeaseUntil.IsZero(), "a lease in use is left to expire")
	_, ok, err := r.store.Get(t.Context(), poll.Key{Flow: "intention", SourceID: "YX-002",
		Revision: 1})
	require.NoError(t, err)
	assert.False(t, ok, "records after the cancel are not touched")
}

// cancelOnClaim cancels the tick's context right after a successful claim,
// before anything is sent.
type cancelOnClaim struct {
	poll.IdempotencyStore
	cancel context.CancelFunc
}

func (s cancelOnClaim) Claim(ctx context.Context, k poll.Key, owner string,
	ttl time.Duration) (poll.Lease, poll.Entry, error) {
	l, e, err := s.IdempotencyStore.Claim(ctx, k, owner, ttl)
	s.cancel()
	return l, e, err
}

func TestCancelBeforeSendingReleasesTheLease(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	clock := newTestClock()
	store := memstore.New(memstore.WithClock(clock.Now))
	platform := newFakePlatform()
	source := newHostSource()
	source.put("YX-000", 1, intention(t, "YX-000", 1))
	e, err := poll.New(poll.Config{
		Store: cancelOnClaim{store, cancel},
		Flows: []poll.Flow{poll.IntentionFlow(platform, source)},
		Clock: clock,
	})
	require.NoError(t, err)

	require.ErrorIs(t, e.Tick(ctx), context.Canceled)

	assert.Zero(t, platform.pushCount())
	entry, ok, err := store.Get(t.Context(), poll.Key{Flow: "intention", SourceID: "YX-000",
		Revision: 1})
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, poll.StatePending, entry.State)
	assert.True(t, entry.LeaseUntil.IsZero(), "the lease of work not started is released")
}

func TestRunTicksOnTheClockUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	r := newRig(t, func(c *poll.Config) {
		c.Interval = time.Minute
		c.Jitter = 0.1
	})
	r.add(1)

	done := make(chan error, 1)
	go func() { done <- r.engine.Run(ctx) }()

	for range 3 {
		d := <-r.clock.waits
		assert.GreaterOrEqual(t, d, 54*time.Second)
		assert.LessOrEqual(t, d, 66*time.Second)
		r.clock.Advance(d)
	}
	<-r.clock.waits
	cancel()
	require.NoError(t, <-done)

	r.source.mu.Lock()
	calls := r.source.calls
	r.source.mu.Unlock()
	assert.Equal(t, 4, calls, "one tick at start and one per elapsed wait")
	assert.Equal(t, 1, r.platform.pushCount())
}

func TestRunWaitsOutARateLimitPause(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	r := newRig(t, func(c *poll.Config) {
		c.Interval = time.Minute
		c.Jitter = -1
	})
	r.add(1)
	r.platform.fault("YX-000", pushFault{err: errRateLimited(3 * time.Minute)})

	done := make(chan error, 1)
	go func() { done <- r.engine.Run(ctx) }()

	assert.Equal(t, 3*time.Minute, <-r.clock.waits, "the wait covers the pause")
	r.clock.Advance(3 * time.Minute)
	assert.Equal(t, time.Minute, <-r.clock.waits, "then back to the interval")
	cancel()
	require.NoError(t, <-done)
	assert.Equal(t, 2, r.platform.pushCount())
}

// countingJob records its ticks and fails when told to.
type countingJob struct {
	mu    sync.Mutex
	ticks int
	gate  *poll.Gate
	err   error
}

func (j *countingJob) Name() string { return "counting" }

func (j *countingJob) UseGate(g *poll.Gate) { j.gate = g }

func (j *countingJob) Tick(context.Context) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.ticks++
	return j.err
}

func TestJobsRunAfterTheFlowsWithTheEnginesGate(t *testing.T) {
	job := &countingJob{err: errors.New("results tracking failed")}
	r := newRig(t, func(c *poll.Config) { c.Jobs = []poll.Job{job} })

	err := r.engine.Tick(t.Context())
	require.Error(t, err)
	assert.ErrorIs(t, err, job.err)
	assert.Contains(t, err.Error(), "job counting")
	assert.Equal(t, 1, job.ticks)
	assert.Same(t, r.engine.Gate(), job.gate)
}

// recordingMetrics keeps every counter sample.
type recordingMetrics struct {
	mu     sync.Mutex
	counts map[string]int64
	timed  map[string]int
}

func (m *recordingMetrics) Add(name string, delta int64, attrs ...poll.Attr) {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := name
	for _, a := range attrs {
		key += " " + a.Key + "=" + a.Value
	}
	m.counts[key] += delta
}

func (m *recordingMetrics) Observe(name string, _ time.Duration, _ ...poll.Attr) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.timed[name]++
}

func TestMetricsCountPushesReadsAndOutcomes(t *testing.T) {
	m := &recordingMetrics{counts: map[string]int64{}, timed: map[string]int{}}
	r := newRig(t, func(c *poll.Config) { c.Metrics = m })
	r.add(2)
	r.platform.fault("YX-001", pushFault{stored: true, err: errInternal})

	r.tick()
	r.platform.setAll(regplatform.StatusPublished)
	r.clock.Advance(rigPollMin)
	r.tick()

	assert.Equal(t, map[string]int64{
		"poll.pushes flow=intention result=accepted":                 1,
		"poll.pushes flow=intention result=in_doubt":                 1,
		"poll.result_reads flow=intention result=ok":                 1,
		"poll.reconciled flow=intention result=held":                 1,
		"poll.outcomes flow=intention kind=published result=applied": 2,
	}, m.counts)
	assert.Equal(t, 2, m.timed[poll.MetricPushDuration])
	assert.Equal(t, 1, m.timed[poll.MetricResultReadDuration])
	assert.Equal(t, 2, m.timed[poll.MetricTickDuration])
}

// notOutbox hides the Outbox methods of a store.
type notOutbox struct{ poll.IdempotencyStore }

func TestNewRefusesBadConfig(t *testing.T) {
	store := memstore.New(memstore.WithClock(time.Now))
	flow := poll.IntentionFlow(newFakePlatform(), newHostSource())
	cases := []struct {
		name string
		cfg  poll.Config
		want string
	}{
		{"no store", poll.Config{Flows: []poll.Flow{flow}}, "Store is required"},
		{"no work", poll.Config{Store: store}, "no flows and no jobs"},
		{"flow twice", poll.Config{Store: store, Flows: []poll.Flow{flow, flow}},
			`flow "intention" given twice`},
		{"nil flow", poll.Config{Store: store, Flows: []poll.Flow{nil}}, "flow 0 is incomplete"},
		{"nil source", poll.Config{Store: store,
			Flows: []poll.Flow{poll.IntentionFlow(newFakePlatform(), nil)}},
			"flow 0 is incomplete"},
		{"nil service", poll.Config{Store: store,
			Flows: []poll.Flow{poll.PlanFlow(nil, newHostSource())}},
			"flow 0 is incomplete"},
		{"nil job", poll.Config{Store: store, Jobs: []poll.Job{nil}}, "job 0 is nil"},
		{"negative lease", poll.Config{Store: store, Flows: []poll.Flow{flow}, LeaseTTL: -1},
			"LeaseTTL is negative"},
		{"poll bounds", poll.Config{Store: store, Flows: []poll.Flow{flow},
			PollMin: time.Hour, PollMax: time.Minute}, "PollMin 1h0m0s exceeds PollMax 1m0s"},
		{"jitter", poll.Config{Store: store, Flows: []poll.Flow{flow}, Jitter: 1},
			"Jitter 1 is not below 1"},
		{"page size", poll.Config{Store: store, Flows: []poll.Flow{flow}, PageSize: -5},
			"PageSize is negative"},
		{"sinks without outbox", poll.Config{Store: notOutbox{store}, Flows: []poll.Flow{flow},
			Sinks: []poll.Sink{namedSink("portal")}}, "Sinks need an Outbox"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := poll.New(c.cfg)
			require.ErrorIs(t, err, poll.ErrConfig)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestNewFillsDefaults(t *testing.T) {
	e, err := poll.New(poll.Config{
		Store: memstore.New(memstore.WithClock(time.Now)),
		Flows: []poll.Flow{poll.IntentionFlow(newFakePlatform(), newHostSource())},
	})
	require.NoError(t, err)
	assert.Regexp(t, `^.+-\d+-[0-9a-f]{8}$`, e.Owner())
	assert.True(t, e.Gate().Allow())
}
