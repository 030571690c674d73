package poll_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
)

func TestInDoubtPushThePlatformHoldsIsAcceptedWithoutResending(t *testing.T) {
	cases := []struct {
		name string
		err  error
	}{
		{"client timeout after the platform stored it", errTimeout},
		{"5xx after the platform stored it", errInternal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, nil)
			r.add(1)
			r.platform.fault("YX-000", pushFault{stored: true, err: c.err})

			r.tick()
			e := r.entry("YX-000", 1)
			require.Equal(t, poll.StateInDoubt, e.State)
			assert.Equal(t, c.err.Error(), e.LastError)
			assert.True(t, e.LeaseUntil.IsZero(), "released for whoever reconciles")
			assert.Len(t, r.logs.lines("WARN", "poll: Push outcome unknown"), 1)

			r.tick()
			assert.Len(t, r.platform.pushesOf("YX-000"), 1, "read first, nothing resent")
			assert.Equal(t, poll.StateAccepted, r.entry("YX-000", 1).State)
			assert.Len(t, r.logs.lines("INFO", "poll: Reconciled push; the platform holds it."), 1)

			r.platform.setAll(regplatform.StatusPublished)
			r.clock.Advance(rigPollMin)
			r.tick()
			assert.Equal(t, poll.StateFinished, r.entry("YX-000", 1).State)
			assert.Equal(t, 1, r.platform.acceptedOf("YX-000", 1))
		})
	}
}

func TestInDoubtPushAlreadyDecidedIsAppliedAtOnce(t *testing.T) {
	r := newRig(t, nil)
	r.add(1)
	r.platform.fault("YX-000", pushFault{stored: true, err: errTimeout})
	r.tick()

	r.platform.set("YX-000", 1, regplatform.StatusFailed, "数据格式有误")
	r.tick()

	outcomes := r.source.outcomes()
	require.Len(t, outcomes, 1)
	assert.Equal(t, poll.OutcomeFailed, outcomes[0].Kind)
	assert.Equal(t, "数据格式有误", outcomes[0].Reason)
	assert.Equal(t, poll.StateFinished, r.entry("YX-000", 1).State)
	assert.Len(t, r.platform.pushesOf("YX-000"), 1)
}

func TestInDoubtPushThePlatformLacksIsResentWithTheKeptBytes(t *testing.T) {
	cases := []struct {
		name  string
		setup func(r *rig) int // returns the record's revision
	}{
		{"not found", func(r *rig) int {
			r.source.put("YX-000", 1, intention(r.t, "YX-000", 1))
			return 1
		}},
		{"a lower revision", func(r *rig) int {
			r.platform.set("YX-000", 1, regplatform.StatusFailed, "数据格式有误")
			r.source.put("YX-000", 2, intention(r.t, "YX-000", 2))
			return 2
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, nil)
			rev := c.setup(r)
			r.platform.fault("YX-000", pushFault{err: errTimeout})

			r.tick()
			require.Equal(t, poll.StateInDoubt, r.entry("YX-000", rev).State)
			first := r.platform.pushesOf("YX-000")[0].body

			// An edit after the send must not reach the platform.
			edited := intention(t, "YX-000", rev)
			edited.Title = "改过的标题"
			r.source.put("YX-000", rev, edited)
			r.tick()

			calls := r.platform.pushesOf("YX-000")
			require.Len(t, calls, 2)
			assert.Equal(t, first, calls[1].body)
			e := r.entry("YX-000", rev)
			assert.Equal(t, poll.StateAccepted, e.State)
			assert.Equal(t, 2, e.Attempts)
			assert.Equal(t, 1, r.platform.acceptedOf("YX-000", rev))
			assert.Len(t, r.logs.lines("INFO", "resending the kept body"), 1)
		})
	}
}

func TestLaterRevisionOnThePlatformNeedsAPerson(t *testing.T) {
	r := newRig(t, nil)
	r.add(1)
	r.platform.fault("YX-000", pushFault{err: errTimeout})
	r.tick()

	r.platform.set("YX-000", 2, regplatform.StatusPublishing, "")
	r.tick()
	reads := len(r.platform.readCalls())
	r.tick()
	assert.Len(t, r.platform.readCalls(), reads, "read again only at the slow pace")
	r.clock.Advance(rigPollMin)
	r.tick()

	assert.Len(t, r.platform.pushesOf("YX-000"), 1, "no automatic fix")
	assert.Empty(t, r.source.outcomes())
	e := r.entry("YX-000", 1)
	assert.Equal(t, poll.StateInDoubt, e.State)
	assert.Contains(t, e.LastError, "platform holds revision 2")
	lines := r.logs.lines("ERROR", "poll: Platform holds a later revision; it needs a person.")
	require.Len(t, lines, 2)
	assert.Contains(t, lines[0], "platform_revision=2")
	assert.Contains(t, lines[1], "next_read_in=2m0s")
}

func TestAcceptedPushThePlatformLostNeedsAPerson(t *testing.T) {
	r := newRig(t, nil)
	r.add(1)
	r.tick()

	r.platform.mu.Lock()
	delete(r.platform.records, "YX-000")
	r.platform.mu.Unlock()
	r.clock.Advance(rigPollMin)
	r.tick()

	assert.Len(t, r.platform.pushesOf("YX-000"), 1)
	assert.Equal(t, poll.StateAccepted, r.entry("YX-000", 1).State)
	assert.Len(t, r.logs.lines("ERROR", "poll: Platform does not know an accepted push"), 1)
}

func TestApplyFailureIsRetriedNextTick(t *testing.T) {
	r := newRig(t, nil)
	r.add(1)
	r.source.applyErr["YX-000"] = 1
	r.tick()
	r.platform.setAll(regplatform.StatusPublished)
	r.clock.Advance(rigPollMin)

	err := r.engine.Tick(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "host database is busy")
	assert.Equal(t, poll.StateAccepted, r.entry("YX-000", 1).State)
	assert.Len(t, r.logs.lines("WARN", "poll: Outcome not applied; trying again next tick."), 1)

	r.tick()
	outcomes := r.source.outcomes()
	require.Len(t, outcomes, 2)
	assert.Equal(t, outcomes[0], outcomes[1], "the same outcome, delivered again")
	assert.Equal(t, poll.StateFinished, r.entry("YX-000", 1).State)
	assert.Len(t, r.platform.readCalls(), 2)
}

func TestFinishedRecordStillListedIsReadAndAppliedAgain(t *testing.T) {
	r := newRig(t, nil)
	r.source.sticky = true
	r.add(1)
	r.tick()
	r.platform.setAll(regplatform.StatusPublished)
	r.clock.Advance(rigPollMin)
	r.tick()
	require.Equal(t, poll.StateFinished, r.entry("YX-000", 1).State)

	r.tick()

	outcomes := r.source.outcomes()
	require.Len(t, outcomes, 2)
	assert.Equal(t, outcomes[0], outcomes[1])
	assert.Len(t, r.platform.pushesOf("YX-000"), 1)
	assert.Equal(t, poll.StateFinished, r.entry("YX-000", 1).State)
}

func TestBeforeApplyFailureHoldsTheOutcomeBack(t *testing.T) {
	var calls int
	r := newRig(t, func(c *poll.Config) {
		c.BeforeApply = func(context.Context, poll.Outcome) error {
			calls++
			if calls == 1 {
				return errors.New("outbox unavailable")
			}
			return nil
		}
	})
	r.add(1)
	r.tick()
	r.platform.setAll(regplatform.StatusPublished)
	r.clock.Advance(rigPollMin)

	require.Error(t, r.engine.Tick(t.Context()))
	assert.Empty(t, r.source.outcomes(), "Apply waits for BeforeApply")

	r.tick()
	assert.Len(t, r.source.outcomes(), 1)
	assert.Equal(t, 2, calls)
}

// memOutbox is a minimal Outbox for checking that deliveries are enqueued
// before Apply.
type memOutbox struct {
	mu   sync.Mutex
	rows map[string]poll.Delivery
	acks int
}

func (o *memOutbox) Enqueue(_ context.Context, d poll.Delivery) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.rows[d.ID]; !ok {
		o.rows[d.ID] = d
	}
	return nil
}

func (o *memOutbox) Due(_ context.Context, now time.Time, lease time.Duration,
	limit int) ([]poll.Delivery, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []poll.Delivery
	for id, d := range o.rows {
		if !d.NextAt.After(now) && (limit == 0 || len(out) < limit) {
			d.NextAt = now.Add(lease)
			o.rows[id] = d
			out = append(out, d)
		}
	}
	return out, nil
}

func (o *memOutbox) Ack(_ context.Context, id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.rows, id)
	o.acks++
	return nil
}

func (o *memOutbox) Retry(_ context.Context, id string, next time.Time, reason string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if d, ok := o.rows[id]; ok {
		d.Attempts++
		d.NextAt, d.LastError = next, reason
		o.rows[id] = d
	}
	return nil
}

func (o *memOutbox) size() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.rows)
}

func TestPublicationsReachTheSinksThroughTheOutbox(t *testing.T) {
	ob := &memOutbox{rows: map[string]poll.Delivery{}}
	r := newRig(t, func(c *poll.Config) {
		c.Outbox = ob
		c.Sinks = []poll.Sink{namedSink("portal"), namedSink("yuncaitong")}
	})
	var queuedAtApply int
	r.source.onApply = func(poll.Outcome) { queuedAtApply = ob.size() }
	r.add(1)
	r.tick()
	r.platform.setAll(regplatform.StatusPublished)
	r.clock.Advance(rigPollMin)

	r.tick()

	assert.Equal(t, 2, queuedAtApply, "one delivery per sink before Apply")
	assert.Equal(t, 2, ob.acks, "the dispatcher job delivered both in the same tick")
	assert.Zero(t, ob.size())
}

func TestFailedResultReadIsTriedAgain(t *testing.T) {
	r := newRig(t, nil)
	r.add(1)
	r.tick()
	r.platform.setAll(regplatform.StatusPublished)
	r.platform.failReads(errInternal)
	r.clock.Advance(rigPollMin)

	r.tick()
	assert.Empty(t, r.source.outcomes())
	lines := r.logs.lines("WARN", "poll: Result read failed; trying again next tick.")
	require.Len(t, lines, 1)
	assert.Contains(t, lines[0], "request_id=req-5000")

	r.tick()
	assert.Len(t, r.source.outcomes(), 1)
}

// recordingSink keeps the ids of the deliveries it received.
type recordingSink struct {
	mu  sync.Mutex
	ids []string
}

func (s *recordingSink) Name() string { return "portal" }

func (s *recordingSink) Deliver(_ context.Context, d poll.Delivery) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids = append(s.ids, d.ID)
	return nil
}

func TestSinksUseTheStoreAsOutboxByDefault(t *testing.T) {
	sink := &recordingSink{}
	r := newRig(t, func(c *poll.Config) { c.Sinks = []poll.Sink{sink} })
	r.add(1)
	r.tick()
	r.platform.setAll(regplatform.StatusPublished)
	r.clock.Advance(rigPollMin)

	r.tick()

	want := poll.DeliveryID(regplatform.FlowIntention, "YX-000", 1, "portal")
	assert.Equal(t, []string{want}, sink.ids)
}

func TestPushOfACrashedEngineIsReconciledOnceItsLeaseEnds(t *testing.T) {
	cases := []struct {
		name       string
		stored     bool
		wantPushes int
	}{
		{"the platform stored it", true, 0},
		{"the platform never got it", false, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, nil)
			r.add(1)
			body, err := regplatform.Encode(intention(t, "YX-000", 1))
			require.NoError(t, err)

			// Another engine claimed, marked and sent, then died.
			key := poll.Key{Flow: "intention", SourceID: "YX-000", Revision: 1}
			l, _, err := r.store.Claim(t.Context(), key, "engine-dead", poll.DefaultLeaseTTL)
			require.NoError(t, err)
			require.NoError(t, r.store.MarkSending(t.Context(), l, body))
			if c.stored {
				r.platform.set("YX-000", 1, regplatform.StatusPublishing, "")
			}

			r.tick()
			assert.Zero(t, r.platform.pushCount(), "the dead engine's lease still holds")
			assert.Equal(t, poll.StateInDoubt, r.entry("YX-000", 1).State)

			r.clock.Advance(poll.DefaultLeaseTTL)
			r.tick()
			calls := r.platform.pushesOf("YX-000")
			require.Len(t, calls, c.wantPushes)
			for _, call := range calls {
				assert.Equal(t, body, call.body, "the dead engine's bytes are resent")
			}
			assert.Equal(t, poll.StateAccepted, r.entry("YX-000", 1).State)
		})
	}
}

// failingAccept fails the next Accept calls with a store error.
type failingAccept struct {
	poll.IdempotencyStore
	mu    sync.Mutex
	fails int
}

func (s *failingAccept) Accept(ctx context.Context, l poll.Lease, receiptID string) error {
	s.mu.Lock()
	fail := s.fails > 0
	s.fails--
	s.mu.Unlock()
	if fail {
		return errors.New("store: disk I/O error")
	}
	return s.IdempotencyStore.Accept(ctx, l, receiptID)
}

func TestReconcileReleasesItsClaimWhenTheStoreFails(t *testing.T) {
	var store *failingAccept
	r := newRig(t, func(c *poll.Config) {
		store = &failingAccept{IdempotencyStore: c.Store}
		c.Store = store
	})
	r.add(1)
	r.platform.fault("YX-000", pushFault{stored: true, err: errInternal})
	r.tick()
	require.Equal(t, poll.StateInDoubt, r.entry("YX-000", 1).State)

	store.fails = 1
	err := r.engine.Tick(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "disk I/O error")
	e := r.entry("YX-000", 1)
	assert.Equal(t, poll.StateInDoubt, e.State)
	assert.True(t, e.LeaseUntil.IsZero(), "released, not left for LeaseTTL")

	r.tick()
	assert.Equal(t, poll.StateAccepted, r.entry("YX-000", 1).State)
	assert.Len(t, r.platform.pushesOf("YX-000"), 1)
}

// TestLaterRevisionPushedHereIsAStaleListing covers two engines on one
// store: this engine listed the record at revision 1 while another applied
// its failure, and the host republished it as revision 2 through that engine.
// The store holds revision 2, so the platform agrees with this deployment
// and nobody is paged.
func TestLaterRevisionPushedHereIsAStaleListing(t *testing.T) {
	r := newRig(t, nil)
	r.add(1)
	r.tick()
	require.Equal(t, poll.StateAccepted, r.entry("YX-000", 1).State)

	ctx := context.Background()
	next := poll.Key{Flow: string(regplatform.FlowIntention), SourceID: "YX-000", Revision: 2}
	lease, _, err := r.store.Claim(ctx, next, "engine-b", time.Minute)
	require.NoError(t, err)
	require.NoError(t, r.store.MarkSending(ctx, lease, []byte(`{"revision":2}`)))
	require.NoError(t, r.store.Accept(ctx, lease, "R2"))
	r.platform.set("YX-000", 2, regplatform.StatusPublishing, "")
	r.clock.Advance(rigPollMin)
	r.tick()

	assert.Empty(t, r.logs.lines("ERROR", "poll: Platform holds a later revision"))
	assert.Len(t, r.logs.lines("DEBUG", "poll: Record moved on to a later revision."), 1)
	assert.Len(t, r.platform.pushesOf("YX-000"), 1, "nothing resent")
	assert.Empty(t, r.source.outcomes())
}
