package statemachine_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/zcbridge/zcbridge/regplatform"
	"github.com/zcbridge/zcbridge/statemachine"
)

func TestResultsFlow(t *testing.T) {
	flowSpec[statemachine.ResultState, statemachine.ResultEvent]{
		machine: statemachine.Results,
		parseS:  statemachine.ParseResultState,
		parseE:  statemachine.ParseResultEvent,
		states:  []string{"采购监管平台执行中", "采购结果已录入", "采购终止"},
		events:  []string{"录入结果", "项目终止"},
		rows: []flowRow{
			{from: "采购监管平台执行中", event: "录入结果", to: "采购结果已录入"},
			{from: "采购监管平台执行中", event: "项目终止", to: "采购终止"},
		},
	}.check(t)

	assert.Equal(t, statemachine.PlanExecuting.Label(), statemachine.ResultExecuting.Label(),
		"the results flow starts where the plan flow ends")
}

func TestResultEventFor(t *testing.T) {
	cases := []struct {
		status regplatform.ProjectStatus
		want   statemachine.ResultEvent
		ok     bool
	}{
		{regplatform.ProjectCompleted, statemachine.ResultEventCompleted, true},
		{regplatform.ProjectTerminated, statemachine.ResultEventTerminated, true},
		{regplatform.ProjectExecuting, "", false},
		{"SUSPENDED", "", false},
	}
	for _, tc := range cases {
		got, ok := statemachine.ResultEventFor(tc.status)
		assert.Equal(t, tc.ok, ok, tc.status)
		assert.Equal(t, tc.want, got, tc.status)
	}
}
