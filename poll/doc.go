// Package poll is the engine that pushes each waiting record of the campus
// system to the procurement supervision platform (采购监管平台) once, reads
// the platform's result until it is decided, and hands the outcome back to
// the host.
//
// The host implements a Source per flow: it lists the records waiting for
// the platform, page by page by source_id, and applies outcomes to its own
// tables with the flow's state machine. The engine keeps no copy of the
// records. An IdempotencyStore (memstore, sqlitestore, pgstore, mysqlstore,
// redisstore) remembers per (flow, source_id, revision) whether a push is
// pending, in doubt, accepted or finished, with the exact bytes sent.
//
// On each tick, per flow, the engine:
//
//   - claims and pushes what was never pushed, after validating it; an
//     invalid request is reported to the Source as OutcomeInvalid and
//     neither stored nor sent;
//   - reconciles pushes whose outcome is unknown (a timeout, a 5xx, a crash)
//     by reading the result first, and resends the kept bytes only when the
//     platform does not know the revision;
//   - reads, in one batch, the results of accepted pushes whose backoff is
//     due, and applies terminal outcomes (published, failed, filed,
//     rejected);
//   - then runs its jobs, such as the sink dispatcher.
//
// A rate limit or a maintenance answer (4290, 5030) the client could not
// ride out pauses every platform call of the engine until Retry-After
// (bounded by Config.MaxPause).
//
// Known limits:
//
//   - The per-record result backoff, and the backoff of refused pushes,
//     live in memory; after a restart every accepted push is read, and
//     every refused push tried, on the first tick.
//   - An in-doubt push that reconciliation finds on the platform is accepted
//     without a receipt id: result reads carry none.
//   - A body the platform refuses (1001, 1002, 3001, 3002, or an auth error)
//     stays pending and is sent again, the same bytes, after a wait that
//     doubles from PollMin to PollMax; each refusal is logged at Error and
//     reported as OutcomeInvalid for validation refusals. Our own
//     validation should make this rare. Fixing a refused body needs a
//     person: the revision cannot move on, and the kept body cannot be
//     replaced through the engine.
//   - One send, the client's retries included, is cut off after nine tenths
//     of Config.LeaseTTL and left in doubt; a client whose worst case is
//     longer loses its last attempts, not a push.
//   - A platform that holds a later revision than the record, or no longer
//     holds an accepted push, is logged at Error on every read and never
//     resolved automatically.
//   - Two engines may apply the same outcome twice; Source.Apply must be
//     idempotent.
package poll
