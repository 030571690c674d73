package mock

import (
	"fmt"

	"github.com/zcbridge/zcbridge/regplatform"
)

// Script tells the platform how one record (flow, source_id) behaves, in
// place of the defaults: every revision published or filed, a plan executed
// as ETRADE with every package awarded, no faults.
type Script struct {
	// Outcomes decides revisions by number. A revision that is not listed
	// is published (intentions, notices) or filed (plans).
	Outcomes map[int]Outcome `json:"outcomes,omitempty"`
	// Faults are one-off failures for given attempts; they take the place
	// of the rate-based choice for those attempts.
	Faults []KeyFault `json:"faults,omitempty"`
	// Execution scripts how a filed plan is executed (2.8.x). Nil means the
	// default: ETRADE, every package awarded.
	Execution *Execution `json:"execution,omitempty"`
}

// Outcome is how the platform decides one revision.
type Outcome struct {
	// Status is FAILED (intentions, notices), REJECTED (plans), or
	// PUBLISHING / FILING to hold the record undecided for good.
	Status regplatform.Status `json:"status"`
	// Reason is the fail_reason of FAILED and REJECTED.
	Reason string `json:"reason,omitempty"`
}

// KeyFault is a scripted failure of one attempt of one revision.
type KeyFault struct {
	// Revision is the revision the fault applies to.
	Revision int `json:"revision"`
	// Attempt counts the requests the platform has seen for the revision,
	// from 1. 0 means every attempt.
	Attempt int   `json:"attempt"`
	Fault   Fault `json:"fault"`
}

// Execution scripts the execution of a filed plan. The platform moves it
// one step at a time (see Config.StepAfterReads): first the tender
// announcement (ETRADE only), then each package in package_no order —
// a correction announcement first when asked, then the bids, the close and
// the award or the reason — until every package is closed (COMPLETED) or
// the procurement is terminated (TERMINATED).
type Execution struct {
	// BusinessType is ETRADE or MALL. Defaults to ETRADE.
	BusinessType regplatform.BusinessType `json:"business_type,omitempty"`
	// Packages scripts packages by package_no; an unlisted package is
	// awarded to a generated supplier at its budget.
	Packages map[string]PackageOutcome `json:"packages,omitempty"`
	// TerminateAfter, when Terminate is set, is how many packages close
	// normally before the procurement is terminated.
	TerminateAfter int `json:"terminate_after,omitempty"`
	// Terminate, when not empty, is the reason the procurement is
	// terminated; every package still open is then ABANDONED with it.
	Terminate string `json:"terminate,omitempty"`
}

// PackageOutcome is how one package of a plan closes.
type PackageOutcome struct {
	// Status is AWARDED (default), ABANDONED or FAILED.
	Status regplatform.PackageStatus `json:"status,omitempty"`
	// Reason is the status_reason of ABANDONED and FAILED.
	Reason string `json:"reason,omitempty"`
	// Supplier and CreditCode name the winner; generated when empty.
	Supplier   string `json:"supplier,omitempty"`
	CreditCode string `json:"credit_code,omitempty"`
	// Amount is the award amount. Defaults to the package budget.
	Amount regplatform.Money `json:"amount,omitzero"`
	// Correction puts a correction announcement before the package closes.
	Correction bool `json:"correction,omitempty"`
	// Bidders is how many bids the package receives (ETRADE). Defaults to
	// 3 for AWARDED, 2 for ABANDONED and 0 for FAILED.
	Bidders int `json:"bidders,omitempty"`
}

// check reports a script that cannot be played for flow.
func (s Script) check(flow regplatform.Flow) error {
	for rev, o := range s.Outcomes {
		if rev < 1 {
			return fmt.Errorf("%w: outcome for revision %d", ErrConfig, rev)
		}
		if !outcomeAllowed(flow, o.Status) {
			return fmt.Errorf("%w: outcome %q for flow %s", ErrConfig, o.Status, flow)
		}
	}
	for _, f := range s.Faults {
		if f.Revision < 1 || f.Attempt < 0 || !f.Fault.valid() {
			return fmt.Errorf("%w: fault %+v", ErrConfig, f)
		}
	}
	if s.Execution != nil {
		return s.Execution.check()
	}
	return nil
}

func outcomeAllowed(flow regplatform.Flow, st regplatform.Status) bool {
	if flow == regplatform.FlowPlan {
		return st == regplatform.StatusRejected || st == regplatform.StatusFiling ||
			st == regplatform.StatusFiled
	}
	return st == regplatform.StatusFailed || st == regplatform.StatusPublishing ||
		st == regplatform.StatusPublished
}

func (e Execution) check() error {
	switch e.BusinessType {
	case "", regplatform.BusinessETrade, regplatform.BusinessMall:
	default:
		return fmt.Errorf("%w: business type %q", ErrConfig, e.BusinessType)
	}
	for no, p := range e.Packages {
		switch p.Status {
		case "", regplatform.PackageAwarded, regplatform.PackageAbandoned,
			regplatform.PackageFailed:
		default:
			return fmt.Errorf("%w: package %s status %q", ErrConfig, no, p.Status)
		}
		if p.Bidders < 0 {
			return fmt.Errorf("%w: package %s bidders %d", ErrConfig, no, p.Bidders)
		}
	}
	if e.TerminateAfter < 0 {
		return fmt.Errorf("%w: terminate_after %d", ErrConfig, e.TerminateAfter)
	}
	return nil
}

// scriptedFault returns the scripted fault for an attempt, if any.
func (s Script) scriptedFault(revision, attempt int) (Fault, bool) {
	for _, f := range s.Faults {
		if f.Revision == revision && (f.Attempt == 0 || f.Attempt == attempt) {
			return f.Fault, true
		}
	}
	return FaultNone, false
}
