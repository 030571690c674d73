package mysqlstore

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/zcbridge/zcbridge/poll"
)

// Schema is the SQL that Migrate runs, shipped as schema.sql for DBAs who
// create the tables themselves in the store's database.
//
//go:embed schema.sql
var Schema string

// MySQL server error numbers the store reacts to.
const (
	errDuplicateKey = 1062
	errLockWait     = 1205
	errDeadlock     = 1213
)

// Store is a poll.IdempotencyStore and poll.Outbox kept in MySQL or MariaDB
// (InnoDB). It is safe for concurrent use by many goroutines, processes and
// machines sharing one database.
type Store struct {
	db    *sql.DB
	owned bool
	clock func() time.Time
}

var (
	_ poll.IdempotencyStore = (*Store)(nil)
	_ poll.Outbox           = (*Store)(nil)
)

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock that every time the store writes or compares
// (lease expiry, updated_at, created_at) is read from. The database's NOW()
// is never used, so all processes sharing a store must have synchronised
// clocks. Defaults to time.Now.
func WithClock(clock func() time.Time) Option {
	return func(s *Store) { s.clock = clock }
}

// New returns a Store on db, a database/sql handle of go-sql-driver/mysql
// whose DSN selects the store's database. Any parseTime and loc settings
// work: the store writes and reads its times as UTC text. The handle stays
// the caller's: Close does not close it. Call Migrate (or run schema.sql)
// before use.
func New(db *sql.DB, opts ...Option) *Store {
	s := &Store{db: db, clock: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Open opens the database named by dsn (go-sql-driver/mysql format, for
// example "zcbridge:secret@tcp(db:3306)/zcbridge"), checks the connection
// and returns a Store that owns the handle. It does not migrate.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return nil, fmt.Errorf("mysqlstore: open: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("mysqlstore: connect: %w", err)
	}

	s := New(db, opts...)
	s.owned = true
	return s, nil
}

// Close closes the handle when Open created it; a handle passed to New is
// left open.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("mysqlstore: close: %w", err)
	}
	return nil
}

// Migrate creates the tables and their indexes when they are missing, by
// running the statements of Schema one by one. It is idempotent and safe to
// call from several processes at once.
func (s *Store) Migrate(ctx context.Context) error {
	for _, stmt := range statements(Schema) {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("mysqlstore: migrate: %w", err)
		}
	}
	return nil
}

// statements splits a schema file into its statements, dropping comment
// lines. Statements end with a semicolon at the end of a line.
func statements(schema string) []string {
	var (
		out []string
		cur strings.Builder
	)
	for line := range strings.Lines(schema) {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	return out
}

// now reads the clock at the database's precision, so a time the store
// returns equals the time it later reads back.
func (s *Store) now() time.Time {
	return s.clock().Truncate(time.Microsecond)
}

// isServerError reports whether err is a MySQL server error numbered one of
// numbers.
func isServerError(err error, numbers ...uint16) bool {
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		return false
	}
	for _, n := range numbers {
		if me.Number == n {
			return true
		}
	}
	return false
}
