package statemachine

import "github.com/zcbridge/zcbridge/regplatform"

// ResultState is the status of a filed plan while the platform executes
// it, up to the recorded results (录入结果).
type ResultState string

// Result states.
const (
	// ResultExecuting is 采购监管平台执行中, the state a filed plan enters
	// (PlanExecuting in the Plan flow); the engine reads its results.
	ResultExecuting ResultState = "executing"
	// ResultRecorded is 采购结果已录入: the platform completed the project
	// and its results were handed to the host.
	ResultRecorded ResultState = "recorded"
	// ResultTerminated is 采购终止: the platform terminated the project.
	ResultTerminated ResultState = "terminated"
)

// ResultEvent is an outcome of a project's execution, applied by the
// engine.
type ResultEvent string

// Result events.
const (
	// ResultEventCompleted is 录入结果: the project is COMPLETED.
	ResultEventCompleted ResultEvent = "completed"
	// ResultEventTerminated is 项目终止: the project is TERMINATED.
	ResultEventTerminated ResultEvent = "terminated"
)

var resultStateLabels = labels[ResultState]{
	ResultExecuting:  "采购监管平台执行中",
	ResultRecorded:   "采购结果已录入",
	ResultTerminated: "采购终止",
}

var resultEventLabels = labels[ResultEvent]{
	ResultEventCompleted:  "录入结果",
	ResultEventTerminated: "项目终止",
}

// Results is the procurement-results flow of a filed plan.
var Results = MustNew("results", []Transition[ResultState, ResultEvent]{
	{From: ResultExecuting, Event: ResultEventCompleted, To: ResultRecorded},
	{From: ResultExecuting, Event: ResultEventTerminated, To: ResultTerminated},
}, ResultExecuting)

// ResultEventFor returns the event a project status calls for: completed
// for COMPLETED, terminated for TERMINATED; false while it is executing or
// for a status this version does not know.
func ResultEventFor(s regplatform.ProjectStatus) (ResultEvent, bool) {
	switch s {
	case regplatform.ProjectCompleted:
		return ResultEventCompleted, true
	case regplatform.ProjectTerminated:
		return ResultEventTerminated, true
	}
	return "", false
}

// Label returns the Chinese status, such as "采购结果已录入".
func (s ResultState) Label() string { return resultStateLabels.of(s) }

// String returns the English name, such as "recorded".
func (s ResultState) String() string { return string(s) }

// ParseResultState reads a status by its Chinese label or English name. It
// fails with ErrUnknownLabel.
func ParseResultState(s string) (ResultState, error) {
	return resultStateLabels.parse("results", "state", s, nil)
}

// Label returns the Chinese name of the event, such as "录入结果".
func (e ResultEvent) Label() string { return resultEventLabels.of(e) }

// String returns the English name, such as "completed".
func (e ResultEvent) String() string { return string(e) }

// ParseResultEvent reads an event by its Chinese label or English name. It
// fails with ErrUnknownLabel.
func ParseResultEvent(s string) (ResultEvent, error) {
	return resultEventLabels.parse("results", "event", s, nil)
}
