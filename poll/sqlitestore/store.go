package sqlitestore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/zcbridge/zcbridge/poll"
)

// DefaultBusyTimeout is how long Open lets SQLite wait for another
// connection's write lock before it reports busy: 5 seconds.
const DefaultBusyTimeout = 5 * time.Second

// Store is an idempotency store and outbox in one SQLite database. It is
// safe for concurrent use. Writes of one Store are serialised in process;
// writes of several Stores (or processes) on one file are serialised by
// SQLite's write lock, taken at the start of each transaction.
type Store struct {
	db          *sql.DB
	owned       bool
	now         func() time.Time
	busyTimeout time.Duration

	// writeMu keeps this Store's writers from queueing on SQLite's lock,
	// where they would only spin in the busy handler.
	writeMu sync.Mutex
}

var (
	_ poll.IdempotencyStore = (*Store)(nil)
	_ poll.Outbox           = (*Store)(nil)
)

// Option configures a Store.
type Option func(*Store)

// WithClock makes the store read time from now, for leases, UpdatedAt and
// CreatedAt. Defaults to time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// WithBusyTimeout sets SQLite's busy timeout on the connections Open makes.
// New ignores it: the caller's DSN decides. Defaults to DefaultBusyTimeout.
func WithBusyTimeout(d time.Duration) Option {
	return func(s *Store) { s.busyTimeout = d }
}

// Open opens (creating it if needed) the SQLite database file at path in
// WAL mode with a busy timeout, and migrates the store's schema. The Store
// owns the database and closes it on Close. path is a file name, not an
// SQLite URI; ":memory:" is not supported (use poll/memstore).
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	s := newStore(nil, opts)
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", s.busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	db, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	s.db = db
	s.owned = true

	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// New returns a Store on db, an SQLite database opened with the
// "sqlite" driver of modernc.org/sqlite, which the caller keeps and
// closes. New does not touch db: call Migrate before first use. The DSN
// should set WAL mode and a busy timeout, as Open does; without them the
// store still never reports SQLite's busy error, but waits in its own
// retry loop.
func New(db *sql.DB, opts ...Option) *Store {
	return newStore(db, opts)
}

func newStore(db *sql.DB, opts []Option) *Store {
	s := &Store{db: db, now: time.Now, busyTimeout: DefaultBusyTimeout}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// DB returns the database the store works on.
func (s *Store) DB() *sql.DB {
	return s.db
}

// Close closes the database if Open opened it; for a Store made by New it
// does nothing.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	return s.db.Close()
}

// write runs fn inside a transaction that holds SQLite's write lock from
// its first statement (BEGIN IMMEDIATE), so that two writers never both
// read a row and then both update it. A busy database makes the whole
// transaction start again until ctx ends; fn must be safe to rerun.
func (s *Store) write(ctx context.Context, fn func(conn *sql.Conn) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()

	return retryBusy(ctx, func() error {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()

		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			return err
		}
		if err := fn(conn); err != nil {
			rollback(conn)
			return err
		}
		// COMMIT runs even when ctx ended meanwhile: the work is done.
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "COMMIT"); err != nil {
			rollback(conn)
			return err
		}
		return nil
	})
}

// rollback ends the transaction on conn, or, if that fails, drops conn
// from the pool so that no later caller inherits an open transaction.
func rollback(conn *sql.Conn) {
	_, err := conn.ExecContext(context.Background(), "ROLLBACK")
	if err != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}

// read runs fn, retrying while the database is busy.
func (s *Store) read(ctx context.Context, fn func() error) error {
	return retryBusy(ctx, fn)
}

// Bounds of the pause between tries on a busy database.
const (
	minBusyPause = time.Millisecond
	maxBusyPause = 50 * time.Millisecond
)

// retryBusy runs fn until it returns something other than SQLite's busy
// or locked error, pausing between tries, or until ctx ends.
func retryBusy(ctx context.Context, fn func() error) error {
	pause := minBusyPause
	for {
		err := fn()
		if !isBusy(err) {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("sqlitestore: database stayed busy: %w", ctx.Err())
		case <-t.C:
		}
		pause = min(2*pause, maxBusyPause)
	}
}

// isBusy says whether err is SQLite's busy or locked error, extended codes
// included.
func isBusy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff
	return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
}
