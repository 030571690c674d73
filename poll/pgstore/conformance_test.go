package pgstore_test

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/internal/servertest"
	"github.com/zcbridge/zcbridge/poll/pgstore"
	"github.com/zcbridge/zcbridge/poll/storetest"
)

// fresh migrates a new schema and returns a store on it reading now.
func fresh(t *testing.T, now func() time.Time) *pgstore.Store {
	t.Helper()
	schema := servertest.PostgresSchema(t)
	s := pgstore.New(servertest.PostgresPool(t), pgstore.WithSchema(schema),
		pgstore.WithClock(now))
	require.NoError(t, s.Migrate(t.Context()))
	return s
}

// opener returns how to open handles, each with its own pool as a separate
// process would have, on one new schema.
func opener(t *testing.T) func(t *testing.T, now func() time.Time) *pgstore.Store {
	schema := servertest.PostgresSchema(t)
	return func(t *testing.T, now func() time.Time) *pgstore.Store {
		t.Helper()
		s, err := pgstore.Open(t.Context(), servertest.PostgresURL(),
			pgstore.WithSchema(schema), pgstore.WithClock(now))
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		require.NoError(t, s.Migrate(t.Context()))
		return s
	}
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) poll.IdempotencyStore {
		return fresh(t, now)
	})
}

func TestOutboxConformance(t *testing.T) {
	storetest.RunOutbox(t, func(t *testing.T, now func() time.Time) poll.Outbox {
		return fresh(t, now)
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
