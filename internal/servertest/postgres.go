package servertest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PostgresSchema creates an empty schema with a random name for tb and drops
// it, with everything in it, when tb ends. It skips or fails tb (see
// Unavailable) when PostgreSQL cannot be reached.
func PostgresSchema(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()

	conn, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		Unavailable(tb, "PostgreSQL", err)
	}
	defer conn.Close(context.Background())

	schema := Name("zcb_test_")
	ident := pgx.Identifier{schema}.Sanitize()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+ident); err != nil {
		tb.Fatalf("servertest: create schema %s: %v", schema, err)
	}

	tb.Cleanup(func() {
		ctx, cancel := cleanupContext()
		defer cancel()
		conn, err := pgx.Connect(ctx, PostgresURL())
		if err != nil {
			tb.Errorf("servertest: drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+ident+" CASCADE"); err != nil {
			tb.Errorf("servertest: drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// PostgresPool opens a connection pool to the test server and closes it when
// tb ends. Call it after PostgresSchema so the pool closes before the schema
// is dropped. It skips or fails tb when PostgreSQL cannot be reached.
func PostgresPool(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()

	pool, err := pgxpool.New(ctx, PostgresURL())
	if err != nil {
		Unavailable(tb, "PostgreSQL", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		Unavailable(tb, "PostgreSQL", err)
	}
	tb.Cleanup(pool.Close)
	return pool
}
