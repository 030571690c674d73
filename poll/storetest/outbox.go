package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
)

// NewOutbox builds a fresh, empty outbox for one test case; it reads time
// from now (for CreatedAt) and registers its cleanup with t.Cleanup.
type NewOutbox func(t *testing.T, now func() time.Time) poll.Outbox

// DeliveryLease is the lease every outbox case takes deliveries with.
const DeliveryLease = time.Minute

// outboxHarness bundles what an outbox case needs.
type outboxHarness struct {
	t      *testing.T
	ctx    context.Context
	clock  *Clock
	outbox poll.Outbox
}

// outboxCase is one conformance case run against a fresh outbox.
type outboxCase struct {
	name string
	run  func(h *outboxHarness)
}

// RunOutbox runs every outbox case of the suite against outboxes built by
// newOutbox, each case on its own fresh outbox and Clock.
func RunOutbox(t *testing.T, newOutbox NewOutbox) {
	cases := []outboxCase{
		{"EnqueueDedupes", testEnqueueDedupes},
		{"DueOrderAndLimit", testDueOrderAndLimit},
		{"DueLeases", testDueLeases},
		{"ConcurrentDueNeverShares", testConcurrentDueNeverShares},
		{"RetryCountsAndDelays", testRetryCountsAndDelays},
		{"AckRemoves", testAckRemoves},
		{"DueAtItsOwnTimes", testDueAtItsOwnTimes},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := NewClock()
			outbox := newOutbox(t, clock.Now)
			require.NotNil(t, outbox, "factory returned no outbox")
			c.run(&outboxHarness{t: t, ctx: t.Context(), clock: clock, outbox: outbox})
		})
	}
}

// delivery returns delivery number n for sink, due at next.
func delivery(n int, sink string, next time.Time) poll.Delivery {
	return poll.Delivery{
		ID:      fmt.Sprintf("intention/YX2026%06d/1/%s", n, sink),
		Sink:    sink,
		Payload: fmt.Appendf(nil, `{"source_id":"YX2026%06d","status":"已公开"}`, n),
		NextAt:  next,
	}
}

// enqueue adds ds and fails the case on any error.
func (h *outboxHarness) enqueue(ds ...poll.Delivery) {
	h.t.Helper()
	for _, d := range ds {
		require.NoError(h.t, h.outbox.Enqueue(h.ctx, d), "enqueue %s", d.ID)
	}
}

// due calls Due at now with DeliveryLease and fails the case on an error.
func (h *outboxHarness) due(now time.Time, limit int) []poll.Delivery {
	h.t.Helper()
	ds, err := h.outbox.Due(h.ctx, now, DeliveryLease, limit)
	require.NoError(h.t, err, "due at %v", now)
	return ds
}

// idsOf returns the IDs of ds, in order.
func idsOf(ds []poll.Delivery) []string {
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	return ids
}

func testEnqueueDedupes(h *outboxHarness) {
	now := h.clock.Now()
	first := delivery(1, "portal", time.Time{})
	first.Payload = append(allBytes(), first.Payload...)
	again := first
	again.Payload = []byte(`{"changed":true}`)
	again.NextAt = now.Add(time.Hour)

	h.enqueue(first)
	h.clock.Advance(time.Second)
	h.enqueue(again)

	ds := h.due(now, 0)
	require.Len(h.t, ds, 1, "one delivery per id")
	d := ds[0]
	assert.Equal(h.t, first.ID, d.ID)
	assert.Equal(h.t, "portal", d.Sink)
	assert.Equal(h.t, first.Payload, d.Payload, "the first payload is kept byte for byte")
	assert.Zero(h.t, d.Attempts)
	assert.Empty(h.t, d.LastError)
	assertSameTime(h.t, now, d.CreatedAt, "created at from the store's clock")
	assertSameTime(h.t, now.Add(DeliveryLease), d.NextAt, "next at after Due")
}

func testDueOrderAndLimit(h *outboxHarness) {
	now := h.clock.Now()
	h.enqueue(
		delivery(1, "portal", now.Add(-time.Minute)),
		delivery(2, "portal", now.Add(-3*time.Minute)),
		delivery(3, "yuncaitong", now),
		delivery(4, "portal", now.Add(time.Millisecond)),
		delivery(5, "yuncaitong", now.Add(-2*time.Minute)),
	)
	id := func(n int, sink string) string { return delivery(n, sink, now).ID }

	got := h.due(now, 2)
	assert.Equal(h.t, []string{id(2, "portal"), id(5, "yuncaitong")}, idsOf(got),
		"earliest first, at most limit")
	got = h.due(now, 0)
	assert.Equal(h.t, []string{id(1, "portal"), id(3, "yuncaitong")}, idsOf(got),
		"the rest that are due, NextAt equal to now included")
	assert.Empty(h.t, h.due(now, 0), "nothing else is due")
	got = h.due(now.Add(time.Millisecond), 0)
	assert.Equal(h.t, []string{id(4, "portal")}, idsOf(got))
}

func testDueLeases(h *outboxHarness) {
	now := h.clock.Now()
	d := delivery(1, "portal", now)
	h.enqueue(d)

	got := h.due(now, 0)
	require.Len(h.t, got, 1)
	until := got[0].NextAt
	assertSameTime(h.t, now.Add(DeliveryLease), until, "leased until")

	assert.Empty(h.t, h.due(now, 0), "a leased delivery is not handed out again")
	assert.Empty(h.t, h.due(until.Add(-time.Millisecond), 0), "before the lease ends")
	got = h.due(until, 0)
	require.Len(h.t, got, 1, "an unacknowledged delivery comes back when its lease ends")
	assert.Equal(h.t, d.ID, got[0].ID)
	assert.Zero(h.t, got[0].Attempts, "Due does not count attempts")
}

// testConcurrentDueNeverShares has many callers take deliveries at once:
// each delivery goes to exactly one of them.
func testConcurrentDueNeverShares(h *outboxHarness) {
	const deliveries, callers = 60, 8
	now := h.clock.Now()
	for n := range deliveries {
		h.enqueue(delivery(n, "portal", now.Add(-time.Duration(n)*time.Millisecond)))
	}

	var mu sync.Mutex
	taken := make(map[string]int)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			<-start
			// Bounded, so that a store handing deliveries out again and
			// again fails instead of spinning.
			for range deliveries {
				ds, err := h.outbox.Due(h.ctx, now, DeliveryLease, 3)
				if !assert.NoError(h.t, err) || len(ds) == 0 {
					return
				}
				mu.Lock()
				for _, d := range ds {
					taken[d.ID]++
				}
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()

	assert.Len(h.t, taken, deliveries, "every due delivery is handed out")
	for id, n := range taken {
		assert.Equal(h.t, 1, n, "delivery %s handed out %d times", id, n)
	}
}

func testRetryCountsAndDelays(h *outboxHarness) {
	now := h.clock.Now()
	d := delivery(1, "portal", now)
	h.enqueue(d)
	require.Len(h.t, h.due(now, 0), 1)

	next := now.Add(10 * time.Second)
	require.NoError(h.t, h.outbox.Retry(h.ctx, d.ID, next, "portal answered 502"))
	assert.Empty(h.t, h.due(next.Add(-time.Millisecond), 0), "not due before the retry time")
	got := h.due(next, 0)
	require.Len(h.t, got, 1)
	assert.Equal(h.t, 1, got[0].Attempts)
	assert.Equal(h.t, "portal answered 502", got[0].LastError)
	assert.Equal(h.t, d.Payload, got[0].Payload)

	later := next.Add(20 * time.Second)
	require.NoError(h.t, h.outbox.Retry(h.ctx, d.ID, later, "connection reset"))
	got = h.due(later, 0)
	require.Len(h.t, got, 1)
	assert.Equal(h.t, 2, got[0].Attempts)
	assert.Equal(h.t, "connection reset", got[0].LastError)

	assert.NoError(h.t, h.outbox.Retry(h.ctx, "no-such-delivery", later, "x"),
		"retry of an unknown id")
	got = h.due(later.Add(24*time.Hour), 0)
	assert.Equal(h.t, []string{d.ID}, idsOf(got), "a retry of an unknown id creates nothing")
}

func testAckRemoves(h *outboxHarness) {
	now := h.clock.Now()
	a, b := delivery(1, "portal", now), delivery(2, "portal", now)
	h.enqueue(a, b)
	require.Len(h.t, h.due(now, 0), 2)

	require.NoError(h.t, h.outbox.Ack(h.ctx, a.ID))
	assert.NoError(h.t, h.outbox.Ack(h.ctx, a.ID), "ack twice")
	assert.NoError(h.t, h.outbox.Ack(h.ctx, "no-such-delivery"), "ack of an unknown id")
	require.NoError(h.t, h.outbox.Retry(h.ctx, a.ID, now, "late failure report"),
		"retry after ack")

	later := now.Add(DeliveryLease)
	assert.Equal(h.t, []string{b.ID}, idsOf(h.due(later, 0)), "only the unacknowledged one")
}

// testDueAtItsOwnTimes: whatever precision a store keeps, a delivery is due
// at the NextAt it was enqueued with, at the end of the lease Due gave it
// and at the time a Retry set, so that a store which rounds some instants
// and cuts others cannot leave a delivery waiting for a later call.
func testDueAtItsOwnTimes(h *outboxHarness) {
	at := h.clock.Now().Add(700 * time.Nanosecond)
	d := delivery(1, "portal", at)
	h.enqueue(d)

	got, err := h.outbox.Due(h.ctx, at, DeliveryLease+300*time.Nanosecond, 0)
	require.NoError(h.t, err)
	require.Equal(h.t, []string{d.ID}, idsOf(got), "due at its own NextAt")
	got = h.due(got[0].NextAt, 0)
	require.Equal(h.t, []string{d.ID}, idsOf(got), "due again when its lease ends")

	next := got[0].NextAt.Add(time.Second + 600*time.Nanosecond)
	require.NoError(h.t, h.outbox.Retry(h.ctx, d.ID, next, "portal answered 502"))
	assert.Equal(h.t, []string{d.ID}, idsOf(h.due(next, 0)), "due at its retry time")
}
