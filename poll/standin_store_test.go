package poll_test

// TEMPORARY: a stand-in idempotency store for the engine tests until
// poll/memstore lands; it is replaced by memstore and then deleted.

import (
	"bytes"
	"context"
	"sync"
	"time"

	"github.com/zcbridge/zcbridge/poll"
)

type standinStore struct {
	now func() time.Time

	mu      sync.Mutex
	fence   int64
	entries map[poll.Key]*poll.Entry
}

func newStandinStore(now func() time.Time) *standinStore {
	return &standinStore{now: now, entries: make(map[poll.Key]*poll.Entry)}
}

func (s *standinStore) Claim(ctx context.Context, key poll.Key, owner string,
	ttl time.Duration) (poll.Lease, poll.Entry, error) {
	if err := ctx.Err(); err != nil {
		return poll.Lease{}, poll.Entry{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	now := s.now()
	e, ok := s.entries[key]
	if !ok {
		e = &poll.Entry{Key: key, State: poll.StatePending}
		s.entries[key] = e
	}
	live := !e.LeaseUntil.IsZero() && now.Before(e.LeaseUntil)
	if e.State == poll.StateAccepted || e.State == poll.StateFinished ||
		(live && e.Owner != owner) {
		return poll.Lease{}, s.copy(e), poll.ErrNotClaimable
	}
	s.fence++
	e.Owner, e.Fence, e.LeaseUntil, e.UpdatedAt = owner, s.fence, now.Add(ttl), now
	return poll.Lease{Key: key, Owner: owner, Fence: e.Fence, Until: e.LeaseUntil},
		s.copy(e), nil
}

func (s *standinStore) copy(e *poll.Entry) poll.Entry {
	c := *e
	c.Body = bytes.Clone(e.Body)
	return c
}

// fenced returns the entry of l when l is still its latest, live lease.
func (s *standinStore) fenced(l poll.Lease) (*poll.Entry, error) {
	e, ok := s.entries[l.Key]
	if !ok || e.Fence != l.Fence || e.LeaseUntil.IsZero() {
		return nil, poll.ErrLeaseLost
	}
	return e, nil
}

func (s *standinStore) MarkSending(ctx context.Context, l poll.Lease, body []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	e, err := s.fenced(l)
	if err != nil {
		return err
	}
	if len(e.Body) > 0 && !bytes.Equal(e.Body, body) {
		return poll.ErrBodyChanged
	}
	e.Body = bytes.Clone(body)
	e.State = poll.StateInDoubt
	e.Attempts++
	e.UpdatedAt = s.now()
	return nil
}

func (s *standinStore) mark(l poll.Lease, to poll.PushState, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	e, err := s.fenced(l)
	if err != nil {
		return err
	}
	if e.State != poll.StateInDoubt {
		return poll.ErrWrongState
	}
	e.State, e.LastError, e.UpdatedAt = to, reason, s.now()
	return nil
}

func (s *standinStore) MarkNotSent(_ context.Context, l poll.Lease, reason string) error {
	return s.mark(l, poll.StatePending, reason)
}

func (s *standinStore) MarkInDoubt(_ context.Context, l poll.Lease, reason string) error {
	return s.mark(l, poll.StateInDoubt, reason)
}

func (s *standinStore) Accept(_ context.Context, l poll.Lease, receiptID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	e, err := s.fenced(l)
	if err != nil {
		return err
	}
	if e.State != poll.StateInDoubt {
		return poll.ErrWrongState
	}
	e.State, e.ReceiptID, e.LeaseUntil, e.UpdatedAt = poll.StateAccepted, receiptID,
		time.Time{}, s.now()
	return nil
}

func (s *standinStore) Release(_ context.Context, l poll.Lease) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	e, err := s.fenced(l)
	if err != nil {
		return err
	}
	e.LeaseUntil = time.Time{}
	return nil
}

func (s *standinStore) Finish(_ context.Context, key poll.Key, outcome string) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	e, ok := s.entries[key]
	if !ok {
		return poll.ErrWrongState
	}
	switch e.State {
	case poll.StateFinished:
		return nil
	case poll.StateAccepted, poll.StateInDoubt:
		e.State, e.Outcome, e.LeaseUntil, e.UpdatedAt = poll.StateFinished, outcome,
			time.Time{}, s.now()
		return nil
	}
	return poll.ErrWrongState
}

func (s *standinStore) Get(_ context.Context, key poll.Key) (poll.Entry, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	e, ok := s.entries[key]
	if !ok {
		return poll.Entry{}, false, nil
	}
	return s.copy(e), true, nil
}

func (s *standinStore) List(_ context.Context, flow string, state poll.PushState,
	limit int) ([]poll.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	var out []poll.Entry
	for _, e := range s.entries {
		if e.Key.Flow == flow && e.State == state && (limit == 0 || len(out) < limit) {
			out = append(out, s.copy(e))
		}
	}
	return out, nil
}
