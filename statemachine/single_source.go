package statemachine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/zcbridge/zcbridge/regplatform"
)

// SingleSourceState is the status of a single-source notice (单一来源公示),
// which is also its workflow node.
type SingleSourceState string

// Single-source states.
const (
	// SingleSourceDraft is 待发布单一来源公示: being written, or back after
	// a rejection or a failed publication.
	SingleSourceDraft SingleSourceState = "draft"
	// SingleSourceApproving is 单一来源公示审批中.
	SingleSourceApproving SingleSourceState = "approving"
	// SingleSourceAwaitingPlatform is 采购监管平台单一来源公示: approved and
	// reportable; the engine pushes it once and polls its result.
	SingleSourceAwaitingPlatform SingleSourceState = "awaiting_platform"
	// SingleSourcePublicity is 单一来源公示发布中: published on the platform,
	// the publicity period running until its deadline.
	SingleSourcePublicity SingleSourceState = "publicity"
	// SingleSourceCampus is 校内单一来源公示: approved, not reportable; the
	// host's existing path continues from here.
	SingleSourceCampus SingleSourceState = "campus_publicity"
	// SingleSourceEnded is 单一来源公示结束: the platform publicity ended.
	SingleSourceEnded SingleSourceState = "ended"
)

// SingleSourceEvent is something that happens to a single-source notice.
type SingleSourceEvent string

// Single-source events.
const (
	// SingleSourceEventSubmit is 提交审批.
	SingleSourceEventSubmit SingleSourceEvent = "submit"
	// SingleSourceEventApprove is 审批通过; its facts are a
	// SingleSourceApproval, and the reporting rule picks the next state.
	SingleSourceEventApprove SingleSourceEvent = "approve"
	// SingleSourceEventReject is 审批驳回.
	SingleSourceEventReject SingleSourceEvent = "reject"
	// SingleSourceEventPlatformPublished is 平台发布成功, applied by the
	// engine.
	SingleSourceEventPlatformPublished SingleSourceEvent = "platform_published"
	// SingleSourceEventPlatformFailed is 平台发布失败, applied by the engine;
	// the next push of the notice is the next revision.
	SingleSourceEventPlatformFailed SingleSourceEvent = "platform_failed"
	// SingleSourceEventPublicityEnded is 公示期满, fired by the engine once
	// the deadline has passed; its facts are a PublicityDeadline.
	SingleSourceEventPublicityEnded SingleSourceEvent = "publicity_ended"
)

var singleSourceStateLabels = labels[SingleSourceState]{
	SingleSourceDraft:            "待发布单一来源公示",
	SingleSourceApproving:        "单一来源公示审批中",
	SingleSourceAwaitingPlatform: "采购监管平台单一来源公示",
	SingleSourcePublicity:        "单一来源公示发布中",
	SingleSourceCampus:           "校内单一来源公示",
	SingleSourceEnded:            "单一来源公示结束",
}

var singleSourceEventLabels = labels[SingleSourceEvent]{
	SingleSourceEventSubmit:            "提交审批",
	SingleSourceEventApprove:           "审批通过",
	SingleSourceEventReject:            "审批驳回",
	SingleSourceEventPlatformPublished: "平台发布成功",
	SingleSourceEventPlatformFailed:    "平台发布失败",
	SingleSourceEventPublicityEnded:    "公示期满",
}

// SingleSource is the single-source notice flow.
var SingleSource = MustNew("single_source", []Transition[SingleSourceState, SingleSourceEvent]{
	{From: SingleSourceDraft, Event: SingleSourceEventSubmit, To: SingleSourceApproving},
	{
		From: SingleSourceApproving, Event: SingleSourceEventApprove,
		To: SingleSourceAwaitingPlatform, Guard: guardNoticeReportable,
	},
	{
		From: SingleSourceApproving, Event: SingleSourceEventApprove,
		To: SingleSourceCampus, Guard: guardNoticeNotReportable,
	},
	{From: SingleSourceApproving, Event: SingleSourceEventReject, To: SingleSourceDraft},
	{
		From: SingleSourceAwaitingPlatform, Event: SingleSourceEventPlatformPublished,
		To: SingleSourcePublicity,
	},
	{
		From: SingleSourceAwaitingPlatform, Event: SingleSourceEventPlatformFailed,
		To: SingleSourceDraft, NextRevision: true,
	},
	{
		From: SingleSourcePublicity, Event: SingleSourceEventPublicityEnded,
		To: SingleSourceEnded, Guard: guardDeadlinePassed,
	},
}, SingleSourceDraft)

// SingleSourceApproval are the facts of 审批通过: the notice's data the
// reporting rule reads, the thresholds, and the supplier library's entry
// for the notice's supplier.
type SingleSourceApproval struct {
	Thresholds   Thresholds
	CategoryCode string
	Budget       regplatform.Money
	Centralized  bool
	// CreditCode is the supplier's 统一社会信用代码 on the notice.
	CreditCode string
	// Supplier is the library's entry for the supplier; nil when the
	// library has none, which refuses the approval.
	Supplier *LibrarySupplier
}

// NewSingleSourceApproval gathers the facts of 审批通过 for notice n: it
// looks the supplier up in lib, by supplierID when not empty and otherwise
// by the notice's credit code. It fails only when the lookup fails; a
// supplier the library does not have is left for the guard to refuse.
func NewSingleSourceApproval(
	ctx context.Context, t Thresholds, lib SupplierLibrary,
	n *regplatform.SingleSourceNotice, supplierID string,
) (SingleSourceApproval, error) {
	ref := SupplierRef{ID: supplierID, CreditCode: n.Supplier.CreditCode}
	entry, err := LookupSupplier(ctx, lib, ref)
	if err != nil {
		return SingleSourceApproval{}, err
	}
	return SingleSourceApproval{
		Thresholds:   t,
		CategoryCode: n.CategoryCode,
		Budget:       n.BudgetAmount,
		Centralized:  n.Centralized,
		CreditCode:   n.Supplier.CreditCode,
		Supplier:     entry,
	}, nil
}

// ErrNotReportable is the refusal of the platform branch of 审批通过 for a
// notice below the limits; ErrReportable that of the campus branch for a
// notice that must go to the platform.
var (
	ErrNotReportable = errors.New("statemachine: not reportable to the platform")
	ErrReportable    = errors.New("statemachine: must be reported to the platform")
)

// approve applies the supplier rule, then the reporting rule.
func (a SingleSourceApproval) approve() (decision, error) {
	if err := CheckSupplier(a.Supplier, a.CreditCode); err != nil {
		return decision{}, err
	}
	return a.Thresholds.reportable(a.CategoryCode, a.Budget, a.Centralized)
}

var guardNoticeReportable = GuardFunc("eligible_and_reportable", "供应商合格且须报平台",
	func(a SingleSourceApproval) error {
		d, err := a.approve()
		if err != nil {
			return err
		}
		if !d.report {
			return fmt.Errorf("%w: %s", ErrNotReportable, d.why)
		}
		return nil
	})

var guardNoticeNotReportable = GuardFunc("eligible_not_reportable", "供应商合格且无需报平台",
	func(a SingleSourceApproval) error {
		d, err := a.approve()
		if err != nil {
			return err
		}
		if d.report {
			return fmt.Errorf("%w: %s", ErrReportable, d.why)
		}
		return nil
	})

// ErrPublicityRunning is the refusal of 公示期满 before the deadline.
var ErrPublicityRunning = errors.New("statemachine: publicity period has not ended")

// PublicityDeadline are the facts of 公示期满: the current time and the
// notice's 公示截止时间 as the platform reported it.
type PublicityDeadline struct {
	Now      time.Time
	Deadline time.Time
}

var guardDeadlinePassed = GuardFunc("deadline_passed", "截止时间已过",
	func(p PublicityDeadline) error {
		switch {
		case p.Deadline.IsZero():
			return fmt.Errorf("%w: deadline is not set", ErrPublicityRunning)
		case !p.Now.After(p.Deadline):
			return fmt.Errorf("%w: it runs until %s", ErrPublicityRunning,
				regplatform.NewTime(p.Deadline))
		}
		return nil
	})

// Label returns the Chinese status, such as "采购监管平台单一来源公示".
func (s SingleSourceState) Label() string { return singleSourceStateLabels.of(s) }

// String returns the English name, such as "awaiting_platform".
func (s SingleSourceState) String() string { return string(s) }

// ParseSingleSourceState reads a status by its Chinese label or English name.
// It fails with ErrUnknownLabel.
func ParseSingleSourceState(s string) (SingleSourceState, error) {
	return singleSourceStateLabels.parse("single_source", "state", s, nil)
}

// Label returns the Chinese name of the event, such as "审批通过".
func (e SingleSourceEvent) Label() string { return singleSourceEventLabels.of(e) }

// String returns the English name, such as "approve".
func (e SingleSourceEvent) String() string { return string(e) }

// ParseSingleSourceEvent reads an event by its Chinese label or English
// name. It fails with ErrUnknownLabel.
func ParseSingleSourceEvent(s string) (SingleSourceEvent, error) {
	return singleSourceEventLabels.parse("single_source", "event", s, nil)
}
