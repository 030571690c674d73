// Package redisstore keeps the poll engine's idempotency store in Redis, on
// redis/go-redis/v9, so that engines on several machines can share claims
// without ever pushing a revision twice. It does not keep the outbox: a
// Redis deployment keeps its sink deliveries in one of the SQL stores
// (sqlitestore, pgstore or mysqlstore).
//
// # Guarantees
//
// Each push is a hash under the store's key prefix. Every operation that
// changes one is a Lua script (EVALSHA, falling back to EVAL), which Redis
// runs atomically. A claim has the meaning of SET NX PX: it succeeds only
// when the entry is absent or its lease has ended (or is the claimer's own),
// and it then sets the owner and the lease's end and increments the entry's
// fence. Every write made under a lease, Release included, checks that
// fence inside the script, so one owner can never release or overwrite
// another's claim: a stale owner gets poll.ErrLeaseLost. Per flow and state
// a sorted set scored by updated_at indexes the entries for List; the
// scripts move an entry between these sets in the same step as its state,
// so the index never disagrees with the hashes.
//
// # Time and expiry
//
// The lease's end is kept in the hash as Unix microseconds from the store's
// clock (WithClock, time.Now by default) and compared with that clock in the
// claim script. No PX TTL is set, on the hash or on any lock key: a TTL
// would run on Redis's clock, a second notion of expiry that could disagree
// with the engines' clock (and makes expiry untestable without sleeping),
// and the hash must outlive its lease anyway because it records what was
// sent. Lease expiry therefore depends on the engines' clocks agreeing:
// keep them synchronised (NTP) and the lease TTL well above their skew.
// An engine whose clock runs ahead by some skew takes over a lease that much
// early; fencing still refuses every write of the former holder, so the cost is
// at most a second send of the same body, which the platform dedupes.
//
// # Tested on
//
// Redis 7.0, single node. Every script names all the keys it touches, so it
// is valid on Redis Cluster when the prefix carries a hash tag (for example
// "{zcbridge}:"), but Cluster and Sentinel have not been tested.
//
// # Known limits
//
// Durability is Redis's: with snapshots only, a Redis crash can lose the
// last writes. A lost in-doubt entry loses the body kept for it, so the
// revision is pushed again with a body rebuilt from the record, which the
// platform refuses (3001) if the record changed meanwhile. Run Redis with
// appendonly yes and appendfsync everysec or always.
// Entries are never deleted. List reads the index and then the entries, not
// atomically: an entry that changes state in between is left out, so a
// limited List may return fewer entries than exist.
package redisstore
