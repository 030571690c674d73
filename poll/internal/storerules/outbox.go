package storerules

import (
	"time"

	"github.com/zcbridge/zcbridge/poll"
)

// NewDelivery fills the defaults of a delivery about to be enqueued: a
// zero CreatedAt becomes now, a zero NextAt becomes CreatedAt (due at
// once), and a nil Payload an empty one, which SQL keeps as NOT NULL.
func NewDelivery(d poll.Delivery, now time.Time) poll.Delivery {
	if d.CreatedAt.IsZero() {
		d.CreatedAt = now
	}
	if d.NextAt.IsZero() {
		d.NextAt = d.CreatedAt
	}
	if d.Payload == nil {
		d.Payload = []byte{}
	}
	return d
}
