package poll_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
)

func TestRefusedPushBacksOffUpToPollMaxAndStaysVisible(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		invalid bool // handed to Apply as OutcomeInvalid on each refusal
	}{
		{"1001 invalid params", errInvalidBody, true},
		{"3002 state conflict", errStateConflict, false},
		{"2004 bad app key", errBadAppKey, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, nil) // PollMin 1m, PollMax 4m
			r.add(1)
			for range 20 {
				r.platform.fault("YX-000", pushFault{err: c.err})
			}

			var sentAt []int
			for minute := 0; minute <= 16; minute++ {
				before := r.platform.pushCount()
				r.tick()
				if r.platform.pushCount() > before {
					sentAt = append(sentAt, minute)
				}
				r.clock.Advance(time.Minute)
			}

			assert.Equal(t, []int{0, 1, 3, 7, 11, 15}, sentAt,
				"the wait doubles from PollMin and stays at PollMax")
			e := r.entry("YX-000", 1)
			assert.Equal(t, poll.StatePending, e.State, "visible as pending")
			assert.Contains(t, e.LastError, c.err.(*regplatform.APIError).Code)
			assert.Equal(t, len(sentAt), e.Attempts)
			for _, call := range r.platform.pushesOf("YX-000") {
				assert.Equal(t, 1, call.revision, "never a new revision")
				assert.Equal(t, e.Body, call.body, "always the kept bytes")
			}
			refusals := r.logs.lines("ERROR", "poll: Platform refused the push; it needs a person.")
			assert.Len(t, refusals, len(sentAt), "one Error per refusal, not per tick")
			assert.Contains(t, refusals[1], "next_try_in=2m0s")
			waits := r.logs.lines("DEBUG", "poll: Refused push waits for its next try.")
			assert.Len(t, waits, 17-len(sentAt))
			invalid := 0
			for _, o := range r.source.outcomes() {
				if o.Kind == poll.OutcomeInvalid {
					invalid++
				}
			}
			if c.invalid {
				assert.Equal(t, len(sentAt), invalid)
			} else {
				assert.Zero(t, invalid)
			}
		})
	}
}

func TestRefusedPushIsAcceptedOnceTheCauseIsFixed(t *testing.T) {
	r := newRig(t, nil)
	r.add(2)
	r.platform.fault("YX-000", pushFault{err: errStateConflict})

	r.tick()
	require.Equal(t, poll.StatePending, r.entry("YX-000", 1).State)
	require.Equal(t, poll.StateAccepted, r.entry("YX-001", 1).State,
		"a refusal holds back only its own record")

	r.clock.Advance(rigPollMin)
	r.tick()
	assert.Equal(t, poll.StateAccepted, r.entry("YX-000", 1).State)
	assert.Equal(t, 1, r.platform.acceptedOf("YX-000", 1))

	// Accepted now, the record follows the read schedule, not the refusal's.
	r.platform.set("YX-000", 1, regplatform.StatusPublished, "")
	r.clock.Advance(rigPollMin)
	r.tick()
	assert.Equal(t, poll.StateFinished, r.entry("YX-000", 1).State)
}

func TestRefusalBackoffIsForgottenForRecordsNoLongerListed(t *testing.T) {
	r := newRig(t, nil)
	r.add(1)
	r.platform.fault("YX-000", pushFault{err: errStateConflict})
	r.tick()

	// The host takes the record off the list and lists it again later:
	// its wait is not remembered past a whole pass without it.
	r.source.remove("YX-000")
	r.tick()
	r.source.put("YX-000", 1, intention(t, "YX-000", 1))
	r.tick()

	assert.Len(t, r.platform.pushesOf("YX-000"), 2)
	assert.Equal(t, poll.StateAccepted, r.entry("YX-000", 1).State)
}

func TestSendIsBoundedByItsLease(t *testing.T) {
	r := newRig(t, func(c *poll.Config) { c.LeaseTTL = time.Minute })
	r.add(1)
	var deadline time.Time
	var hasDeadline bool
	start := time.Now()
	r.platform.block = func(ctx context.Context, _ string) error {
		deadline, hasDeadline = ctx.Deadline()
		return nil
	}

	r.tick()

	require.True(t, hasDeadline, "a send cannot outlive its lease")
	assert.WithinRange(t, deadline, start, start.Add(time.Minute))
	assert.True(t, deadline.After(start.Add(50*time.Second)), "most of the lease: %v",
		deadline.Sub(start))
	assert.Equal(t, poll.StateAccepted, r.entry("YX-000", 1).State)
}

func TestSendThatOutlastsItsLeaseIsLeftInDoubtForReconciliation(t *testing.T) {
	cases := []struct {
		name   string
		stored bool // the platform got it before the engine gave up
	}{
		{"the platform got it", true},
		{"the platform never got it", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// A tiny lease on the real clock: the stalled send waits for its
			// context, which ends when the lease's budget is spent.
			r := newRig(t, func(c *poll.Config) { c.LeaseTTL = 30 * time.Millisecond })
			r.add(1)
			stall := true
			r.platform.block = func(ctx context.Context, id string) error {
				if !stall {
					return nil
				}
				stall = false
				if c.stored {
					r.platform.set(id, 1, regplatform.StatusPublishing, "")
				}
				<-ctx.Done()
				return &regplatform.TransportError{Op: "push", MaybeSent: true,
					Err: fmt.Errorf("stalled: %w", ctx.Err())}
			}

			r.tick()
			e := r.entry("YX-000", 1)
			require.Equal(t, poll.StateInDoubt, e.State)
			assert.Contains(t, e.LastError, "deadline exceeded")
			assert.True(t, e.LeaseUntil.IsZero(), "released for whoever reconciles")
			assert.Len(t, r.logs.lines("WARN", "poll: Send outlasted its lease; "+
				"reconciling next tick."), 1)

			// The fake records a push only once it gets past the stall.
			r.tick()
			wantPushes := 0
			if !c.stored {
				wantPushes = 1
			}
			assert.Equal(t, wantPushes, len(r.platform.pushesOf("YX-000")),
				"read first; resent only when the platform lacks it")
			assert.Equal(t, poll.StateAccepted, r.entry("YX-000", 1).State)
			if !c.stored {
				assert.Equal(t, 1, r.platform.acceptedOf("YX-000", 1))
			}
		})
	}
}

// silentPlatform stores pushes as the fake platform does but answers
// without a receipt.
type silentPlatform struct{ *fakePlatform }

func (p silentPlatform) PublishBody(ctx context.Context, body []byte) (*regplatform.Receipt,
	error) {
	_, err := p.fakePlatform.PublishBody(ctx, body)
	return nil, err
}

func TestPushAnsweredWithoutAReceiptIsInDoubt(t *testing.T) {
	r := newRig(t, nil)
	silent := silentPlatform{r.platform}
	r.engine = mustEngine(t, r, poll.IntentionFlow(silent, r.source))
	r.add(1)

	r.tick()
	e := r.entry("YX-000", 1)
	assert.Equal(t, poll.StateInDoubt, e.State, "an answer came back: it may be held")
	assert.Contains(t, e.LastError, "without a receipt")

	r.tick()
	assert.Equal(t, 1, len(r.platform.pushesOf("YX-000")), "found on the platform, not resent")
	assert.Equal(t, poll.StateAccepted, r.entry("YX-000", 1).State)
}

// mustEngine builds an engine over r's store, clock and logs with flow.
func mustEngine(t *testing.T, r *rig, flow poll.Flow) *poll.Engine {
	t.Helper()
	e, err := poll.New(poll.Config{
		Store: r.store, Flows: []poll.Flow{flow}, Owner: "engine-a",
		PollMin: rigPollMin, PollMax: rigPollMax, Clock: r.clock, Logger: r.logs.logger(),
	})
	require.NoError(t, err)
	return e
}

func TestPushReleasesItsLeaseWhenTheStoreFailsAfterTheSend(t *testing.T) {
	var store *failingAccept
	r := newRig(t, func(c *poll.Config) {
		store = &failingAccept{IdempotencyStore: c.Store, fails: 1}
		c.Store = store
	})
	r.add(1)

	require.Error(t, r.engine.Tick(t.Context()))
	e := r.entry("YX-000", 1)
	assert.Equal(t, poll.StateInDoubt, e.State, "sent, receipt not recorded")
	assert.True(t, e.LeaseUntil.IsZero(), "released for the next tick's reconciliation")

	r.tick()
	assert.Equal(t, poll.StateAccepted, r.entry("YX-000", 1).State)
	assert.Equal(t, 1, r.platform.acceptedOf("YX-000", 1))
}
