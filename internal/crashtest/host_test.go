package crashtest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/servertest"
	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
)

// newHost returns a migrated host on a fresh schema holding recs.
func newHost(t *testing.T, recs []Seeded) *Host {
	t.Helper()
	schema := servertest.PostgresSchemaWithPrefix(t, "zcb_crash_")
	h := NewHost(servertest.PostgresPool(t), schema, "test")
	require.NoError(t, h.Migrate(t.Context()))
	require.NoError(t, h.Insert(t.Context(), recs))
	return h
}

// sample returns the first generated record of each flow, none refused
// first.
func sample(t *testing.T) []Seeded {
	t.Helper()
	recs, err := Generate(t.Context(), Mix{Intentions: 1, Notices: 1, Plans: 1})
	require.NoError(t, err)
	return recs
}

func row(t *testing.T, h *Host, flow regplatform.Flow, id string) Row {
	t.Helper()
	rows, err := h.Rows(t.Context())
	require.NoError(t, err)
	for _, r := range rows {
		if r.Flow == flow && r.SourceID == id {
			return r
		}
	}
	t.Fatalf("no record %s %s", flow, id)
	return Row{}
}

func TestApplyTwiceChangesOnceAndCountsBoth(t *testing.T) {
	h := newHost(t, sample(t))
	o := poll.Outcome{Flow: regplatform.FlowIntention, SourceID: "CTYX000000", Revision: 1,
		Kind:      poll.OutcomePublished,
		Intention: &regplatform.IntentionResult{PlatformID: "YX-P-1"}}
	src := h.Source(regplatform.FlowIntention)

	require.NoError(t, src.Apply(t.Context(), o))
	require.NoError(t, src.Apply(t.Context(), o))

	r := row(t, h, regplatform.FlowIntention, "CTYX000000")
	assert.Equal(t, "published", r.Status)
	assert.Equal(t, "已公开", h.Label(r))
	effects, err := h.Effects(t.Context())
	require.NoError(t, err)
	e := Effect{regplatform.FlowIntention, "CTYX000000", 1, poll.OutcomePublished}
	assert.Equal(t, map[Effect]int{e: 1}, effects)
	deliveries, err := h.Deliveries(t.Context())
	require.NoError(t, err)
	assert.Equal(t, map[Effect]int{e: 2}, deliveries)
}

// TestConcurrentAppliersCauseOneEffect hands one outcome to many hosts at
// once, as engines in several processes would: the compare-and-set lets
// exactly one of them change the record.
func TestConcurrentAppliersCauseOneEffect(t *testing.T) {
	h := newHost(t, sample(t))
	o := poll.Outcome{Flow: regplatform.FlowPlan, SourceID: "CTJH000000", Revision: 1,
		Kind: poll.OutcomeRejected, Reason: "采购方式与品目不符"}

	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		other := NewHost(h.pool, h.channel, fmt.Sprintf("engine-%d", i))
		wg.Go(func() { errs[i] = other.Source(regplatform.FlowPlan).Apply(t.Context(), o) })
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}

	effects, err := h.Effects(t.Context())
	require.NoError(t, err)
	assert.Len(t, effects, 1)
	r := row(t, h, regplatform.FlowPlan, "CTJH000000")
	assert.Equal(t, "declaration", r.Status)
	assert.Equal(t, 2, r.Revision, "a rejection moves the plan to its next revision")
	assert.Equal(t, "采购方式与品目不符", r.Reason)
}

func TestApplyIgnoresAnOutcomeOfAnotherRevision(t *testing.T) {
	h := newHost(t, sample(t))
	o := poll.Outcome{Flow: regplatform.FlowSingleSource, SourceID: "CTDY000000",
		Revision: 2, Kind: poll.OutcomePublished}

	require.NoError(t, h.Source(regplatform.FlowSingleSource).Apply(t.Context(), o))

	r := row(t, h, regplatform.FlowSingleSource, "CTDY000000")
	assert.Equal(t, "awaiting_platform", r.Status)
	effects, err := h.Effects(t.Context())
	require.NoError(t, err)
	assert.Empty(t, effects)
}

func TestApplyRefusesAnUnknownRecord(t *testing.T) {
	h := newHost(t, sample(t))
	o := poll.Outcome{Flow: regplatform.FlowIntention, SourceID: "CTYX999999", Revision: 1,
		Kind: poll.OutcomePublished}
	assert.ErrorIs(t, h.Source(regplatform.FlowIntention).Apply(t.Context(), o), errNoRecord)
}

// TestRefusalThenRepublish walks each flow through a refusal and the
// clerk's republication back to waiting at revision 2.
func TestRefusalThenRepublish(t *testing.T) {
	cases := []struct {
		flow            regplatform.Flow
		id              string
		refusal         poll.OutcomeKind
		refused, waits  string
		refusedRevision int
	}{
		{regplatform.FlowIntention, "CTYX000000", poll.OutcomeFailed, "failed", "publishing", 1},
		{regplatform.FlowSingleSource, "CTDY000000", poll.OutcomeFailed, "draft",
			"awaiting_platform", 2},
		{regplatform.FlowPlan, "CTJH000000", poll.OutcomeRejected, "declaration", "declaring",
			2},
	}
	for _, c := range cases {
		t.Run(string(c.flow), func(t *testing.T) {
			h := newHost(t, sample(t))
			o := poll.Outcome{Flow: c.flow, SourceID: c.id, Revision: 1, Kind: c.refusal,
				Reason: "公示内容不完整"}
			require.NoError(t, h.Source(c.flow).Apply(t.Context(), o))
			r := row(t, h, c.flow, c.id)
			require.Equal(t, c.refused, r.Status)
			require.Equal(t, c.refusedRevision, r.Revision)

			moved, err := h.Republish(t.Context())
			require.NoError(t, err)
			assert.Equal(t, 1, moved)
			r = row(t, h, c.flow, c.id)
			assert.Equal(t, c.waits, r.Status)
			assert.Equal(t, 2, r.Revision)

			recs, err := h.Source(c.flow).Pending(t.Context(), "", 10)
			require.NoError(t, err)
			require.Len(t, recs, 1)
			assert.Equal(t, 2, recs[0].Revision)
			assert.NoError(t, recs[0].Request.Validate())

			moved, err = h.Republish(t.Context())
			require.NoError(t, err)
			assert.Zero(t, moved, "a record already waiting is not moved again")
		})
	}
}

func TestPendingPagesInByteOrder(t *testing.T) {
	recs, err := Generate(t.Context(), Mix{Intentions: 5})
	require.NoError(t, err)
	// Lower case sorts after upper case in byte order, unlike in most
	// collations.
	recs[0].SourceID = "ctyx-lower"
	recs[0].Request = []byte(`{"source_id":"ctyx-lower"}`)
	h := newHost(t, recs)
	src := h.Source(regplatform.FlowIntention)

	var ids []string
	after := ""
	for range 10 {
		page, err := src.Pending(t.Context(), after, 2)
		require.NoError(t, err)
		for _, r := range page {
			ids = append(ids, r.SourceID)
			after = r.SourceID
		}
		if len(page) < 2 {
			break
		}
	}
	assert.Equal(t, []string{"CTYX000001", "CTYX000002", "CTYX000003", "CTYX000004",
		"ctyx-lower"}, ids)
}

func TestVerifyNamesEveryBrokenInvariant(t *testing.T) {
	recs := sample(t)
	recs[0].FailFirst = true
	h := newHost(t, recs)
	ctx := context.Background()
	apply := func(flow regplatform.Flow, id string, rev int, k poll.OutcomeKind) {
		t.Helper()
		require.NoError(t, h.Source(flow).Apply(ctx, poll.Outcome{Flow: flow, SourceID: id,
			Revision: rev, Kind: k}))
	}
	apply(regplatform.FlowIntention, "CTYX000000", 1, poll.OutcomeFailed)
	apply(regplatform.FlowSingleSource, "CTDY000000", 1, poll.OutcomePublished)
	apply(regplatform.FlowSingleSource, "CTDY000000", 1, poll.OutcomeInvalid)
	accepted := map[mock.AcceptKey]int{
		{Flow: regplatform.FlowIntention, SourceID: "CTYX000000", Revision: 1}:    1,
		{Flow: regplatform.FlowSingleSource, SourceID: "CTDY000000", Revision: 1}: 2,
		{Flow: regplatform.FlowPlan, SourceID: "CTJH000009", Revision: 1}:         1,
	}

	v, err := h.Verify(ctx, accepted, nil)
	require.NoError(t, err)

	assert.ElementsMatch(t, []string{
		"not done: intention CTYX000000 revision 1 is 发布失败 (failed), " +
			"want published at revision 2",
		"not done: plan CTJH000000 revision 1 is 采购计划申报中 (declaring), " +
			"want executing at revision 1",
		"effect intention CTYX000000/2 published recorded 0 times",
		"effect plan CTJH000000/1 filed recorded 0 times",
		"request found invalid 1 times: single_source CTDY000000/1 invalid",
		"platform accepted intention CTYX000000/2 0 times",
		"platform accepted single_source CTDY000000/1 2 times",
		"platform accepted plan CTJH000000/1 0 times",
		"platform accepted unexpected plan CTJH000009/1 1 times",
	}, v.Problems)
	assert.Equal(t, 3, v.Records)
	assert.Equal(t, 2, v.Effects)
}
