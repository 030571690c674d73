package poll

import (
	"context"

	"github.com/zcbridge/zcbridge/regplatform"
)

// Request is a push request of one flow: *regplatform.Intention,
// *regplatform.SingleSourceNotice or *regplatform.PlanFiling.
type Request interface {
	Validate() error
}

// Record is one host record waiting for the platform, as a Source lists it.
type Record struct {
	// SourceID names the record of its flow for good.
	SourceID string
	// Revision is the push version: 1 for the first push, the next one for
	// a republication after the platform failed or rejected the previous.
	Revision int
	// Request is the push built from the record. The engine validates and
	// encodes it only for the first send of a revision; a resend uses the
	// bytes the store kept.
	Request Request
}

// Source is implemented by the host, one per push flow. It reads the host's
// own tables; the engine keeps no copy of the records.
type Source interface {
	// Pending returns the records whose status waits for the platform (for
	// intentions, 采购监管平台发布中) with SourceID greater than after, in
	// SourceID byte order, at most limit. Paging by key means a record that
	// changes status during a tick shifts no other record between pages.
	Pending(ctx context.Context, after string, limit int) ([]Record, error)

	// Apply moves the record as the outcome says, with the flow's state
	// machine and a compare-and-set on the record's status. The same
	// outcome may be delivered more than once; applying it again must be
	// harmless.
	Apply(ctx context.Context, o Outcome) error
}

// OutcomeKind says what happened to a push.
type OutcomeKind string

// Outcome kinds handed to Source.Apply.
const (
	// OutcomePublished: an intention or notice was published.
	OutcomePublished OutcomeKind = "published"
	// OutcomeFailed: the platform refused to publish (FAILED); Reason says why.
	OutcomeFailed OutcomeKind = "failed"
	// OutcomeFiled: a plan was filed.
	OutcomeFiled OutcomeKind = "filed"
	// OutcomeRejected: a plan was rejected (REJECTED); Reason says why.
	OutcomeRejected OutcomeKind = "rejected"
	// OutcomeInvalid: the request failed validation and was not sent. The
	// record stays pending; Err names every bad field.
	OutcomeInvalid OutcomeKind = "invalid"
)

// Outcome is what the engine hands to a Source: one decided push, or a
// request that could not be sent.
type Outcome struct {
	Flow     regplatform.Flow
	SourceID string
	Revision int
	Kind     OutcomeKind
	// Reason is the platform's fail_reason for failed or rejected pushes.
	Reason string
	// Err is the validation error for OutcomeInvalid.
	Err error
	// Exactly one of these is set for platform outcomes, by flow.
	Intention *regplatform.IntentionResult
	Notice    *regplatform.NoticeResult
	Plan      *regplatform.PlanResult
}
