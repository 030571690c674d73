package main

import (
	"context"
	"fmt"

	"github.com/zcbridge/zcbridge/examples/internal/campus"
	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/regplatform"
	sm "github.com/zcbridge/zcbridge/statemachine"
)

// thresholds is the reporting configuration of the requirement.
const thresholds = "A:1000000,B:1000000,C:1000000,JC:1"

// copies is how many records each sample request is turned into.
const copies = 6

// ends are the statuses in which a record pushed to the platform is done,
// by their Chinese labels.
var ends = map[string]bool{
	sm.IntentionPublished.Label():    true,
	sm.SingleSourcePublicity.Label(): true,
	sm.PlanExecuting.Label():         true,
}

// host is the campus system: the three push flows over its database.
type host struct {
	db         *campus.DB
	intentions *campus.Intentions
	notices    *campus.Notices
	plans      *campus.Plans
}

func newHost(db *campus.DB) *host {
	t := sm.MustParseThresholds(thresholds)
	return &host{db: db, intentions: db.Intentions(), notices: db.Notices(t, suppliers()),
		plans: db.Plans(t)}
}

// suppliers is the campus supplier library: the suppliers of the samples.
func suppliers() sm.SupplierLibrary {
	byCode := map[string]sm.LibrarySupplier{}
	for i, n := range fixtures.Notices() {
		c := n.Supplier.CreditCode
		byCode[c] = sm.LibrarySupplier{ID: fmt.Sprintf("GYS%04d", i+1), Name: n.Supplier.Name,
			CreditCode: c}
	}
	return sm.SupplierLibraryFunc(func(_ context.Context,
		ref sm.SupplierRef) (sm.LibrarySupplier, error) {
		if s, ok := byCode[ref.CreditCode]; ok {
			return s, nil
		}
		return sm.LibrarySupplier{}, fmt.Errorf("%w: %s", sm.ErrSupplierNotFound, ref.CreditCode)
	})
}

// seed adds copies of every sample with its own source_id and plays the
// clerk's part up to the platform: confirm each intention, submit and
// approve each notice, approve and push each plan. It returns how many
// records wait for the platform; a notice below the limits stays on campus
// (校内单一来源公示) and is not counted.
func (h *host) seed(ctx context.Context) (int, error) {
	waiting := 0
	for i := range copies {
		for j, in := range fixtures.Intentions() {
			in.SourceID = fmt.Sprintf("MIYX%02d%02d", i, j)
			if err := h.intentions.Add(ctx, in); err != nil {
				return 0, err
			}
			if err := h.intentions.Confirm(ctx, in.SourceID); err != nil {
				return 0, err
			}
			waiting++
		}
		for j, n := range fixtures.Notices() {
			n.SourceID = fmt.Sprintf("MIDY%02d%02d", i, j)
			if err := h.notices.Add(ctx, n); err != nil {
				return 0, err
			}
			if err := h.notices.Submit(ctx, n.SourceID); err != nil {
				return 0, err
			}
			if err := h.notices.Approve(ctx, n.SourceID); err != nil {
				return 0, err
			}
			r, err := h.db.Get(ctx, regplatform.FlowSingleSource, n.SourceID)
			if err != nil {
				return 0, err
			}
			if r.Status == string(sm.SingleSourceAwaitingPlatform) {
				waiting++
			}
		}
		for j, p := range fixtures.Plans() {
			p.SourceID = fmt.Sprintf("MIJH%02d%02d", i, j)
			if err := h.plans.Add(ctx, p); err != nil {
				return 0, err
			}
			if err := h.plans.Approve(ctx, p.SourceID); err != nil {
				return 0, err
			}
			if err := h.plans.Push(ctx, p.SourceID); err != nil {
				return 0, err
			}
			waiting++
		}
	}
	return waiting, nil
}

// tally counts the records of every flow by status label.
func (h *host) tally(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, f := range []regplatform.Flow{regplatform.FlowIntention,
		regplatform.FlowSingleSource, regplatform.FlowPlan} {
		rows, err := h.db.All(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[label(f, r.Status)]++
		}
	}
	return out, nil
}

func label(f regplatform.Flow, status string) string {
	switch f {
	case regplatform.FlowIntention:
		return sm.IntentionState(status).Label()
	case regplatform.FlowSingleSource:
		return sm.SingleSourceState(status).Label()
	}
	return sm.PlanState(status).Label()
}
