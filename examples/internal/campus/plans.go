package campus

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
	sm "github.com/zcbridge/zcbridge/statemachine"
)

// Plans is the campus side of plan filing (计划备案) and of the results read
// back by plan (采购结果): the poll.Source of its pushes and the
// poll.ResultsSource of its executing plans.
type Plans struct {
	flow[sm.PlanState, sm.PlanEvent, regplatform.PlanFiling]
	thresholds sm.Thresholds
}

// Plans returns the plan flow over d, deciding with thresholds which plans
// must be filed.
func (d *DB) Plans(thresholds sm.Thresholds) *Plans {
	type f = flow[sm.PlanState, sm.PlanEvent, regplatform.PlanFiling]
	return &Plans{
		flow: f{
			db: d, name: regplatform.FlowPlan, machine: sm.Plan, waiting: sm.PlanDeclaring,
			outcomes: map[poll.OutcomeKind]sm.PlanEvent{
				poll.OutcomeFiled:    sm.PlanEventFiled,
				poll.OutcomeRejected: sm.PlanEventRejected,
			},
			details: func(o poll.Outcome) map[string]string {
				r := o.Plan
				if r == nil {
					return map[string]string{"reason": o.Reason}
				}
				return map[string]string{
					"reason": r.FailReason, "platform_id": r.PlanID, "plan_no": r.PlanNo,
					"published": r.FiledAt.String(),
				}
			},
			request: decodeAs(func(p *regplatform.PlanFiling, rev int) { p.Revision = rev }),
		},
		thresholds: thresholds,
	}
}

// Add records a new plan in 采购方式审核.
func (p *Plans) Add(ctx context.Context, in regplatform.PlanFiling) error {
	return p.db.Insert(ctx, p.name, in.SourceID, string(sm.PlanMethodReview), in)
}

// Approve is 审核通过 of the procurement-method review: a plan that meets
// the government-procurement conditions stops at 政府采购计划申报; any other
// goes to 无需备案.
func (p *Plans) Approve(ctx context.Context, sourceID string) error {
	r, err := p.db.Get(ctx, p.name, sourceID)
	if err != nil {
		return err
	}
	var filing regplatform.PlanFiling
	if err := json.Unmarshal(r.Request, &filing); err != nil {
		return fmt.Errorf("campus: plan %s: decode request: %w", sourceID, err)
	}
	return p.Fire(ctx, sourceID, sm.PlanEventApprove, sm.NewPlanApproval(p.thresholds, &filing))
}

// Push is the reviewer's 推往采购监管平台: the plan waits for the engine in
// 采购计划申报中.
func (p *Plans) Push(ctx context.Context, sourceID string) error {
	return p.Fire(ctx, sourceID, sm.PlanEventPushToPlatform, nil)
}

// Revise edits a plan returned to 采购计划申报 before it is pushed again.
func (p *Plans) Revise(ctx context.Context, sourceID string,
	edit func(*regplatform.PlanFiling)) error {
	r, err := p.db.Get(ctx, p.name, sourceID)
	if err != nil {
		return err
	}
	if r.Status != string(sm.PlanDeclaration) {
		return fmt.Errorf("%w: plan %s is %s", ErrNotEditable, sourceID,
			sm.PlanState(r.Status).Label())
	}
	return p.rewrite(ctx, r, edit)
}

// Executing lists the plans in 采购监管平台执行中 with their platform plan id
// and the plan as filed, one keyset page.
func (p *Plans) Executing(ctx context.Context, after string,
	limit int) ([]poll.ExecutingPlan, error) {
	rows, err := p.db.inStatus(ctx, p.name, string(sm.PlanExecuting), after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]poll.ExecutingPlan, 0, len(rows))
	for _, r := range rows {
		filed := new(regplatform.PlanFiling)
		if err := json.Unmarshal(r.Request, filed); err != nil {
			return nil, fmt.Errorf("campus: plan %s: decode request: %w", r.SourceID, err)
		}
		out = append(out, poll.ExecutingPlan{SourceID: r.SourceID, PlanID: r.PlatformID,
			Filed: filed})
	}
	return out, nil
}

// ApplyResults stores the latest results of an executing plan; a final
// update records them (录入结果) and ends the plan's execution. A repeated
// update rewrites the same results, so applying twice is harmless.
func (p *Plans) ApplyResults(ctx context.Context, u poll.ResultsUpdate) error {
	r, err := p.db.Get(ctx, p.name, u.SourceID)
	if err != nil {
		return err
	}
	if r.Status != string(sm.ResultExecuting) {
		return nil
	}
	results, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("campus: plan %s: encode results: %w", u.SourceID, err)
	}
	set := map[string]string{"results": string(results)}
	if !u.Final {
		_, err := p.db.swap(ctx, p.name, r.SourceID,
			update{from: r.Status, to: r.Status, revision: r.Revision, set: set})
		return err
	}

	event, ok := sm.ResultEventFor(u.Status)
	if !ok {
		return fmt.Errorf("campus: plan %s: project status %s is not final", u.SourceID, u.Status)
	}
	from := sm.ResultState(r.Status)
	to, err := sm.Results.Fire(from, event, nil)
	if err != nil {
		return fmt.Errorf("campus: plan %s: %w", u.SourceID, err)
	}
	changed, err := p.db.swap(ctx, p.name, r.SourceID,
		update{from: r.Status, to: string(to), revision: r.Revision, set: set})
	if err == nil && changed {
		p.db.notify(Change{Flow: p.name, SourceID: r.SourceID, Revision: r.Revision,
			From: from.Label(), To: to.Label(), Cause: event.Label()})
	}
	return err
}
