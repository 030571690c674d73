package mysqlstore_test

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/internal/servertest"
	"github.com/zcbridge/zcbridge/poll/mysqlstore"
	"github.com/zcbridge/zcbridge/poll/storetest"
)

// opener returns how to open handles, each with its own connection pool as
// a separate process would have, on one new database.
func opener(t *testing.T) func(t *testing.T, now func() time.Time) *mysqlstore.Store {
	dsn := servertest.MySQLDatabase(t)
	return func(t *testing.T, now func() time.Time) *mysqlstore.Store {
		t.Helper()
		s, err := mysqlstore.Open(t.Context(), dsn, mysqlstore.WithClock(now))
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		require.NoError(t, s.Migrate(t.Context()))
		return s
	}
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) poll.IdempotencyStore {
		return openStore(t, servertest.MySQLDatabase(t), now)
	})
}

func TestOutboxConformance(t *testing.T) {
	storetest.RunOutbox(t, func(t *testing.T, now func() time.Time) poll.Outbox {
		return openStore(t, servertest.MySQLDatabase(t), now)
	})
}

func TestDurableConformance(t *testing.T) {
	storetest.RunDurable(t, func(t *testing.T) storetest.OpenStore {
		open := opener(t)
		return func(t *testing.T, now func() time.Time) (poll.IdempotencyStore, io.Closer) {
			s := open(t, now)
			return s, s
		}
	})
}

func TestDurableOutboxConformance(t *testing.T) {
	storetest.RunDurableOutbox(t, func(t *testing.T) storetest.OpenOutbox {
		open := opener(t)
		return func(t *testing.T, now func() time.Time) (poll.Outbox, io.Closer) {
			s := open(t, now)
			return s, s
		}
	})
}
