package servertest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PostgresServer returns PostgresURL once the server has answered a
// connection. It skips or fails tb (see Unavailable) when PostgreSQL cannot
// be reached. It suits a test that hands the URL to code that makes its own
// schema.
func PostgresServer(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	url := PostgresURL()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		Unavailable(tb, "PostgreSQL", err)
	}
	_ = conn.Close(context.Background())
	return url
}

// PostgresSchema creates an empty schema named zcb_test_<random> for tb and
// drops it, with everything in it, when tb ends. It skips or fails tb (see
// Unavailable) when PostgreSQL cannot be reached.
func PostgresSchema(tb testing.TB) string {
	tb.Helper()
	return PostgresSchemaWithPrefix(tb, "zcb_test_")
}

// PostgresSchemaWithPrefix is PostgresSchema with a schema named prefix
// followed by 12 random hex digits (see Name), so that a suite's schemas can
// be told apart from others on a shared server. The prefix must be a valid
// lower-case identifier start.
func PostgresSchemaWithPrefix(tb testing.TB, prefix string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()

	conn, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		Unavailable(tb, "PostgreSQL", err)
	}
	defer conn.Close(context.Background())

	schema := Name(prefix)
	ident := pgx.Identifier{schema}.Sanitize()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+ident); err != nil {
		tb.Fatalf("servertest: create schema %s: %v", schema, err)
	}
	tb.Cleanup(func() { DropPostgresSchema(tb, schema) })
	return schema
}

// DropPostgresSchema drops schema, with everything in it, on the test
// server; a schema that does not exist is no error. A failure is reported
// with tb.Errorf, so tb fails but goes on. It is for a test or a benchmark
// that removes a schema before it ends, as PostgresSchema's cleanup does.
func DropPostgresSchema(tb testing.TB, schema string) {
	tb.Helper()
	ctx, cancel := cleanupContext()
	defer cancel()
	conn, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		tb.Errorf("servertest: drop schema %s: %v", schema, err)
		return
	}
	defer conn.Close(context.Background())
	ident := pgx.Identifier{schema}.Sanitize()
	if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+ident+" CASCADE"); err != nil {
		tb.Errorf("servertest: drop schema %s: %v", schema, err)
	}
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
