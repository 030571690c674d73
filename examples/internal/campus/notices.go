package campus

import (
	"context"
	"fmt"
	"time"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
	sm "github.com/zcbridge/zcbridge/statemachine"
)

// Notices is the campus side of the single-source flow (单一来源公示): the
// poll.Source of its pushes and the poll.ExpirySource of its publicity.
type Notices struct {
	flow[sm.SingleSourceState, sm.SingleSourceEvent, regplatform.SingleSourceNotice]
	thresholds sm.Thresholds
	suppliers  sm.SupplierLibrary
}

// Notices returns the single-source flow over d, deciding with thresholds
// which notices go to the platform and checking suppliers in suppliers.
func (d *DB) Notices(thresholds sm.Thresholds, suppliers sm.SupplierLibrary) *Notices {
	type f = flow[sm.SingleSourceState, sm.SingleSourceEvent, regplatform.SingleSourceNotice]
	return &Notices{
		flow: f{
			db: d, name: regplatform.FlowSingleSource, machine: sm.SingleSource,
			waiting: sm.SingleSourceAwaitingPlatform,
			outcomes: map[poll.OutcomeKind]sm.SingleSourceEvent{
				poll.OutcomePublished: sm.SingleSourceEventPlatformPublished,
				poll.OutcomeFailed:    sm.SingleSourceEventPlatformFailed,
			},
			details: func(o poll.Outcome) map[string]string {
				r := o.Notice
				if r == nil {
					return map[string]string{"reason": o.Reason}
				}
				return map[string]string{
					"reason": r.FailReason, "platform_id": r.PlatformID, "url": r.NoticeURL,
					"published": r.PublishedAt.String(), "deadline": r.Deadline.String(),
				}
			},
			request: decodeAs(func(p *regplatform.SingleSourceNotice, rev int) {
				p.Revision = rev
			}),
		},
		thresholds: thresholds,
		suppliers:  suppliers,
	}
}

// Add records a new notice in 待发布单一来源公示.
func (n *Notices) Add(ctx context.Context, in regplatform.SingleSourceNotice) error {
	return n.db.Insert(ctx, n.name, in.SourceID, string(sm.SingleSourceDraft), in)
}

// Submit is 提交审批.
func (n *Notices) Submit(ctx context.Context, sourceID string) error {
	return n.Fire(ctx, sourceID, sm.SingleSourceEventSubmit, nil)
}

// Approve is 审批通过: the reporting rule sends the notice to
// 采购监管平台单一来源公示 or to 校内单一来源公示, and the supplier rule may
// refuse it.
func (n *Notices) Approve(ctx context.Context, sourceID string) error {
	r, err := n.db.Get(ctx, n.name, sourceID)
	if err != nil {
		return err
	}
	req, err := n.request(r.Request, r.Revision)
	if err != nil {
		return err
	}
	notice := req.(*regplatform.SingleSourceNotice)
	facts, err := sm.NewSingleSourceApproval(ctx, n.thresholds, n.suppliers, notice, "")
	if err != nil {
		return err
	}
	return n.Fire(ctx, sourceID, sm.SingleSourceEventApprove, facts)
}

// Revise edits a notice sent back to 待发布单一来源公示.
func (n *Notices) Revise(ctx context.Context, sourceID string,
	edit func(*regplatform.SingleSourceNotice)) error {
	r, err := n.db.Get(ctx, n.name, sourceID)
	if err != nil {
		return err
	}
	if r.Status != string(sm.SingleSourceDraft) {
		return fmt.Errorf("%w: %s %s is %s", ErrNotEditable, n.name, sourceID,
			sm.SingleSourceState(r.Status).Label())
	}
	return n.rewrite(ctx, r, edit)
}

// InPublicity lists the notices in 单一来源公示发布中 with their deadlines.
func (n *Notices) InPublicity(ctx context.Context, after string,
	limit int) ([]poll.NoticeDeadline, error) {
	rows, err := n.db.inStatus(ctx, n.name, string(sm.SingleSourcePublicity), after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]poll.NoticeDeadline, 0, len(rows))
	for _, r := range rows {
		t, err := regplatform.ParseTime(r.Deadline)
		if err != nil {
			return nil, err
		}
		out = append(out, poll.NoticeDeadline{SourceID: r.SourceID, Deadline: t.Time})
	}
	return out, nil
}

// Expire fires 公示期满 at the engine's time now; a notice that has moved on
// already is left alone.
func (n *Notices) Expire(ctx context.Context, sourceID string, now time.Time) error {
	r, err := n.db.Get(ctx, n.name, sourceID)
	if err != nil || r.Status != string(sm.SingleSourcePublicity) {
		return err
	}
	deadline, err := regplatform.ParseTime(r.Deadline)
	if err != nil {
		return err
	}
	facts := sm.PublicityDeadline{Now: now, Deadline: deadline.Time}
	_, err = n.fire(ctx, r, sm.SingleSourceEventPublicityEnded, facts, nil)
	return err
}
