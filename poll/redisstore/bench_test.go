package redisstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/internal/servertest"
	"github.com/zcbridge/zcbridge/poll/redisstore"
)

// BenchmarkClaimComplete measures one push's whole life in the store per
// op: claim, mark sending, accept and finish.
func BenchmarkClaimComplete(b *testing.B) {
	rdb, prefix := servertest.Redis(b)
	s := redisstore.New(rdb, redisstore.WithPrefix(prefix))
	ctx := context.Background()
	body := []byte(`{"source_id":"YX-2025-001","project_name":"实验室设备采购"}`)

	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := poll.Key{Flow: "intention", SourceID: "YX-" + strconv.Itoa(i), Revision: 1}
		i++
		l, _, err := s.Claim(ctx, k, "bench", time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.MarkSending(ctx, l, body); err != nil {
			b.Fatal(err)
		}
		if err := s.Accept(ctx, l, "R-"+k.SourceID); err != nil {
			b.Fatal(err)
		}
		if err := s.Finish(ctx, k, "published"); err != nil {
			b.Fatal(err)
		}
	}
}
