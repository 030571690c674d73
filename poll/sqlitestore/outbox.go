package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/internal/storerules"
)

// Enqueue implements poll.Outbox. A zero NextAt makes the delivery due at
// its CreatedAt.
func (s *Store) Enqueue(ctx context.Context, d poll.Delivery) error {
	d = storerules.NewDelivery(d, s.now())

	err := s.write(ctx, func(conn *sql.Conn) error {
		_, err := conn.ExecContext(ctx, `INSERT INTO zcbridge_outbox
			(id, sink, payload, attempts, next_at, last_error, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			d.ID, d.Sink, d.Payload, d.Attempts, toNanos(d.NextAt), d.LastError,
			toNanos(d.CreatedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: enqueue %s: %w", d.ID, err)
	}
	return nil
}

// dueWhere picks the due deliveries in order; its parameters are now and
// the limit.
const dueWhere = `next_at <= ? ORDER BY next_at, created_at, id LIMIT ?`

// Due implements poll.Outbox. Ties in NextAt come in CreatedAt, then ID
// order.
func (s *Store) Due(ctx context.Context, now time.Time, lease time.Duration,
	limit int) ([]poll.Delivery, error) {
	if limit <= 0 {
		limit = -1 // SQLite's "no limit"
	}
	until := now.Add(lease)

	var due []poll.Delivery
	err := s.write(ctx, func(conn *sql.Conn) error {
		due = nil
		rows, err := conn.QueryContext(ctx, `SELECT id, sink, payload, attempts, last_error,
			created_at FROM zcbridge_outbox WHERE `+dueWhere, toNanos(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d := poll.Delivery{NextAt: until}
			var createdAt int64
			err := rows.Scan(&d.ID, &d.Sink, &d.Payload, &d.Attempts, &d.LastError, &createdAt)
			if err != nil {
				return err
			}
			d.CreatedAt = fromNanos(createdAt)
			due = append(due, d)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if len(due) == 0 {
			return nil
		}

		// The write lock is held, so the same condition picks the same rows;
		// naming them by a subquery rather than one parameter each keeps any
		// number of them under SQLite's limit on parameters.
		_, err = conn.ExecContext(ctx, `UPDATE zcbridge_outbox SET next_at = ?
			WHERE id IN (SELECT id FROM zcbridge_outbox WHERE `+dueWhere+`)`,
			toNanos(until), toNanos(now), limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: due: %w", err)
	}
	return due, nil
}

// Ack implements poll.Outbox.
func (s *Store) Ack(ctx context.Context, id string) error {
	err := s.write(ctx, func(conn *sql.Conn) error {
		_, err := conn.ExecContext(ctx, `DELETE FROM zcbridge_outbox WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: ack %s: %w", id, err)
	}
	return nil
}

// Retry implements poll.Outbox.
func (s *Store) Retry(ctx context.Context, id string, next time.Time, reason string) error {
	err := s.write(ctx, func(conn *sql.Conn) error {
		_, err := conn.ExecContext(ctx, `UPDATE zcbridge_outbox
			SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?`,
			toNanos(next), reason, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: retry %s: %w", id, err)
	}
	return nil
}
