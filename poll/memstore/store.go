package memstore

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/internal/storerules"
)

// Store is an in-memory idempotency store and outbox. It is safe for
// concurrent use; one mutex guards everything. The zero value is not
// usable; call New.
type Store struct {
	now func() time.Time

	mu      sync.Mutex
	entries map[poll.Key]*poll.Entry
	outbox  map[string]*poll.Delivery
}

// Option configures a Store.
type Option func(*Store)

// WithClock makes the store read time from now, for leases, UpdatedAt and
// CreatedAt. Defaults to time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

var (
	_ poll.IdempotencyStore = (*Store)(nil)
	_ poll.Outbox           = (*Store)(nil)
)

// New returns an empty Store.
func New(opts ...Option) *Store {
	s := &Store{
		now:     time.Now,
		entries: make(map[poll.Key]*poll.Entry),
		outbox:  make(map[string]*poll.Delivery),
	}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Claim implements poll.IdempotencyStore. A ttl that is not positive is an
// error.
func (s *Store) Claim(ctx context.Context, key poll.Key, owner string,
	ttl time.Duration) (poll.Lease, poll.Entry, error) {
	if err := ctx.Err(); err != nil {
		return poll.Lease{}, poll.Entry{}, err
	}
	if err := storerules.CheckTTL(ttl); err != nil {
		return poll.Lease{}, poll.Entry{}, fmt.Errorf("memstore: claim %s: %w",
			storerules.KeyString(key), err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	e, ok := s.entries[key]
	if !ok {
		e = &poll.Entry{Key: key, State: poll.StatePending}
		s.entries[key] = e
	} else if !storerules.Claimable(*e, owner, now) {
		return poll.Lease{}, copyEntry(e), fmt.Errorf("memstore: claim %s by %s: %w",
			storerules.KeyString(key), owner, poll.ErrNotClaimable)
	}

	l := storerules.Claim(e, owner, now, ttl)
	return l, copyEntry(e), nil
}

// MarkSending implements poll.IdempotencyStore.
func (s *Store) MarkSending(ctx context.Context, l poll.Lease, body []byte) error {
	return s.fenced(ctx, storerules.OpMarkSending, l, func(e *poll.Entry) error {
		return storerules.MarkSending(e, body)
	})
}

// MarkNotSent implements poll.IdempotencyStore.
func (s *Store) MarkNotSent(ctx context.Context, l poll.Lease, reason string) error {
	return s.fenced(ctx, storerules.OpMarkNotSent, l, func(e *poll.Entry) error {
		return storerules.MarkNotSent(e, reason)
	})
}

// MarkInDoubt implements poll.IdempotencyStore.
func (s *Store) MarkInDoubt(ctx context.Context, l poll.Lease, reason string) error {
	return s.fenced(ctx, storerules.OpMarkInDoubt, l, func(e *poll.Entry) error {
		return storerules.MarkInDoubt(e, reason)
	})
}

// Accept implements poll.IdempotencyStore.
func (s *Store) Accept(ctx context.Context, l poll.Lease, receiptID string) error {
	return s.fenced(ctx, storerules.OpAccept, l, func(e *poll.Entry) error {
		return storerules.Accept(e, receiptID)
	})
}

// Release implements poll.IdempotencyStore.
func (s *Store) Release(ctx context.Context, l poll.Lease) error {
	return s.fenced(ctx, storerules.OpRelease, l, storerules.Release)
}

// fenced runs write on the entry of l.Key if l is still its live lease,
// and stamps UpdatedAt when write succeeds. Errors name op and the key.
func (s *Store) fenced(ctx context.Context, op string, l poll.Lease,
	write func(e *poll.Entry) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[l.Key]
	var next poll.Entry
	if ok {
		next = *e
	}
	if err := storerules.CheckLease(next, ok, l); err != nil {
		return fmt.Errorf("memstore: %s %s: %w", op, storerules.KeyString(l.Key), err)
	}

	// Write on a copy, so that a refused write changes nothing.
	if err := write(&next); err != nil {
		return fmt.Errorf("memstore: %s %s: %w", op, storerules.KeyString(l.Key), err)
	}
	next.UpdatedAt = s.now()
	*e = next
	return nil
}

// Finish implements poll.IdempotencyStore.
func (s *Store) Finish(ctx context.Context, key poll.Key, outcome string) error {
	if err := ctx.Err(); err != nil {
		return err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var next poll.Entry
	e, ok := s.entries[key]
	if ok {
		next = *e
	}
	changed, err := storerules.Finish(&next, ok, outcome, s.now())
	if err != nil {
		return fmt.Errorf("memstore: finish %s: %w", storerules.KeyString(key), err)
	}
	if changed {
		*e = next
	}
	return nil
}

// Get implements poll.IdempotencyStore.
func (s *Store) Get(ctx context.Context, key poll.Key) (poll.Entry, bool, error) {
	if err := ctx.Err(); err != nil {
		return poll.Entry{}, false, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[key]
	if !ok {
		return poll.Entry{}, false, nil
	}
	return copyEntry(e), true, nil
}

// List implements poll.IdempotencyStore. It scans every entry; ties in
// UpdatedAt come in source id, then revision order.
func (s *Store) List(ctx context.Context, flow string, state poll.PushState,
	limit int) ([]poll.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	s.mu.Lock()
	var list []poll.Entry
	for _, e := range s.entries {
		if e.Key.Flow == flow && e.State == state {
			list = append(list, copyEntry(e))
		}
	}
	s.mu.Unlock()

	slices.SortFunc(list, func(a, b poll.Entry) int {
		return cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt),
			cmp.Compare(a.Key.SourceID, b.Key.SourceID),
			cmp.Compare(a.Key.Revision, b.Key.Revision))
	})
	if limit > 0 && len(list) > limit {
		list = list[:limit]
	}
	return list, nil
}

// copyEntry returns e with a body of its own.
func copyEntry(e *poll.Entry) poll.Entry {
	c := *e
	c.Body = bytes.Clone(e.Body)
	return c
}
