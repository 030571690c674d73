// Multiinstance runs three poll engines against one PostgreSQL store, as
// three application servers of one campus would, and shows the settings such
// a deployment needs: a distinct owner per engine, a lease that outlasts one
// send with all its retries, the tick interval, the platform's rate limit
// shared between the engines, and the store's URL from the environment.
//
// The three engines are goroutines of this one program, each with its own
// client and its own store handle, so that on the SDK's side they share
// nothing but the database, as processes on separate machines would. The
// campus system is the examples' SQLite stand-in and the platform the mock
// on 127.0.0.1, answering one push in ten with 5000 after storing it. The
// store lives in a schema of its own, created at start and dropped at the
// end, also when the run is interrupted. It prints the settings, what each
// engine did and a summary, and exits 0 once every record has reached its
// end, each accepted by the platform exactly once.
//
//	go run ./examples/multiinstance
//	ZCBRIDGE_POSTGRES_URL=postgres://zcbridge@db:5432/procurement \
//		go run ./examples/multiinstance
//
// In production, run one engine per application server in its own process,
// with the same settings and store URL, and a distinct ZCBRIDGE_OWNER on each
// (it defaults to the host name, plus an index here).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// EnvPostgresURL names the store's PostgreSQL URL.
const EnvPostgresURL = "ZCBRIDGE_POSTGRES_URL"

// DefaultPostgresURL is the store used when EnvPostgresURL is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test"

// EnvOwner names the engine's owner id; the default is the host name.
const EnvOwner = "ZCBRIDGE_OWNER"

// deadline bounds the whole run.
const deadline = 90 * time.Second

func main() {
	// An interrupt ends the run like the deadline does: the engines stop
	// and the schema is dropped.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()

	url := os.Getenv(EnvPostgresURL)
	if url == "" {
		url = DefaultPostgresURL
	}
	if err := run(ctx, os.Stdout, url); err != nil {
		fmt.Fprintln(os.Stderr, "multiinstance:", err)
		os.Exit(1)
	}
}

// ownerPrefix is the part of each engine's owner id that names the machine.
func ownerPrefix() string {
	if v := os.Getenv(EnvOwner); v != "" {
		return v
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		return "app"
	}
	return host
}
