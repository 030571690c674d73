package pgstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/internal/storerules"
)

// Enqueue adds d unless a delivery with its ID exists. A zero CreatedAt is
// set from the store's clock, and a zero NextAt to CreatedAt (due at once).
func (s *Store) Enqueue(ctx context.Context, d poll.Delivery) error {
	d = storerules.NewDelivery(d, s.now())

	_, err := s.pool.Exec(ctx, s.q.enqueue, d.ID, d.Sink, d.Payload, d.Attempts,
		d.NextAt, d.LastError, d.CreatedAt)
	if err != nil {
		return fmt.Errorf("pgstore: enqueue %s: %w", d.ID, err)
	}
	return nil
}

// Due takes at most limit deliveries (0 for no limit) whose NextAt is not
// after now, oldest NextAt first, and moves their NextAt to now+lease in the
// same statement. Rows another session is taking at that moment are skipped,
// not waited for. The deliveries returned carry the new NextAt.
func (s *Store) Due(ctx context.Context, now time.Time, lease time.Duration,
	limit int) ([]poll.Delivery, error) {
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	now = now.Truncate(time.Microsecond)

	rows, err := s.pool.Query(ctx, s.q.due, now, now.Add(lease), lim)
	if err != nil {
		return nil, fmt.Errorf("pgstore: due: %w", err)
	}
	type due struct {
		d   poll.Delivery
		was time.Time
	}
	taken, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (due, error) {
		var x due
		err := r.Scan(&x.d.ID, &x.d.Sink, &x.d.Payload, &x.d.Attempts, &x.d.NextAt,
			&x.d.LastError, &x.d.CreatedAt, &x.was)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: due: %w", err)
	}

	// UPDATE ... RETURNING keeps no order; restore the one the rows were
	// picked in.
	slices.SortFunc(taken, func(a, b due) int {
		return cmp.Or(a.was.Compare(b.was), a.d.CreatedAt.Compare(b.d.CreatedAt),
			cmp.Compare(a.d.ID, b.d.ID))
	})
	out := make([]poll.Delivery, len(taken))
	for i, x := range taken {
		out[i] = x.d
	}
	return out, nil
}

// Ack removes the delivery id. Acknowledging an unknown or already
// acknowledged delivery succeeds.
func (s *Store) Ack(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, s.q.ack, id); err != nil {
		return fmt.Errorf("pgstore: ack %s: %w", id, err)
	}
	return nil
}

// Retry counts a failed try of delivery id and sets its NextAt and
// LastError. Retrying an unknown (for example already acknowledged)
// delivery succeeds and changes nothing.
func (s *Store) Retry(ctx context.Context, id string, next time.Time, reason string) error {
	next = next.Truncate(time.Microsecond)
	if _, err := s.pool.Exec(ctx, s.q.retry, id, next, reason); err != nil {
		return fmt.Errorf("pgstore: retry %s: %w", id, err)
	}
	return nil
}
