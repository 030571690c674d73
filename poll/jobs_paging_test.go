package poll_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
)

// stuckPlans lists the same full page whatever after says, as a host query
// that forgot its keyset condition would.
type stuckPlans struct {
	hostPlans
	calls int
}

func (h *stuckPlans) Executing(
	ctx context.Context, _ string, limit int,
) ([]poll.ExecutingPlan, error) {
	h.calls++
	return h.hostPlans.Executing(ctx, "", limit)
}

// stuckPublicity does the same for notices in publicity.
type stuckPublicity struct {
	publicity
	calls int
}

func (p *stuckPublicity) InPublicity(
	ctx context.Context, _ string, limit int,
) ([]poll.NoticeDeadline, error) {
	p.calls++
	return p.publicity.InPublicity(ctx, "", limit)
}

func TestJobsRefuseAPageWhoseKeysDoNotIncrease(t *testing.T) {
	ctx := context.Background()
	t.Run("results tracker", func(t *testing.T) {
		filed := filedPlan(t, "202611200005")
		svc := newFakeResults()
		host := &stuckPlans{}
		for _, id := range []string{"A", "B"} {
			svc.set("P"+id, &execution{project: projectOf(t, filed, "P"+id,
				regplatform.BusinessMall, "2026-12-03 10:00:00")})
			host.plans = append(host.plans,
				poll.ExecutingPlan{SourceID: "S" + id, PlanID: "P" + id})
		}
		tr, err := poll.NewResultsTracker(poll.ResultsTrackerConfig{Reader: svc,
			Source: host, PageSize: 2, Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)

		err = tr.Tick(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "keys must increase")
		assert.Equal(t, 2, host.calls, "the second page is refused, not walked forever")
		assert.Equal(t, 2, svc.count("project"), "each plan read once")
	})
	t.Run("notice expiry", func(t *testing.T) {
		src := &stuckPublicity{}
		for _, id := range []string{"DY1", "DY2"} {
			src.notices = append(src.notices,
				poll.NoticeDeadline{SourceID: id, Deadline: time.Now().Add(time.Hour)})
		}
		job, err := poll.NewExpiryJob(poll.ExpiryJobConfig{Source: src, PageSize: 2,
			Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)

		err = job.Tick(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "keys must increase")
		assert.Equal(t, 2, src.calls)
	})
}

func TestResultsTrackerLogsEachFailingPlan(t *testing.T) {
	ctx := context.Background()
	filed := filedPlan(t, "202611200005")
	svc := newFakeResults()
	svc.set("PA", &execution{project: projectOf(t, filed, "PA",
		regplatform.BusinessMall, "2026-12-03 10:00:00")})
	svc.fail["project PA"] = errPlatformDown
	host := &hostPlans{plans: []poll.ExecutingPlan{{SourceID: "SA", PlanID: "PA"}}}
	logs := &logBuffer{}
	tr, err := poll.NewResultsTracker(poll.ResultsTrackerConfig{Reader: svc, Source: host,
		Logger: logs.logger()})
	require.NoError(t, err)

	require.Error(t, tr.Tick(ctx))
	lines := logs.lines("WARN", "poll: Results of a plan not handed over; will retry.")
	require.Len(t, lines, 1)
	assert.Contains(t, lines[0], "plan_id=PA")
	assert.Contains(t, lines[0], "source_id=SA")
}

func TestNewResultsTrackerRefusesABackoffThatCannotGrow(t *testing.T) {
	_, err := poll.NewResultsTracker(poll.ResultsTrackerConfig{Reader: newFakeResults(),
		Source: &hostPlans{}, MaxReadInterval: time.Minute})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "MinReadInterval")
}
