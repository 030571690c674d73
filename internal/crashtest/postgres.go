package crashtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// EnvPostgresURL names the PostgreSQL server the crash test uses; it is the
// variable the store adapters' tests read too.
const EnvPostgresURL = "ZCBRIDGE_TEST_POSTGRES_URL"

// DefaultPostgresURL is the server used when EnvPostgresURL is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test"

// connectTimeout bounds how long a missing server is waited for.
const connectTimeout = 5 * time.Second

// PostgresURL returns the server's URL from the environment, or the default.
func PostgresURL() string {
	if v := os.Getenv(EnvPostgresURL); v != "" {
		return v
	}
	return DefaultPostgresURL
}

// Pool opens a pool to PostgresURL and closes it when tb ends. A server that
// cannot be reached skips tb, or fails it when CI is "true".
func Pool(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()

	pool, err := pgxpool.New(ctx, PostgresURL())
	if err == nil {
		err = pool.Ping(ctx)
		if err != nil {
			pool.Close()
		}
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("crashtest: PostgreSQL is required under CI=true: %v", err)
		}
		tb.Skipf("crashtest: PostgreSQL unavailable, skipping: %v", err)
	}
	tb.Cleanup(pool.Close)
	return pool
}

// NewSchema creates an empty schema with a random name on pool and drops it,
// with everything in it, when tb ends. Register it after Pool so the drop
// runs while the pool is still open.
func NewSchema(tb testing.TB, pool *pgxpool.Pool) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()

	name := RandomName("zcb_crash_")
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := pool.Exec(ctx, "CREATE SCHEMA "+ident); err != nil {
		tb.Fatalf("crashtest: create schema %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+ident+" CASCADE"); err != nil {
			tb.Errorf("crashtest: drop schema %s: %v", name, err)
		}
	})
	return name
}

// RandomName returns prefix and 12 random lower-case hex digits, a name
// safe as an unquoted PostgreSQL identifier.
func RandomName(prefix string) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crashtest: crypto/rand failed: %v", err))
	}
	return prefix + hex.EncodeToString(b[:])
}
