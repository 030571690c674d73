package poll_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
)

// TestResultsTrackerAgainstTheMockPlatform files the three sample plans with
// the real client, lets the mock execute them (ETRADE with package 2
// abandoned, a mall order, a terminated procurement) and tracks them to the
// end.
func TestResultsTrackerAgainstTheMockPlatform(t *testing.T) {
	ctx := context.Background()
	platform := mock.New(mock.Config{AppKey: "school", AppSecret: "school-secret", Seed: 7})
	srv := httptest.NewServer(platform)
	defer srv.Close()
	client, err := regplatform.NewClient(regplatform.WithBaseURL(srv.URL),
		regplatform.WithCredentials("school", "school-secret"),
		regplatform.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)

	platform.Script(regplatform.FlowPlan, "202611150021", mock.Script{
		Execution: &mock.Execution{BusinessType: regplatform.BusinessETrade,
			Packages: map[string]mock.PackageOutcome{
				"2": {Status: regplatform.PackageAbandoned, Reason: "有效投标人不足三家"},
			}},
	})
	platform.Script(regplatform.FlowPlan, "202611200005", mock.Script{
		Execution: &mock.Execution{BusinessType: regplatform.BusinessMall},
	})
	platform.Script(regplatform.FlowPlan, "202002270009", mock.Script{
		Execution: &mock.Execution{Terminate: "采购需求取消"},
	})

	host := &hostPlans{}
	for _, id := range []string{"202002270009", "202611150021", "202611200005"} {
		filed := filedPlan(t, id)
		_, err := client.Plans.File(ctx, filed)
		require.NoError(t, err, id)
		res, err := client.Plans.Results(ctx, []string{id})
		require.NoError(t, err, id)
		require.Len(t, res.Results, 1, id)
		require.Equal(t, regplatform.StatusFiled, res.Results[0].Status, id)
		host.plans = append(host.plans,
			poll.ExecutingPlan{SourceID: id, PlanID: res.Results[0].PlanID, Filed: filed})
	}

	tr, err := poll.NewResultsTracker(poll.ResultsTrackerConfig{Reader: client.Results,
		Source: host, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	for range 30 {
		require.NoError(t, tr.Tick(ctx))
		host.mu.Lock()
		left := len(host.plans)
		host.mu.Unlock()
		if left == 0 {
			break
		}
	}

	final := map[string]poll.ResultsUpdate{}
	perPlan := map[string]int{}
	for _, u := range host.applied() {
		perPlan[u.SourceID]++
		if u.Final {
			_, twice := final[u.SourceID]
			assert.False(t, twice, "%s handed final twice", u.SourceID)
			final[u.SourceID] = u
		}
	}
	require.Len(t, final, 3, "every plan reached its final result")
	assert.Greater(t, perPlan["202611150021"], 2,
		"the tender went package by package, each step handed as a partial update")

	etrade := final["202611150021"]
	assert.False(t, etrade.Terminated)
	assert.Empty(t, etrade.Mismatches)
	for no, want := range map[string]regplatform.PackageStatus{
		"1": regplatform.PackageAwarded, "2": regplatform.PackageAbandoned,
		"3": regplatform.PackageAwarded,
	} {
		pr := packageByNo(t, etrade, no)
		assert.Equal(t, want, pr.Status, "package %s", no)
		assert.NotEmpty(t, pr.Bids, "package %s", no)
		assert.Equal(t, want == regplatform.PackageAwarded, len(pr.Awards) > 0, "package %s", no)
		for _, l := range pr.Lines {
			assert.NotNil(t, l.Filed, "package %s line %d", no, l.LineNo)
		}
	}
	assert.Equal(t, "有效投标人不足三家", packageByNo(t, etrade, "2").Reason)

	mall := final["202611200005"]
	assert.Equal(t, regplatform.BusinessMall, mall.BusinessType)
	order := packageByNo(t, mall, "1")
	assert.Empty(t, order.Bids)
	require.NotEmpty(t, order.Awards)
	assert.NotEmpty(t, order.Awards[0].OrderNo)

	stopped := final["202002270009"]
	assert.True(t, stopped.Terminated)
	for _, pr := range stopped.Packages {
		assert.Equal(t, regplatform.PackageAbandoned, pr.Status)
		assert.Equal(t, "采购需求取消", pr.Reason)
	}
}
