package poll_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
)

// republishedRig returns a rig whose record YX-000 failed at revision 1 and
// was pushed again, and accepted, as revision 2.
func republishedRig(t *testing.T) *rig {
	t.Helper()
	r := newRig(t, nil)
	r.add(1)
	r.tick()
	r.platform.set("YX-000", 1, regplatform.StatusFailed, "数据格式有误")
	r.clock.Advance(rigPollMin)
	r.tick()
	r.source.put("YX-000", 2, intention(t, "YX-000", 2))
	r.tick()
	require.Equal(t, poll.StateAccepted, r.entry("YX-000", 2).State)
	return r
}

func TestHostListingAnOlderRevisionThanTheFinishedOneNeedsAPerson(t *testing.T) {
	r := republishedRig(t)
	r.platform.set("YX-000", 2, regplatform.StatusPublished, "")
	r.clock.Advance(rigPollMin)
	r.tick()
	require.Equal(t, poll.StateFinished, r.entry("YX-000", 2).State)
	applied := len(r.source.outcomes())

	// The host's table is restored from a backup taken before revision 2.
	r.source.put("YX-000", 1, intention(t, "YX-000", 1))
	r.clock.Advance(rigPollMax)
	for range 3 {
		r.tick()
		r.clock.Advance(rigPollMin)
	}

	assert.Len(t, r.source.outcomes(), applied, "revision 1's old FAILED is not applied again")
	assert.Equal(t, 2, len(r.platform.pushesOf("YX-000")), "nothing pushed for the old revision")
	// The first read may be a stale listing; from the second on it is not.
	assert.Len(t, r.logs.lines("DEBUG", "poll: Record moved on to a later revision."), 1)
	lines := r.logs.lines("ERROR", "poll: Platform holds a later revision; it needs a person.")
	require.Len(t, lines, 2, "reported on the second and third reads")
	assert.Contains(t, lines[0], "platform_revision=2")
}

func TestResultOfThePreviousRevisionIsNotAppliedToTheNext(t *testing.T) {
	r := republishedRig(t)

	// The platform's read still shows revision 1, as a lagging replica would.
	r.platform.set("YX-000", 1, regplatform.StatusFailed, "数据格式有误")
	r.clock.Advance(rigPollMin)
	r.tick()

	outcomes := r.source.outcomes()
	require.Len(t, outcomes, 1, "only revision 1's own outcome")
	assert.Equal(t, 1, outcomes[0].Revision)
	assert.Equal(t, poll.StateAccepted, r.entry("YX-000", 2).State)
	assert.Len(t, r.logs.lines("ERROR", "poll: Platform does not know an accepted push"), 1)

	// Once the read shows revision 2, it is applied.
	r.platform.set("YX-000", 2, regplatform.StatusPublished, "")
	r.clock.Advance(rigPollMax)
	r.tick()
	outcomes = r.source.outcomes()
	require.Len(t, outcomes, 2)
	assert.Equal(t, 2, outcomes[1].Revision)
	assert.Equal(t, poll.OutcomePublished, outcomes[1].Kind)
	assert.Equal(t, poll.StateFinished, r.entry("YX-000", 2).State)
}

func TestCancelDuringApplyIsNotReportedAsAFailedApply(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	r := newRig(t, nil)
	r.add(1)
	r.tick()
	r.platform.setAll(regplatform.StatusPublished)
	r.clock.Advance(rigPollMin)
	r.source.onApply = func(poll.Outcome) { cancel() }
	r.source.applyErr["YX-000"] = 1

	err := r.engine.Tick(ctx)
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
	assert.Empty(t, r.logs.lines("WARN", "poll: Outcome not applied"),
		"stopping is not a failure to report")
	assert.Equal(t, poll.StateAccepted, r.entry("YX-000", 1).State, "applied next run")
}
