package sqlitestore_test

import (
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/sqlitestore"
	"github.com/zcbridge/zcbridge/poll/storetest"
)

// open opens the database at path for one test, closed when it ends.
func open(t *testing.T, path string, now func() time.Time) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(t.Context(), path, sqlitestore.WithClock(now))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// freshPath names a database file in a new temporary directory.
func freshPath(t *testing.T) string {
	return filepath.Join(t.TempDir(), "zcbridge.db")
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) poll.IdempotencyStore {
		return open(t, freshPath(t), now)
	})
}

func TestOutboxConformance(t *testing.T) {
	storetest.RunOutbox(t, func(t *testing.T, now func() time.Time) poll.Outbox {
		return open(t, freshPath(t), now)
	})
}

func TestDurableConformance(t *testing.T) {
	storetest.RunDurable(t, func(t *testing.T) storetest.OpenStore {
		path := freshPath(t)
		return func(t *testing.T, now func() time.Time) (poll.IdempotencyStore, io.Closer) {
			s := open(t, path, now)
			return s, s
		}
	})
}

func TestDurableOutboxConformance(t *testing.T) {
	storetest.RunDurableOutbox(t, func(t *testing.T) storetest.OpenOutbox {
		path := freshPath(t)
		return func(t *testing.T, now func() time.Time) (poll.Outbox, io.Closer) {
			s := open(t, path, now)
			return s, s
		}
	})
}
