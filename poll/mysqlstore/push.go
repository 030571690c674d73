package mysqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/internal/storerules"
)

// claimTries bounds how often a claim is tried again after InnoDB chose it
// as a deadlock victim or its lock wait timed out.
const claimTries = 5

// Claim takes a lease of ttl on key for owner; see poll.IdempotencyStore. It
// fails with poll.ErrNotClaimable, returning the current entry, when another
// owner's lease has not ended or the push is accepted or finished.
func (s *Store) Claim(ctx context.Context, key poll.Key, owner string,
	ttl time.Duration) (poll.Lease, poll.Entry, error) {
	if err := storerules.CheckTTL(ttl); err != nil {
		return poll.Lease{}, poll.Entry{}, fmt.Errorf("mysqlstore: claim %s: %w",
			storerules.KeyString(key), err)
	}
	now := s.now()
	// Cut to the column's precision, as the entry created below reports it.
	until := now.Add(ttl).Truncate(time.Microsecond)

	var (
		e   poll.Entry
		won bool
		err error
	)
	for try := 1; ; try++ {
		e, won, err = s.claimOnce(ctx, key, owner, now, until)
		if err == nil || try == claimTries || !isServerError(err, errDeadlock, errLockWait) {
			break
		}
	}
	if err != nil {
		return poll.Lease{}, poll.Entry{}, fmt.Errorf("mysqlstore: claim %s: %w",
			storerules.KeyString(key), err)
	}
	if !won {
		return poll.Lease{}, e, fmt.Errorf("mysqlstore: claim %s: %w", storerules.KeyString(key),
			poll.ErrNotClaimable)
	}

	l := poll.Lease{Key: key, Owner: e.Owner, Fence: e.Fence, Until: e.LeaseUntil}
	return l, e, nil
}

// claimOnce takes over the entry of key when it exists, or else creates it.
// When another session creates it first, the takeover is tried once more
// and decides. won is false when the key may not be claimed; e is then the
// current entry.
func (s *Store) claimOnce(ctx context.Context, key poll.Key, owner string,
	now, until time.Time) (e poll.Entry, won bool, err error) {
	e, found, won, err := s.takeOver(ctx, key, owner, now, until)
	if err != nil || found {
		return e, won, err
	}

	_, err = s.db.ExecContext(ctx, claimInsertSQL, key.Flow, key.SourceID, key.Revision,
		owner, dbTime(until), dbTime(now))
	if err == nil {
		e = poll.Entry{Key: key, State: poll.StatePending, Owner: owner, Fence: 1,
			LeaseUntil: until, UpdatedAt: now}
		return e, true, nil
	}
	if !isServerError(err, errDuplicateKey) {
		return poll.Entry{}, false, err
	}

	e, _, won, err = s.takeOver(ctx, key, owner, now, until)
	return e, won, err
}

// takeOver claims the existing entry of key if it may be claimed, and reads
// the entry in the same transaction. found is false when there is no entry.
func (s *Store) takeOver(ctx context.Context, key poll.Key, owner string,
	now, until time.Time) (e poll.Entry, found, won bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return poll.Entry{}, false, false, err
	}
	defer func() { _ = tx.Rollback() }()

	res, err := tx.ExecContext(ctx, claimUpdateSQL, owner, dbTime(until), dbTime(now),
		key.Flow, key.SourceID, key.Revision, dbTime(now), owner)
	if err != nil {
		return poll.Entry{}, false, false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return poll.Entry{}, false, false, err
	}

	e, err = scanEntry(tx.QueryRowContext(ctx, getSQL, key.Flow, key.SourceID, key.Revision))
	if errors.Is(err, sql.ErrNoRows) {
		return poll.Entry{}, false, false, tx.Commit()
	}
	if err != nil {
		return poll.Entry{}, false, false, err
	}
	return e, true, n == 1, tx.Commit()
}

// MarkSending keeps body and moves the entry in doubt, counting an attempt.
// It fails with poll.ErrLeaseLost when l is no longer the key's latest
// claim, with poll.ErrBodyChanged when a different body is already kept, and
// with an error for an empty first body.
func (s *Store) MarkSending(ctx context.Context, l poll.Lease, body []byte) error {
	if body == nil {
		body = []byte{}
	}
	return s.fencedExec(ctx, storerules.OpMarkSending, l, markSendingSQL, nil,
		[]any{body, dbTime(s.now())}, body, body)
}

// MarkNotSent moves an in-doubt entry back to pending with reason, keeping
// the body. It fails with poll.ErrLeaseLost when l is stale and with
// poll.ErrWrongState when the entry is not in doubt.
func (s *Store) MarkNotSent(ctx context.Context, l poll.Lease, reason string) error {
	return s.fencedExec(ctx, storerules.OpMarkNotSent, l, markNotSentSQL, nil,
		[]any{reason, dbTime(s.now())})
}

// MarkInDoubt records reason on an in-doubt entry. It fails with
// poll.ErrLeaseLost when l is stale and with poll.ErrWrongState when the
// entry is not in doubt.
func (s *Store) MarkInDoubt(ctx context.Context, l poll.Lease, reason string) error {
	// Writing the reason and time already kept changes no row, which
	// MySQL reports as zero rows affected; the entry then already is as
	// asked.
	inDoubt := func(e poll.Entry) bool { return e.State == poll.StateInDoubt }
	return s.fencedExec(ctx, storerules.OpMarkInDoubt, l, markInDoubtSQL, inDoubt,
		[]any{reason, dbTime(s.now())})
}

// Accept records receiptID on an in-doubt entry, moves it to accepted and
// ends the lease. It fails with poll.ErrLeaseLost when l is stale and with
// poll.ErrWrongState when the entry is not in doubt.
func (s *Store) Accept(ctx context.Context, l poll.Lease, receiptID string) error {
	return s.fencedExec(ctx, storerules.OpAccept, l, acceptSQL, nil,
		[]any{receiptID, dbTime(s.now())})
}

// Release ends the lease without changing the state. It fails with
// poll.ErrLeaseLost when l is stale or already ended.
func (s *Store) Release(ctx context.Context, l poll.Lease) error {
	return s.fencedExec(ctx, storerules.OpRelease, l, releaseSQL, nil, []any{dbTime(s.now())})
}

// Finish marks an accepted or in-doubt push finished with outcome and ends
// any lease on it. Finishing a finished push again succeeds and keeps the
// first outcome. It fails with poll.ErrWrongState for a pending push or an
// unknown key.
func (s *Store) Finish(ctx context.Context, key poll.Key, outcome string) error {
	res, err := s.db.ExecContext(ctx, finishSQL, outcome, dbTime(s.now()),
		key.Flow, key.SourceID, key.Revision)
	if err != nil {
		return fmt.Errorf("mysqlstore: finish %s: %w", storerules.KeyString(key), err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 1 {
		return nil
	}

	e, ok, err := s.Get(ctx, key)
	switch {
	case err != nil:
		return fmt.Errorf("mysqlstore: finish %s: %w", storerules.KeyString(key), err)
	case !ok:
		return fmt.Errorf("mysqlstore: finish %s (no entry): %w", storerules.KeyString(key),
			poll.ErrWrongState)
	case e.State == poll.StateFinished:
		return nil
	default:
		return fmt.Errorf("mysqlstore: finish %s (state %s): %w",
			storerules.KeyString(key), e.State, poll.ErrWrongState)
	}
}

// Get returns the entry for key; ok is false when there is none.
func (s *Store) Get(ctx context.Context, key poll.Key) (poll.Entry, bool, error) {
	row := s.db.QueryRowContext(ctx, getSQL, key.Flow, key.SourceID, key.Revision)
	e, err := scanEntry(row)
	if errors.Is(err, sql.ErrNoRows) {
		return poll.Entry{}, false, nil
	}
	if err != nil {
		return poll.Entry{}, false, fmt.Errorf("mysqlstore: get %s: %w",
			storerules.KeyString(key), err)
	}
	return e, true, nil
}

// List returns flow's entries in state, oldest update first, at most limit
// (0 for no limit).
func (s *Store) List(ctx context.Context, flow string, state poll.PushState,
	limit int) ([]poll.Entry, error) {
	query := listSQL
	if limit > 0 {
		query += " LIMIT " + strconv.Itoa(limit)
	}

	rows, err := s.db.QueryContext(ctx, query, flow, string(state))
	if err != nil {
		return nil, fmt.Errorf("mysqlstore: list %s %s: %w", flow, state, err)
	}
	defer rows.Close()
	var entries []poll.Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("mysqlstore: list %s %s: %w", flow, state, err)
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mysqlstore: list %s %s: %w", flow, state, err)
	}
	return entries, nil
}

// fencedExec runs a fenced update of l's key: set are the arguments before
// the WHERE clause, extra those after the fence. When no row changed it
// works out why: a lost lease, a changed body or a state that does not
// allow the write. When unchanged is set and holds for the entry, the
// update matched but changed nothing, which is success.
func (s *Store) fencedExec(ctx context.Context, op string, l poll.Lease, query string,
	unchanged func(poll.Entry) bool, set []any, extra ...any) error {
	args := append(set, l.Key.Flow, l.Key.SourceID, l.Key.Revision, l.Fence)
	args = append(args, extra...)
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("mysqlstore: %s %s: %w", op, storerules.KeyString(l.Key), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("mysqlstore: %s %s: %w", op, storerules.KeyString(l.Key), err)
	}
	if n == 1 {
		return nil
	}

	e, ok, err := s.Get(ctx, l.Key)
	if err != nil {
		return fmt.Errorf("mysqlstore: %s %s: %w", op, storerules.KeyString(l.Key), err)
	}
	refusal := storerules.Refusal(op, l, e, ok)
	if unchanged != nil && !errors.Is(refusal, poll.ErrLeaseLost) && unchanged(e) {
		return nil
	}
	return fmt.Errorf("mysqlstore: %s %s: %w", op, storerules.KeyString(l.Key), refusal)
}

// rowScanner is what *sql.Row and *sql.Rows have in common.
type rowScanner interface {
	Scan(dest ...any) error
}

// scanEntry reads one row of entryColumns.
func scanEntry(row rowScanner) (poll.Entry, error) {
	var (
		e     poll.Entry
		state string
	)
	err := row.Scan(&e.Key.Flow, &e.Key.SourceID, &e.Key.Revision, &state, &e.Owner,
		&e.Fence, utcTime{&e.LeaseUntil}, &e.Body, &e.ReceiptID, &e.Outcome, &e.LastError,
		&e.Attempts, utcTime{&e.UpdatedAt})
	if err != nil {
		return poll.Entry{}, err
	}
	e.State = poll.PushState(state)
	return e, nil
}
