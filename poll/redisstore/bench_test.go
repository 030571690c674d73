package redisstore_test

import (
	"testing"

	"github.com/zcbridge/zcbridge/internal/servertest"
	"github.com/zcbridge/zcbridge/poll/redisstore"
	"github.com/zcbridge/zcbridge/poll/storetest"
)

func BenchmarkClaimComplete(b *testing.B) {
	rdb, prefix := servertest.Redis(b)
	storetest.BenchClaimComplete(b, redisstore.New(rdb, redisstore.WithPrefix(prefix)))
}
