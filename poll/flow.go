package poll

import (
	"context"

	"github.com/zcbridge/zcbridge/regplatform"
)

// Flow is one push flow the engine drives: where its records come from, how
// a body is sent and how results are read. IntentionFlow, SingleSourceFlow
// and PlanFlow build the three flows of the platform over the client's
// services; all three share one implementation.
type Flow interface {
	// Name is the flow, the first part of every idempotency key.
	Name() regplatform.Flow
	// Source lists the flow's waiting records and applies outcomes.
	Source() Source
	// Push sends body, bytes made by regplatform.Encode, exactly as given.
	Push(ctx context.Context, body []byte) (*regplatform.Receipt, error)
	// Results reads the latest revision the platform holds for each id, in
	// as many calls as the platform's limit needs. An id the platform does
	// not know is absent from the answer.
	Results(ctx context.Context, ids []string) ([]Result, error)
}

// Result is the platform's latest revision of one record, flow independent.
type Result struct {
	SourceID string
	Revision int
	Status   regplatform.Status
	// Reason is the platform's fail_reason, set for FAILED and REJECTED.
	Reason string
	// Exactly one of these is set, by flow; it is handed to the Source with
	// the outcome.
	Intention *regplatform.IntentionResult
	Notice    *regplatform.NoticeResult
	Plan      *regplatform.PlanResult
}

// IntentionService is what IntentionFlow needs of the client: the
// client's Intentions service satisfies it.
type IntentionService interface {
	PublishBody(ctx context.Context, body []byte) (*regplatform.Receipt, error)
	Results(ctx context.Context, ids []string) (*regplatform.IntentionResults, error)
}

// SingleSourceService is what SingleSourceFlow needs of the client: the
// client's SingleSource service satisfies it.
type SingleSourceService interface {
	PublishBody(ctx context.Context, body []byte) (*regplatform.Receipt, error)
	Results(ctx context.Context, ids []string) (*regplatform.NoticeResults, error)
}

// PlanService is what PlanFlow needs of the client: the client's Plans
// service satisfies it.
type PlanService interface {
	FileBody(ctx context.Context, body []byte) (*regplatform.Receipt, error)
	Results(ctx context.Context, ids []string) (*regplatform.PlanResults, error)
}

// IntentionFlow drives 采购意向 (2.5.1, 2.5.2) for the records src lists.
func IntentionFlow(svc IntentionService, src Source) Flow {
	return &pushFlow[regplatform.IntentionResult]{
		noSvc: svc == nil,
		name:  regplatform.FlowIntention,
		src:   src,
		push: func(ctx context.Context, body []byte) (*regplatform.Receipt, error) {
			return svc.PublishBody(ctx, body)
		},
		results: func(ctx context.Context, ids []string) ([]regplatform.IntentionResult, error) {
			rs, err := svc.Results(ctx, ids)
			if err != nil || rs == nil {
				return nil, err
			}
			return rs.Results, nil
		},
		view: func(r *regplatform.IntentionResult) Result {
			return Result{SourceID: r.SourceID, Revision: r.Revision, Status: r.Status,
				Reason: r.FailReason, Intention: r}
		},
	}
}

// SingleSourceFlow drives 单一来源公示 (2.6.2, 2.6.3) for the records src
// lists.
func SingleSourceFlow(svc SingleSourceService, src Source) Flow {
	return &pushFlow[regplatform.NoticeResult]{
		noSvc: svc == nil,
		name:  regplatform.FlowSingleSource,
		src:   src,
		push: func(ctx context.Context, body []byte) (*regplatform.Receipt, error) {
			return svc.PublishBody(ctx, body)
		},
		results: func(ctx context.Context, ids []string) ([]regplatform.NoticeResult, error) {
			rs, err := svc.Results(ctx, ids)
			if err != nil || rs == nil {
				return nil, err
			}
			return rs.Results, nil
		},
		view: func(r *regplatform.NoticeResult) Result {
			return Result{SourceID: r.SourceID, Revision: r.Revision, Status: r.Status,
				Reason: r.FailReason, Notice: r}
		},
	}
}

// PlanFlow drives 计划备案 (2.7.1, 2.7.2) for the records src lists. Reading
// the results of a filed plan's execution (2.8.x) is separate work.
func PlanFlow(svc PlanService, src Source) Flow {
	return &pushFlow[regplatform.PlanResult]{
		noSvc: svc == nil,
		name:  regplatform.FlowPlan,
		src:   src,
		push: func(ctx context.Context, body []byte) (*regplatform.Receipt, error) {
			return svc.FileBody(ctx, body)
		},
		results: func(ctx context.Context, ids []string) ([]regplatform.PlanResult, error) {
			rs, err := svc.Results(ctx, ids)
			if err != nil || rs == nil {
				return nil, err
			}
			return rs.Results, nil
		},
		view: func(r *regplatform.PlanResult) Result {
			return Result{SourceID: r.SourceID, Revision: r.Revision, Status: r.Status,
				Reason: r.FailReason, Plan: r}
		},
	}
}

// pushFlow is the one Flow implementation, over a flow's typed result R.
type pushFlow[R any] struct {
	noSvc   bool // built without a service; New refuses it
	name    regplatform.Flow
	src     Source
	push    func(context.Context, []byte) (*regplatform.Receipt, error)
	results func(context.Context, []string) ([]R, error)
	view    func(*R) Result
}

func (f *pushFlow[R]) Name() regplatform.Flow { return f.name }

func (f *pushFlow[R]) incomplete() bool { return f.noSvc || f.src == nil }

func (f *pushFlow[R]) Source() Source { return f.src }

func (f *pushFlow[R]) Push(ctx context.Context, body []byte) (*regplatform.Receipt, error) {
	return f.push(ctx, body)
}

func (f *pushFlow[R]) Results(ctx context.Context, ids []string) ([]Result, error) {
	rs, err := f.results(ctx, ids)
	if err != nil {
		return nil, err
	}

	out := make([]Result, len(rs))
	for i := range rs {
		out[i] = f.view(&rs[i])
	}
	return out, nil
}

// outcomeKind maps a terminal platform status to the outcome handed over.
func outcomeKind(s regplatform.Status) OutcomeKind {
	switch s {
	case regplatform.StatusPublished:
		return OutcomePublished
	case regplatform.StatusFailed:
		return OutcomeFailed
	case regplatform.StatusFiled:
		return OutcomeFiled
	case regplatform.StatusRejected:
		return OutcomeRejected
	}
	return ""
}
