package memstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/memstore"
)

// BenchmarkClaimComplete measures one push's store work per op: claim,
// mark sending, accept, finish.
func BenchmarkClaimComplete(b *testing.B) {
	s := memstore.New()
	ctx := b.Context()
	body := []byte(`{"source_id":"YX2026000001","revision":1,"title":"实验室设备采购意向"}`)

	b.ReportAllocs()
	n := 0
	for b.Loop() {
		k := poll.Key{Flow: "intention", SourceID: fmt.Sprintf("YX%09d", n), Revision: 1}
		n++
		l, _, err := s.Claim(ctx, k, "bench", time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.MarkSending(ctx, l, body); err != nil {
			b.Fatal(err)
		}
		if err := s.Accept(ctx, l, "R"); err != nil {
			b.Fatal(err)
		}
		if err := s.Finish(ctx, k, "PUBLISHED"); err != nil {
			b.Fatal(err)
		}
	}
}
