package pgstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/internal/servertest"
	"github.com/zcbridge/zcbridge/poll/pgstore"
)

// clock is a manual clock shared by the stores of one test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newStore migrates a fresh schema and returns a store on it.
func newStore(t *testing.T, c *clock) (*pgstore.Store, string) {
	t.Helper()
	schema := servertest.PostgresSchema(t)
	return openStore(t, schema, c), schema
}

// openStore opens a new pool and store on schema, as a restarted process
// would.
func openStore(t *testing.T, schema string, c *clock) *pgstore.Store {
	t.Helper()
	pool := servertest.PostgresPool(t)
	s := pgstore.New(pool, pgstore.WithSchema(schema), pgstore.WithClock(c.Now))
	require.NoError(t, s.Migrate(context.Background()))
	return s
}

var key = poll.Key{Flow: "intention", SourceID: "YX-2025-001", Revision: 1}

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	schema := servertest.PostgresSchema(t)
	pool := servertest.PostgresPool(t)
	ctx := context.Background()

	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			s := pgstore.New(pool, pgstore.WithSchema(schema))
			errs[i] = s.Migrate(ctx)
		})
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}

	s := pgstore.New(pool, pgstore.WithSchema(schema))
	require.NoError(t, s.Migrate(ctx))
	_, ok, err := s.Get(ctx, key)
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestSchemasAreIsolated(t *testing.T) {
	c := newClock()
	a, _ := newStore(t, c)
	b, _ := newStore(t, c)
	ctx := context.Background()

	_, _, err := a.Claim(ctx, key, "engine-a", time.Minute)
	require.NoError(t, err)

	_, ok, err := b.Get(ctx, key)
	require.NoError(t, err)
	assert.False(t, ok, "an entry of one schema is visible in another")
}

func TestClaimOnlyOneOfManyWins(t *testing.T) {
	c := newClock()
	s, schema := newStore(t, c)
	other := openStore(t, schema, c) // a second pool, as a second process
	ctx := context.Background()

	const n = 16
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
	)
	for i := range n {
		st := s
		if i%2 == 1 {
			st = other
		}
		wg.Go(func() {
			_, _, err := st.Claim(ctx, key, "engine-"+string(rune('a'+i)), time.Minute)
			if err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
				return
			}
			assert.ErrorIs(t, err, poll.ErrNotClaimable)
		})
	}
	wg.Wait()
	assert.Equal(t, 1, wins)
}

func TestLeaseExpiryTakeoverAndFencing(t *testing.T) {
	c := newClock()
	s, _ := newStore(t, c)
	ctx := context.Background()
	body := []byte(`{"source_id":"YX-2025-001"}`)

	old, e, err := s.Claim(ctx, key, "engine-a", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, poll.StatePending, e.State)
	require.NoError(t, s.MarkSending(ctx, old, body))

	_, _, err = s.Claim(ctx, key, "engine-b", time.Minute)
	require.ErrorIs(t, err, poll.ErrNotClaimable)

	c.Advance(time.Minute)
	cur, e, err := s.Claim(ctx, key, "engine-b", time.Minute)
	require.NoError(t, err)
	assert.Greater(t, cur.Fence, old.Fence)
	assert.Equal(t, poll.StateInDoubt, e.State)
	assert.Equal(t, body, e.Body)
	assert.Equal(t, 1, e.Attempts)

	for name, write := range map[string]func(poll.Lease) error{
		"mark sending":  func(l poll.Lease) error { return s.MarkSending(ctx, l, body) },
		"mark not sent": func(l poll.Lease) error { return s.MarkNotSent(ctx, l, "refused") },
		"mark in doubt": func(l poll.Lease) error { return s.MarkInDoubt(ctx, l, "timeout") },
		"accept":        func(l poll.Lease) error { return s.Accept(ctx, l, "R-1") },
		"release":       func(l poll.Lease) error { return s.Release(ctx, l) },
	} {
		assert.ErrorIs(t, write(old), poll.ErrLeaseLost, name)
	}

	err = s.MarkSending(ctx, cur, []byte(`{"changed":true}`))
	require.Error(t, err)
	assert.False(t, errors.Is(err, poll.ErrLeaseLost))

	require.NoError(t, s.Accept(ctx, cur, "R-1"))
	assert.ErrorIs(t, s.Release(ctx, cur), poll.ErrLeaseLost)
	_, _, err = s.Claim(ctx, key, "engine-b", time.Minute)
	assert.ErrorIs(t, err, poll.ErrNotClaimable)

	require.NoError(t, s.Finish(ctx, key, "published"))
	require.NoError(t, s.Finish(ctx, key, "published"))
	got, ok, err := s.Get(ctx, key)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, poll.StateFinished, got.State)
	assert.Equal(t, "R-1", got.ReceiptID)
	assert.Equal(t, "published", got.Outcome)
}

func TestListOldestUpdateFirst(t *testing.T) {
	c := newClock()
	s, _ := newStore(t, c)
	ctx := context.Background()

	ids := []string{"C", "A", "B"}
	for _, id := range ids {
		k := poll.Key{Flow: "plan", SourceID: id, Revision: 1}
		l, _, err := s.Claim(ctx, k, "engine-a", time.Minute)
		require.NoError(t, err)
		require.NoError(t, s.MarkSending(ctx, l, []byte(id)))
		c.Advance(time.Second)
	}

	all, err := s.List(ctx, "plan", poll.StateInDoubt, 0)
	require.NoError(t, err)
	require.Len(t, all, 3)
	for i, e := range all {
		assert.Equal(t, ids[i], e.Key.SourceID)
		assert.Equal(t, []byte(ids[i]), e.Body)
	}

	two, err := s.List(ctx, "plan", poll.StateInDoubt, 2)
	require.NoError(t, err)
	assert.Len(t, two, 2)
	none, err := s.List(ctx, "plan", poll.StatePending, 0)
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestOutboxSurvivesReopen(t *testing.T) {
	c := newClock()
	s, schema := newStore(t, c)
	ctx := context.Background()

	d := poll.Delivery{ID: "intention/YX-1/1/portal", Sink: "portal", Payload: []byte("{}")}
	require.NoError(t, s.Enqueue(ctx, d))
	require.NoError(t, s.Enqueue(ctx, d))

	reopened := openStore(t, schema, c)
	due, err := reopened.Due(ctx, c.Now(), time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, due, 1)
	assert.Equal(t, d.ID, due[0].ID)
	assert.Equal(t, d.Payload, due[0].Payload)

	again, err := s.Due(ctx, c.Now(), time.Minute, 10)
	require.NoError(t, err)
	assert.Empty(t, again, "a taken delivery was due again before its lease ended")

	require.NoError(t, s.Retry(ctx, d.ID, c.Now().Add(time.Second), "portal: 503"))
	c.Advance(time.Second)
	due, err = s.Due(ctx, c.Now(), time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, due, 1)
	assert.Equal(t, 1, due[0].Attempts)
	assert.Equal(t, "portal: 503", due[0].LastError)

	require.NoError(t, s.Ack(ctx, d.ID))
	require.NoError(t, s.Ack(ctx, d.ID))
	c.Advance(time.Hour)
	due, err = s.Due(ctx, c.Now(), time.Minute, 10)
	require.NoError(t, err)
	assert.Empty(t, due)
}
