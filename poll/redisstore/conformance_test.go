package redisstore_test

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/servertest"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/redisstore"
	"github.com/zcbridge/zcbridge/poll/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) poll.IdempotencyStore {
		rdb, prefix := servertest.Redis(t)
		return redisstore.New(rdb, redisstore.WithPrefix(prefix), redisstore.WithClock(now))
	})
}

func TestDurableConformance(t *testing.T) {
	storetest.RunDurable(t, func(t *testing.T) storetest.OpenStore {
		_, prefix := servertest.Redis(t) // deletes the prefix's keys after
		return func(t *testing.T, now func() time.Time) (poll.IdempotencyStore, io.Closer) {
			s, err := redisstore.Open(t.Context(), "redis://"+servertest.RedisAddr(),
				redisstore.WithPrefix(prefix), redisstore.WithClock(now))
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			return s, s
		}
	})
}
