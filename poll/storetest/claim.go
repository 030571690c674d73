package storetest

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
)

// Contenders is how many goroutines race for one key in the concurrency
// cases.
const Contenders = 32

// claimCases are the cases about claims, leases and their expiry.
func claimCases() []storeCase {
	return []storeCase{
		{"ClaimCreatesPendingEntry", testClaimCreatesPendingEntry},
		{"GetUnknownKey", testGetUnknownKey},
		{"ConcurrentClaimsOneKey", testConcurrentClaimsOneKey},
		{"ClaimsExclusiveUnderChurn", testClaimsExclusiveUnderChurn},
		{"LeaseExpiryAndTakeover", testLeaseExpiryAndTakeover},
		{"SameOwnerReclaims", testSameOwnerReclaims},
		{"ExpiredLeaseWritesUntilTakeover", testExpiredLeaseWritesUntilTakeover},
		{"ReleaseEndsLease", testReleaseEndsLease},
		{"AcceptedNotClaimable", testAcceptedNotClaimable},
		{"FinishedNotClaimable", testFinishedNotClaimable},
		{"KeysIndependent", testKeysIndependent},
		{"LeaseEndsAtItsUntil", testLeaseEndsAtItsUntil},
		{"NonPositiveTTLRefused", testNonPositiveTTLRefused},
	}
}

func testClaimCreatesPendingEntry(h *harness) {
	k := key(1)
	now := h.clock.Now()

	l, e, err := h.store.Claim(h.ctx, k, "engine-a", LeaseTTL)
	require.NoError(h.t, err)

	assert.Equal(h.t, k, l.Key)
	assert.Equal(h.t, "engine-a", l.Owner)
	assert.Positive(h.t, l.Fence, "fence of a first claim")
	assertSameTime(h.t, now.Add(LeaseTTL), l.Until, "lease until")
	want := poll.Entry{
		Key: k, State: poll.StatePending, Owner: "engine-a", Fence: l.Fence,
		LeaseUntil: l.Until, UpdatedAt: now,
	}
	assertEntry(h.t, want, e)
	assertEntry(h.t, want, h.get(k))
}

func testGetUnknownKey(h *harness) {
	_, ok, err := h.store.Get(h.ctx, key(404))
	require.NoError(h.t, err)
	assert.False(h.t, ok, "an unknown key has no entry")

	_, ok, err = h.store.Get(h.ctx, key(404))
	require.NoError(h.t, err)
	assert.False(h.t, ok, "Get must not create an entry")
}

// testConcurrentClaimsOneKey races Contenders owners for each of a few
// fresh keys: exactly one wins each.
func testConcurrentClaimsOneKey(h *harness) {
	raceClaims(h, []poll.IdempotencyStore{h.store}, 100)
}

// raceClaims races Contenders owners, spread over stores (handles on one
// storage), for each of five fresh keys from key(first): exactly one wins
// each.
func raceClaims(h *harness, stores []poll.IdempotencyStore, first int) {
	for n := range 5 {
		k := key(first + n)
		var wins atomic.Int32
		var winner atomic.Value
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range Contenders {
			store := stores[i%len(stores)]
			wg.Go(func() {
				owner := fmt.Sprintf("engine-%02d", i)
				<-start
				l, _, err := store.Claim(h.ctx, k, owner, LeaseTTL)
				if err == nil {
					wins.Add(1)
					winner.Store(l)
					return
				}
				assert.ErrorIs(h.t, err, poll.ErrNotClaimable, "claim by %s", owner)
			})
		}
		close(start)
		wg.Wait()

		require.Equal(h.t, int32(1), wins.Load(), "winners for %v", k)
		l := winner.Load().(poll.Lease)
		e := h.get(k)
		assert.Equal(h.t, l.Owner, e.Owner)
		assert.Equal(h.t, l.Fence, e.Fence)
	}
}

// testClaimsExclusiveUnderChurn has owners claim and release one key over
// and over: no two ever hold it at once, and every claim gets a new,
// larger fence.
func testClaimsExclusiveUnderChurn(h *harness) {
	churn(h, []poll.IdempotencyStore{h.store}, key(200))
}

// churn has owners spread over stores claim and release k until each won
// it a few times, checking mutual exclusion and fences.
func churn(h *harness, stores []poll.IdempotencyStore, k poll.Key) {
	const owners, rounds = 8, 5
	ctx, cancel := context.WithTimeout(h.ctx, 60*time.Second)
	defer cancel()

	var holders atomic.Int32
	var mu sync.Mutex
	var fences []int64
	var wg sync.WaitGroup
	for i := range owners {
		store := stores[i%len(stores)]
		wg.Go(func() {
			owner := fmt.Sprintf("engine-%d", i)
			var last int64
			for won := 0; won < rounds; {
				if ctx.Err() != nil {
					assert.Fail(h.t, "churn did not finish", "owner %s won %d", owner, won)
					return
				}
				l, _, err := store.Claim(ctx, k, owner, LeaseTTL)
				if err != nil {
					assert.ErrorIs(h.t, err, poll.ErrNotClaimable)
					runtime.Gosched()
					continue
				}
				assert.Equal(h.t, int32(1), holders.Add(1), "two holders at once")
				assert.Greater(h.t, l.Fence, last, "fences of %s", owner)
				last = l.Fence
				mu.Lock()
				fences = append(fences, l.Fence)
				mu.Unlock()
				holders.Add(-1)
				assert.NoError(h.t, store.Release(ctx, l))
				won++
			}
		})
	}
	wg.Wait()

	require.Len(h.t, fences, owners*rounds)
	seen := make(map[int64]bool, len(fences))
	var maxFence int64
	for _, f := range fences {
		assert.False(h.t, seen[f], "fence %d given twice", f)
		seen[f] = true
		maxFence = max(maxFence, f)
	}
	assert.Equal(h.t, maxFence, h.get(k).Fence, "entry keeps the latest fence")
}

func testLeaseExpiryAndTakeover(h *harness) {
	k := key(300)
	a := h.claim(k, "engine-a")

	h.clock.Advance(LeaseTTL - time.Millisecond)
	l, e, err := h.store.Claim(h.ctx, k, "engine-b", LeaseTTL)
	require.ErrorIs(h.t, err, poll.ErrNotClaimable, "claim before the lease ends")
	assert.Zero(h.t, l, "a refused claim gives no lease")
	assert.Equal(h.t, "engine-a", e.Owner, "a refused claim reports the holder")
	assert.Equal(h.t, a.Fence, e.Fence)

	now := h.clock.Advance(time.Millisecond)
	b, e, err := h.store.Claim(h.ctx, k, "engine-b", LeaseTTL)
	require.NoError(h.t, err, "claim when the lease ends")
	assert.Greater(h.t, b.Fence, a.Fence, "takeover fence")
	assertSameTime(h.t, now.Add(LeaseTTL), b.Until, "new lease until")
	assert.Equal(h.t, "engine-b", e.Owner)
	assert.Equal(h.t, b.Fence, e.Fence)
	assert.Equal(h.t, poll.StatePending, e.State)

	_, _, err = h.store.Claim(h.ctx, k, "engine-a", LeaseTTL)
	assert.ErrorIs(h.t, err, poll.ErrNotClaimable, "former holder reclaims a held key")
}

func testSameOwnerReclaims(h *harness) {
	k := key(301)
	first := h.claim(k, "engine-a")
	h.clock.Advance(time.Second)

	second, _, err := h.store.Claim(h.ctx, k, "engine-a", LeaseTTL)
	require.NoError(h.t, err, "owner reclaims its own unexpired lease")
	assert.Greater(h.t, second.Fence, first.Fence)
	assertSameTime(h.t, h.clock.Now().Add(LeaseTTL), second.Until, "renewed until")

	err = h.store.MarkSending(h.ctx, first, body(k))
	assert.ErrorIs(h.t, err, poll.ErrLeaseLost, "the superseded lease is stale")
	assert.NoError(h.t, h.store.MarkSending(h.ctx, second, body(k)))
}

// testExpiredLeaseWritesUntilTakeover: expiry alone does not void a lease;
// only a takeover does.
func testExpiredLeaseWritesUntilTakeover(h *harness) {
	k := key(302)
	a := h.claim(k, "engine-a")
	h.clock.Advance(2 * LeaseTTL)

	require.NoError(h.t, h.store.MarkSending(h.ctx, a, body(k)),
		"an expired lease nobody took over still writes")
	assert.Equal(h.t, poll.StateInDoubt, h.get(k).State)

	b, _, err := h.store.Claim(h.ctx, k, "engine-b", LeaseTTL)
	require.NoError(h.t, err, "an expired in-doubt entry is claimable")
	assert.Greater(h.t, b.Fence, a.Fence)
	assert.ErrorIs(h.t, h.store.MarkInDoubt(h.ctx, a, "timeout"), poll.ErrLeaseLost)
}

func testReleaseEndsLease(h *harness) {
	k := key(303)
	a := h.claim(k, "engine-a")
	h.clock.Advance(time.Second)

	require.NoError(h.t, h.store.Release(h.ctx, a))
	e := h.get(k)
	assert.Equal(h.t, poll.StatePending, e.State, "release keeps the state")
	assert.True(h.t, e.LeaseUntil.IsZero(), "released lease until: %v", e.LeaseUntil)
	assert.Equal(h.t, a.Fence, e.Fence)

	assert.ErrorIs(h.t, h.store.MarkSending(h.ctx, a, body(k)), poll.ErrLeaseLost,
		"write under a released lease")
	assert.ErrorIs(h.t, h.store.Release(h.ctx, a), poll.ErrLeaseLost, "second release")

	b, _, err := h.store.Claim(h.ctx, k, "engine-b", LeaseTTL)
	require.NoError(h.t, err, "a released key is claimable at once")
	assert.Greater(h.t, b.Fence, a.Fence)
}

func testAcceptedNotClaimable(h *harness) {
	k := key(304)
	now := h.clock.Advance(time.Second)
	a := h.accepted(k, "engine-a", "R-304")

	e := h.get(k)
	want := poll.Entry{
		Key: k, State: poll.StateAccepted, Owner: "engine-a", Fence: a.Fence,
		Body: body(k), ReceiptID: "R-304", Attempts: 1, UpdatedAt: now,
	}
	assertEntry(h.t, want, e)

	h.clock.Advance(2 * LeaseTTL)
	for _, owner := range []string{"engine-a", "engine-b"} {
		l, got, err := h.store.Claim(h.ctx, k, owner, LeaseTTL)
		assert.ErrorIs(h.t, err, poll.ErrNotClaimable, "claim of accepted by %s", owner)
		assert.Zero(h.t, l)
		assert.Equal(h.t, poll.StateAccepted, got.State, "refused claim reports the state")
		assert.Equal(h.t, "R-304", got.ReceiptID)
	}
	assert.ErrorIs(h.t, h.store.MarkSending(h.ctx, a, body(k)), poll.ErrLeaseLost,
		"accept ends the lease")
	assert.ErrorIs(h.t, h.store.Accept(h.ctx, a, "R-304"), poll.ErrLeaseLost)
	assertEntry(h.t, want, h.get(k))
}

func testFinishedNotClaimable(h *harness) {
	k := key(305)
	h.accepted(k, "engine-a", "R-305")
	require.NoError(h.t, h.store.Finish(h.ctx, k, "PUBLISHED"))

	h.clock.Advance(2 * LeaseTTL)
	_, e, err := h.store.Claim(h.ctx, k, "engine-b", LeaseTTL)
	assert.ErrorIs(h.t, err, poll.ErrNotClaimable)
	assert.Equal(h.t, poll.StateFinished, e.State)
	assert.Equal(h.t, "PUBLISHED", e.Outcome)
}

// testKeysIndependent: keys that differ in flow, source id or revision
// alone are different pushes.
func testKeysIndependent(h *harness) {
	base := key(400)
	otherFlow := base
	otherFlow.Flow = flowB
	otherSource := base
	otherSource.SourceID += "X"
	otherRevision := base
	otherRevision.Revision = 2
	keys := []poll.Key{base, otherFlow, otherSource, otherRevision}

	leases := make([]poll.Lease, len(keys))
	for i, k := range keys {
		leases[i] = h.claim(k, fmt.Sprintf("engine-%d", i))
	}
	require.NoError(h.t, h.store.MarkSending(h.ctx, leases[0], body(base)))
	require.NoError(h.t, h.store.Accept(h.ctx, leases[0], "R-400"))

	for i, k := range keys[1:] {
		e := h.get(k)
		assert.Equal(h.t, poll.StatePending, e.State, "state of %v", k)
		assert.Equal(h.t, fmt.Sprintf("engine-%d", i+1), e.Owner, "owner of %v", k)
		assert.Empty(h.t, e.Body, "body of %v", k)
		assert.Empty(h.t, e.ReceiptID, "receipt of %v", k)
	}
	for i, k := range keys[1:] {
		body := fmt.Appendf(nil, `{"n":%d}`, i)
		assert.NoError(h.t, h.store.MarkSending(h.ctx, leases[i+1], body), "send %v", k)
		assert.Equal(h.t, body, h.get(k).Body, "body of %v", k)
	}
	assert.Equal(h.t, poll.StateAccepted, h.get(base).State)
}

// testLeaseEndsAtItsUntil: whatever precision a store keeps, the lease a
// claim returns is the lease the entry records, and it ends at that very
// instant, on the create and on the takeover path alike.
func testLeaseEndsAtItsUntil(h *harness) {
	k := key(410)
	ttl := LeaseTTL + 700*time.Nanosecond

	a, _, err := h.store.Claim(h.ctx, k, "engine-a", ttl)
	require.NoError(h.t, err)
	assertSameTime(h.t, a.Until, h.get(k).LeaseUntil, "lease until of a new entry")

	h.clock.Advance(a.Until.Sub(h.clock.Now()) - time.Microsecond)
	_, _, err = h.store.Claim(h.ctx, k, "engine-b", ttl)
	require.ErrorIs(h.t, err, poll.ErrNotClaimable, "claim a microsecond early")
	h.clock.Advance(time.Microsecond)
	b, _, err := h.store.Claim(h.ctx, k, "engine-b", ttl)
	require.NoError(h.t, err, "claim at the lease's end")
	assertSameTime(h.t, b.Until, h.get(k).LeaseUntil, "lease until after a takeover")
}

// testNonPositiveTTLRefused: a lease that would end before it is used is
// refused, for a new key and for a held one, and changes nothing.
func testNonPositiveTTLRefused(h *harness) {
	fresh, held := key(420), key(421)
	a := h.claim(held, "engine-a")
	before := h.get(held)

	for _, ttl := range []time.Duration{0, -time.Second} {
		l, _, err := h.store.Claim(h.ctx, fresh, "engine-a", ttl)
		assert.Error(h.t, err, "claim of a new key for %v", ttl)
		assert.Zero(h.t, l)
		_, ok, err := h.store.Get(h.ctx, fresh)
		require.NoError(h.t, err)
		assert.False(h.t, ok, "a refused claim for %v creates no entry", ttl)

		_, _, err = h.store.Claim(h.ctx, held, "engine-a", ttl)
		assert.Error(h.t, err, "reclaim for %v", ttl)
		assertEntry(h.t, before, h.get(held))
	}
	assert.NoError(h.t, h.store.MarkSending(h.ctx, a, body(held)), "the lease still holds")
}
