package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
)

// NewStore builds a fresh, empty idempotency store for one test case. The
// store must read time only from now. The factory registers any cleanup
// with t.Cleanup and fails t if the store cannot be built.
type NewStore func(t *testing.T, now func() time.Time) poll.IdempotencyStore

// LeaseTTL is the lease every case of the suite claims with.
const LeaseTTL = 30 * time.Second

// Flow names used by the suite's keys.
const (
	flowA = "intention"
	flowB = "single_source"
)

// storeCase is one conformance case run against a fresh store.
type storeCase struct {
	name string
	run  func(h *harness)
}

// Run runs every idempotency-store case of the suite against stores built
// by newStore, each case on its own fresh store and Clock.
func Run(t *testing.T, newStore NewStore) {
	cases := append(claimCases(), writeCases()...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := NewClock()
			store := newStore(t, clock.Now)
			require.NotNil(t, store, "factory returned no store")
			c.run(&harness{t: t, ctx: t.Context(), clock: clock, store: store})
		})
	}
}

// harness bundles what a case needs and the helpers that keep cases short.
type harness struct {
	t     *testing.T
	ctx   context.Context
	clock *Clock
	store poll.IdempotencyStore
}

// key returns the suite's key number n of flow A, revision 1.
func key(n int) poll.Key {
	return poll.Key{Flow: flowA, SourceID: fmt.Sprintf("YX2026%06d", n), Revision: 1}
}

// claim claims k for owner and fails the case if that does not succeed.
func (h *harness) claim(k poll.Key, owner string) poll.Lease {
	h.t.Helper()
	l, _, err := h.store.Claim(h.ctx, k, owner, LeaseTTL)
	require.NoError(h.t, err, "claim %v by %s", k, owner)
	return l
}

// get returns the entry of k and fails the case if there is none.
func (h *harness) get(k poll.Key) poll.Entry {
	h.t.Helper()
	e, ok, err := h.store.Get(h.ctx, k)
	require.NoError(h.t, err, "get %v", k)
	require.True(h.t, ok, "no entry for %v", k)
	return e
}

// sending claims k for owner and marks body as being sent, leaving the
// entry in doubt under the returned lease.
func (h *harness) sending(k poll.Key, owner string, body []byte) poll.Lease {
	h.t.Helper()
	l := h.claim(k, owner)
	require.NoError(h.t, h.store.MarkSending(h.ctx, l, body), "mark sending %v", k)
	return l
}

// accepted drives k to StateAccepted with receipt and returns the lease
// used, which has ended.
func (h *harness) accepted(k poll.Key, owner, receipt string) poll.Lease {
	h.t.Helper()
	l := h.sending(k, owner, body(k))
	require.NoError(h.t, h.store.Accept(h.ctx, l, receipt), "accept %v", k)
	return l
}

// body returns a JSON request body for k, with Chinese text in it.
func body(k poll.Key) []byte {
	return fmt.Appendf(nil, `{"source_id":%q,"revision":%d,"title":"2026年实验室设备采购意向"}`,
		k.SourceID, k.Revision)
}

// allBytes returns a body holding every byte value once, so that a store
// which treats bodies as text rather than bytes is caught.
func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(255 - i)
	}
	return b
}

// assertSameTime checks that two instants are equal whatever their zones.
func assertSameTime(t *testing.T, want, got time.Time, field string) {
	t.Helper()
	assert.True(t, want.Equal(got), "%s: want %v, got %v", field, want, got)
}

// assertEntry checks every field of got against want.
func assertEntry(t *testing.T, want, got poll.Entry) {
	t.Helper()
	assert.Equal(t, want.Key, got.Key, "key")
	assert.Equal(t, want.State, got.State, "state")
	assert.Equal(t, want.Owner, got.Owner, "owner")
	assert.Equal(t, want.Fence, got.Fence, "fence")
	assertSameTime(t, want.LeaseUntil, got.LeaseUntil, "lease until")
	assert.Equal(t, want.Body, got.Body, "body")
	assert.Equal(t, want.ReceiptID, got.ReceiptID, "receipt id")
	assert.Equal(t, want.Outcome, got.Outcome, "outcome")
	assert.Equal(t, want.LastError, got.LastError, "last error")
	assert.Equal(t, want.Attempts, got.Attempts, "attempts")
	assertSameTime(t, want.UpdatedAt, got.UpdatedAt, "updated at")
}

// keysOf returns the keys of entries, in order.
func keysOf(entries []poll.Entry) []poll.Key {
	keys := make([]poll.Key, len(entries))
	for i, e := range entries {
		keys[i] = e.Key
	}
	return keys
}
