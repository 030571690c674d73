package sqlitestore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
	storetest.RunAll(t, func(t *testing.T) storetest.OpenDurableStore {
		path := freshPath(t)
		return func(t *testing.T, now func() time.Time) storetest.DurableStore {
			return open(t, path, now)
		}
	})
}
