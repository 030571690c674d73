// Package storetest is the conformance suite every idempotency-store and
// outbox adapter of package poll runs, so that the engine can rely on the
// same semantics whichever store a deployment picks.
//
// An adapter's test calls Run with a factory that builds a fresh, empty
// store, and RunOutbox likewise when the adapter keeps the outbox. Durable
// adapters also call RunDurable (and RunDurableOutbox), whose factory opens
// the same storage again and again, so the suite can check that entries and
// deliveries survive closing and reopening, and that two handles on one
// storage (two engines) never both claim a key. RunAll runs all four for an
// adapter that keeps both on durable storage, and BenchClaimComplete is the
// benchmark every adapter reports.
//
// Every factory receives the clock the store must read, a Clock that stands
// still until the suite advances it. Lease expiry is tested by moving that
// clock, never by sleeping. Times must round-trip through the store to the
// millisecond at least; the suite mostly moves its clock by whole
// milliseconds. A store that keeps less than nanoseconds must cut every
// instant the same way, those it returns and those it compares: a few cases
// claim and take deliveries at sub-microsecond instants to check that.
//
// Known limits: the suite proves atomicity within what one test process can
// provoke (many goroutines, and several handles for durable stores); claims
// across machines rest on the adapter's use of its database. It does not
// test behaviour when the database itself fails mid-write.
package storetest
