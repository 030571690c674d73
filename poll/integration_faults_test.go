package poll_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
)

// TestIntegrationOneAcceptedPushPerNoticeAndPlanUnderFaults runs two engines
// over one SQLite store against a mock platform that fails pushes at random
// (seeded): 5xx after storing, a stall after storing, a reset before storing
// and 4290. Every single-source notice and every plan must be accepted by
// the platform exactly once and reach its outcome.
func TestIntegrationOneAcceptedPushPerNoticeAndPlanUnderFaults(t *testing.T) {
	s := newStack(t, mock.Config{
		Seed: 7,
		Faults: mock.FaultConfig{
			ErrorAfterStore:  0.15,
			StallAfterStore:  0.1,
			ResetBeforeStore: 0.1,
			RateLimited:      0.1,
		},
	})
	notices, plans := newHostSource(), newHostSource()
	var noticeIDs, planIDs []string
	for i := range 6 {
		for _, n := range fixtures.Notices() {
			n.SourceID = fmt.Sprintf("%s-F%d", n.SourceID, i)
			notices.put(n.SourceID, 1, &n)
			noticeIDs = append(noticeIDs, n.SourceID)
		}
		for _, p := range fixtures.Plans() {
			p.SourceID = fmt.Sprintf("%s-F%d", p.SourceID, i)
			plans.put(p.SourceID, 1, &p)
			planIDs = append(planIDs, p.SourceID)
		}
	}

	// The client retries 5xx and transport failures quickly and leaves
	// every 4290 to the engine, whose pause runs on its injected clock.
	retry := regplatform.RetryPolicy{MaxAttempts: 3, BaseDelay: 5 * time.Millisecond,
		MaxDelay: 20 * time.Millisecond}
	pending := func() int { return notices.pendingCount() + plans.pendingCount() }
	var engines []*poll.Engine
	var clocks []*testClock
	for i := range 2 {
		client := s.client(t, 300*time.Millisecond, retry)
		clock := newTestClock()
		e, err := poll.New(poll.Config{
			Store: s.store,
			Flows: []poll.Flow{
				poll.SingleSourceFlow(client.SingleSource, notices),
				poll.PlanFlow(client.Plans, plans),
			},
			Owner:    fmt.Sprintf("engine-%d", i),
			LeaseTTL: 10 * time.Second,
			Clock:    clock,
			Logger:   (&logBuffer{}).logger(),
		})
		require.NoError(t, err)
		engines, clocks = append(engines, e), append(clocks, clock)
	}
	tickTogether(t, engines, clocks, pending, 40)

	require.Zero(t, pending(), "every record reached its outcome")
	for _, id := range noticeIDs {
		assert.Equal(t, 1, s.platform.Accepted(regplatform.FlowSingleSource, id, 1), id)
	}
	for _, id := range planIDs {
		assert.Equal(t, 1, s.platform.Accepted(regplatform.FlowPlan, id, 1), id)
	}
	for _, o := range notices.outcomes() {
		assert.Equal(t, poll.OutcomePublished, o.Kind, o.SourceID)
		assert.Equal(t, 1, o.Revision, o.SourceID)
	}
	for _, o := range plans.outcomes() {
		assert.Equal(t, poll.OutcomeFiled, o.Kind, o.SourceID)
	}

	faults := map[regplatform.Flow]map[mock.Fault]int{}
	for _, r := range s.platform.Requests() {
		if r.Fault == mock.FaultNone || r.Flow == "" {
			continue
		}
		if faults[r.Flow] == nil {
			faults[r.Flow] = map[mock.Fault]int{}
		}
		faults[r.Flow][r.Fault]++
	}
	for _, flow := range []regplatform.Flow{regplatform.FlowSingleSource, regplatform.FlowPlan} {
		for _, f := range []mock.Fault{mock.FaultErrorAfterStore, mock.FaultStallAfterStore,
			mock.FaultResetBeforeStore, mock.FaultRateLimited} {
			assert.Positive(t, faults[flow][f], "%s pushes met %s: %v", flow, f, faults[flow])
		}
	}
}
