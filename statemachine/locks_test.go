package statemachine_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/statemachine"
)

// allStatusLabels lists every state label of every flow.
func allStatusLabels() []string {
	var out []string
	for _, s := range statemachine.Intention.States() {
		out = append(out, s.Label())
	}
	for _, s := range statemachine.SingleSource.States() {
		out = append(out, s.Label())
	}
	for _, s := range statemachine.Plan.States() {
		out = append(out, s.Label())
	}
	for _, s := range statemachine.Results.States() {
		out = append(out, s.Label())
	}
	return out
}

func TestLockedStates(t *testing.T) {
	locked := map[string]statemachine.LockGroup{
		"采购监管平台单一来源公示": "单一来源公示中",
		"单一来源公示发布中":    "单一来源公示中",
		"校内单一来源公示":     "单一来源公示中",
		"采购计划申报中":      "采购计划备案中",
		"采购监管平台执行中":    "采购执行中",
	}
	checks := []struct {
		action statemachine.LockedAction
		check  func(string) error
	}{
		{statemachine.ActionChangeMethod, statemachine.CheckMethodChange},
		{statemachine.ActionTerminate, statemachine.CheckTermination},
	}

	labels := append(allStatusLabels(), "", "已完成", "采购计划申报中 ")
	for _, status := range labels {
		for _, c := range checks {
			err := c.check(status)
			group, isLocked := locked[status]
			if status == "采购计划申报中 " {
				group, isLocked = "采购计划备案中", true
			}
			if !isLocked {
				assert.NoError(t, err, "%q %s", status, c.action)
				_, ok := statemachine.LockGroupOf(status)
				assert.False(t, ok)
				continue
			}
			assert.ErrorIs(t, err, statemachine.ErrLocked, "%q %s", status, c.action)
			var le *statemachine.LockedError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, group, le.Group)
			assert.Equal(t, c.action, le.Action)
			assert.Contains(t, err.Error(), string(group))
			assert.Contains(t, err.Error(), string(c.action))
			g, ok := statemachine.LockGroupOf(status)
			assert.True(t, ok)
			assert.Equal(t, group, g)
		}
	}
}

func TestLockedErrorText(t *testing.T) {
	err := statemachine.CheckTermination("采购计划申报中")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"采购计划申报中"`)
	assert.Contains(t, err.Error(), "may not be terminated")
	err = statemachine.CheckMethodChange("校内单一来源公示")
	assert.Contains(t, err.Error(), "may not change its procurement method")
}

// TestLockedStatesByEveryName: a status the Parse functions read as a
// locked state is locked whichever of its names the host stores: the
// Chinese label, the workflow node, an older wording or the English name.
func TestLockedStatesByEveryName(t *testing.T) {
	cases := []struct {
		status string
		group  statemachine.LockGroup
	}{
		{"政府采购计划申报中", statemachine.LockPlanFiling},
		{"declaring", statemachine.LockPlanFiling},
		{"executing", statemachine.LockExecuting},
		{"awaiting_platform", statemachine.LockSingleSourcePublicity},
		{"publicity", statemachine.LockSingleSourcePublicity},
		{"campus_publicity", statemachine.LockSingleSourcePublicity},
	}
	for _, c := range cases {
		t.Run(c.status, func(t *testing.T) {
			g, ok := statemachine.LockGroupOf(c.status)
			assert.True(t, ok, "%q is not locked", c.status)
			assert.Equal(t, c.group, g)
			assert.ErrorIs(t, statemachine.CheckMethodChange(c.status), statemachine.ErrLocked)
			assert.ErrorIs(t, statemachine.CheckTermination(c.status), statemachine.ErrLocked)
		})
	}

	// The other names of unlocked states stay unlocked.
	for _, status := range []string{"政府采购计划申报", "计划申报", "declaration", "draft",
		"publishing", "recorded", "method_review"} {
		_, ok := statemachine.LockGroupOf(status)
		assert.False(t, ok, "%q is locked", status)
		assert.NoError(t, statemachine.CheckMethodChange(status), status)
	}
}
