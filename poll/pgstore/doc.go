// Package pgstore keeps the poll engine's idempotency store and sink outbox
// in PostgreSQL, on jackc/pgx/v5, so that engines on several machines can
// share one database without ever pushing a revision twice.
//
// # Guarantees
//
// A claim is one INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING
// statement on the primary key (flow, source_id, revision): the database
// decides which of many concurrent claimers wins, across sessions, processes
// and machines, with no check-then-insert. Every claim increments the row's
// fence, and every write made under a lease carries its fence in the WHERE
// clause, so an engine whose lease expired and was taken over gets
// poll.ErrLeaseLost instead of overwriting the new owner's state. Release,
// Accept and Finish end the lease (lease_until becomes NULL).
//
// Outbox.Due picks due rows with FOR UPDATE SKIP LOCKED and moves their
// next_at in the same statement, so engines sharing the outbox neither wait
// on each other nor take the same delivery.
//
// Every time the store writes or compares comes from its clock (WithClock,
// time.Now by default), passed as a parameter; the database's now() is never
// used. Lease expiry therefore depends on the engines' clocks agreeing:
// keep them synchronised (NTP) and the lease TTL well above their skew.
// An engine whose clock runs ahead by some skew takes over a lease that much
// early; fencing still refuses every write of the former holder, so the cost is
// at most a second send of the same body, which the platform dedupes. A
// delivery's lease ends early in the same way, so a sink may receive a delivery
// twice; receivers dedupe by its ID.
// Times are kept at the database's microsecond precision.
//
// # Schema
//
// Migrate runs the embedded schema.sql (also exported as Schema), which only
// uses CREATE ... IF NOT EXISTS; a DBA may run the same file instead. With
// WithSchema the tables live in that schema, which lets several deployments
// or test runs share a database.
//
// # Tested on
//
// PostgreSQL 15. The SQL sticks to statements that PostgreSQL-compatible
// databases such as Kingbase and openGauss document (ON CONFLICT, SKIP
// LOCKED, pg_advisory_xact_lock in Migrate), but it has not been tested on
// Kingbase or openGauss.
//
// # Known limits
//
// Entries are never deleted: a finished push stays as the record that it
// was sent, one row per revision. Prune old finished rows yourself if the
// table grows too large (see docs/operations.md). A body kept for a push
// must fit in a bytea (1 GB), far above the platform's request limit.
// pgx prepares and caches statements per connection; behind PgBouncer in
// transaction pooling mode, add default_query_exec_mode=exec to the
// connection string (or use PgBouncer 1.21+ with prepared statements on).
package pgstore
