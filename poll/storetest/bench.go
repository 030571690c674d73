package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/zcbridge/zcbridge/poll"
)

// BenchClaimComplete measures one push's whole life in s per op: claim,
// mark sending, accept and finish, each op on a key of its own. s must be
// empty of the keys the benchmark makes (flow "intention", source IDs
// "YX" and nine digits, revision 1).
func BenchClaimComplete(b *testing.B, s poll.IdempotencyStore) {
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
		if err := s.Accept(ctx, l, "R-"+k.SourceID); err != nil {
			b.Fatal(err)
		}
		if err := s.Finish(ctx, k, "PUBLISHED"); err != nil {
			b.Fatal(err)
		}
	}
}
