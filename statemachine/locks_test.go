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
