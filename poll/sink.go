package poll

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/zcbridge/zcbridge/regplatform"
)

// Sink receives successful publications, such as the campus portal (校端门户)
// or 云采通. A sink is reached through the durable outbox: a failed delivery
// is retried later and never blocks or undoes the record's status change.
type Sink interface {
	// Name identifies the sink for good. It is part of every delivery id,
	// so renaming a sink delivers pending publications again under the new
	// name.
	Name() string
	// Deliver hands d.Payload (a JSON Publication) to the receiver. A nil
	// error acknowledges the delivery; any error schedules a retry. The
	// receiver may see the same d.ID more than once and must dedupe by it.
	Deliver(ctx context.Context, d Delivery) error
}

// Publication is the payload of a sink delivery: one successful publication
// of an intention (采购意向) or a single-source notice (单一来源公示), as JSON.
type Publication struct {
	Flow     regplatform.Flow `json:"flow"`
	SourceID string           `json:"source_id"`
	Revision int              `json:"revision"`
	// PlatformID is the platform's id of the published record.
	PlatformID  string           `json:"platform_id"`
	PublishedAt regplatform.Time `json:"published_at"`
	// URL is publish_url for intentions and notice_url for notices.
	URL string `json:"url"`
	// Deadline is 公示截止时间, set for single-source notices only and left
	// out of the JSON otherwise.
	Deadline regplatform.Time `json:"deadline,omitzero"`
}

// ErrNotPublication is returned by NewPublication for an outcome that is not
// a successful publication of an intention or a notice.
var ErrNotPublication = errors.New("poll: outcome is not a publication")

// NewPublication builds the sink payload of o. It fails with an error
// wrapping ErrNotPublication when o is not OutcomePublished or carries no
// intention or notice result.
func NewPublication(o Outcome) (Publication, error) {
	if o.Kind != OutcomePublished {
		return Publication{}, fmt.Errorf("%w: %s %s is %s",
			ErrNotPublication, o.Flow, o.SourceID, o.Kind)
	}

	p := Publication{Flow: o.Flow, SourceID: o.SourceID, Revision: o.Revision}
	switch {
	case o.Intention != nil:
		p.PlatformID = o.Intention.PlatformID
		p.PublishedAt = o.Intention.PublishedAt
		p.URL = o.Intention.PublishURL
	case o.Notice != nil:
		p.PlatformID = o.Notice.PlatformID
		p.PublishedAt = o.Notice.PublishedAt
		p.URL = o.Notice.NoticeURL
		p.Deadline = o.Notice.Deadline
	default:
		return Publication{}, fmt.Errorf("%w: %s %s carries no intention or notice result",
			ErrNotPublication, o.Flow, o.SourceID)
	}
	return p, nil
}

// DeliveryID derives the id of the delivery of one revision of one record
// to one sink: 32 hex digits of a SHA-256 over the four parts. The same
// parts always give the same id, which is what makes enqueuing idempotent
// and lets receivers dedupe.
func DeliveryID(flow regplatform.Flow, sourceID string, revision int, sink string) string {
	h := sha256.New()
	// Flows and source_ids hold no NUL, so the parts cannot run together.
	for _, part := range []string{string(flow), sourceID, strconv.Itoa(revision), sink} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// EnqueuePublication puts one delivery of o per sink into outbox, due at
// now. The engine calls it after a publication succeeds and before
// Source.Apply, so that a crash between the two loses no delivery: the
// outcome is read again on restart and enqueuing it again keeps one
// delivery per sink. Outcomes other than OutcomePublished, and an empty
// sinks, enqueue nothing and return nil. It fails when o is published but
// carries no result, or when the outbox fails; deliveries enqueued before
// the failure stay.
func EnqueuePublication(
	ctx context.Context, outbox Outbox, sinks []Sink, o Outcome, now time.Time,
) error {
	if o.Kind != OutcomePublished || len(sinks) == 0 {
		return nil
	}

	p, err := NewPublication(o)
	if err != nil {
		return err
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("poll: encode publication of %s %s: %w", o.Flow, o.SourceID, err)
	}

	for _, s := range sinks {
		d := Delivery{
			ID:        DeliveryID(o.Flow, o.SourceID, o.Revision, s.Name()),
			Sink:      s.Name(),
			Payload:   payload,
			NextAt:    now,
			CreatedAt: now,
		}
		if err := outbox.Enqueue(ctx, d); err != nil {
			return fmt.Errorf("poll: enqueue %s %s revision %d for sink %s: %w",
				o.Flow, o.SourceID, o.Revision, s.Name(), err)
		}
	}
	return nil
}
