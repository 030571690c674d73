package storetest

import (
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
)

// writeCases are the cases about fenced writes, bodies, states and lists.
func writeCases() []storeCase {
	return []storeCase{
		{"SendLifecycle", testSendLifecycle},
		{"StaleOwnerWritesRefused", testStaleOwnerWritesRefused},
		{"WritesOnPendingRefused", testWritesOnPendingRefused},
		{"InDoubtReportedWithExactBody", testInDoubtReportedWithExactBody},
		{"BodyImmutable", testBodyImmutable},
		{"EmptyFirstBodyRefused", testEmptyFirstBodyRefused},
		{"BodyBuffersNotShared", testBodyBuffersNotShared},
		{"FinishIdempotent", testFinishIdempotent},
		{"FinishInDoubtEndsLease", testFinishInDoubtEndsLease},
		{"FinishWithoutPushRefused", testFinishWithoutPushRefused},
		{"ListByStateOldestFirst", testListByStateOldestFirst},
	}
}

// testSendLifecycle walks one push through every fenced write and checks
// the whole entry after each.
func testSendLifecycle(h *harness) {
	k := key(500)
	l := h.claim(k, "engine-a")
	b := body(k)
	want := poll.Entry{Key: k, Owner: "engine-a", Fence: l.Fence, LeaseUntil: l.Until}

	steps := []struct {
		name  string
		write func() error
		edit  func(e *poll.Entry)
	}{
		{"mark sending", func() error { return h.store.MarkSending(h.ctx, l, b) },
			func(e *poll.Entry) { e.State, e.Body, e.Attempts = poll.StateInDoubt, b, 1 }},
		{"mark not sent", func() error { return h.store.MarkNotSent(h.ctx, l, "dial refused") },
			func(e *poll.Entry) { e.State, e.LastError = poll.StatePending, "dial refused" }},
		{"send again", func() error { return h.store.MarkSending(h.ctx, l, b) },
			func(e *poll.Entry) { e.State, e.Attempts = poll.StateInDoubt, 2 }},
		{"mark in doubt", func() error { return h.store.MarkInDoubt(h.ctx, l, "read timeout") },
			func(e *poll.Entry) { e.LastError = "read timeout" }},
		{"accept", func() error { return h.store.Accept(h.ctx, l, "R-500") },
			func(e *poll.Entry) {
				e.State, e.ReceiptID, e.LeaseUntil = poll.StateAccepted, "R-500", time.Time{}
			}},
		{"finish", func() error { return h.store.Finish(h.ctx, k, "PUBLISHED") },
			func(e *poll.Entry) { e.State, e.Outcome = poll.StateFinished, "PUBLISHED" }},
	}
	for _, s := range steps {
		want.UpdatedAt = h.clock.Advance(time.Second)
		require.NoError(h.t, s.write(), s.name)
		s.edit(&want)
		got := h.get(k)
		assert.Equal(h.t, want.State, got.State, "state after %s", s.name)
		assertEntry(h.t, want, got)
	}
}

// testStaleOwnerWritesRefused: after a takeover, every fenced write of the
// former owner fails with ErrLeaseLost and changes nothing.
func testStaleOwnerWritesRefused(h *harness) {
	writes := []struct {
		name  string
		write func(l poll.Lease) error
	}{
		{"MarkSending", func(l poll.Lease) error {
			return h.store.MarkSending(h.ctx, l, body(l.Key))
		}},
		{"MarkNotSent", func(l poll.Lease) error { return h.store.MarkNotSent(h.ctx, l, "x") }},
		{"MarkInDoubt", func(l poll.Lease) error { return h.store.MarkInDoubt(h.ctx, l, "x") }},
		{"Accept", func(l poll.Lease) error { return h.store.Accept(h.ctx, l, "R-stale") }},
		{"Release", func(l poll.Lease) error { return h.store.Release(h.ctx, l) }},
	}
	for i, w := range writes {
		k := key(600 + i)
		stale := h.sending(k, "engine-a", body(k))
		h.clock.Advance(LeaseTTL)
		fresh := h.claim(k, "engine-b")
		before := h.get(k)
		h.clock.Advance(time.Second)

		assert.ErrorIs(h.t, w.write(stale), poll.ErrLeaseLost, "stale %s", w.name)
		assertEntry(h.t, before, h.get(k))
		assert.NoError(h.t, w.write(fresh), "%s by the new owner", w.name)
	}
}

// testWritesOnPendingRefused: a push that was never marked as sending
// cannot be marked not sent, in doubt or accepted.
func testWritesOnPendingRefused(h *harness) {
	k := key(700)
	l := h.claim(k, "engine-a")
	before := h.get(k)
	h.clock.Advance(time.Second)

	assert.ErrorIs(h.t, h.store.MarkNotSent(h.ctx, l, "x"), poll.ErrWrongState)
	assert.ErrorIs(h.t, h.store.MarkInDoubt(h.ctx, l, "x"), poll.ErrWrongState)
	assert.ErrorIs(h.t, h.store.Accept(h.ctx, l, "R-700"), poll.ErrWrongState)
	assertEntry(h.t, before, h.get(k))
}

// testInDoubtReportedWithExactBody: an engine that stops between
// MarkSending and the answer leaves the push in doubt, and List and the next
// claim report the body byte for byte.
func testInDoubtReportedWithExactBody(h *harness) {
	bodies := map[poll.Key][]byte{key(800): body(key(800)), key(801): allBytes()}
	for k, b := range bodies {
		h.clock.Advance(time.Millisecond)
		h.sending(k, "engine-a", b)
	}
	pending := key(802)
	h.claim(pending, "engine-a")

	list, err := h.store.List(h.ctx, flowA, poll.StateInDoubt, 0)
	require.NoError(h.t, err)
	require.Len(h.t, list, len(bodies))
	for _, e := range list {
		assert.Equal(h.t, bodies[e.Key], e.Body, "listed body of %v", e.Key)
		assert.Equal(h.t, 1, e.Attempts)
		assert.Equal(h.t, poll.StateInDoubt, e.State)
	}

	h.clock.Advance(LeaseTTL)
	for k, b := range bodies {
		_, e, err := h.store.Claim(h.ctx, k, "engine-b", LeaseTTL)
		require.NoError(h.t, err, "takeover of in-doubt %v", k)
		assert.Equal(h.t, poll.StateInDoubt, e.State, "takeover keeps the state")
		assert.Equal(h.t, b, e.Body, "claimed body of %v", k)
	}
}

// testBodyImmutable: once kept, the body of a revision never changes.
func testBodyImmutable(h *harness) {
	k := key(900)
	first := body(k)
	l := h.sending(k, "engine-a", first)
	require.NoError(h.t, h.store.MarkNotSent(h.ctx, l, "dial refused"))
	before := h.get(k)
	h.clock.Advance(time.Second)

	changed := append(append([]byte{}, first...), ' ')
	others := map[string][]byte{
		"longer":    changed,
		"shorter":   first[:len(first)-1],
		"same size": append([]byte{'['}, first[1:]...),
		"empty":     nil,
	}
	for name, b := range others {
		err := h.store.MarkSending(h.ctx, l, b)
		assert.ErrorIs(h.t, err, poll.ErrBodyChanged, "%s body", name)
	}
	assertEntry(h.t, before, h.get(k))

	require.NoError(h.t, h.store.MarkSending(h.ctx, l, first), "the kept body again")
	e := h.get(k)
	assert.Equal(h.t, first, e.Body)
	assert.Equal(h.t, 2, e.Attempts)
}

// testEmptyFirstBodyRefused: a push with no body kept cannot be marked as
// sending nothing; the refusal is not a lost lease, and changes nothing.
func testEmptyFirstBodyRefused(h *harness) {
	k := key(902)
	l := h.claim(k, "engine-a")
	before := h.get(k)
	h.clock.Advance(time.Second)

	for name, b := range map[string][]byte{"nil": nil, "empty": {}} {
		err := h.store.MarkSending(h.ctx, l, b)
		assert.Error(h.t, err, "%s body", name)
		assert.NotErrorIs(h.t, err, poll.ErrLeaseLost, "%s body", name)
		assert.NotErrorIs(h.t, err, poll.ErrBodyChanged, "%s body", name)
	}
	assertEntry(h.t, before, h.get(k))
	assert.NoError(h.t, h.store.MarkSending(h.ctx, l, body(k)), "a real body after")
}

// testBodyBuffersNotShared: neither the caller's buffer nor a returned
// body aliases the kept bytes.
func testBodyBuffersNotShared(h *harness) {
	k := key(901)
	b := body(k)
	want := append([]byte{}, b...)
	h.sending(k, "engine-a", b)

	b[0] = 'X'
	got := h.get(k)
	assert.Equal(h.t, want, got.Body, "caller's buffer changed the kept body")
	got.Body[1] = 'X'
	list, err := h.store.List(h.ctx, flowA, poll.StateInDoubt, 0)
	require.NoError(h.t, err)
	require.Len(h.t, list, 1)
	assert.Equal(h.t, want, list[0].Body, "a returned body aliases the kept body")
	list[0].Body[2] = 'X'
	assert.Equal(h.t, want, h.get(k).Body, "a listed body aliases the kept body")
}

func testFinishIdempotent(h *harness) {
	k := key(1000)
	h.accepted(k, "engine-a", "R-1000")
	now := h.clock.Advance(time.Second)

	require.NoError(h.t, h.store.Finish(h.ctx, k, "FAILED"))
	want := h.get(k)
	assert.Equal(h.t, poll.StateFinished, want.State)
	assert.Equal(h.t, "FAILED", want.Outcome)
	assert.Equal(h.t, "R-1000", want.ReceiptID, "finish keeps the receipt")
	assertSameTime(h.t, now, want.UpdatedAt, "updated at")

	h.clock.Advance(time.Second)
	assert.NoError(h.t, h.store.Finish(h.ctx, k, "FAILED"), "finish twice")
	assert.NoError(h.t, h.store.Finish(h.ctx, k, "PUBLISHED"), "finish with another outcome")
	assertEntry(h.t, want, h.get(k))
}

// testFinishInDoubtEndsLease: an in-doubt push whose outcome was read from
// the platform is finished even while a lease is held, and the holder then
// stops.
func testFinishInDoubtEndsLease(h *harness) {
	k := key(1001)
	l := h.sending(k, "engine-a", body(k))

	require.NoError(h.t, h.store.Finish(h.ctx, k, "PUBLISHED"))
	e := h.get(k)
	assert.Equal(h.t, poll.StateFinished, e.State)
	assert.True(h.t, e.LeaseUntil.IsZero(), "finish ends the lease: %v", e.LeaseUntil)
	assert.Equal(h.t, body(k), e.Body)

	assert.ErrorIs(h.t, h.store.MarkInDoubt(h.ctx, l, "timeout"), poll.ErrLeaseLost)
	assert.ErrorIs(h.t, h.store.Accept(h.ctx, l, "R-1001"), poll.ErrLeaseLost)
	assert.Equal(h.t, "PUBLISHED", h.get(k).Outcome)
}

func testFinishWithoutPushRefused(h *harness) {
	assert.ErrorIs(h.t, h.store.Finish(h.ctx, key(1100), "PUBLISHED"), poll.ErrWrongState,
		"finish of an unknown key")
	_, ok, err := h.store.Get(h.ctx, key(1100))
	require.NoError(h.t, err)
	assert.False(h.t, ok, "a refused finish creates no entry")

	k := key(1101)
	h.claim(k, "engine-a")
	before := h.get(k)
	assert.ErrorIs(h.t, h.store.Finish(h.ctx, k, "PUBLISHED"), poll.ErrWrongState,
		"finish of a push never sent")
	assertEntry(h.t, before, h.get(k))
}

func testListByStateOldestFirst(h *harness) {
	// Written newest key first, so that key order and update order differ.
	inDoubt := []poll.Key{key(1205), key(1204), key(1203)}
	for _, k := range inDoubt {
		h.clock.Advance(time.Second)
		h.sending(k, "engine-a", body(k))
	}
	h.clock.Advance(time.Second)
	h.claim(key(1202), "engine-a")
	h.clock.Advance(time.Second)
	h.accepted(key(1201), "engine-a", "R-1201")
	other := poll.Key{Flow: flowB, SourceID: "DY2026000001", Revision: 1}
	h.sending(other, "engine-a", body(other))

	// Touch the oldest in-doubt entry last: order follows updates.
	h.clock.Advance(time.Second)
	l := h.claim(inDoubt[0], "engine-a")
	require.NoError(h.t, h.store.MarkInDoubt(h.ctx, l, "read timeout"))
	order := []poll.Key{inDoubt[1], inDoubt[2], inDoubt[0]}

	cases := []struct {
		flow  string
		state poll.PushState
		limit int
		want  []poll.Key
	}{
		{flowA, poll.StateInDoubt, 0, order},
		{flowA, poll.StateInDoubt, 2, order[:2]},
		{flowA, poll.StateInDoubt, 10, order},
		{flowA, poll.StatePending, 0, []poll.Key{key(1202)}},
		{flowA, poll.StateAccepted, 0, []poll.Key{key(1201)}},
		{flowA, poll.StateFinished, 0, []poll.Key{}},
		{flowB, poll.StateInDoubt, 0, []poll.Key{other}},
		{"plan", poll.StateInDoubt, 0, []poll.Key{}},
	}
	for _, c := range cases {
		list, err := h.store.List(h.ctx, c.flow, c.state, c.limit)
		require.NoError(h.t, err)
		assert.Equal(h.t, c.want, keysOf(list), "List(%s, %s, %d)", c.flow, c.state, c.limit)
	}
}
