package memstore

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/zcbridge/zcbridge/poll"
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

// errEmptyBody refuses a first body of no bytes: there is nothing to send.
var errEmptyBody = errors.New("memstore: body is empty")

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
	if ttl <= 0 {
		return poll.Lease{}, poll.Entry{}, fmt.Errorf("memstore: claim %s: lease ttl %v is not positive",
			keyString(key), ttl)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	e, ok := s.entries[key]
	if !ok {
		e = &poll.Entry{Key: key, State: poll.StatePending}
		s.entries[key] = e
	} else if !claimable(e, owner, now) {
		return poll.Lease{}, copyEntry(e), fmt.Errorf("memstore: claim %s by %s: %w",
			keyString(key), owner, poll.ErrNotClaimable)
	}

	e.Owner = owner
	e.Fence++
	e.LeaseUntil = now.Add(ttl)
	e.UpdatedAt = now
	l := poll.Lease{Key: key, Owner: owner, Fence: e.Fence, Until: e.LeaseUntil}
	return l, copyEntry(e), nil
}

// claimable says whether owner may claim e at now.
func claimable(e *poll.Entry, owner string, now time.Time) bool {
	if e.State != poll.StatePending && e.State != poll.StateInDoubt {
		return false
	}
	return e.LeaseUntil.IsZero() || !now.Before(e.LeaseUntil) || e.Owner == owner
}

// MarkSending implements poll.IdempotencyStore.
func (s *Store) MarkSending(ctx context.Context, l poll.Lease, body []byte) error {
	return s.fenced(ctx, "mark sending", l, func(e *poll.Entry) error {
		switch {
		case e.Body != nil && !bytes.Equal(e.Body, body):
			return poll.ErrBodyChanged
		case e.Body == nil && len(body) == 0:
			return errEmptyBody
		case e.Body == nil:
			e.Body = bytes.Clone(body)
		}
		e.State = poll.StateInDoubt
		e.Attempts++
		return nil
	})
}

// MarkNotSent implements poll.IdempotencyStore.
func (s *Store) MarkNotSent(ctx context.Context, l poll.Lease, reason string) error {
	return s.fenced(ctx, "mark not sent", l, func(e *poll.Entry) error {
		if e.State != poll.StateInDoubt {
			return poll.ErrWrongState
		}
		e.State = poll.StatePending
		e.LastError = reason
		return nil
	})
}

// MarkInDoubt implements poll.IdempotencyStore.
func (s *Store) MarkInDoubt(ctx context.Context, l poll.Lease, reason string) error {
	return s.fenced(ctx, "mark in doubt", l, func(e *poll.Entry) error {
		if e.State != poll.StateInDoubt {
			return poll.ErrWrongState
		}
		e.LastError = reason
		return nil
	})
}

// Accept implements poll.IdempotencyStore.
func (s *Store) Accept(ctx context.Context, l poll.Lease, receiptID string) error {
	return s.fenced(ctx, "accept", l, func(e *poll.Entry) error {
		if e.State != poll.StateInDoubt {
			return poll.ErrWrongState
		}
		e.State = poll.StateAccepted
		e.ReceiptID = receiptID
		e.LeaseUntil = time.Time{}
		return nil
	})
}

// Release implements poll.IdempotencyStore.
func (s *Store) Release(ctx context.Context, l poll.Lease) error {
	return s.fenced(ctx, "release", l, func(e *poll.Entry) error {
		e.LeaseUntil = time.Time{}
		return nil
	})
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
	if !ok || e.Fence != l.Fence || e.Owner != l.Owner || e.LeaseUntil.IsZero() {
		return fmt.Errorf("memstore: %s %s fence %d: %w", op, keyString(l.Key), l.Fence,
			poll.ErrLeaseLost)
	}
	if e.State != poll.StatePending && e.State != poll.StateInDoubt {
		return fmt.Errorf("memstore: %s %s: state %s: %w", op, keyString(l.Key), e.State,
			poll.ErrWrongState)
	}

	// Write on a copy, so that a refused write changes nothing.
	next := *e
	if err := write(&next); err != nil {
		return fmt.Errorf("memstore: %s %s: state %s: %w", op, keyString(l.Key), e.State, err)
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
	e, ok := s.entries[key]
	switch {
	case !ok:
		return fmt.Errorf("memstore: finish %s: no entry: %w", keyString(key), poll.ErrWrongState)
	case e.State == poll.StateFinished:
		return nil
	case e.State != poll.StateAccepted && e.State != poll.StateInDoubt:
		return fmt.Errorf("memstore: finish %s: state %s: %w", keyString(key), e.State,
			poll.ErrWrongState)
	}
	e.State = poll.StateFinished
	e.Outcome = outcome
	e.LeaseUntil = time.Time{}
	e.UpdatedAt = s.now()
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

// keyString names k in errors as flow/source_id/revision.
func keyString(k poll.Key) string {
	return fmt.Sprintf("%s/%s/%d", k.Flow, k.SourceID, k.Revision)
}
