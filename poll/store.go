package poll

import (
	"context"
	"errors"
	"time"
)

// Key names one push: one revision of one record of one flow.
type Key struct {
	Flow     string
	SourceID string
	Revision int
}

// PushState is where a push stands in the idempotency store.
type PushState string

// Push states. A key the store has never seen has no entry at all.
const (
	// StatePending: claimed at least once but certainly not sent yet, or a
	// send that certainly did not reach the platform. Body may already be
	// kept; a later send must use it.
	StatePending PushState = "pending"
	// StateInDoubt: the body was (or may have been) sent and no answer is
	// known. It is reconciled by reading the result before any resend.
	StateInDoubt PushState = "in_doubt"
	// StateAccepted: the platform answered with a receipt.
	StateAccepted PushState = "accepted"
	// StateFinished: the platform's terminal outcome was handed to the
	// Source. Nothing is sent for this key again.
	StateFinished PushState = "finished"
)

// Entry is the store's view of one push.
type Entry struct {
	Key   Key
	State PushState
	// Owner and Fence describe the latest claim; LeaseUntil is when it ends,
	// zero once the lease was ended by Release, Accept or Finish.
	Owner      string
	Fence      int64
	LeaseUntil time.Time
	// Body is the exact request body sent (or about to be sent). A resend
	// sends these bytes, never a body rebuilt from changed data.
	Body []byte
	// ReceiptID is the platform's receipt, once accepted.
	ReceiptID string
	// Outcome is the terminal status handed to the Source, once finished.
	Outcome string
	// LastError is the latest failure seen for this push, for operators.
	LastError string
	// Attempts counts sends of Body.
	Attempts  int
	UpdatedAt time.Time
}

// Lease is a claim on one key. Every write made under a lease is fenced: it
// succeeds only while Fence is still the key's latest and the lease was not
// ended by Release, Accept or Finish, so an owner whose lease expired and
// was taken over cannot overwrite the new owner's state. A lease that
// expired but was not taken over still writes: expiry only allows a
// takeover. Fenced writes return ErrLeaseLost otherwise.
type Lease struct {
	Key   Key
	Owner string
	Fence int64
	Until time.Time
}

// Errors the stores return.
var (
	// ErrLeaseLost is returned by a fenced write whose lease was taken over
	// (or released); the writer must stop working on the key.
	ErrLeaseLost = errors.New("poll: lease lost to another owner")
	// ErrNotClaimable is returned by Claim when another owner holds an
	// unexpired lease, or the push is accepted or finished.
	ErrNotClaimable = errors.New("poll: key is not claimable")
	// ErrBodyChanged is returned by MarkSending when a body is already kept
	// for the key and the body passed differs from it by any byte.
	ErrBodyChanged = errors.New("poll: body differs from the body kept for the push")
	// ErrWrongState is returned by a write that does not fit the entry's
	// state: MarkNotSent, MarkInDoubt or Accept on a push that is not in
	// doubt, or Finish on a push that is neither accepted nor in doubt
	// (including a key with no entry).
	ErrWrongState = errors.New("poll: push is not in a state that allows this write")
)

// IdempotencyStore remembers, per Key, whether a push is in flight, in doubt,
// accepted or finished, with the exact body bytes sent. Adapters that say so
// make Claim atomic across processes and machines.
type IdempotencyStore interface {
	// Claim takes a lease of ttl on key for owner. It creates the entry in
	// StatePending when absent, and succeeds on an existing entry that is
	// pending or in doubt whose lease has ended (the store's clock is at or
	// after LeaseUntil, or the lease was released) or is owner's own. Every
	// successful claim gives a fence greater than any earlier one for key,
	// so a lease taken before it is stale. It fails with ErrNotClaimable
	// otherwise, and then returns the current entry with a zero Lease.
	Claim(ctx context.Context, key Key, owner string, ttl time.Duration) (Lease, Entry, error)

	// MarkSending records body as the exact bytes about to be sent and moves
	// the entry to StateInDoubt, counting an attempt. Called before each send,
	// so a crash during the send leaves the entry in doubt. A body already
	// kept must be passed back unchanged: a different one fails with
	// ErrBodyChanged and changes nothing. The store keeps its own copy.
	MarkSending(ctx context.Context, l Lease, body []byte) error

	// MarkNotSent moves an in-doubt entry back to StatePending after a
	// failure where the request certainly did not reach the platform,
	// recording reason. The body is kept.
	MarkNotSent(ctx context.Context, l Lease, reason string) error

	// MarkInDoubt records reason on an in-doubt entry (the send may have
	// reached the platform) and keeps it in doubt.
	MarkInDoubt(ctx context.Context, l Lease, reason string) error

	// Accept records the platform's receipt, moves the entry to
	// StateAccepted and ends the lease.
	Accept(ctx context.Context, l Lease, receiptID string) error

	// Release ends the lease without changing the state.
	Release(ctx context.Context, l Lease) error

	// Finish marks an accepted or in-doubt push as finished with the
	// platform's terminal outcome and ends any lease on it. It is not
	// fenced: a terminal outcome read from the platform is the same whoever
	// reads it. Finishing twice is not an error and keeps the first outcome.
	Finish(ctx context.Context, key Key, outcome string) error

	// Get returns the entry for key; ok is false when there is none.
	Get(ctx context.Context, key Key) (e Entry, ok bool, err error)

	// List returns the entries of flow in state, oldest update first (ties
	// in no promised order), at most limit (0 for no limit). It serves
	// operators and the engine's reconciliation of in-doubt pushes.
	List(ctx context.Context, flow string, state PushState, limit int) ([]Entry, error)
}

// Delivery is one outcome waiting to reach one Sink: the durable outbox row.
type Delivery struct {
	// ID identifies the delivery for good; receivers dedupe by it. It is
	// derived from flow, source_id, revision and sink, so enqueuing the
	// same outcome twice keeps one delivery.
	ID      string
	Sink    string
	Payload []byte
	// Attempts counts tries so far; NextAt is when the next try is due.
	Attempts  int
	NextAt    time.Time
	LastError string
	CreatedAt time.Time
}

// Outbox keeps sink deliveries until they are acknowledged. The memory
// (tests only), SQLite, PostgreSQL and MySQL stores implement it; a Redis
// deployment keeps its outbox in one of the SQL stores.
type Outbox interface {
	// Enqueue adds d unless a delivery with the same ID exists; enqueuing
	// twice is not an error and keeps the first. A zero CreatedAt is set
	// from the store's clock.
	Enqueue(ctx context.Context, d Delivery) error
	// Due takes at most limit (0 for no limit) deliveries whose NextAt is
	// not after now, earliest NextAt first, and moves their NextAt to
	// now+lease atomically, so that another engine sharing the outbox does
	// not try them meanwhile. The deliveries come back with the new NextAt.
	// A zero NextAt at Enqueue means due at once.
	Due(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Delivery, error)
	// Ack removes a delivered delivery. Acknowledging twice, or an unknown
	// ID, is not an error.
	Ack(ctx context.Context, id string) error
	// Retry records a failed try: Attempts increases, NextAt and LastError
	// are set. Retrying an ID already acknowledged is not an error and
	// changes nothing.
	Retry(ctx context.Context, id string, next time.Time, reason string) error
}
