package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/internal/storerules"
)

// Claim takes a lease of ttl on key for owner; see poll.IdempotencyStore. It
// fails with poll.ErrNotClaimable, returning the current entry, when another
// owner's lease has not ended or the push is accepted or finished.
func (s *Store) Claim(ctx context.Context, key poll.Key, owner string,
	ttl time.Duration) (poll.Lease, poll.Entry, error) {
	if err := storerules.CheckTTL(ttl); err != nil {
		return poll.Lease{}, poll.Entry{}, fmt.Errorf("pgstore: claim %s: %w",
			storerules.KeyString(key), err)
	}
	now := s.now()
	until := now.Add(ttl)

	row := s.pool.QueryRow(ctx, s.q.claim,
		key.Flow, key.SourceID, key.Revision, owner, until, now)
	e, err := scanEntry(row)
	if isNoRows(err) {
		return s.refusedClaim(ctx, key)
	}
	if err != nil {
		return poll.Lease{}, poll.Entry{}, fmt.Errorf("pgstore: claim %s: %w",
			storerules.KeyString(key), err)
	}

	l := poll.Lease{Key: key, Owner: e.Owner, Fence: e.Fence, Until: e.LeaseUntil}
	return l, e, nil
}

// refusedClaim reads the entry a claim was refused on, for the caller to see
// who holds it.
func (s *Store) refusedClaim(ctx context.Context, key poll.Key) (poll.Lease, poll.Entry, error) {
	e, _, err := s.Get(ctx, key)
	if err != nil {
		return poll.Lease{}, poll.Entry{}, fmt.Errorf("pgstore: claim %s: %w",
			storerules.KeyString(key), err)
	}
	return poll.Lease{}, e, fmt.Errorf("pgstore: claim %s: %w", storerules.KeyString(key),
		poll.ErrNotClaimable)
}

// MarkSending keeps body and moves the entry in doubt, counting an attempt.
// It fails with poll.ErrLeaseLost when l is no longer the key's latest
// claim, with poll.ErrBodyChanged when a different body is already kept, and
// with an error for an empty first body.
func (s *Store) MarkSending(ctx context.Context, l poll.Lease, body []byte) error {
	if body == nil {
		body = []byte{}
	}
	return s.fencedExec(ctx, storerules.OpMarkSending, l, s.q.markSending, body, s.now())
}

// MarkNotSent moves an in-doubt entry back to pending with reason, keeping
// the body. It fails with poll.ErrLeaseLost when l is stale and with
// poll.ErrWrongState when the entry is not in doubt.
func (s *Store) MarkNotSent(ctx context.Context, l poll.Lease, reason string) error {
	return s.fencedExec(ctx, storerules.OpMarkNotSent, l, s.q.markNotSent, reason, s.now())
}

// MarkInDoubt records reason on an in-doubt entry. It fails with
// poll.ErrLeaseLost when l is stale and with poll.ErrWrongState when the
// entry is not in doubt.
func (s *Store) MarkInDoubt(ctx context.Context, l poll.Lease, reason string) error {
	return s.fencedExec(ctx, storerules.OpMarkInDoubt, l, s.q.markInDoubt, reason, s.now())
}

// Accept records receiptID on an in-doubt entry, moves it to accepted and
// ends the lease. It fails with poll.ErrLeaseLost when l is stale and with
// poll.ErrWrongState when the entry is not in doubt.
func (s *Store) Accept(ctx context.Context, l poll.Lease, receiptID string) error {
	return s.fencedExec(ctx, storerules.OpAccept, l, s.q.accept, receiptID, s.now())
}

// Release ends the lease without changing the state. It fails with
// poll.ErrLeaseLost when l is stale or already ended.
func (s *Store) Release(ctx context.Context, l poll.Lease) error {
	return s.fencedExec(ctx, storerules.OpRelease, l, s.q.release, s.now())
}

// Finish marks an accepted or in-doubt push finished with outcome and ends
// any lease on it. Finishing a finished push again succeeds and keeps the
// first outcome. It fails with poll.ErrWrongState for a pending push or an
// unknown key.
func (s *Store) Finish(ctx context.Context, key poll.Key, outcome string) error {
	tag, err := s.pool.Exec(ctx, s.q.finish,
		key.Flow, key.SourceID, key.Revision, outcome, s.now())
	if err != nil {
		return fmt.Errorf("pgstore: finish %s: %w", storerules.KeyString(key), err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}

	e, ok, err := s.Get(ctx, key)
	switch {
	case err != nil:
		return fmt.Errorf("pgstore: finish %s: %w", storerules.KeyString(key), err)
	case !ok:
		return fmt.Errorf("pgstore: finish %s (no entry): %w", storerules.KeyString(key),
			poll.ErrWrongState)
	case e.State == poll.StateFinished:
		return nil
	default:
		return fmt.Errorf("pgstore: finish %s (state %s): %w",
			storerules.KeyString(key), e.State, poll.ErrWrongState)
	}
}

// Get returns the entry for key; ok is false when there is none.
func (s *Store) Get(ctx context.Context, key poll.Key) (poll.Entry, bool, error) {
	row := s.pool.QueryRow(ctx, s.q.get, key.Flow, key.SourceID, key.Revision)
	e, err := scanEntry(row)
	if isNoRows(err) {
		return poll.Entry{}, false, nil
	}
	if err != nil {
		return poll.Entry{}, false, fmt.Errorf("pgstore: get %s: %w",
			storerules.KeyString(key), err)
	}
	return e, true, nil
}

// List returns flow's entries in state, oldest update first, at most limit
// (0 for no limit).
func (s *Store) List(ctx context.Context, flow string, state poll.PushState,
	limit int) ([]poll.Entry, error) {
	var lim *int
	if limit > 0 {
		lim = &limit
	}

	rows, err := s.pool.Query(ctx, s.q.list, flow, string(state), lim)
	if err != nil {
		return nil, fmt.Errorf("pgstore: list %s %s: %w", flow, state, err)
	}
	entries, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (poll.Entry, error) {
		return scanEntry(r)
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: list %s %s: %w", flow, state, err)
	}
	return entries, nil
}

// fencedExec runs a fenced update of l's key with args after the key and
// fence. When no row changed it works out why: a lost lease, a changed body
// or a state that does not allow the write.
func (s *Store) fencedExec(ctx context.Context, op string, l poll.Lease, query string,
	args ...any) error {
	all := append([]any{l.Key.Flow, l.Key.SourceID, l.Key.Revision, l.Fence}, args...)
	tag, err := s.pool.Exec(ctx, query, all...)
	if err != nil {
		return fmt.Errorf("pgstore: %s %s: %w", op, storerules.KeyString(l.Key), err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}

	e, ok, err := s.Get(ctx, l.Key)
	if err != nil {
		return fmt.Errorf("pgstore: %s %s: %w", op, storerules.KeyString(l.Key), err)
	}
	return fmt.Errorf("pgstore: %s %s: %w", op, storerules.KeyString(l.Key),
		storerules.Refusal(op, l, e, ok))
}

// scanEntry reads one row of entryColumns.
func scanEntry(row pgx.Row) (poll.Entry, error) {
	var (
		e     poll.Entry
		state string
		until *time.Time
	)
	err := row.Scan(&e.Key.Flow, &e.Key.SourceID, &e.Key.Revision, &state, &e.Owner,
		&e.Fence, &until, &e.Body, &e.ReceiptID, &e.Outcome, &e.LastError, &e.Attempts,
		&e.UpdatedAt)
	if err != nil {
		return poll.Entry{}, err
	}
	e.State = poll.PushState(state)
	if until != nil {
		e.LeaseUntil = *until
	}
	return e, nil
}
