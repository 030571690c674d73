package campus

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
	sm "github.com/zcbridge/zcbridge/statemachine"
)

func openTest(t *testing.T) (*DB, *[]Change) {
	t.Helper()
	var changes []Change
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "campus.db"),
		func(c Change) { changes = append(changes, c) })
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db, &changes
}

// TestApplyTwiceChangesOnce shows the host pattern: the same outcome
// delivered twice (a retry, or two engines) moves the record once, and an
// outcome for an older revision is ignored.
func TestApplyTwiceChangesOnce(t *testing.T) {
	ctx := context.Background()
	db, changes := openTest(t)
	in := db.Intentions()
	sample := fixtures.Intentions()[0]
	require.NoError(t, in.Add(ctx, sample))
	require.NoError(t, in.Confirm(ctx, sample.SourceID))

	pending, err := in.Pending(ctx, "", 10)
	require.NoError(t, err)
	require.Len(t, pending, 1)
	assert.Equal(t, 1, pending[0].Revision)

	failed := poll.Outcome{
		Flow: regplatform.FlowIntention, SourceID: sample.SourceID, Revision: 1,
		Kind: poll.OutcomeFailed, Reason: "数据格式有误",
		Intention: &regplatform.IntentionResult{SourceID: sample.SourceID, Revision: 1,
			Status: regplatform.StatusFailed, FailReason: "数据格式有误"},
	}
	require.NoError(t, in.Apply(ctx, failed))
	require.NoError(t, in.Apply(ctx, failed))

	r, err := db.Get(ctx, regplatform.FlowIntention, sample.SourceID)
	require.NoError(t, err)
	assert.Equal(t, string(sm.IntentionFailed), r.Status)
	assert.Equal(t, "数据格式有误", r.Reason)
	assert.Len(t, *changes, 2, "confirm and one failure, not two")

	// Republishing starts revision 2; a late outcome for revision 1 is stale.
	require.NoError(t, in.Confirm(ctx, sample.SourceID))
	require.NoError(t, in.Apply(ctx, failed))
	r, err = db.Get(ctx, regplatform.FlowIntention, sample.SourceID)
	require.NoError(t, err)
	assert.Equal(t, 2, r.Revision)
	assert.Equal(t, string(sm.IntentionPublishing), r.Status)
}

// TestPendingPagesByKey checks the keyset page: records after the cursor,
// in source_id order, in the waiting status only.
func TestPendingPagesByKey(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	in := db.Intentions()
	for _, s := range fixtures.Intentions() {
		require.NoError(t, in.Add(ctx, s))
	}
	all := fixtures.Intentions()
	for _, s := range all[1:] {
		require.NoError(t, in.Confirm(ctx, s.SourceID))
	}

	var seen []string
	for after := ""; ; {
		page, err := in.Pending(ctx, after, 2)
		require.NoError(t, err)
		for _, r := range page {
			seen = append(seen, r.SourceID)
		}
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1].SourceID
	}
	assert.Len(t, seen, len(all)-1)
	assert.IsIncreasing(t, seen)
	assert.NotContains(t, seen, all[0].SourceID, "待公开 is not waiting for the platform")
}
