package pgstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/servertest"
	"github.com/zcbridge/zcbridge/poll/pgstore"
	"github.com/zcbridge/zcbridge/poll/storetest"
)

// TestConformance opens every handle with its own pool, as a separate
// process would have, on a new schema per case.
func TestConformance(t *testing.T) {
	storetest.RunAll(t, func(t *testing.T) storetest.OpenDurableStore {
		schema := servertest.PostgresSchema(t)
		return func(t *testing.T, now func() time.Time) storetest.DurableStore {
			t.Helper()
			s, err := pgstore.Open(t.Context(), servertest.PostgresURL(),
				pgstore.WithSchema(schema), pgstore.WithClock(now))
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			require.NoError(t, s.Migrate(t.Context()))
			return s
		}
	})
}
