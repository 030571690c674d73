package storetest

import (
	"io"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
)

// OpenStore opens one more handle on a durable storage that a factory
// created for one test case: every call returns a new handle on the same
// data, reading time from now. Closing the handle must not lose data.
type OpenStore func(t *testing.T, now func() time.Time) (poll.IdempotencyStore, io.Closer)

// OpenOutbox is OpenStore for outboxes.
type OpenOutbox func(t *testing.T, now func() time.Time) (poll.Outbox, io.Closer)

// RunDurable runs the cases only durable stores pass: entries survive
// closing and reopening, several handles on one storage (several engines)
// never both hold a key, and handles whose clocks differ stay fenced.
// newStorage creates a fresh, empty storage for one case (a file, a schema,
// a key prefix) and returns how to open it.
func RunDurable(t *testing.T, newStorage func(t *testing.T) OpenStore) {
	cases := []struct {
		name string
		run  func(h *harness, open func() (poll.IdempotencyStore, io.Closer))
	}{
		{"EntriesSurviveReopen", testEntriesSurviveReopen},
		{"HandlesClaimOnce", testHandlesClaimOnce},
		{"HandlesExclusiveUnderChurn", testHandlesExclusiveUnderChurn},
		{"StaleHandleRefused", testStaleHandleRefused},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := NewClock()
			openStore := newStorage(t)
			require.NotNil(t, openStore, "factory returned no opener")
			open := func() (poll.IdempotencyStore, io.Closer) {
				s, closer := openStore(t, clock.Now)
				require.NotNil(t, s, "opener returned no store")
				return s, closer
			}
			c.run(&harness{t: t, ctx: t.Context(), clock: clock}, open)
		})
	}
	t.Run("SkewedClocksStayFenced", func(t *testing.T) {
		testSkewedClocksStayFenced(t, newStorage(t))
	})
}

// testSkewedClocksStayFenced: two engines whose clocks differ by less than
// the lease TTL. The one ahead takes over the other's lease as soon as its
// own clock reaches the lease's end, early by the other's clock, and from
// then on every write of the former holder is refused.
func testSkewedClocksStayFenced(t *testing.T, openStore OpenStore) {
	const skew = 5 * time.Second
	slow, fast := NewClock(), NewClock()
	fast.Advance(skew)
	a, closeA := openStore(t, slow.Now)
	defer closeA.Close()
	b, closeB := openStore(t, fast.Now)
	defer closeB.Close()
	ctx := t.Context()
	k := key(500)

	held, _, err := a.Claim(ctx, k, "engine-slow", LeaseTTL)
	require.NoError(t, err)
	require.NoError(t, a.MarkSending(ctx, held, body(k)))
	fast.Advance(LeaseTTL - skew - time.Millisecond)
	_, _, err = b.Claim(ctx, k, "engine-fast", LeaseTTL)
	require.ErrorIs(t, err, poll.ErrNotClaimable, "claim before the lease ends by its end")

	fast.Advance(time.Millisecond)
	taken, e, err := b.Claim(ctx, k, "engine-fast", LeaseTTL)
	require.NoError(t, err, "claim once the claimer's clock reaches the lease's end")
	assert.True(t, slow.Now().Before(held.Until), "the holder's clock still sees its lease")
	assert.Equal(t, body(k), e.Body, "the new holder resends the same body")
	for _, write := range []func() error{
		func() error { return a.MarkInDoubt(ctx, held, "read timeout") },
		func() error { return a.Accept(ctx, held, "R-slow") },
		func() error { return a.Release(ctx, held) },
	} {
		assert.ErrorIs(t, write(), poll.ErrLeaseLost)
	}
	require.NoError(t, b.Accept(ctx, taken, "R-fast"))
	e, ok, err := a.Get(ctx, k)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "R-fast", e.ReceiptID)
}

// testEntriesSurviveReopen leaves pushes in every state, closes the store
// and checks that a new handle sees them unchanged, leases included.
func testEntriesSurviveReopen(h *harness, open func() (poll.IdempotencyStore, io.Closer)) {
	first, closer := open()
	h.store = first
	inDoubt, notSent, accepted, finished := key(1), key(2), key(3), key(4)

	held := h.sending(inDoubt, "engine-a", allBytes())
	h.clock.Advance(time.Second)
	l := h.sending(notSent, "engine-a", body(notSent))
	require.NoError(h.t, h.store.MarkNotSent(h.ctx, l, "dial refused"))
	h.accepted(accepted, "engine-a", "R-3")
	h.accepted(finished, "engine-a", "R-4")
	require.NoError(h.t, h.store.Finish(h.ctx, finished, "PUBLISHED"))
	keys := []poll.Key{inDoubt, notSent, accepted, finished}
	before := make(map[poll.Key]poll.Entry)
	for _, k := range keys {
		before[k] = h.get(k)
	}
	require.NoError(h.t, closer.Close(), "close the first handle")

	second, closer := open()
	defer closer.Close()
	h.store = second
	for _, k := range keys {
		assertEntry(h.t, before[k], h.get(k))
	}
	list, err := h.store.List(h.ctx, flowA, poll.StateInDoubt, 0)
	require.NoError(h.t, err)
	require.Len(h.t, list, 1)
	assert.Equal(h.t, allBytes(), list[0].Body, "in-doubt body after reopening")

	_, _, err = h.store.Claim(h.ctx, inDoubt, "engine-b", LeaseTTL)
	assert.ErrorIs(h.t, err, poll.ErrNotClaimable, "a lease survives reopening")
	h.clock.Advance(LeaseTTL)
	taken := h.claim(inDoubt, "engine-b")
	assert.Greater(h.t, taken.Fence, held.Fence, "fences keep growing after reopening")
	assert.ErrorIs(h.t, h.store.MarkInDoubt(h.ctx, held, "timeout"), poll.ErrLeaseLost)
}

// testHandlesClaimOnce races owners spread over two handles for one key.
func testHandlesClaimOnce(h *harness, open func() (poll.IdempotencyStore, io.Closer)) {
	stores := openTwo(h, open)
	raceClaims(h, stores, 100)
}

// testHandlesExclusiveUnderChurn churns one key over two handles.
func testHandlesExclusiveUnderChurn(h *harness,
	open func() (poll.IdempotencyStore, io.Closer)) {
	stores := openTwo(h, open)
	churn(h, stores, key(200))
}

// testStaleHandleRefused: a lease taken on one handle and taken over on
// another is stale on both.
func testStaleHandleRefused(h *harness, open func() (poll.IdempotencyStore, io.Closer)) {
	stores := openTwo(h, open)
	k := key(300)
	h.store = stores[0]
	stale := h.sending(k, "engine-a", body(k))
	h.clock.Advance(LeaseTTL)

	h.store = stores[1]
	fresh := h.claim(k, "engine-b")
	for i, s := range stores {
		err := s.Accept(h.ctx, stale, "R-stale")
		assert.ErrorIs(h.t, err, poll.ErrLeaseLost, "stale accept on handle %d", i)
	}
	require.NoError(h.t, stores[0].Accept(h.ctx, fresh, "R-300"),
		"a lease is honoured on any handle")
	e := h.get(k)
	assert.Equal(h.t, poll.StateAccepted, e.State)
	assert.Equal(h.t, "R-300", e.ReceiptID)
}

// openTwo opens two handles, closed when the case ends, and points h at
// the first.
func openTwo(h *harness, open func() (poll.IdempotencyStore, io.Closer)) []poll.IdempotencyStore {
	stores := make([]poll.IdempotencyStore, 2)
	for i := range stores {
		s, closer := open()
		h.t.Cleanup(func() { assert.NoError(h.t, closer.Close()) })
		stores[i] = s
	}
	h.store = stores[0]
	return stores
}

// RunDurableOutbox runs the outbox cases only durable outboxes pass:
// deliveries survive closing and reopening, and two handles never take the
// same delivery at once.
func RunDurableOutbox(t *testing.T, newStorage func(t *testing.T) OpenOutbox) {
	t.Run("DeliveriesSurviveReopen", func(t *testing.T) {
		clock := NewClock()
		open := newStorage(t)
		h := &outboxHarness{t: t, ctx: t.Context(), clock: clock}
		testDeliveriesSurviveReopen(h, func() (poll.Outbox, io.Closer) {
			return open(t, clock.Now)
		})
	})
	t.Run("HandlesNeverShare", func(t *testing.T) {
		clock := NewClock()
		open := newStorage(t)
		h := &outboxHarness{t: t, ctx: t.Context(), clock: clock}
		testHandlesNeverShare(h, func() (poll.Outbox, io.Closer) {
			return open(t, clock.Now)
		})
	})
}

func testDeliveriesSurviveReopen(h *outboxHarness, open func() (poll.Outbox, io.Closer)) {
	now := h.clock.Now()
	first, closer := open()
	h.outbox = first
	kept, retried, acked := delivery(1, "portal", now), delivery(2, "portal", now),
		delivery(3, "yuncaitong", now)
	kept.Payload = allBytes()
	h.enqueue(kept, retried, acked)
	require.Len(h.t, h.due(now, 0), 3)
	require.NoError(h.t, h.outbox.Retry(h.ctx, retried.ID, now, "portal answered 503"))
	require.NoError(h.t, h.outbox.Ack(h.ctx, acked.ID))
	require.NoError(h.t, closer.Close(), "close the first handle")

	second, closer := open()
	defer closer.Close()
	h.outbox = second
	assert.Equal(h.t, []string{retried.ID}, idsOf(h.due(now, 0)),
		"the retried delivery is due; the leased one is not")
	got := h.due(now.Add(DeliveryLease), 0)
	require.Len(h.t, got, 2, "the leased and the retried delivery, not the acknowledged")
	byID := map[string]poll.Delivery{got[0].ID: got[0], got[1].ID: got[1]}
	assert.Equal(h.t, kept.Payload, byID[kept.ID].Payload, "payload after reopening")
	assert.Equal(h.t, 1, byID[retried.ID].Attempts)
	assert.Equal(h.t, "portal answered 503", byID[retried.ID].LastError)
	assertSameTime(h.t, now, byID[kept.ID].CreatedAt, "created at after reopening")
}

// testHandlesNeverShare takes deliveries through two handles at once.
func testHandlesNeverShare(h *outboxHarness, open func() (poll.Outbox, io.Closer)) {
	a, closeA := open()
	defer closeA.Close()
	b, closeB := open()
	defer closeB.Close()
	h.outbox = a
	now := h.clock.Now()
	const deliveries = 60
	for n := range deliveries {
		h.enqueue(delivery(n, "portal", now))
	}

	var mu sync.Mutex
	seen := make(map[string]int)
	var wg sync.WaitGroup
	for _, o := range []poll.Outbox{a, b, a, b} {
		wg.Go(func() {
			// Bounded, so that a store handing deliveries out again and
			// again fails instead of spinning.
			for range deliveries {
				ds, err := o.Due(h.ctx, now, DeliveryLease, 4)
				if !assert.NoError(h.t, err) || len(ds) == 0 {
					return
				}
				mu.Lock()
				for _, d := range ds {
					seen[d.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()

	assert.Len(h.t, seen, deliveries, "every due delivery is handed out")
	for id, n := range seen {
		assert.Equal(h.t, 1, n, "delivery %s handed out %d times", id, n)
	}
}
