package campus

import (
	"context"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
	sm "github.com/zcbridge/zcbridge/statemachine"
)

// Intentions is the campus side of the intention flow (采购意向公开). It is
// the poll.Source the engine reads and applies outcomes to.
type Intentions struct {
	flow[sm.IntentionState, sm.IntentionEvent, regplatform.Intention]
}

// Intentions returns the intention flow over d.
func (d *DB) Intentions() *Intentions {
	return &Intentions{flow[sm.IntentionState, sm.IntentionEvent, regplatform.Intention]{
		db: d, name: regplatform.FlowIntention, machine: sm.Intention,
		waiting: sm.IntentionPublishing,
		outcomes: map[poll.OutcomeKind]sm.IntentionEvent{
			poll.OutcomePublished: sm.EventPlatformPublished,
			poll.OutcomeFailed:    sm.EventPlatformFailed,
		},
		details: func(o poll.Outcome) map[string]string {
			r := o.Intention
			if r == nil {
				return map[string]string{"reason": o.Reason}
			}
			return map[string]string{
				"reason": r.FailReason, "platform_id": r.PlatformID,
				"url": r.PublishURL, "published": r.PublishedAt.String(),
			}
		},
		request: decodeAs(func(p *regplatform.Intention, rev int) { p.Revision = rev }),
	}}
}

// Add records a new announcement in 待公开.
func (i *Intentions) Add(ctx context.Context, in regplatform.Intention) error {
	return i.db.Insert(ctx, i.name, in.SourceID, string(sm.IntentionPending), in)
}

// Confirm is the clerk's 【确认,推往采购监管平台】: the announcement waits for
// the engine in 采购监管平台发布中. From 发布失败 it starts the next revision.
func (i *Intentions) Confirm(ctx context.Context, sourceID string) error {
	return i.Fire(ctx, sourceID, sm.EventPushToPlatform, nil)
}

// Revise is the clerk's 修改 on a failed or pending announcement.
func (i *Intentions) Revise(ctx context.Context, sourceID string,
	edit func(*regplatform.Intention)) error {
	return i.Edit(ctx, sourceID, sm.EventEdit, edit)
}
