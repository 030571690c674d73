package pgstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/servertest"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/pgstore"
	"github.com/zcbridge/zcbridge/poll/storetest"
)

var key = poll.Key{Flow: "intention", SourceID: "YX-2025-001", Revision: 1}

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	schema := servertest.PostgresSchema(t)
	pool := servertest.PostgresPool(t)
	ctx := context.Background()

	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			s := pgstore.New(pool, pgstore.WithSchema(schema))
			errs[i] = s.Migrate(ctx)
		})
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}

	s := pgstore.New(pool, pgstore.WithSchema(schema))
	require.NoError(t, s.Migrate(ctx))
	_, ok, err := s.Get(ctx, key)
	require.NoError(t, err)
	assert.False(t, ok)
}

// TestMigrateCreatesMissingSchema checks that Migrate creates the schema it
// is configured with, so a deployment needs no step of its own.
func TestMigrateCreatesMissingSchema(t *testing.T) {
	parent := servertest.PostgresSchema(t) // dropped after, with what follows
	schema := parent + "_store"
	pool := servertest.PostgresPool(t)
	ctx := context.Background()
	t.Cleanup(func() {
		_, _ = pool.Exec(context.Background(), `DROP SCHEMA IF EXISTS "`+schema+`" CASCADE`)
	})

	s := pgstore.New(pool, pgstore.WithSchema(schema))
	require.NoError(t, s.Migrate(ctx))

	var tables int
	err := pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = $1`, schema).Scan(&tables)
	require.NoError(t, err)
	assert.Equal(t, 2, tables)
}

func TestSchemasAreIsolated(t *testing.T) {
	c := storetest.NewClock()
	ctx := context.Background()
	stores := make([]*pgstore.Store, 2)
	for i := range stores {
		stores[i] = pgstore.New(servertest.PostgresPool(t),
			pgstore.WithSchema(servertest.PostgresSchema(t)), pgstore.WithClock(c.Now))
		require.NoError(t, stores[i].Migrate(ctx))
	}

	_, _, err := stores[0].Claim(ctx, key, "engine-a", time.Minute)
	require.NoError(t, err)

	_, ok, err := stores[1].Get(ctx, key)
	require.NoError(t, err)
	assert.False(t, ok, "an entry of one schema is visible in another")
	_, _, err = stores[1].Claim(ctx, key, "engine-b", time.Minute)
	assert.NoError(t, err, "a claim in one schema blocks a claim in another")
}

// TestOpenErrorsNameNoPassword: a connection string that does not parse, or
// a server that does not answer, is refused without the password in the
// error text.
func TestOpenErrorsNameNoPassword(t *testing.T) {
	for _, u := range []string{
		"postgres://zcbridge:S3cretPW@bad host:5432/test",
		"postgres://zcbridge:S3cretPW@127.0.0.1:5432/test?sslmode=bogus",
		"host=127.0.0.1 port=1 user=zcbridge password=S3cretPW connect_timeout=1",
	} {
		_, err := pgstore.Open(t.Context(), u)
		require.Error(t, err, u)
		assert.NotContains(t, err.Error(), "S3cretPW")
	}
}
