// Package sqlitestore keeps the engine's idempotency entries and sink
// outbox in one SQLite database file, through the pure-Go driver
// modernc.org/sqlite (no cgo). It is the embedded default: one machine, one
// or several engine processes sharing the file. It implements
// poll.IdempotencyStore and poll.Outbox and passes the whole conformance
// suite of poll/storetest, durable cases included.
//
// Open opens a file in WAL mode with a busy timeout and creates the schema
// (tables zcbridge_push, zcbridge_outbox and zcbridge_schema_version) by an
// idempotent migration; New works on a *sql.DB the host already has, after
// Migrate. Every write is one transaction begun with BEGIN IMMEDIATE, so it
// holds the database's write lock before it reads the row it will change:
// two Stores on one file (two engines) can never both claim a key. When
// the lock is held elsewhere the store waits, first in SQLite's busy
// handler, then in its own retry loop until the context ends; SQLite's
// "database is locked" never reaches the caller. Instants are stored as
// Unix nanoseconds.
//
// Known limits: SQLite has one writer at a time, so writes from all
// engines on the file are serialised: a push's claim, mark, accept and
// finish are four transactions, about half a millisecond together on a
// small virtual machine (BenchmarkClaimComplete). The file must be on a local
// disk: WAL does not work over a network file system, so engines on
// several machines need a server-backed store (PostgreSQL, MySQL, Redis).
// Finished entries are kept for good; nothing prunes them yet.
package sqlitestore
