package mysqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/internal/storerules"
)

// Enqueue adds d unless a delivery with its ID exists. A zero CreatedAt is
// set from the store's clock, and a zero NextAt to CreatedAt (due at once).
func (s *Store) Enqueue(ctx context.Context, d poll.Delivery) error {
	d = storerules.NewDelivery(d, s.now())

	_, err := s.db.ExecContext(ctx, enqueueSQL, d.ID, d.Sink, d.Payload, d.Attempts,
		dbTime(d.NextAt), d.LastError, dbTime(d.CreatedAt))
	if err != nil {
		return fmt.Errorf("mysqlstore: enqueue %s: %w", d.ID, err)
	}
	return nil
}

// Due takes at most limit deliveries (0 for no limit) whose NextAt is not
// after now, oldest NextAt first, and moves their NextAt to now+lease in one
// transaction. Rows another session is taking at that moment are skipped
// (FOR UPDATE SKIP LOCKED), not waited for. The deliveries returned carry
// the new NextAt.
func (s *Store) Due(ctx context.Context, now time.Time, lease time.Duration,
	limit int) ([]poll.Delivery, error) {
	now = now.Truncate(time.Microsecond)
	next := now.Add(lease).Truncate(time.Microsecond)

	// READ COMMITTED locks only the rows picked, not the gaps between
	// them, so Due does not hold up Enqueue.
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return nil, fmt.Errorf("mysqlstore: due: %w", err)
	}
	defer func() { _ = tx.Rollback() }()

	ds, err := selectDue(ctx, tx, now, limit)
	if err != nil {
		return nil, fmt.Errorf("mysqlstore: due: %w", err)
	}
	if len(ds) == 0 {
		return nil, tx.Commit()
	}

	for i := range ds {
		ds[i].NextAt = next
	}
	for chunk := range slices.Chunk(ds, dueUpdateChunk) {
		if err := leaseDue(ctx, tx, chunk, next); err != nil {
			return nil, fmt.Errorf("mysqlstore: due: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("mysqlstore: due: %w", err)
	}
	return ds, nil
}

// dueUpdateChunk is how many deliveries one UPDATE of Due names, well
// below the 65535 parameters a prepared statement may have.
const dueUpdateChunk = 1000

// leaseDue moves the NextAt of the deliveries ds, locked by tx, to next.
func leaseDue(ctx context.Context, tx *sql.Tx, ds []poll.Delivery, next time.Time) error {
	args := make([]any, 0, len(ds)+1)
	args = append(args, dbTime(next))
	for _, d := range ds {
		args = append(args, d.ID)
	}
	marks := "(?" + strings.Repeat(", ?", len(ds)-1) + ")"
	_, err := tx.ExecContext(ctx, dueUpdateSQL+marks, args...)
	return err
}

// selectDue locks and reads the due deliveries, oldest first.
func selectDue(ctx context.Context, tx *sql.Tx, now time.Time,
	limit int) ([]poll.Delivery, error) {
	query := dueSelectSQL
	if limit > 0 {
		query += " LIMIT " + strconv.Itoa(limit)
	}
	query += " FOR UPDATE SKIP LOCKED"

	rows, err := tx.QueryContext(ctx, query, dbTime(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ds []poll.Delivery
	for rows.Next() {
		var d poll.Delivery
		err := rows.Scan(&d.ID, &d.Sink, &d.Payload, &d.Attempts, &d.LastError,
			utcTime{&d.CreatedAt})
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, rows.Err()
}

// Ack removes the delivery id. Acknowledging an unknown or already
// acknowledged delivery succeeds.
func (s *Store) Ack(ctx context.Context, id string) error {
	if _, err := s.db.ExecContext(ctx, ackSQL, id); err != nil {
		return fmt.Errorf("mysqlstore: ack %s: %w", id, err)
	}
	return nil
}

// Retry counts a failed try of delivery id and sets its NextAt and
// LastError. Retrying an unknown (for example already acknowledged)
// delivery succeeds and changes nothing.
func (s *Store) Retry(ctx context.Context, id string, next time.Time, reason string) error {
	next = next.Truncate(time.Microsecond)
	if _, err := s.db.ExecContext(ctx, retrySQL, dbTime(next), reason, id); err != nil {
		return fmt.Errorf("mysqlstore: retry %s: %w", id, err)
	}
	return nil
}
