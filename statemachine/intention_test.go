package statemachine_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/statemachine"
)

func TestIntentionFlow(t *testing.T) {
	flowSpec[statemachine.IntentionState, statemachine.IntentionEvent]{
		machine: statemachine.Intention,
		parseS:  statemachine.ParseIntentionState,
		parseE:  statemachine.ParseIntentionEvent,
		states:  []string{"待公开", "无需公开", "采购监管平台发布中", "已公开", "发布失败"},
		events: []string{"推往采购监管平台", "手动发布", "平台发布成功", "平台发布失败",
			"修改", "无需公开"},
		rows: []flowRow{
			{from: "待公开", event: "推往采购监管平台", to: "采购监管平台发布中"},
			{from: "发布失败", event: "推往采购监管平台", to: "采购监管平台发布中", bump: true},
			{from: "待公开", event: "手动发布", to: "已公开"},
			{from: "采购监管平台发布中", event: "平台发布成功", to: "已公开"},
			{from: "采购监管平台发布中", event: "平台发布失败", to: "发布失败"},
			{from: "待公开", event: "修改", to: "待公开"},
			{from: "发布失败", event: "修改", to: "发布失败"},
			{from: "待公开", event: "无需公开", to: "无需公开"},
		},
	}.check(t)

	assert.Equal(t, []statemachine.IntentionState{statemachine.IntentionPending},
		statemachine.Intention.Initial())
}

func TestIntentionNames(t *testing.T) {
	assert.Equal(t, "publishing", statemachine.IntentionPublishing.String())
	assert.Equal(t, "采购监管平台发布中", statemachine.IntentionPublishing.Label())
	assert.Equal(t, "推往采购监管平台", statemachine.EventPushToPlatform.Label())
	assert.Equal(t, "", statemachine.IntentionState("nonsense").Label())

	s, err := statemachine.ParseIntentionState("failed")
	require.NoError(t, err)
	assert.Equal(t, statemachine.IntentionFailed, s)

	_, err = statemachine.ParseIntentionState("已发布")
	assert.ErrorIs(t, err, statemachine.ErrUnknownLabel)
	_, err = statemachine.ParseIntentionEvent("")
	assert.ErrorIs(t, err, statemachine.ErrUnknownLabel)
}

func TestIntentionErrorsNameBothLanguages(t *testing.T) {
	_, err := statemachine.Intention.Fire(statemachine.IntentionPublished,
		statemachine.EventEdit, nil)
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{"intention", `"edit"`, "修改", `"published"`, "已公开"} {
		assert.Contains(t, msg, want)
	}
}
