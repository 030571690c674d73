package memstore

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/internal/storerules"
)

// Enqueue implements poll.Outbox. A zero NextAt makes the delivery due at
// its CreatedAt.
func (s *Store) Enqueue(ctx context.Context, d poll.Delivery) error {
	if err := ctx.Err(); err != nil {
		return err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.outbox[d.ID]; ok {
		return nil
	}
	d = storerules.NewDelivery(d, s.now())
	d.Payload = bytes.Clone(d.Payload)
	s.outbox[d.ID] = &d
	return nil
}

// Due implements poll.Outbox. It scans every delivery; ties in NextAt come
// in CreatedAt, then ID order.
func (s *Store) Due(ctx context.Context, now time.Time, lease time.Duration,
	limit int) ([]poll.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var due []*poll.Delivery
	for _, d := range s.outbox {
		if !d.NextAt.After(now) {
			due = append(due, d)
		}
	}
	slices.SortFunc(due, func(a, b *poll.Delivery) int {
		return cmp.Or(a.NextAt.Compare(b.NextAt), a.CreatedAt.Compare(b.CreatedAt),
			cmp.Compare(a.ID, b.ID))
	})
	if limit > 0 && len(due) > limit {
		due = due[:limit]
	}

	out := make([]poll.Delivery, len(due))
	for i, d := range due {
		d.NextAt = now.Add(lease)
		out[i] = *d
		out[i].Payload = bytes.Clone(d.Payload)
	}
	return out, nil
}

// Ack implements poll.Outbox.
func (s *Store) Ack(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.outbox, id)
	return nil
}

// Retry implements poll.Outbox.
func (s *Store) Retry(ctx context.Context, id string, next time.Time, reason string) error {
	if err := ctx.Err(); err != nil {
		return err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.outbox[id]
	if !ok {
		return nil
	}
	d.Attempts++
	d.NextAt = next
	d.LastError = reason
	return nil
}
