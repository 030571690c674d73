package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/internal/storerules"
)

const entryColumns = `flow, source_id, revision, state, owner, fence, lease_until, body,
	receipt_id, outcome, last_error, attempts, updated_at`

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// scanEntry reads one row of entryColumns.
func scanEntry(row scanner) (poll.Entry, error) {
	var e poll.Entry
	var state string
	var leaseUntil, updatedAt int64
	err := row.Scan(&e.Key.Flow, &e.Key.SourceID, &e.Key.Revision, &state, &e.Owner,
		&e.Fence, &leaseUntil, &e.Body, &e.ReceiptID, &e.Outcome, &e.LastError,
		&e.Attempts, &updatedAt)
	if err != nil {
		return poll.Entry{}, err
	}
	e.State = poll.PushState(state)
	e.LeaseUntil = fromNanos(leaseUntil)
	e.UpdatedAt = fromNanos(updatedAt)
	return e, nil
}

// load reads the entry of key inside a write transaction.
func load(ctx context.Context, conn *sql.Conn, key poll.Key) (poll.Entry, bool, error) {
	row := conn.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM zcbridge_push
		WHERE flow = ? AND source_id = ? AND revision = ?`,
		key.Flow, key.SourceID, key.Revision)
	e, err := scanEntry(row)
	if errors.Is(err, sql.ErrNoRows) {
		return poll.Entry{}, false, nil
	}
	if err != nil {
		return poll.Entry{}, false, err
	}
	return e, true, nil
}

// save writes e whole, inserting it if it is new.
func save(ctx context.Context, conn *sql.Conn, e poll.Entry) error {
	_, err := conn.ExecContext(ctx, `INSERT INTO zcbridge_push (`+entryColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (flow, source_id, revision) DO UPDATE SET
			state = excluded.state, owner = excluded.owner, fence = excluded.fence,
			lease_until = excluded.lease_until, body = excluded.body,
			receipt_id = excluded.receipt_id, outcome = excluded.outcome,
			last_error = excluded.last_error, attempts = excluded.attempts,
			updated_at = excluded.updated_at`,
		e.Key.Flow, e.Key.SourceID, e.Key.Revision, string(e.State), e.Owner, e.Fence,
		toNanos(e.LeaseUntil), e.Body, e.ReceiptID, e.Outcome, e.LastError, e.Attempts,
		toNanos(e.UpdatedAt))
	return err
}

// Claim implements poll.IdempotencyStore. A ttl that is not positive is an
// error.
func (s *Store) Claim(ctx context.Context, key poll.Key, owner string,
	ttl time.Duration) (poll.Lease, poll.Entry, error) {
	if err := storerules.CheckTTL(ttl); err != nil {
		return poll.Lease{}, poll.Entry{}, fmt.Errorf("sqlitestore: claim %s: %w",
			storerules.KeyString(key), err)
	}

	var l poll.Lease
	var e poll.Entry
	err := s.write(ctx, func(conn *sql.Conn) error {
		var found bool
		var err error
		e, found, err = load(ctx, conn, key)
		if err != nil {
			return err
		}
		now := s.now()
		if !found {
			e = poll.Entry{Key: key, State: poll.StatePending}
		} else if !storerules.Claimable(e, owner, now) {
			return poll.ErrNotClaimable
		}

		l = storerules.Claim(&e, owner, now, ttl)
		return save(ctx, conn, e)
	})
	if errors.Is(err, poll.ErrNotClaimable) {
		return poll.Lease{}, e, fmt.Errorf("sqlitestore: claim %s by %s: %w",
			storerules.KeyString(key), owner, err)
	}
	if err != nil {
		return poll.Lease{}, poll.Entry{}, fmt.Errorf("sqlitestore: claim %s: %w",
			storerules.KeyString(key), err)
	}
	return l, e, nil
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

// fenced runs change on the entry of l.Key if l is still its live lease,
// and saves the entry with UpdatedAt stamped when change succeeds. Errors
// name op and the key.
func (s *Store) fenced(ctx context.Context, op string, l poll.Lease,
	change func(e *poll.Entry) error) error {
	err := s.write(ctx, func(conn *sql.Conn) error {
		e, found, err := load(ctx, conn, l.Key)
		if err != nil {
			return err
		}
		if err := storerules.CheckLease(e, found, l); err != nil {
			return err
		}

		if err := change(&e); err != nil {
			return err
		}
		e.UpdatedAt = s.now()
		return save(ctx, conn, e)
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: %s %s: %w", op, storerules.KeyString(l.Key), err)
	}
	return nil
}

// Finish implements poll.IdempotencyStore.
func (s *Store) Finish(ctx context.Context, key poll.Key, outcome string) error {
	err := s.write(ctx, func(conn *sql.Conn) error {
		e, found, err := load(ctx, conn, key)
		if err != nil {
			return err
		}
		changed, err := storerules.Finish(&e, found, outcome, s.now())
		if err != nil || !changed {
			return err
		}
		return save(ctx, conn, e)
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: finish %s: %w", storerules.KeyString(key), err)
	}
	return nil
}

// Get implements poll.IdempotencyStore.
func (s *Store) Get(ctx context.Context, key poll.Key) (poll.Entry, bool, error) {
	var e poll.Entry
	var found bool
	err := s.read(ctx, func() error {
		row := s.db.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM zcbridge_push
			WHERE flow = ? AND source_id = ? AND revision = ?`,
			key.Flow, key.SourceID, key.Revision)
		var err error
		e, err = scanEntry(row)
		found = err == nil
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return poll.Entry{}, false, fmt.Errorf("sqlitestore: get %s: %w",
			storerules.KeyString(key), err)
	}
	return e, found, nil
}

// List implements poll.IdempotencyStore. Ties in UpdatedAt come in source
// id, then revision order.
func (s *Store) List(ctx context.Context, flow string, state poll.PushState,
	limit int) ([]poll.Entry, error) {
	if limit <= 0 {
		limit = -1 // SQLite's "no limit"
	}

	var list []poll.Entry
	err := s.read(ctx, func() error {
		list = nil
		rows, err := s.db.QueryContext(ctx, `SELECT `+entryColumns+` FROM zcbridge_push
			WHERE flow = ? AND state = ?
			ORDER BY updated_at, source_id, revision LIMIT ?`, flow, string(state), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanEntry(rows)
			if err != nil {
				return err
			}
			list = append(list, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: list %s %s: %w", flow, state, err)
	}
	return list, nil
}
