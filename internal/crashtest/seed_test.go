package crashtest

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

func TestGenerateMakesDistinctValidRecords(t *testing.T) {
	recs, err := Generate(t.Context(), DefaultMix)
	require.NoError(t, err)
	require.Len(t, recs, DefaultMix.Total())
	require.GreaterOrEqual(t, len(recs), 600)

	byFlow := map[regplatform.Flow]int{}
	failing := map[regplatform.Flow]int{}
	ids := map[string]bool{}
	fl := flows()
	for _, r := range recs {
		byFlow[r.Flow]++
		if r.FailFirst {
			failing[r.Flow]++
		}
		key := string(r.Flow) + "/" + r.SourceID
		assert.False(t, ids[key], "source_id %s given twice", key)
		ids[key] = true
		assert.NoError(t, regplatform.CheckSourceID(r.SourceID))

		req, err := fl[r.Flow].request(r.Request, 1)
		require.NoError(t, err)
		assert.NoError(t, req.Validate(), "%s %s", r.Flow, r.SourceID)
		var head struct {
			SourceID string `json:"source_id"`
			Revision int    `json:"revision"`
		}
		require.NoError(t, json.Unmarshal(r.Request, &head))
		assert.Equal(t, r.SourceID, head.SourceID)
		assert.Equal(t, 1, head.Revision)
	}
	assert.Equal(t, map[regplatform.Flow]int{regplatform.FlowIntention: 250,
		regplatform.FlowSingleSource: 200, regplatform.FlowPlan: 200}, byFlow)
	assert.Equal(t, map[regplatform.Flow]int{regplatform.FlowIntention: 25,
		regplatform.FlowSingleSource: 20, regplatform.FlowPlan: 20}, failing)
}

func TestGenerateUsesOnlyReportableNotices(t *testing.T) {
	recs, err := Generate(t.Context(), Mix{Notices: 40})
	require.NoError(t, err)
	f := flows()[regplatform.FlowSingleSource]
	for _, r := range recs {
		to, bump, err := f.republish(t.Context(), f.refused(), r.Request)
		require.NoError(t, err)
		assert.Equal(t, f.waiting(), to, r.SourceID)
		assert.False(t, bump, "approval does not start a revision")
	}
}
