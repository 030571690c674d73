package crashtest

import (
	"context"
	"fmt"

	"github.com/zcbridge/zcbridge/regplatform"
)

// Republish plays the clerk: every record the platform refused is sent back
// to its flow's waiting status, as the next revision, by the flow's own
// events (推往采购监管平台; for notices 提交审批 and 审批通过). It returns how
// many records it moved; a record that changed meanwhile is left for the
// next call.
func (h *Host) Republish(ctx context.Context) (int, error) {
	moved := 0
	for _, name := range []regplatform.Flow{regplatform.FlowIntention,
		regplatform.FlowSingleSource, regplatform.FlowPlan} {
		n, err := h.republishFlow(ctx, h.flows[name])
		moved += n
		if err != nil {
			return moved, err
		}
	}
	return moved, nil
}

func (h *Host) republishFlow(ctx context.Context, f flow) (int, error) {
	rows, err := h.pool.Query(ctx, h.sql(`SELECT source_id, revision, request FROM {records}
		WHERE flow = $1 AND status = $2 ORDER BY source_id`), string(f.name()), f.refused())
	if err != nil {
		return 0, fmt.Errorf("crashtest: list refused %s: %w", f.name(), err)
	}
	refused, err := collectRecordRows(rows)
	if err != nil {
		return 0, fmt.Errorf("crashtest: list refused %s: %w", f.name(), err)
	}

	moved := 0
	for _, r := range refused {
		to, bump, err := f.republish(ctx, f.refused(), []byte(r.request))
		if err != nil {
			return moved, fmt.Errorf("crashtest: republish %s %s: %w", f.name(), r.id, err)
		}
		next := r.revision
		if bump {
			next++
		}
		tag, err := h.pool.Exec(ctx, h.sql(`UPDATE {records} SET status = $1, revision = $2
			WHERE flow = $3 AND source_id = $4 AND status = $5 AND revision = $6`),
			to, next, string(f.name()), r.id, f.refused(), r.revision)
		if err != nil {
			return moved, fmt.Errorf("crashtest: republish %s %s: %w", f.name(), r.id, err)
		}
		if tag.RowsAffected() == 1 {
			moved++
		}
	}
	return moved, nil
}
