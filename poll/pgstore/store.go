package pgstore

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/zcbridge/zcbridge/poll"
)

// Schema is the SQL that Migrate runs, shipped as schema.sql for DBAs who
// create the tables themselves. It creates unqualified tables, so run it with
// the store's schema first on the search_path.
//
//go:embed schema.sql
var Schema string

// Table names, as schema.sql creates them.
const (
	pushTable   = "zcbridge_push"
	outboxTable = "zcbridge_outbox"
)

// migrateLockID is the advisory lock key that serialises concurrent Migrate
// calls, which would otherwise race on CREATE TABLE IF NOT EXISTS.
const migrateLockID = 0x7a63625f70757368 // "zcb_push"

// Store is a poll.IdempotencyStore and poll.Outbox kept in PostgreSQL. It is
// safe for concurrent use by many goroutines, processes and machines sharing
// one database.
type Store struct {
	pool   *pgxpool.Pool
	owned  bool
	schema string
	clock  func() time.Time
	q      queries
}

var (
	_ poll.IdempotencyStore = (*Store)(nil)
	_ poll.Outbox           = (*Store)(nil)
)

// Option configures a Store.
type Option func(*Store)

// WithSchema keeps the tables in the named schema instead of the first schema
// of the connection's search_path. Migrate creates the schema when it is
// missing. Defaults to "" (the search_path).
func WithSchema(name string) Option {
	return func(s *Store) { s.schema = name }
}

// WithClock sets the clock that every time the store writes or compares
// (lease expiry, updated_at, created_at) is read from. The database's now()
// is never used, so all processes sharing a store must have synchronised
// clocks. Defaults to time.Now.
func WithClock(clock func() time.Time) Option {
	return func(s *Store) { s.clock = clock }
}

// New returns a Store that uses pool. The pool stays the caller's: Close does
// not close it. Call Migrate (or run schema.sql) before use.
func New(pool *pgxpool.Pool, opts ...Option) *Store {
	s := &Store{pool: pool, clock: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	s.q = newQueries(s.qualify(pushTable), s.qualify(outboxTable))
	return s
}

// Open connects to the database at url (a PostgreSQL URL or key=value
// connection string, see pgxpool.ParseConfig), checks the connection and
// returns a Store that owns the pool. It does not migrate.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("pgstore: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: connect: %w", err)
	}

	s := New(pool, opts...)
	s.owned = true
	return s, nil
}

// Close closes the pool when Open created it; a pool passed to New is left
// open. It always returns nil.
func (s *Store) Close() error {
	if s.owned {
		s.pool.Close()
	}
	return nil
}

// Migrate creates the schema (when one is configured), the tables and their
// indexes when they are missing, by running Schema. It is idempotent and
// safe to call from several processes at once.
func (s *Store) Migrate(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrateLockID))
		if err != nil {
			return err
		}
		if s.schema != "" {
			ident := pgx.Identifier{s.schema}.Sanitize()
			if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+ident); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "SET LOCAL search_path TO "+ident); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, Schema)
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	return nil
}

func (s *Store) qualify(table string) string {
	if s.schema == "" {
		return table
	}
	return pgx.Identifier{s.schema, table}.Sanitize()
}

// now reads the clock at the database's precision, so a time the store
// returns equals the time it later reads back.
func (s *Store) now() time.Time {
	return s.clock().Truncate(time.Microsecond)
}

func isNoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }
