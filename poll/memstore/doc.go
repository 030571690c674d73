// Package memstore keeps the engine's idempotency entries and sink outbox in
// the memory of one process. It implements poll.IdempotencyStore and
// poll.Outbox with the semantics of the conformance suite in
// poll/storetest, and is meant for tests, examples and single-process
// tools.
//
// Known limits: everything is lost when the process ends, so a push in
// doubt at a crash is forgotten and may be sent again under a new claim
// (the platform dedupes the same revision, but the body kept for it is
// gone), and undelivered sink outcomes are dropped. Claims are atomic only
// among goroutines of one process sharing one Store; two processes, or two
// Stores, know nothing of each other. List and Due scan every entry, which
// is fine for thousands of records, not millions. Use poll/sqlitestore or a
// server-backed store for anything that must survive a restart.
package memstore
