package sqlitestore_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/sqlitestore"
)

// engines is how many Stores share one file in the contention tests, and
// workers how many goroutines use each.
const engines, workers, keys = 2, 8, 40

// contend has workers on every store claim each of the keys, pushing what
// they win to the end, and checks that each key was won exactly once and
// that no error but ErrNotClaimable ever surfaced (no "database is
// locked").
func contend(t *testing.T, stores []*sqlitestore.Store) {
	ctx := t.Context()
	var mu sync.Mutex
	wins := make(map[poll.Key][]string)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for e, s := range stores {
		for w := range workers {
			owner := fmt.Sprintf("engine-%d-worker-%d", e, w)
			wg.Go(func() {
				<-start
				// Each worker walks the keys from its own offset, so that
				// workers collide on different keys at different times.
				for i := range keys {
					n := (i + w*keys/workers) % keys
					k := poll.Key{Flow: "intention", SourceID: fmt.Sprintf("YX%04d", n),
						Revision: 1}
					l, _, err := s.Claim(ctx, k, owner, time.Minute)
					if err != nil {
						assert.ErrorIs(t, err, poll.ErrNotClaimable, "claim by %s", owner)
						continue
					}
					mu.Lock()
					wins[k] = append(wins[k], owner)
					mu.Unlock()
					assert.NoError(t, s.MarkSending(ctx, l, []byte(`{"n":1}`)))
					assert.NoError(t, s.Accept(ctx, l, "R-"+k.SourceID))
					assert.NoError(t, s.Finish(ctx, k, "PUBLISHED"))
				}
			})
		}
	}
	close(start)
	wg.Wait()

	assert.Len(t, wins, keys, "every key was claimed")
	for k, owners := range wins {
		assert.Len(t, owners, 1, "winners of %v: %v", k, owners)
	}
	list, err := stores[0].List(ctx, "intention", poll.StateFinished, 0)
	require.NoError(t, err)
	assert.Len(t, list, keys)
}

func TestStoresOnOneFileNeverBothClaim(t *testing.T) {
	cases := []struct {
		name        string
		busyTimeout time.Duration
	}{
		{"default busy timeout", sqlitestore.DefaultBusyTimeout},
		// SQLite gives up at once, so the store's own retry loop does the
		// waiting.
		{"no busy timeout", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := freshPath(t)
			stores := make([]*sqlitestore.Store, engines)
			for i := range stores {
				s, err := sqlitestore.Open(t.Context(), path,
					sqlitestore.WithBusyTimeout(c.busyTimeout))
				require.NoError(t, err)
				t.Cleanup(func() { s.Close() })
				stores[i] = s
			}
			contend(t, stores)
		})
	}
}

// TestNewOnPlainDatabase runs the contention test on databases the caller
// opened without WAL or a busy timeout, one *sql.DB per engine.
func TestNewOnPlainDatabase(t *testing.T) {
	path := freshPath(t)
	stores := make([]*sqlitestore.Store, engines)
	for i := range stores {
		db, err := sql.Open("sqlite", path)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		s := sqlitestore.New(db)
		require.NoError(t, s.Migrate(t.Context()))
		require.NoError(t, s.Close(), "closing a Store from New")
		require.NoError(t, db.PingContext(t.Context()), "New leaves the database open")
		stores[i] = s
	}
	contend(t, stores)
}

func TestMigrateIdempotent(t *testing.T) {
	path := freshPath(t)
	first := open(t, path, time.Now)
	k := poll.Key{Flow: "plan", SourceID: "JH2026000001", Revision: 1}
	_, _, err := first.Claim(t.Context(), k, "engine-a", time.Minute)
	require.NoError(t, err)

	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			s, err := sqlitestore.Open(t.Context(), path)
			if assert.NoError(t, err) {
				assert.NoError(t, s.Migrate(t.Context()), "migrate again")
				assert.NoError(t, s.Close())
			}
		})
	}
	wg.Wait()

	var version int
	err = first.DB().QueryRowContext(t.Context(),
		`SELECT version FROM zcbridge_schema_version`).Scan(&version)
	require.NoError(t, err)
	assert.Equal(t, 1, version)
	e, ok, err := first.Get(t.Context(), k)
	require.NoError(t, err)
	require.True(t, ok, "migrating again keeps the entries")
	assert.Equal(t, "engine-a", e.Owner)
}

func TestOpenUnusablePath(t *testing.T) {
	_, err := sqlitestore.Open(t.Context(), freshPath(t)+"/no-such-dir/x.db")
	assert.Error(t, err)
}

// TestBusyWaitsUntilContextEnds holds the file's write lock from another
// connection: a claim waits, and reports the context's end rather than
// SQLite's "database is locked"; once the lock is gone, claims succeed.
func TestBusyWaitsUntilContextEnds(t *testing.T) {
	path := freshPath(t)
	s, err := sqlitestore.Open(t.Context(), path, sqlitestore.WithBusyTimeout(0))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })

	other, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	t.Cleanup(func() { other.Close() })
	holder, err := other.Conn(t.Context())
	require.NoError(t, err)
	_, err = holder.ExecContext(t.Context(), "BEGIN IMMEDIATE")
	require.NoError(t, err)

	k := poll.Key{Flow: "intention", SourceID: "YX2026000001", Revision: 1}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, _, err = s.Claim(ctx, k, "engine-a", time.Minute)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotContains(t, err.Error(), "locked")

	_, err = holder.ExecContext(t.Context(), "ROLLBACK")
	require.NoError(t, err)
	require.NoError(t, holder.Close())
	_, _, err = s.Claim(t.Context(), k, "engine-a", time.Minute)
	assert.NoError(t, err, "claim once the lock is released")
}
