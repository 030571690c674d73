package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/zcbridge/zcbridge/examples/internal/campus"
	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/sqlitestore"
	"github.com/zcbridge/zcbridge/regplatform"
	sm "github.com/zcbridge/zcbridge/statemachine"
)

// The records the mock platform refuses at first, as the samples' scenarios
// say; the clerk edits each and pushes it again as the next revision.
const (
	failingIntention = "YX2021020023"
	failingNotice    = "DY2026000102"
	rejectedPlan     = "202002270009"
	etradePlan       = "202611150021"
	mallPlan         = "202611200005"
)

// script tells the mock platform how the samples behave.
func script(p *mock.Platform) {
	p.Script(regplatform.FlowIntention, failingIntention, mock.Script{
		Outcomes: map[int]mock.Outcome{1: {Status: regplatform.StatusFailed, Reason: "数据格式有误"}},
	})
	p.Script(regplatform.FlowSingleSource, failingNotice, mock.Script{
		Outcomes: map[int]mock.Outcome{1: {Status: regplatform.StatusFailed, Reason: "公示内容不完整"}},
	})
	p.Script(regplatform.FlowPlan, rejectedPlan, mock.Script{
		Outcomes: map[int]mock.Outcome{
			1: {Status: regplatform.StatusRejected, Reason: "采购方式与品目不符"},
		},
	})
	p.Script(regplatform.FlowPlan, etradePlan, mock.Script{Execution: &mock.Execution{
		BusinessType: regplatform.BusinessETrade,
		Packages: map[string]mock.PackageOutcome{
			"2": {Status: regplatform.PackageAbandoned, Reason: "有效供应商不足三家"},
			"3": {Correction: true},
		},
	}})
	p.Script(regplatform.FlowPlan, mallPlan, mock.Script{Execution: &mock.Execution{
		BusinessType: regplatform.BusinessMall,
	}})
}

// host is the campus system's side: its three flows over the campus
// database.
type host struct {
	db         *campus.DB
	intentions *campus.Intentions
	notices    *campus.Notices
	plans      *campus.Plans
}

func newHost(db *campus.DB, t sm.Thresholds) (*host, error) {
	return &host{
		db:         db,
		intentions: db.Intentions(),
		notices:    db.Notices(t, supplierLibrary()),
		plans:      db.Plans(t),
	}, nil
}

// supplierLibrary is the campus supplier library (供应商库): the suppliers
// of the sample notices, keyed by 统一社会信用代码.
func supplierLibrary() sm.SupplierLibrary {
	byCode := make(map[string]sm.LibrarySupplier)
	for i, n := range fixtures.Notices() {
		s := n.Supplier
		byCode[s.CreditCode] = sm.LibrarySupplier{
			ID: fmt.Sprintf("GYS%04d", i+1), Name: s.Name, CreditCode: s.CreditCode,
		}
	}
	return sm.SupplierLibraryFunc(func(_ context.Context,
		ref sm.SupplierRef) (sm.LibrarySupplier, error) {
		if s, ok := byCode[ref.CreditCode]; ok {
			return s, nil
		}
		return sm.LibrarySupplier{}, fmt.Errorf("%w: %s", sm.ErrSupplierNotFound, ref.CreditCode)
	})
}

// seed adds the sample records and plays the clerk's first steps: confirm
// every intention for the platform, submit and approve every notice (the
// reporting rule decides where each goes), approve and push every plan.
func (h *host) seed(ctx context.Context) error {
	for _, in := range fixtures.Intentions() {
		if err := h.intentions.Add(ctx, in); err != nil {
			return err
		}
		if err := h.intentions.Confirm(ctx, in.SourceID); err != nil {
			return err
		}
	}
	for _, n := range fixtures.Notices() {
		if err := h.notices.Add(ctx, n); err != nil {
			return err
		}
		if err := h.submitNotice(ctx, n.SourceID); err != nil {
			return err
		}
	}
	for _, p := range fixtures.Plans() {
		if err := h.plans.Add(ctx, p); err != nil {
			return err
		}
		if err := h.plans.Approve(ctx, p.SourceID); err != nil {
			return err
		}
		if err := h.plans.Push(ctx, p.SourceID); err != nil {
			return err
		}
	}
	return nil
}

func (h *host) submitNotice(ctx context.Context, sourceID string) error {
	if err := h.notices.Submit(ctx, sourceID); err != nil {
		return err
	}
	return h.notices.Approve(ctx, sourceID)
}

// react plays the clerk after a refusal: edit the record and push it again.
// The platform's reason says what to fix; here the edit is a small wording
// change, enough to make the next revision a different body.
func (h *host) react(ctx context.Context, c campus.Change) error {
	switch {
	case c.Flow == regplatform.FlowIntention && c.Cause == sm.EventPlatformFailed.Label():
		err := h.intentions.Revise(ctx, c.SourceID, func(in *regplatform.Intention) {
			in.Title += "(已更正)"
		})
		if err != nil {
			return err
		}
		return h.intentions.Confirm(ctx, c.SourceID)

	case c.Flow == regplatform.FlowSingleSource &&
		c.Cause == sm.SingleSourceEventPlatformFailed.Label():
		err := h.notices.Revise(ctx, c.SourceID, func(n *regplatform.SingleSourceNotice) {
			n.Content += "公示内容已补充完整。"
		})
		if err != nil {
			return err
		}
		return h.submitNotice(ctx, c.SourceID)

	case c.Flow == regplatform.FlowPlan && c.Cause == sm.PlanEventRejected.Label():
		err := h.plans.Revise(ctx, c.SourceID, func(p *regplatform.PlanFiling) {
			p.ProcurementMethod = regplatform.MethodInquiry
		})
		if err != nil {
			return err
		}
		return h.plans.Push(ctx, c.SourceID)
	}
	return nil
}

// done reports whether every record has reached the end of its flow.
func (h *host) done(ctx context.Context) (bool, error) {
	ends := map[regplatform.Flow][]string{
		regplatform.FlowIntention: {string(sm.IntentionPublished)},
		regplatform.FlowSingleSource: {
			string(sm.SingleSourcePublicity), string(sm.SingleSourceCampus),
		},
		regplatform.FlowPlan: {
			string(sm.ResultRecorded), string(sm.ResultTerminated), string(sm.PlanNotRequired),
		},
	}
	for flow, want := range ends {
		rows, err := h.db.All(ctx, flow)
		if err != nil {
			return false, err
		}
		for _, r := range rows {
			if !slices.Contains(want, r.Status) {
				return false, nil
			}
		}
	}
	return true, nil
}

// newEngine wires the engine: the three push flows, results tracking of the
// executing plans, the end of single-source publicity, and the two sinks.
func newEngine(client *regplatform.Client, store *sqlitestore.Store, h *host,
	sinks []poll.Sink, logger *slog.Logger) (*poll.Engine, error) {
	tracker, err := poll.NewResultsTracker(poll.ResultsTrackerConfig{
		Reader: client.Results, Source: h.plans, Logger: logger,
	})
	if err != nil {
		return nil, err
	}
	expiry, err := poll.NewExpiryJob(poll.ExpiryJobConfig{Source: h.notices, Logger: logger})
	if err != nil {
		return nil, err
	}
	return poll.New(poll.Config{
		Store: store,
		Flows: []poll.Flow{
			poll.IntentionFlow(client.Intentions, h.intentions),
			poll.SingleSourceFlow(client.SingleSource, h.notices),
			poll.PlanFlow(client.Plans, h.plans),
		},
		Jobs:   []poll.Job{tracker, expiry},
		Sinks:  sinks,
		Owner:  "quickstart",
		Logger: logger,
		// The mock decides quickly; a real platform wants the defaults.
		PollMin:  20 * time.Millisecond,
		PollMax:  200 * time.Millisecond,
		LeaseTTL: 10 * time.Second,
	})
}
