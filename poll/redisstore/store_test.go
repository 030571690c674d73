package redisstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/servertest"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/redisstore"
	"github.com/zcbridge/zcbridge/poll/storetest"
)

var key = poll.Key{Flow: "intention", SourceID: "YX-2025-001", Revision: 1}

// TestIndexFollowsState drives one push through every state and checks after
// each step that the flow's indexes hold the entry exactly once, in the set
// of its current state, and that the keys carry no expiry.
func TestIndexFollowsState(t *testing.T) {
	rdb, prefix := servertest.Redis(t)
	c := storetest.NewClock()
	s := redisstore.New(rdb, redisstore.WithPrefix(prefix), redisstore.WithClock(c.Now))
	ctx := context.Background()

	var l poll.Lease
	steps := []struct {
		name string
		do   func() error
		want poll.PushState
	}{
		{"claim", func() (err error) {
			l, _, err = s.Claim(ctx, key, "engine-a", time.Minute)
			return err
		}, poll.StatePending},
		{"mark sending", func() error { return s.MarkSending(ctx, l, []byte("{}")) },
			poll.StateInDoubt},
		{"mark not sent", func() error { return s.MarkNotSent(ctx, l, "refused") },
			poll.StatePending},
		{"release", func() error { return s.Release(ctx, l) }, poll.StatePending},
		{"reclaim", func() (err error) {
			l, _, err = s.Claim(ctx, key, "engine-b", time.Minute)
			return err
		}, poll.StatePending},
		{"resend", func() error { return s.MarkSending(ctx, l, []byte("{}")) },
			poll.StateInDoubt},
		{"accept", func() error { return s.Accept(ctx, l, "R-1") }, poll.StateAccepted},
		{"finish", func() error { return s.Finish(ctx, key, "published") },
			poll.StateFinished},
	}
	for _, step := range steps {
		c.Advance(time.Second)
		require.NoError(t, step.do(), step.name)

		for _, st := range []poll.PushState{poll.StatePending, poll.StateInDoubt,
			poll.StateAccepted, poll.StateFinished} {
			got, err := s.List(ctx, key.Flow, st, 0)
			require.NoError(t, err)
			if st == step.want {
				require.Len(t, got, 1, "%s: index of %s", step.name, st)
				assert.True(t, c.Now().Equal(got[0].UpdatedAt), "%s: updated at", step.name)
			} else {
				assert.Empty(t, got, "%s: index of %s", step.name, st)
			}
		}
	}

	keys, err := rdb.Keys(ctx, prefix+"*").Result()
	require.NoError(t, err)
	require.NotEmpty(t, keys)
	for _, k := range keys {
		ttl, err := rdb.PTTL(ctx, k).Result()
		require.NoError(t, err)
		assert.Equal(t, time.Duration(-1), ttl, "key %s expires", k)
	}
}

// TestKeysWithColonsDoNotCollide checks that flow and source ID are kept
// apart in key names, whatever they contain.
func TestKeysWithColonsDoNotCollide(t *testing.T) {
	rdb, prefix := servertest.Redis(t)
	s := redisstore.New(rdb, redisstore.WithPrefix(prefix))
	ctx := context.Background()

	a := poll.Key{Flow: "a:b", SourceID: "c", Revision: 1}
	b := poll.Key{Flow: "a", SourceID: "b:c", Revision: 1}
	_, _, err := s.Claim(ctx, a, "engine-a", time.Minute)
	require.NoError(t, err)
	_, _, err = s.Claim(ctx, b, "engine-b", time.Minute)
	require.NoError(t, err, "a claim on one key blocks the other")

	e, ok, err := s.Get(ctx, b)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, b, e.Key)
	assert.Equal(t, "engine-b", e.Owner)
}

// TestPrefixesAreIsolated checks that two stores with different prefixes on
// one Redis share nothing, and that every key stays under its prefix.
func TestPrefixesAreIsolated(t *testing.T) {
	rdb, prefix := servertest.Redis(t)
	ctx := context.Background()
	one := redisstore.New(rdb, redisstore.WithPrefix(prefix+"one:"))
	two := redisstore.New(rdb, redisstore.WithPrefix(prefix+"two:"))

	_, _, err := one.Claim(ctx, key, "engine-a", time.Minute)
	require.NoError(t, err)
	_, ok, err := two.Get(ctx, key)
	require.NoError(t, err)
	assert.False(t, ok)

	keys, err := rdb.Keys(ctx, prefix+"*").Result()
	require.NoError(t, err)
	for _, k := range keys {
		assert.True(t, strings.HasPrefix(k, prefix+"one:"), "key %s", k)
	}
}

// TestOpenErrorsNameNoPassword: a URL that does not parse is refused
// without its password in the error text.
func TestOpenErrorsNameNoPassword(t *testing.T) {
	for _, u := range []string{
		"redis://zcbridge:S3cretPW@bad host:6379/0",
		"redis://zcbridge:S3cretPW@127.0.0.1:6379/%zz",
		"redis://zcbridge:S3cretPW@127.0.0.1:6379/not-a-number",
	} {
		_, err := redisstore.Open(t.Context(), u)
		require.Error(t, err, u)
		assert.NotContains(t, err.Error(), "S3cretPW")
	}
}
