package statemachine

import (
	"errors"
	"fmt"

	"github.com/zcbridge/zcbridge/regplatform"
)

// PlanState is the status of a procurement plan (政府采购计划) in the
// procurement-method review and filing. Node gives the workflow node where
// it is named apart from the status.
type PlanState string

// Plan states.
const (
	// PlanMethodReview is 采购方式审核, the procurement-method review.
	PlanMethodReview PlanState = "method_review"
	// PlanDeclaration is 采购计划申报 at node 政府采购计划申报: the plan must
	// be filed; the reviewer pushes it or returns it to the user. After a
	// rejection the plan is back here (the requirement also calls it
	// 计划申报).
	PlanDeclaration PlanState = "declaration"
	// PlanDeclaring is 采购计划申报中 at node 政府采购计划申报中: the engine
	// pushes it once and polls the filing result.
	PlanDeclaring PlanState = "declaring"
	// PlanExecuting is 采购监管平台执行中: filed; the Results flow tracks it.
	PlanExecuting PlanState = "executing"
	// PlanNotRequired is 无需备案: the government-procurement conditions do
	// not hold; the host's existing path continues.
	PlanNotRequired PlanState = "not_required"
)

// PlanEvent is something that happens to a plan.
type PlanEvent string

// Plan events.
const (
	// PlanEventApprove is 审核通过; its facts are a PlanApproval, and the plan
	// rule picks the next state.
	PlanEventApprove PlanEvent = "approve"
	// PlanEventReturnToUser is 返回用户修改参数.
	PlanEventReturnToUser PlanEvent = "return_to_user"
	// PlanEventPushToPlatform is 推往采购监管平台.
	PlanEventPushToPlatform PlanEvent = "push_to_platform"
	// PlanEventFiled is 备案成功, applied by the engine.
	PlanEventFiled PlanEvent = "filed"
	// PlanEventRejected is 备案失败, applied by the engine; the next push of
	// the plan is the next revision.
	PlanEventRejected PlanEvent = "rejected"
)

var planStateLabels = labels[PlanState]{
	PlanMethodReview: "采购方式审核",
	PlanDeclaration:  "采购计划申报",
	PlanDeclaring:    "采购计划申报中",
	PlanExecuting:    "采购监管平台执行中",
	PlanNotRequired:  "无需备案",
}

// planStateNodes names the workflow nodes that differ from the status.
var planStateNodes = labels[PlanState]{
	PlanDeclaration: "政府采购计划申报",
	PlanDeclaring:   "政府采购计划申报中",
}

// planStateAliases are other texts a host may store for a plan status.
var planStateAliases = map[string]PlanState{
	"计划申报":      PlanDeclaration,
	"政府采购计划申报":  PlanDeclaration,
	"政府采购计划申报中": PlanDeclaring,
}

var planEventLabels = labels[PlanEvent]{
	PlanEventApprove:        "审核通过",
	PlanEventReturnToUser:   "返回用户修改参数",
	PlanEventPushToPlatform: "推往采购监管平台",
	PlanEventFiled:          "备案成功",
	PlanEventRejected:       "备案失败",
}

// Plan is the plan-filing flow.
var Plan = MustNew("plan", []Transition[PlanState, PlanEvent]{
	{From: PlanMethodReview, Event: PlanEventApprove, To: PlanDeclaration, Guard: guardMustFile},
	{From: PlanMethodReview, Event: PlanEventApprove, To: PlanNotRequired, Guard: guardNeedNotFile},
	{From: PlanDeclaration, Event: PlanEventReturnToUser, To: PlanMethodReview},
	{From: PlanDeclaration, Event: PlanEventPushToPlatform, To: PlanDeclaring},
	{From: PlanDeclaring, Event: PlanEventFiled, To: PlanExecuting},
	{From: PlanDeclaring, Event: PlanEventRejected, To: PlanDeclaration, NextRevision: true},
}, PlanMethodReview)

// PlanApproval are the facts of 审核通过: the plan's budget, whether it
// holds catalogue items, its lines, and the plan thresholds (configured
// apart from the single-source ones, in the same form).
type PlanApproval struct {
	Thresholds  Thresholds
	Budget      regplatform.Money
	Centralized bool
	Lines       []BudgetLine
}

// NewPlanApproval gathers the facts of 审核通过 from plan p.
func NewPlanApproval(t Thresholds, p *regplatform.PlanFiling) PlanApproval {
	return PlanApproval{
		Thresholds:  t,
		Budget:      p.BudgetAmount,
		Centralized: p.Centralized,
		Lines:       PlanBudgetLines(p),
	}
}

// ErrFilingNotRequired is the refusal of the filing branch of 审核通过 for
// a plan the conditions do not catch; ErrFilingRequired that of the
// 无需备案 branch for a plan that must be filed.
var (
	ErrFilingNotRequired = errors.New("statemachine: plan need not be filed")
	ErrFilingRequired    = errors.New("statemachine: plan must be filed")
)

var guardMustFile = GuardFunc("must_file", "须备案", func(a PlanApproval) error {
	d, err := a.Thresholds.planReportable(a.Budget, a.Centralized, a.Lines)
	if err != nil {
		return err
	}
	if !d.report {
		return fmt.Errorf("%w: %s", ErrFilingNotRequired, d.why)
	}
	return nil
})

var guardNeedNotFile = GuardFunc("need_not_file", "无需备案", func(a PlanApproval) error {
	d, err := a.Thresholds.planReportable(a.Budget, a.Centralized, a.Lines)
	if err != nil {
		return err
	}
	if d.report {
		return fmt.Errorf("%w: %s", ErrFilingRequired, d.why)
	}
	return nil
})

// Label returns the Chinese status, such as "采购计划申报中".
func (s PlanState) Label() string { return planStateLabels.of(s) }

// Node returns the workflow node, such as "政府采购计划申报中"; the label
// where the node has no name of its own.
func (s PlanState) Node() string {
	if n := planStateNodes.of(s); n != "" {
		return n
	}
	return s.Label()
}

// String returns the English name, such as "declaring".
func (s PlanState) String() string { return string(s) }

// ParsePlanState reads a status by its Chinese label, its node name, the
// older wording 计划申报, or its English name. It fails with
// ErrUnknownLabel.
func ParsePlanState(s string) (PlanState, error) {
	return planStateLabels.parse("plan", "state", s, planStateAliases)
}

// Label returns the Chinese name of the event, such as "备案失败".
func (e PlanEvent) Label() string { return planEventLabels.of(e) }

// String returns the English name, such as "rejected".
func (e PlanEvent) String() string { return string(e) }

// ParsePlanEvent reads an event by its Chinese label or English name. It
// fails with ErrUnknownLabel.
func ParsePlanEvent(s string) (PlanEvent, error) {
	return planEventLabels.parse("plan", "event", s, nil)
}
