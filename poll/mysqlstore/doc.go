// Package mysqlstore keeps the poll engine's idempotency store and sink
// outbox in MySQL or MariaDB (InnoDB), on go-sql-driver/mysql and
// database/sql, so that engines on several machines can share one database
// without ever pushing a revision twice.
//
// # Guarantees
//
// The primary key (flow, source_id, revision) decides claims: a claim first
// tries to take over an existing entry with one conditional UPDATE, which
// InnoDB evaluates under the row's exclusive lock, and otherwise INSERTs a
// fresh entry, which the primary key refuses to a second session (that
// session then tries the takeover once more). No claim is decided by a read
// followed by a write. Every claim increments the row's fence, and every
// write made under a lease carries its fence in the WHERE clause, so an
// engine whose lease expired and was taken over gets poll.ErrLeaseLost
// instead of overwriting the new owner's state. Release, Accept and Finish
// end the lease (lease_until becomes NULL). A claim chosen as a deadlock
// victim is tried again a few times.
//
// Outbox.Due picks due rows with SELECT ... FOR UPDATE SKIP LOCKED in a READ
// COMMITTED transaction and moves their next_at before committing, so
// engines sharing the outbox neither wait on each other nor take the same
// delivery.
//
// Every time the store writes or compares comes from its clock (WithClock,
// time.Now by default); the database's NOW() is never used. Times are
// DATETIME(6) in UTC, passed as text, so the DSN's parseTime and loc do not
// matter and processes with different settings agree. Lease expiry depends
// on the engines' clocks agreeing: keep them synchronised (NTP) and the
// lease TTL well above their skew.
// An engine whose clock runs ahead by some skew takes over a lease that much
// early; fencing still refuses every write of the former holder, so the cost is
// at most a second send of the same body, which the platform dedupes. A
// delivery's lease ends early in the same way, so a sink may receive a delivery
// twice; receivers dedupe by its ID.
//
// # Schema
//
// Migrate runs the embedded schema.sql (also exported as Schema) statement
// by statement, so the DSN needs no multiStatements; it only uses CREATE
// TABLE IF NOT EXISTS. A DBA may run the same file instead. The tables live
// in the database the DSN selects; give each deployment its own database.
// Text columns use utf8mb4_bin, so keys compare byte for byte.
//
// # Tested on
//
// MariaDB 10.11. The SQL is written for MySQL 8 too (SKIP LOCKED needs MySQL
// 8.0 or MariaDB 10.6), but it has not been tested on MySQL.
//
// # Known limits
//
// Flow names and source IDs longer than 64 characters, and owners longer
// than 255, are refused by the schema (in strict SQL mode) or truncated
// (without it). Entries are never deleted: a finished push stays as the
// record that it was sent. Prune old finished rows yourself if the table
// grows too large (see docs/operations.md). On MySQL 5.7 and MariaDB before
// 10.6, which lack SKIP LOCKED, Due fails.
package mysqlstore
