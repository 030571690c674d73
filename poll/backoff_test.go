package poll_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
)

func TestResultReadsSlowDownWithinBoundsAndNeverStop(t *testing.T) {
	r := newRig(t, nil) // PollMin 1m, PollMax 4m
	r.add(1)
	r.tick()

	var readAt []int
	for minute := 1; minute <= 30; minute++ {
		r.clock.Advance(time.Minute)
		before := len(r.platform.readCalls())
		r.tick()
		if len(r.platform.readCalls()) > before {
			readAt = append(readAt, minute)
		}
	}

	assert.Equal(t, []int{1, 2, 4, 8, 12, 16, 20, 24, 28}, readAt)
	assert.Equal(t, poll.StateAccepted, r.entry("YX-000", 1).State)
	assert.Empty(t, r.source.outcomes())
}

func TestRateLimitPausesEveryPlatformCall(t *testing.T) {
	r := newRig(t, nil)
	r.add(3)
	r.platform.fault("YX-000", pushFault{err: errRateLimited(2 * time.Minute)})

	r.tick()
	assert.Equal(t, 1, r.platform.pushCount(), "the rest of the tick is paused")
	e := r.entry("YX-000", 1)
	assert.Equal(t, poll.StatePending, e.State)
	assert.Contains(t, e.LastError, "4290")
	assert.Equal(t, r.clock.Now().Add(2*time.Minute), r.engine.Gate().Until())
	lines := r.logs.lines("WARN", "poll: Platform is rate limiting; pausing every call.")
	require.Len(t, lines, 1)
	assert.Contains(t, lines[0], "pause=2m0s")

	r.clock.Advance(time.Minute)
	r.tick()
	assert.Equal(t, 1, r.platform.pushCount(), "still paused")
	assert.False(t, r.engine.Gate().Allow())

	r.clock.Advance(time.Minute)
	r.tick()
	assert.Equal(t, 4, r.platform.pushCount(), "calls resume once Retry-After passed")
	for _, id := range []string{"YX-000", "YX-001", "YX-002"} {
		assert.Equal(t, 1, r.platform.acceptedOf(id, 1), id)
	}
}

func TestRateLimitOnResultReadsPausesPushesToo(t *testing.T) {
	r := newRig(t, nil)
	r.add(1)
	r.tick()
	r.platform.failReads(errRateLimited(3 * time.Minute))
	r.clock.Advance(rigPollMin)
	r.tick()
	require.Len(t, r.platform.readCalls(), 1)

	r.source.put("YX-NEW", 1, intention(t, "YX-NEW", 1))
	r.clock.Advance(time.Minute)
	r.tick()
	assert.Empty(t, r.platform.pushesOf("YX-NEW"))
	assert.Len(t, r.platform.readCalls(), 1)

	r.clock.Advance(2 * time.Minute)
	r.tick()
	assert.Len(t, r.platform.pushesOf("YX-NEW"), 1)
	assert.Len(t, r.platform.readCalls(), 2)
}

func TestRateLimitPauseIsBounded(t *testing.T) {
	cases := []struct {
		name       string
		retryAfter time.Duration
		want       time.Duration
	}{
		{"honoured", 90 * time.Second, 90 * time.Second},
		{"capped at MaxPause", time.Hour, 10 * time.Minute},
		{"one Interval without Retry-After", 0, poll.DefaultInterval},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, nil) // MaxPause 10m
			r.add(1)
			r.platform.fault("YX-000", pushFault{err: errRateLimited(c.retryAfter)})

			r.tick()
			assert.Equal(t, r.clock.Now().Add(c.want), r.engine.Gate().Until())
		})
	}
}

func TestGateIgnoresOtherErrors(t *testing.T) {
	r := newRig(t, nil)
	g := r.engine.Gate()
	for _, err := range []error{nil, errInternal, errTimeout, regplatform.ErrAuth} {
		assert.Zero(t, g.Observe(err))
	}
	assert.True(t, g.Allow())
	assert.True(t, g.Until().IsZero())
}

func TestMaintenancePausesEveryPlatformCall(t *testing.T) {
	cases := []struct {
		name       string
		retryAfter time.Duration
		want       time.Duration
	}{
		{"for its Retry-After", 2 * time.Minute, 2 * time.Minute},
		{"one Interval without Retry-After", 0, poll.DefaultInterval},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, nil)
			r.add(3)
			r.platform.fault("YX-000", pushFault{err: &regplatform.APIError{
				Code: regplatform.CodeMaintenance, HTTPStatus: 503, RequestID: "req-5030",
				RetryAfter: c.retryAfter}})

			r.tick()
			assert.Equal(t, 1, r.platform.pushCount(), "the rest of the tick is paused")
			assert.Equal(t, r.clock.Now().Add(c.want), r.engine.Gate().Until())
			assert.Equal(t, poll.StateInDoubt, r.entry("YX-000", 1).State,
				"a 503 may have been taken")
			lines := r.logs.lines("WARN",
				"poll: Platform is under maintenance; pausing every call.")
			require.Len(t, lines, 1)
			assert.Contains(t, lines[0], "request_id=req-5030")

			r.clock.Advance(c.want)
			r.tick()
			assert.Equal(t, 4, r.platform.pushCount(),
				"calls resume after the pause: YX-000 is read and resent, the others pushed")
			for _, id := range []string{"YX-000", "YX-001", "YX-002"} {
				assert.Equal(t, 1, r.platform.acceptedOf(id, 1), id)
			}
		})
	}
}
