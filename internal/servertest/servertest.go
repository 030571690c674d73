// Package servertest connects the module's tests and benchmarks (the store
// adapters', the crash test's, the end-to-end benchmarks' and the examples')
// to the machine's real PostgreSQL, MariaDB/MySQL and Redis servers, each
// test in a namespace of its own (a schema, a database or a key prefix) that
// is removed when the test ends.
//
// Addresses come from the environment: ZCBRIDGE_TEST_POSTGRES_URL, defaulting
// to postgres://postgres@127.0.0.1:5432/test; ZCBRIDGE_TEST_MYSQL_DSN,
// defaulting to root@tcp(127.0.0.1:3306)/test; and ZCBRIDGE_TEST_REDIS_ADDR,
// defaulting to 127.0.0.1:6379. A server that cannot be reached skips the
// test, except when CI=true, where it fails the test so that a missing
// service cannot pass a run unnoticed.
package servertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"
)

// Environment variables naming the servers.
const (
	EnvPostgresURL = "ZCBRIDGE_TEST_POSTGRES_URL"
	EnvMySQLDSN    = "ZCBRIDGE_TEST_MYSQL_DSN"
	EnvRedisAddr   = "ZCBRIDGE_TEST_REDIS_ADDR"
)

// Default server addresses, used when the environment names none.
const (
	DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test"
	DefaultMySQLDSN    = "root@tcp(127.0.0.1:3306)/test"
	DefaultRedisAddr   = "127.0.0.1:6379"
)

// connectTimeout bounds how long a test waits for a server to answer before
// it is treated as absent.
const connectTimeout = 5 * time.Second

// PostgresURL returns the PostgreSQL connection URL the tests use.
func PostgresURL() string { return env(EnvPostgresURL, DefaultPostgresURL) }

// MySQLDSN returns the go-sql-driver/mysql DSN the tests use.
func MySQLDSN() string { return env(EnvMySQLDSN, DefaultMySQLDSN) }

// RedisAddr returns the host:port of the Redis server the tests use.
func RedisAddr() string { return env(EnvRedisAddr, DefaultRedisAddr) }

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// Unavailable ends tb because the server named by what could not be reached:
// it skips normally and fails when the CI environment variable is "true".
func Unavailable(tb testing.TB, what string, err error) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("servertest: %s is required under CI=true: %v", what, err)
	}
	tb.Skipf("servertest: %s unavailable, skipping: %v", what, err)
}

// Name returns prefix followed by 12 random lower-case hex digits, a name
// safe as a PostgreSQL schema, a MySQL database or a Redis key prefix.
func Name(prefix string) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("servertest: crypto/rand failed: " + err.Error())
	}
	return prefix + hex.EncodeToString(b[:])
}

// cleanupContext returns a context for removing a test's namespace; the
// test's own context is already cancelled when cleanups run.
func cleanupContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}
