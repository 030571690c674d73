package crashtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
	sm "github.com/zcbridge/zcbridge/statemachine"
)

// Thresholds is the reporting configuration of the requirement; the clerk
// approves single-source notices with it.
const Thresholds = "A:1000000,B:1000000,C:1000000,JC:1"

// flow is one push flow of the host: which status the engine waits on,
// where a platform refusal leaves a record, the status of success, and the
// moves the flow's state machine allows.
type flow interface {
	name() regplatform.Flow
	// waiting is the status the engine lists (采购监管平台发布中 and alike).
	waiting() string
	// refused is where a failure or rejection leaves a record.
	refused() string
	// done is the status of a published notice or filed plan.
	done() string
	// decide fires the outcome's event on from and reports the new status
	// and whether the record moves to its next revision.
	decide(from string, kind poll.OutcomeKind) (to string, bump bool, err error)
	// republish fires the clerk's events that bring a refused record back
	// to waiting, with request (the stored push) for the facts they need.
	republish(ctx context.Context, from string, request []byte) (string, bool, error)
	// request decodes a stored push and stamps revision on it.
	request(body []byte, revision int) (poll.Request, error)
	// label is the Chinese status the host's screens show.
	label(status string) string
}

// labelled is a flow's state or event type.
type labelled interface {
	~string
	Label() string
}

// step is one clerk's event with the facts it is fired with.
type step[E labelled] struct {
	event E
	facts func(ctx context.Context, request []byte) (any, error)
}

// rules implements flow over one of the statemachine package's flows.
type rules[S, E labelled] struct {
	flowName   regplatform.Flow
	machine    *sm.Machine[S, E]
	wait, refu S
	success    S
	outcomes   map[poll.OutcomeKind]E
	again      []step[E]
	decode     func(body []byte, revision int) (poll.Request, error)
}

func (r *rules[S, E]) name() regplatform.Flow { return r.flowName }
func (r *rules[S, E]) waiting() string        { return string(r.wait) }
func (r *rules[S, E]) refused() string        { return string(r.refu) }
func (r *rules[S, E]) done() string           { return string(r.success) }
func (r *rules[S, E]) label(status string) string {
	if l := S(status).Label(); l != "" {
		return l
	}
	return status
}

func (r *rules[S, E]) request(body []byte, revision int) (poll.Request, error) {
	return r.decode(body, revision)
}

func (r *rules[S, E]) decide(from string, kind poll.OutcomeKind) (string, bool, error) {
	event, ok := r.outcomes[kind]
	if !ok {
		return "", false, fmt.Errorf("crashtest: %s: no event for outcome %q", r.flowName, kind)
	}
	to, err := r.machine.Fire(S(from), event, nil)
	if err != nil {
		return "", false, fmt.Errorf("crashtest: %s: %w", r.flowName, err)
	}
	return string(to), r.machine.BumpsRevision(S(from), event), nil
}

func (r *rules[S, E]) republish(ctx context.Context, from string,
	request []byte) (string, bool, error) {
	state, bump := S(from), false
	for _, s := range r.again {
		var facts any
		if s.facts != nil {
			f, err := s.facts(ctx, request)
			if err != nil {
				return "", false, err
			}
			facts = f
		}
		bump = bump || r.machine.BumpsRevision(state, s.event)
		next, err := r.machine.Fire(state, s.event, facts)
		if err != nil {
			return "", false, fmt.Errorf("crashtest: %s: %w", r.flowName, err)
		}
		state = next
	}
	return string(state), bump, nil
}

// flows returns the three push flows, keyed by name.
func flows() map[regplatform.Flow]flow {
	thresholds := sm.MustParseThresholds(Thresholds)
	library := supplierLibrary()
	approval := func(ctx context.Context, request []byte) (any, error) {
		var n regplatform.SingleSourceNotice
		if err := json.Unmarshal(request, &n); err != nil {
			return nil, fmt.Errorf("crashtest: decode notice: %w", err)
		}
		return sm.NewSingleSourceApproval(ctx, thresholds, library, &n, "")
	}

	return map[regplatform.Flow]flow{
		regplatform.FlowIntention: &rules[sm.IntentionState, sm.IntentionEvent]{
			flowName: regplatform.FlowIntention, machine: sm.Intention,
			wait: sm.IntentionPublishing, refu: sm.IntentionFailed,
			success: sm.IntentionPublished,
			outcomes: map[poll.OutcomeKind]sm.IntentionEvent{
				poll.OutcomePublished: sm.EventPlatformPublished,
				poll.OutcomeFailed:    sm.EventPlatformFailed,
			},
			again:  []step[sm.IntentionEvent]{{event: sm.EventPushToPlatform}},
			decode: decodeAs(func(p *regplatform.Intention, rev int) { p.Revision = rev }),
		},
		regplatform.FlowSingleSource: &rules[sm.SingleSourceState, sm.SingleSourceEvent]{
			flowName: regplatform.FlowSingleSource, machine: sm.SingleSource,
			wait: sm.SingleSourceAwaitingPlatform, refu: sm.SingleSourceDraft,
			success: sm.SingleSourcePublicity,
			outcomes: map[poll.OutcomeKind]sm.SingleSourceEvent{
				poll.OutcomePublished: sm.SingleSourceEventPlatformPublished,
				poll.OutcomeFailed:    sm.SingleSourceEventPlatformFailed,
			},
			again: []step[sm.SingleSourceEvent]{
				{event: sm.SingleSourceEventSubmit},
				{event: sm.SingleSourceEventApprove, facts: approval},
			},
			decode: decodeAs(func(p *regplatform.SingleSourceNotice, rev int) {
				p.Revision = rev
			}),
		},
		regplatform.FlowPlan: &rules[sm.PlanState, sm.PlanEvent]{
			flowName: regplatform.FlowPlan, machine: sm.Plan,
			wait: sm.PlanDeclaring, refu: sm.PlanDeclaration, success: sm.PlanExecuting,
			outcomes: map[poll.OutcomeKind]sm.PlanEvent{
				poll.OutcomeFiled:    sm.PlanEventFiled,
				poll.OutcomeRejected: sm.PlanEventRejected,
			},
			again:  []step[sm.PlanEvent]{{event: sm.PlanEventPushToPlatform}},
			decode: decodeAs(func(p *regplatform.PlanFiling, rev int) { p.Revision = rev }),
		},
	}
}

// decodeAs returns a decoder of the push type R that stamps the revision.
func decodeAs[R any, P interface {
	*R
	poll.Request
}](stamp func(P, int)) func([]byte, int) (poll.Request, error) {
	return func(body []byte, revision int) (poll.Request, error) {
		p := P(new(R))
		if err := json.Unmarshal(body, p); err != nil {
			return nil, fmt.Errorf("crashtest: decode request: %w", err)
		}
		stamp(p, revision)
		return p, nil
	}
}

// supplierLibrary is the campus supplier library: the suppliers of the
// sample notices, by 统一社会信用代码.
func supplierLibrary() sm.SupplierLibrary {
	byCode := map[string]sm.LibrarySupplier{}
	for i, n := range fixtures.Notices() {
		byCode[n.Supplier.CreditCode] = sm.LibrarySupplier{
			ID: fmt.Sprintf("GYS%04d", i+1), Name: n.Supplier.Name,
			CreditCode: n.Supplier.CreditCode,
		}
	}
	return sm.SupplierLibraryFunc(func(_ context.Context,
		ref sm.SupplierRef) (sm.LibrarySupplier, error) {
		if s, ok := byCode[ref.CreditCode]; ok {
			return s, nil
		}
		return sm.LibrarySupplier{}, fmt.Errorf("crashtest: %s: %w", ref.CreditCode,
			sm.ErrSupplierNotFound)
	})
}

// errNoRecord is returned for an outcome of a record the host does not hold.
var errNoRecord = errors.New("crashtest: no such record")
